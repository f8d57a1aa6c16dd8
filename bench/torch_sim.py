#!/usr/bin/python3
"""PyTorch float64 implementation of one perturb simulation trial on the Fashion-MNIST convnet,
for `npm run bench` (bench/sim.ts). Run with Debian's interpreter, which has python3-torch:

    /usr/bin/python3 bench/torch_sim.py INPUT.json [--trials K] [--reps R] [--lockstep R]
                                                   [--only NAME,NAME...]

INPUT.json is written by bench/sim.ts:
    {"P": 4490, "image": [1, 28, 28], "count": 70000,
     "cache": path of perturb's Fashion-MNIST binary cache (64-byte header, count label bytes,
              count*784 pixel bytes), or null for random data of the right shape,
     "theta": base64 of P little-endian float64 (perturb's theta0 of fmnist-convnet),
     "theta0Loss": l(theta0) over all images as perturb computed it,
     "N": 10, "T": 10, "eta": 0.01, "testPoints": 32,
     "check": [{"train": [N image indices], "test": [M image indices]}, ...]}

A trial is perturb's (src/sim/trial.ts) for batch-1 SGD with one fixed-order epoch: draw N
training images and M test images (with replacement), T single-sample gradient steps
theta <- theta - eta * grad l_{x_t}(theta), then the mean loss increase over the test images
(their losses at theta0 looked up from the one pass over all images that gives l(theta0), as
perturb does), the training loss, test = l(theta0) + increase and the gap. Pixels stay bytes
and become float64 (byte/255) per gathered batch, as in perturb.

The project's baseline is the *fastest* formulation a PyTorch user would write, so several are
timed, each doing exactly that work per trial (10 single-sample SGD steps, 32 test losses at
theta_T minus their looked-up theta0 losses, the training loss on the 10 images):
  loop              a Python loop over trials, flat theta sliced per call, single-sample autograd;
  loop-layers       the same loop with one leaf tensor per layer, updated in place;
  vmap-flat-R       R trials in lockstep: theta [R, P], each SGD step one
                    functorch.vmap(functorch.grad(loss1)) over (theta_r, x_{r,t}, y_{r,t}), then
                    vmap over theta of the batched loss for the test and training losses;
  vmap-R            the same with per-layer [R, ...] parameter tensors;
  grouped-R         R trials in lockstep by hand: the convolutions one grouped convolution
                    (groups=R), the dense layers batched matmuls, one autograd call on the sum of
                    the R losses per step (torch_engine.make_layer_loss's `lockstep`);
  vmap-R+loop-eval, grouped-R+loop-eval
                    the lockstep SGD steps, then each trial's test and training losses by the
                    ordinary batched forward (a loop over the R trials): on the CPU in float64
                    the plain convolution over 32 images beats the grouped / vmapped one.
Timing: per formulation, trials per second as the median over --reps repetitions of
ceil(K / per-call) calls on indices drawn by torch's generator, after a warm-up.

The check trials use perturb's own image indices (from its random streams), so every
formulation's metrics on them must equal perturb's; a lockstep formulation runs them in a call
of the timed size (padded with drawn trials), so the checked path is the timed one.

Prints one JSON line on stdout: torch version, threads, `formulations` (name, trialsPerSecond,
rates, trialsPerBatch, trialsPerRep, check), `fastest` (its name), and, for the fastest,
trialsPerSecond, rates, trialsPerRep and check at the top level as before; l(theta0) with the
time of its pass over all images. Per-formulation progress goes to stderr.
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
from torch_engine import make_layer_loss, make_loss  # noqa: E402  (the same convnet, written once)

torch.set_default_dtype(torch.float64)


def f64(b64, n):
    raw = base64.b64decode(b64)
    assert len(raw) == 8 * n, (len(raw), n)
    return torch.tensor(struct.unpack("<%dd" % n, raw), dtype=torch.float64)


def load_images(path, count, pixels):
    """(labels uint8 [count], pixels uint8 [count, pixels]) from perturb's binary cache."""
    with open(path, "rb") as fh:
        blob = fh.read()
    assert blob[:8] == b"PTBIMAGE", "not a perturb image cache"
    n = struct.unpack("<I", blob[12:16])[0]
    assert n == count, (n, count)
    labels = torch.frombuffer(bytearray(blob[64:64 + n]), dtype=torch.uint8)
    pix = torch.frombuffer(bytearray(blob[64 + n:64 + n + n * pixels]), dtype=torch.uint8).view(n, pixels)
    return labels, pix


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("input")
    ap.add_argument("--trials", type=int, default=200, help="trials per timed repetition (whole lockstep batches)")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--lockstep", type=int, default=100, metavar="R", help="trials run in lockstep by the batched formulations")
    ap.add_argument("--only", default="", help="comma-separated formulation names to run (default: all)")
    args = ap.parse_args()
    torch.set_num_threads(1)
    from functorch import grad as fgrad, vmap

    cfg = json.load(open(args.input))
    image = tuple(cfg["image"])
    loss, loss1, _, P = make_loss(image)
    split, _, lloss, lloss1, lockstep = make_layer_loss(image)
    assert P == cfg["P"], (P, cfg["P"])
    count = cfg["count"]
    pixels = image[0] * image[1] * image[2]
    if cfg["cache"]:
        labels, pix = load_images(cfg["cache"], count, pixels)
        data = "Fashion-MNIST (perturb's cache)"
    else:
        g = torch.Generator().manual_seed(0)
        labels = torch.randint(0, 10, (count,), generator=g, dtype=torch.uint8)
        pix = torch.randint(0, 256, (count, pixels), generator=g, dtype=torch.uint8)
        data = "random bytes of Fashion-MNIST's shape"
    theta0 = f64(cfg["theta"], P)
    layers0 = split(theta0)
    N, T, eta, M = cfg["N"], cfg["T"], cfg["eta"], cfg["testPoints"]
    l0 = cfg["theta0Loss"]
    R = args.lockstep

    def batch(idx):
        """Images and labels of an index tensor of any shape S: x [*S, C, H, W], y [*S]."""
        flat = idx.reshape(-1)
        x = pix[flat].to(torch.float64).div_(255.0).view(*idx.shape, *image)
        return x, labels[flat].to(torch.int64).view(idx.shape)

    # the l(theta0) pass: every image's loss at theta0, kept (batched, 1000 at a time)
    t0 = time.perf_counter()
    base0 = torch.empty(count, dtype=torch.float64)
    with torch.no_grad():
        for s in range(0, count, 1000):
            idx = torch.arange(s, min(count, s + 1000))
            base0[idx] = loss(theta0, *batch(idx))
    loss_seconds = time.perf_counter() - t0
    own_l0 = float(base0.mean())

    def metrics(test_losses, train_losses, test_idx):
        """Per-trial metrics from the losses at theta_T: test [K, M], train [K, N]."""
        inc = (test_losses - base0[test_idx]).mean(-1)
        train = train_losses.mean(-1)
        out = []
        for a, b in zip(inc.tolist(), train.tolist()):
            test = l0 + a
            out.append({"test": test, "train": b, "gap": test - b, "test-increase": a})
        return out

    # --- one trial at a time (a Python loop over trials): K = 1 ------------------------------
    def loop_flat(train_idx, test_idx):
        """Flat theta, each layer's weights sliced out of it on every call."""
        xs, ys = batch(train_idx[0])
        xt, yt = batch(test_idx[0])
        th = theta0.clone()
        for t in range(T):
            n = t % N  # batch 1, fixed order
            th.requires_grad_(True)
            (g,) = torch.autograd.grad(loss1(th, xs[n], ys[n]), th)
            th = (th - eta * g).detach()
        with torch.no_grad():
            return metrics(loss(th, xt, yt)[None], loss(th, xs, ys)[None], test_idx)

    def loop_layers(train_idx, test_idx):
        """Per-layer leaf tensors, updated in place."""
        xs, ys = batch(train_idx[0])
        xt, yt = batch(test_idx[0])
        ps = [p.clone().requires_grad_(True) for p in layers0]
        for t in range(T):
            n = t % N
            gs = torch.autograd.grad(lloss1(ps, xs[n], ys[n]), ps)
            with torch.no_grad():
                for p, g in zip(ps, gs):
                    p.sub_(eta * g)
        with torch.no_grad():
            return metrics(lloss(ps, xt, yt)[None], lloss(ps, xs, ys)[None], test_idx)

    # --- R trials in lockstep: K = R ----------------------------------------------------------
    # Step t of every trial at once; each trial has its own parameters (leading dimension R) and
    # its own sample x_{r, t mod N}. Then each trial's 32 test and 10 training losses at its own
    # theta_T.
    vgrad_flat = vmap(fgrad(loss1))      # (theta [R,P], x [R,C,H,W], y [R]) -> grads [R,P]
    vloss_flat = vmap(loss)              # (theta [R,P], x [R,B,C,H,W], y [R,B]) -> [R,B]
    vgrad_layers = vmap(fgrad(lloss1))   # per-layer [R, ...] parameters
    vloss_layers = vmap(lloss)

    def vmap_flat(train_idx, test_idx):
        xs, ys = batch(train_idx)
        xt, yt = batch(test_idx)
        th = theta0.expand(len(train_idx), P).clone()
        for t in range(T):
            n = t % N
            th = th - eta * vgrad_flat(th, xs[:, n], ys[:, n])
        with torch.no_grad():
            return metrics(vloss_flat(th, xt, yt), vloss_flat(th, xs, ys), test_idx)

    def vmap_steps(train_idx, xs, ys):
        ps = [p.expand(len(train_idx), *p.shape).clone() for p in layers0]
        for t in range(T):
            n = t % N
            gs = vgrad_layers(ps, xs[:, n], ys[:, n])
            ps = [p - eta * g for p, g in zip(ps, gs)]
        return ps

    def grouped_steps(train_idx, xs, ys):
        ps = [p.expand(len(train_idx), *p.shape).clone().requires_grad_(True) for p in layers0]
        for t in range(T):
            n = t % N
            # trials are independent, so the gradient of the sum is every trial's own gradient
            gs = torch.autograd.grad(lockstep(ps, xs[:, n:n + 1], ys[:, n:n + 1]).sum(), ps)
            with torch.no_grad():
                for p, g in zip(ps, gs):
                    p.sub_(eta * g)
        return ps

    def per_trial_eval(ps, xs, ys, xt, yt):
        """Each trial's test and training losses at its own theta_T by the ordinary batched
        forward (32 and 10 images): faster on the CPU than the grouped or vmapped forward."""
        te, tr = [], []
        for r in range(len(xs)):
            pr = [p[r] for p in ps]
            te.append(lloss(pr, xt[r], yt[r]))
            tr.append(lloss(pr, xs[r], ys[r]))
        return torch.stack(te), torch.stack(tr)

    def lockstep_run(steps, evaluate):
        def run(train_idx, test_idx):
            xs, ys = batch(train_idx)
            xt, yt = batch(test_idx)
            ps = steps(train_idx, xs, ys)
            with torch.no_grad():
                ps = [p.detach() for p in ps]
                return metrics(*evaluate(ps, xs, ys, xt, yt), test_idx)
        return run

    formulations = [
        # (name, trials per call, function of (train_idx [K,N], test_idx [K,M]) -> K metric dicts)
        ("loop", 1, loop_flat),
        ("loop-layers", 1, loop_layers),
        ("vmap-flat-%d" % R, R, vmap_flat),
        ("vmap-%d" % R, R, lockstep_run(vmap_steps, lambda ps, xs, ys, xt, yt: (vloss_layers(ps, xt, yt), vloss_layers(ps, xs, ys)))),
        ("grouped-%d" % R, R, lockstep_run(grouped_steps, lambda ps, xs, ys, xt, yt: (lockstep(ps, xt, yt), lockstep(ps, xs, ys)))),
        ("vmap-%d+loop-eval" % R, R, lockstep_run(vmap_steps, per_trial_eval)),
        ("grouped-%d+loop-eval" % R, R, lockstep_run(grouped_steps, per_trial_eval)),
    ]
    if args.only:
        keep = args.only.split(",")
        formulations = [f for f in formulations if f[0] in keep]

    gen = torch.Generator().manual_seed(1)

    def draw(k):
        return (torch.randint(0, count, (k, N), generator=gen), torch.randint(0, count, (k, M), generator=gen))

    check_train = torch.tensor([c["train"] for c in cfg["check"]], dtype=torch.int64).view(-1, N)
    check_test = torch.tensor([c["test"] for c in cfg["check"]], dtype=torch.int64).view(-1, M)
    K = len(check_train)
    results = []
    for name, per, fn in formulations:
        # The check trials, in a call of the same size as the timed ones (padded with drawn trials
        # when the call holds more), so the checked code path is the timed one.
        check = []
        for s in range(0, K, per):
            tr, te = check_train[s:s + per], check_test[s:s + per]
            if len(tr) < per:
                dtr, dte = draw(per - len(tr))
                tr, te = torch.cat([tr, dtr]), torch.cat([te, dte])
            check += fn(tr, te)[:min(per, K - s)]
        calls = max(1, -(-args.trials // per))
        for _ in range(max(1, -(-5 // per))):  # warm-up: 5 trials, or one lockstep call
            fn(*draw(per))
        rates = []
        for _ in range(args.reps):
            t0 = time.perf_counter()
            for _ in range(calls):
                fn(*draw(per))
            rates.append(calls * per / (time.perf_counter() - t0))
        results.append({"name": name, "trialsPerSecond": statistics.median(rates), "rates": rates,
                        "trialsPerBatch": per, "trialsPerRep": calls * per, "check": check})
        print("  %-24s %7.1f trials/s  (reps %s)" % (name, results[-1]["trialsPerSecond"], ", ".join("%.1f" % r for r in rates)),
              file=sys.stderr)

    fastest = max(results, key=lambda r: r["trialsPerSecond"])
    print(json.dumps({
        "torch": torch.__version__, "threads": torch.get_num_threads(), "data": data,
        "trialsPerSecond": fastest["trialsPerSecond"], "rates": fastest["rates"], "trialsPerRep": fastest["trialsPerRep"],
        "check": fastest["check"], "theta0Loss": own_l0, "theta0LossSeconds": loss_seconds,
        "formulations": results, "fastest": fastest["name"], "lockstep": R,
    }))


if __name__ == "__main__":
    main()
