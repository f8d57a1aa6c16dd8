#!/usr/bin/python3
"""PyTorch float64 implementation of perturb's sampled diagram-value estimator (src/stats), for
`npm run bench` (bench/stats.ts). Run with Debian's interpreter, which has python3-torch:

    /usr/bin/python3 bench/torch_stats.py INPUT.json [--check K] [--reps R] [--target SECONDS]

INPUT.json is written by bench/stats.ts:
    {"P": 4490, "image": [1, 28, 28],
     "theta": base64 of P little-endian float64 (the fmnist-convnet landscape's theta0),
     "diagrams": [{"key": "(01)(0-1)", "parent": [-1, 0], "part": [0, 1]}, ...],
     "pool": 4, "draws": N,
     "images": base64 of N*pool*C*H*W float64 (draw-major, then pool slot, then C, H, W),
     "labels": base64 of N*pool float64}
Draw s uses pool s: part p of every diagram uses sample p of the pool (one sample per part).

The estimator is the one of src/stats/uvalue.ts (`Contractor`), written generically from each
diagram's parent/part arrays: a non-root node v with children c1..cj sends its parent the covector
    u_v = grad_theta( D^j l_{x_part(v)}(theta)[u_c1, ..., u_cj] )   (a leaf: grad l_x)
computed by j+1 nested backward passes (grad, double backward for HVP-type, triple backward for
grad D^2 ...); the root's value is D^j l_{x_part(0)}(theta)[u_c1, ..., u_cj] (j = 0: the loss),
taken (j >= 1) as the dot product of u_cj, the last child in key order, with the covector
grad(D^(j-1) l[u_c1, ..., u_c(j-1)]) -- the one a non-root node of the root's part with those
children would send, memoized under the same key (so every root with one child reads the same
grad l). Covectors are memoized within a draw under exactly the key Contractor uses,
"x<part slot>(<sorted children's keys joined by ','>)", so both implementations do the same number
of gradient / HVP / grad-D^2 evaluations per draw.

Prints one JSON line on stdout: torch version, draws per second (median over repetitions), the
per-draw values of the first K draws (for the agreement check), and the evaluations per draw.
"""
import argparse
import base64
import json
import os
import statistics
import struct
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_engine import make_loss  # noqa: E402  (the same convnet, same parameter layout)

torch.set_default_dtype(torch.float64)


def f64(b64):
    raw = base64.b64decode(b64)
    return torch.tensor(struct.unpack("<%dd" % (len(raw) // 8), raw), dtype=torch.float64)


def load_input(path, script):
    """bench/stats.ts's input file: (the JSON, image shape, the batched and per-sample losses,
    theta0), with P checked against the convnet's layout; one thread, as every bench row."""
    torch.set_num_threads(1)
    with open(path) as fh:
        inp = json.load(fh)
    image = tuple(inp["image"])
    loss, loss1, _, P = make_loss(image)
    if P != inp["P"]:
        sys.exit("%s: P = %d from the layout, %d in the input" % (script, P, inp["P"]))
    return inp, image, loss, loss1, f64(inp["theta"])


class Estimator:
    """Every diagram's contraction for one draw (one pool of samples), as Contractor does it."""

    def __init__(self, loss1, theta, diagrams):
        self.loss1 = loss1
        self.theta = theta.detach().clone().requires_grad_(True)
        self.diagrams = []
        for d in diagrams:
            parent, part = d["parent"], d["part"]
            children = [[] for _ in parent]
            for v, p in enumerate(parent):
                if v > 0:
                    children[p].append(v)
            self.diagrams.append((children, part))
        self.counts = {}
        self.memo = {}

    def _count(self, kind):
        self.counts[kind] = self.counts.get(kind, 0) + 1

    def grad_derivative(self, dirs, x, y):
        """grad_theta D^j l_x(theta)[dirs...] by j+1 nested backward passes."""
        self._count("grad D%d" % len(dirs))
        th = self.theta
        f = self.loss1(th, x, y)
        for u in dirs:
            (g,) = torch.autograd.grad(f, th, create_graph=True)
            f = g @ u
        (g,) = torch.autograd.grad(f, th)
        return g

    def derivative(self, dirs, x, y):
        """D^j l_x(theta)[dirs...] (a float): j nested grad-dot products (j = 0: the loss)."""
        self._count("D%d" % len(dirs))
        th = self.theta
        if not dirs:
            with torch.no_grad():
                return float(self.loss1(th, x, y))
        f = self.loss1(th, x, y)
        for u in dirs[:-1]:
            (g,) = torch.autograd.grad(f, th, create_graph=True)
            f = g @ u
        (g,) = torch.autograd.grad(f, th)
        return float(g @ dirs[-1])

    def gradient(self, slot, sub, pool):
        """grad D^j l_{x_slot}[sub's vectors], memoized under Contractor's key."""
        key = "x%d(%s)" % (slot, ",".join(k for k, _ in sub))
        vec = self.memo.get(key)
        if vec is None:
            x, y = pool[slot]
            vec = self.grad_derivative([u for _, u in sub], x, y)
            self.memo[key] = vec
        return key, vec

    def covector(self, children, part, v, pool):
        sub = [self.covector(children, part, c, pool) for c in children[v]]
        sub.sort(key=lambda kv: kv[0])  # Contractor sorts children by key (ASCII: same order as JS)
        return self.gradient(part[v], sub, pool)

    def draw(self, pool):
        """Values of every diagram (input order) for one pool [(x [C,H,W], label), ...]."""
        self.memo.clear()
        out = []
        for children, part in self.diagrams:
            if not children[0]:
                x, y = pool[part[0]]
                out.append(self.derivative([], x, y))
                continue
            sub = sorted((self.covector(children, part, c, pool) for c in children[0]), key=lambda kv: kv[0])
            _, g = self.gradient(part[0], sub[:-1], pool)
            out.append(float(g @ sub[-1][1]))
        return out


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("input")
    ap.add_argument("--check", type=int, default=4, help="draws whose values are reported")
    ap.add_argument("--reps", type=int, default=3, help="timed repetitions (median)")
    ap.add_argument("--target", type=float, default=1.5, help="seconds per repetition")
    args = ap.parse_args()
    inp, image, _, loss1, theta = load_input(args.input, "torch_stats.py")
    n, pool_size = inp["draws"], inp["pool"]
    images = f64(inp["images"]).view(n, pool_size, *image)
    labels = f64(inp["labels"]).view(n, pool_size).to(torch.int64)
    pools = [[(images[s, i], labels[s, i]) for i in range(pool_size)] for s in range(n)]
    est = Estimator(loss1, theta, inp["diagrams"])

    # The values of the first draws (also the warm-up), and the evaluations one draw takes.
    values = [est.draw(pools[s]) for s in range(min(args.check, n))]
    est.counts = {}
    est.draw(pools[0])
    per_draw = dict(est.counts)

    # Timing: repetitions of `inner` draws cycling through the pools, inner chosen so one
    # repetition takes about `target` seconds.
    t = time.perf_counter()
    est.draw(pools[1 % n])
    one = max(time.perf_counter() - t, 1e-6)
    inner = max(1, int(round(args.target / one)))
    rates = []
    s = 0
    for r in range(args.reps):
        t = time.perf_counter()
        for _ in range(inner):
            est.draw(pools[s % n])
            s += 1
        dt = time.perf_counter() - t
        rates.append(inner / dt)
        print("  torch rep %d: %d draws in %.2f s" % (r, inner, dt), file=sys.stderr)
    print(json.dumps({
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "drawsPerSecond": statistics.median(rates),
        "rates": rates,
        "drawsPerRep": inner,
        "evaluationsPerDraw": per_draw,
        "values": values,
    }))


if __name__ == "__main__":
    main()
