#!/usr/bin/python3
"""PyTorch float64 implementation of one perturb simulation trial on the Fashion-MNIST convnet,
for `npm run bench` (bench/sim.ts). Run with Debian's interpreter, which has python3-torch:

    /usr/bin/python3 bench/torch_sim.py INPUT.json [--trials K] [--reps R]

INPUT.json is written by bench/sim.ts:
    {"P": 4490, "image": [1, 28, 28], "count": 70000,
     "cache": path of perturb's Fashion-MNIST binary cache (64-byte header, count label bytes,
              count*784 pixel bytes), or null for random data of the right shape,
     "theta": base64 of P little-endian float64 (perturb's theta0 of fmnist-convnet),
     "theta0Loss": l(theta0) over all images as perturb computed it,
     "N": 10, "T": 10, "eta": 0.01, "testPoints": 32,
     "check": [{"train": [N image indices], "test": [M image indices]}, ...]}

The loop is perturb's trial (src/sim/trial.ts) for batch-1 SGD with one fixed-order epoch:
draw N training images and M test images (with replacement), T single-sample gradient steps
theta <- theta - eta * grad l_{x_t}(theta), then the mean loss increase over the test images
(their losses at theta0 looked up from the one pass over all images that gives l(theta0), as
perturb does), the training loss, test = l(theta0) + increase and the gap. Pixels stay bytes
and become float64 (byte/255) per gathered batch, as in perturb. Forward passes over a batch
are batched (one call); gradients are single-sample autograd calls. A second formulation runs
R trials (--lockstep, default 100) in lockstep: each SGD step one functorch vmap(grad) over the
R trials' own θ and image, the losses at θ_T one vmap of the batched loss. The faster of the two
is the baseline bench/sim.ts judges perturb by.

The check trials use perturb's own image indices (from its random streams), so their metrics
must equal perturb's; timing trials draw indices from torch's generator.

Prints one JSON line on stdout: torch version, threads, trials per second of the fastest
formulation (median over repetitions), every formulation's, the check trials' metrics (both ways), and l(theta0) with the time of its pass over all images.
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
from torch_engine import make_loss  # noqa: E402  (the same convnet, written once)

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
    ap.add_argument("--trials", type=int, default=200)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--lockstep", type=int, default=100, help="trials per vmap batch")
    args = ap.parse_args()
    torch.set_num_threads(1)
    cfg = json.load(open(args.input))
    image = tuple(cfg["image"])
    loss, loss1, _, P = make_loss(image)
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
    N, T, eta, M = cfg["N"], cfg["T"], cfg["eta"], cfg["testPoints"]
    l0 = cfg["theta0Loss"]

    def batch(idx):
        x = pix[idx].to(torch.float64).div_(255.0).view(len(idx), *image)
        return x, labels[idx].to(torch.int64)

    # the l(theta0) pass: every image's loss at theta0, kept (batched, 1000 at a time)
    t0 = time.perf_counter()
    base0 = torch.empty(count, dtype=torch.float64)
    with torch.no_grad():
        for s in range(0, count, 1000):
            idx = torch.arange(s, min(count, s + 1000))
            base0[idx] = loss(theta0, *batch(idx))
    loss_seconds = time.perf_counter() - t0
    own_l0 = float(base0.mean())

    def trial(train_idx, test_idx):
        xs, ys = batch(train_idx)
        xt, yt = batch(test_idx)
        base = base0[test_idx]
        th = theta0.clone()
        for t in range(T):
            n = t % N  # batch 1, fixed order
            th.requires_grad_(True)
            (g,) = torch.autograd.grad(loss1(th, xs[n], ys[n]), th)
            th = (th - eta * g).detach()
        with torch.no_grad():
            inc = float((loss(th, xt, yt) - base).mean())
            train = float(loss(th, xs, ys).mean())
        test = l0 + inc
        return {"test": test, "train": train, "gap": test - train, "test-increase": inc}

    from functorch import grad as fgrad, vmap

    # The same trials R at a time in lockstep, the way a PyTorch user batches independent runs:
    # each SGD step is one vmap(grad) over the R trials' own θ and image; the test and training
    # losses at θ_T are one vmap over the R trials of the batched loss.
    step_grads = vmap(fgrad(loss1), in_dims=(0, 0, 0))
    batched_loss = vmap(loss, in_dims=(0, 0, 0))

    def trials_lockstep(train_idx, test_idx):
        """train_idx [R, N], test_idx [R, M] -> a metrics dict per trial."""
        R = train_idx.shape[0]
        xs, ys = batch(train_idx.reshape(-1))
        xs, ys = xs.view(R, N, *image), ys.view(R, N)
        xt, yt = batch(test_idx.reshape(-1))
        xt, yt = xt.view(R, M, *image), yt.view(R, M)
        base = base0[test_idx]
        th = theta0.expand(R, P).clone()
        for t in range(T):
            n = t % N
            th = th - eta * step_grads(th, xs[:, n], ys[:, n])
        with torch.no_grad():
            inc = (batched_loss(th, xt, yt) - base).mean(1)
            train = batched_loss(th, xs, ys).mean(1)
        return [{"test": l0 + float(i), "train": float(r), "gap": l0 + float(i) - float(r), "test-increase": float(i)}
                for i, r in zip(inc, train)]

    check = [trial(torch.tensor(c["train"]), torch.tensor(c["test"])) for c in cfg["check"]]
    check_lockstep = trials_lockstep(torch.tensor([c["train"] for c in cfg["check"]]), torch.tensor([c["test"] for c in cfg["check"]]))

    gen = torch.Generator().manual_seed(1)

    def draw():
        return (torch.randint(0, count, (N,), generator=gen), torch.randint(0, count, (M,), generator=gen))

    for _ in range(5):  # warm-up
        trial(*draw())
    rates = []
    for _ in range(args.reps):
        t0 = time.perf_counter()
        for _ in range(args.trials):
            trial(*draw())
        rates.append(args.trials / (time.perf_counter() - t0))
    formulations = [{"name": "loop", "trialsPerSecond": statistics.median(rates), "rates": rates, "trialsPerBatch": 1}]

    R = args.lockstep

    def draw_lockstep():
        return (torch.randint(0, count, (R, N), generator=gen), torch.randint(0, count, (R, M), generator=gen))

    trials_lockstep(*draw_lockstep())  # warm-up
    lrates = []
    for _ in range(args.reps):
        reps = max(1, args.trials // R)
        t0 = time.perf_counter()
        for _ in range(reps):
            trials_lockstep(*draw_lockstep())
        lrates.append(reps * R / (time.perf_counter() - t0))
    formulations.append({"name": "vmap-%d" % R, "trialsPerSecond": statistics.median(lrates), "rates": lrates, "trialsPerBatch": R})
    fastest = max(formulations, key=lambda f: f["trialsPerSecond"])

    print(json.dumps({
        "torch": torch.__version__, "threads": torch.get_num_threads(), "data": data,
        "trialsPerSecond": fastest["trialsPerSecond"], "rates": fastest["rates"], "trialsPerRep": args.trials,
        "formulations": formulations, "fastest": fastest["name"],
        "check": check, "checkLockstep": check_lockstep, "theta0Loss": own_l0, "theta0LossSeconds": loss_seconds,
    }))


if __name__ == "__main__":
    main()
