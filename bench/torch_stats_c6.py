#!/usr/bin/python3
"""The paper's batched estimator of diagram values (appendix C.6: batch means per part, with the
Bessel-type corrections of its equation 7 and boxed inversion) in PyTorch float64, for
`npm run bench -- stats` (bench/stats.ts, section "C.6"). Run with Debian's interpreter:

    /usr/bin/python3 bench/torch_stats_c6.py INPUT.json --S 4,16 --K 40 [--seed N]
    /usr/bin/python3 bench/torch_stats_c6.py --selftest

INPUT.json (written by bench/stats.ts):
    {"P": 4490, "image": [1, 28, 28], "theta": base64 of P float64 (theta0 = init(1)),
     "diagrams": [{"key": ..., "parent": [...], "part": [...]}, ...],
     "count": 70000, "pixels": path of a raw file of count*C*H*W uint8 (x = u8 / 255 exactly),
     "labels": base64 of count float64}
The population is the data set, drawn uniformly with replacement (as the fmnist-convnet landscape
draws it); this script draws its own samples with torch.Generator(seed).

Estimator. A diagram is a tree on D nodes with a partition mu of its nodes (node 0, the root, alone
in its part for test-loss diagrams). Each draw takes D blocks of S fresh samples; block b is the
samples [b*S, (b+1)*S). For a partition tau of the nodes, {x}_tau is the contraction of the tree in
which node v's tensor is the batch mean over block min(tau-part of v) of its derivative tensor of
the per-sample loss. As a tensor's batch mean is the tensor of the batch-mean loss L_B, this is
perturb's covector contraction (docs/theory.md §2) with l_x replaced by L_B: one batched gradient /
HVP / grad-D^2 of L_B per non-root node, and at the root D^j L_B[u_1..u_j] as the dot of the last
child's covector with the covector grad D^(j-1) L_B[u_1..u_(j-1)], covectors memoized per draw
under "b<block>(<sorted children keys>)" (so roots that differ in their last child share one). By C.6 (7),
    E[{x}_mu] = sum_{tau <= mu} prod_parts p [ S(S-1)...(S-b_p(tau)+1) / S^|p| ] <x>_tau,
tau ranging over refinements of mu (b_p(tau) = number of tau-blocks inside part p), whence the boxed
    <x>_mu = prod_p S^(|p|-1) {x}_mu - sum_{tau < mu} prod_p (S-1)...(S-b_p(tau)+1) <x>_tau,
applied recursively (the <x>_tau on the right are themselves estimated the same way, from the
same draw's blocks), so est(mu) = sum_tau c(mu, tau) {x}_tau with exact integer coefficients.
(The paper's fully symmetric example writes {x} for the finer terms; taken literally that is
biased, since {x}_{0|12} is itself a biased estimate of <x>_{0|12}; the recursion is what (7)
gives.)

--selftest checks unbiasedness exactly, in rational arithmetic: for scalar "tensors" (P = 1,
node v's tensor a_{k_v}(x) for an arbitrary population of 2-3 weighted atoms) it averages the
estimator over every possible draw (all atom assignments of the D*S samples, with their
probabilities) and compares with the exact <x>_mu = prod_p E_x[prod_{v in p} a_{k_v}(x)], for every
order-3 test diagram's partition and every refinement, at S = 1, 2, 3.

--check-contraction (with INPUT.json; theta0 and the diagrams from it, random images in [0,1]
and labels) checks the batched contraction deterministically against bench/torch_stats.py's
per-sample one (itself checked against perturb's sampled values to 1e-10 by bench/stats.ts):
(a) S = 1: every diagram's C.6 value equals the per-sample estimator's on the same samples;
(b) S = 2, every diagram whose parts are all single nodes (no corrections): {x}_mu equals the
mean over the 2^D choices of one sample per block of the per-sample contraction
(multilinearity). Prints the largest relative differences.
"""
import argparse
import itertools
import json
import os
import sys
import time
from fractions import Fraction

# ---------------------------------------------------------------------------------------------
# Partitions and coefficients (pure Python: exact integers)
# ---------------------------------------------------------------------------------------------


def set_partitions(items):
    """All set partitions of the list `items`, each a list of lists."""
    if not items:
        yield []
        return
    first, rest = items[0], items[1:]
    for p in set_partitions(rest):
        for i in range(len(p)):
            yield p[:i] + [[first] + p[i]] + p[i + 1:]
        yield [[first]] + p


def labels_of(blocks, D):
    """A partition as a tuple: node -> the smallest node of its block (the paper's map mu)."""
    lab = [None] * D
    for b in blocks:
        m = min(b)
        for v in b:
            lab[v] = m
    return tuple(lab)


def blocks_of(lab):
    out = {}
    for v, m in enumerate(lab):
        out.setdefault(m, []).append(v)
    return [out[m] for m in sorted(out)]


def falling(n, k):
    """n (n-1) ... (n-k+1); 0 when k > n >= 0."""
    r = 1
    for i in range(k):
        r *= n - i
    return r


def refinements(lab):
    """Every partition tau <= mu (each part of mu split in every way), as label tuples."""
    D = len(lab)
    per_part = [list(set_partitions(p)) for p in blocks_of(lab)]
    for choice in itertools.product(*per_part):
        yield labels_of([b for split in choice for b in split], D)


def coefficients(lab, S, memo=None):
    """est(mu) = sum_tau c[tau] {x}_tau: the recursion of the boxed formula, exact integers."""
    memo = {} if memo is None else memo
    key = (lab, S)
    if key in memo:
        return memo[key]
    parts = blocks_of(lab)
    lead = 1
    for p in parts:
        lead *= S ** (len(p) - 1)
    c = {lab: lead}
    for tau in refinements(lab):
        if tau == lab:
            continue
        w = 1
        for p in parts:
            b = len({tau[v] for v in p})
            w *= falling(S - 1, b - 1)
        if w == 0:
            continue
        for t2, c2 in coefficients(tau, S, memo).items():
            c[t2] = c.get(t2, 0) - w * c2
    c = {t: v for t, v in c.items() if v != 0}
    memo[key] = c
    return c


def children_of(parent):
    ch = [[] for _ in parent]
    for v, p in enumerate(parent):
        if v > 0:
            ch[p].append(v)
    return ch


# ---------------------------------------------------------------------------------------------
# Self-test: exact unbiasedness with scalar tensors
# ---------------------------------------------------------------------------------------------


def selftest():
    import random
    rnd = random.Random(7)
    # Every order-3 test diagram's tree and partition, plus refinements (same shapes as the bench).
    trees = [[-1], [-1, 0], [-1, 0, 0], [-1, 0, 1], [-1, 0, 0, 0], [-1, 0, 0, 1], [-1, 0, 1, 1], [-1, 0, 1, 2]]
    checked = 0
    for atoms in (2, 3):
        w = [Fraction(rnd.randint(1, 5)) for _ in range(atoms)]
        tot = sum(w)
        w = [x / tot for x in w]
        # a[k][x]: the (scalar) k-th derivative of atom x's loss; arbitrary rationals.
        a = [[Fraction(rnd.randint(-7, 7), rnd.randint(1, 4)) for _ in range(atoms)] for _ in range(5)]
        for parent in trees:
            D = len(parent)
            deg = [len(children_of(parent)[v]) + (1 if v > 0 else 0) for v in range(D)]
            # test-loss partitions: root alone; all partitions of the others
            for rest in set_partitions(list(range(1, D))):
                mu = labels_of([[0]] + rest, D)

                def exact(lab):
                    r = Fraction(1)
                    for p in blocks_of(lab):
                        r *= sum(w[x] * prod(a[deg[v]][x] for v in p) for x in range(atoms))
                    return r

                for S in (1, 2, 3):
                    if atoms ** (D * S) > 30000:
                        continue
                    c = coefficients(mu, S)
                    mean = Fraction(0)
                    for pool in itertools.product(range(atoms), repeat=D * S):
                        pr = prod(w[x] for x in pool)
                        est = Fraction(0)
                        for tau, ct in c.items():
                            val = Fraction(1)
                            for v in range(D):
                                blk = pool[tau[v] * S:(tau[v] + 1) * S]
                                val *= sum(a[deg[v]][x] for x in blk) / S
                            est += ct * val
                        mean += pr * est
                    if mean != exact(mu):
                        sys.exit("selftest FAILED: parent %s mu %s S %d: E[est] = %s, exact %s" % (parent, mu, S, mean, exact(mu)))
                    checked += 1
    print(json.dumps({"selftest": "ok", "cases": checked}))


def prod(xs):
    r = Fraction(1)
    for x in xs:
        r *= x
    return r


# ---------------------------------------------------------------------------------------------
# The estimator on the convnet
# ---------------------------------------------------------------------------------------------


class C6:
    def __init__(self, loss, theta, diagrams, S):
        import torch
        self.torch = torch
        self.loss = loss
        self.S = S
        self.theta = theta.detach().clone().requires_grad_(True)
        self.diagrams = []
        self.D = max(len(d["parent"]) for d in diagrams)
        memo = {}
        for d in diagrams:
            parent = d["parent"]
            D = len(parent)
            mu = labels_of([[v for v in range(D) if d["part"][v] == q] for q in sorted(set(d["part"]))], D)
            self.diagrams.append((children_of(parent), list(coefficients(mu, S, memo).items())))
        self.counts = {}

    def _count(self, k):
        self.counts[k] = self.counts.get(k, 0) + 1

    def _f(self, block):
        x, y = self.blocks[block]
        return self.loss(self.theta, x, y).mean()

    def gradient(self, block, sub):
        """grad of D^j L_B[sub's vectors] on the block's batch-mean loss, memoized by key."""
        key = "b%d(%s)" % (block, ",".join(k for k, _ in sub))
        vec = self.memo.get(key)
        if vec is None:
            torch = self.torch
            self._count("grad D%d" % len(sub))
            f = self._f(block)
            for _, u in sub:
                (g,) = torch.autograd.grad(f, self.theta, create_graph=True)
                f = g @ u
            (vec,) = torch.autograd.grad(f, self.theta)
            self.memo[key] = vec
        return key, vec

    def covector(self, children, lab, v):
        sub = sorted((self.covector(children, lab, c) for c in children[v]), key=lambda kv: kv[0])
        return self.gradient(lab[v], sub)

    def root(self, children, lab):
        """D^j L_B[u_1..u_j] at the root's block: (j >= 1) the dot of the last child's covector (key
        order) with the memoized covector of the other children, as perturb's Contractor does, so
        roots that differ only in their last child share one gradient."""
        sub = sorted((self.covector(children, lab, c) for c in children[0]), key=lambda kv: kv[0])
        if not sub:
            key = "r%d()" % lab[0]
            val = self.memo.get(key)
            if val is None:
                self._count("D0")
                with self.torch.no_grad():
                    val = float(self._f(lab[0]))
                self.memo[key] = val
            return val
        _, g = self.gradient(lab[0], sub[:-1])
        return float(g @ sub[-1][1])

    def draw(self, xs, ys):
        """Estimates of every diagram from one draw: xs [D*S, C, H, W], ys [D*S]."""
        S = self.S
        self.blocks = [(xs[b * S:(b + 1) * S], ys[b * S:(b + 1) * S]) for b in range(self.D)]
        self.memo = {}
        return [sum(c * self.root(children, tau) for tau, c in coefs) for children, coefs in self.diagrams]


def check_contraction(loss, loss1, theta, diagrams):
    import torch
    from torch_stats import Estimator
    g = torch.Generator().manual_seed(3)
    worst1 = worst2 = 0.0
    rel = lambda a, b: abs(a - b) / max(abs(b), 1e-300)
    for _ in range(2):
        px, py = torch.rand(4, 1, 28, 28, generator=g), torch.randint(10, (4,), generator=g)
        ref = Estimator(loss1, theta, diagrams).draw([(px[i], py[i]) for i in range(4)])
        for k, d in enumerate(diagrams):
            D = len(d["part"])
            idx = [d["part"][v] for v in range(D)]  # block v (a part's smallest node) -> sample part[v]
            worst1 = max(worst1, rel(C6(loss, theta, [d], 1).draw(px[idx], py[idx])[0], ref[k]))
    S = 2
    xs, ys = torch.rand(4 * S, 1, 28, 28, generator=g), torch.randint(10, (4 * S,), generator=g)
    n2 = 0
    for d in diagrams:
        D = len(d["parent"])
        if len(set(d["part"])) != D:
            continue
        n2 += 1
        val = C6(loss, theta, [d], S).draw(xs, ys)[0]
        est = Estimator(loss1, theta, [d])
        acc = 0.0
        for ch in itertools.product(range(S), repeat=D):
            acc += est.draw([(xs[v * S + ch[v]], ys[v * S + ch[v]]) for v in range(D)])[0]
        worst2 = max(worst2, rel(val, acc / S ** D))
    return {"s1MaxRelDiff": worst1, "s1Values": 2 * len(diagrams), "s2MaxRelDiff": worst2, "s2Diagrams": n2}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("input", nargs="?")
    ap.add_argument("--S", default="4,16", help="samples per block, comma-separated")
    ap.add_argument("--K", default="40", help="independent draws per S (one number, or one per S)")
    ap.add_argument("--seed", type=int, default=20240605)
    ap.add_argument("--selftest", action="store_true")
    ap.add_argument("--check-contraction", action="store_true")
    args = ap.parse_args()
    if args.selftest:
        selftest()
        return
    import torch
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from torch_stats import f64, load_input  # the same input format and convnet as the per-sample estimator
    inp, image, loss, loss1, theta = load_input(args.input, "torch_stats_c6.py")
    if args.check_contraction:
        print(json.dumps(check_contraction(loss, loss1, theta, inp["diagrams"])))
        return
    count = inp["count"]
    with open(inp["pixels"], "rb") as fh:
        u8 = torch.frombuffer(bytearray(fh.read()), dtype=torch.uint8)
    images = (u8.to(torch.float64) / 255.0).view(count, *image)
    labels = f64(inp["labels"]).to(torch.int64)
    Ss = [int(s) for s in args.S.split(",")]
    Ks = [int(k) for k in args.K.split(",")]
    if len(Ks) == 1:
        Ks = Ks * len(Ss)
    gen = torch.Generator().manual_seed(args.seed)
    out = []
    for S, K in zip(Ss, Ks):
        est = C6(loss, theta, inp["diagrams"], S)
        n = est.D * S
        # warm-up draw (not counted)
        idx = torch.randint(count, (n,), generator=gen)
        est.draw(images[idx], labels[idx])
        est.counts = {}
        values, seconds = [], 0.0
        for k in range(K):
            idx = torch.randint(count, (n,), generator=gen)
            xs, ys = images[idx], labels[idx]
            t = time.perf_counter()
            values.append(est.draw(xs, ys))
            seconds += time.perf_counter() - t
        calls = {k: v / K for k, v in est.counts.items()}
        print("  C.6 S=%d: %d draws in %.2f s" % (S, K, seconds), file=sys.stderr)
        out.append({"S": S, "K": K, "seconds": seconds, "values": values, "callsPerDraw": calls,
                    "terms": [len(c) for _, c in est.diagrams]})
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "runs": out}))


if __name__ == "__main__":
    main()
