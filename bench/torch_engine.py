#!/usr/bin/python3
"""PyTorch float64 reference and benchmark for perturb's convnet (docs/theory.md §5).

Run with Debian's interpreter, which has python3-torch (torch 1.13 + functorch):

    /usr/bin/python3 bench/torch_engine.py fixture --out bench/fixtures/convnet-reference.json
    /usr/bin/python3 bench/torch_engine.py bench [--shape fmnist|cifar] [--reps R]

Only bench runs and fixture generation use Python; perturb's tests read the committed fixture.

Inputs come from a fixed-seed generator mirrored exactly by bench/convnet-inputs.ts
(see `convnet_inputs` below for the stream order).
"""
import argparse
import base64
import json
import math
import statistics
import struct
import sys
import time

import torch

torch.set_default_dtype(torch.float64)

MASK64 = (1 << 64) - 1

# ---------------------------------------------------------------------------------------------
# Fixed-seed input generator (mirror of bench/convnet-inputs.ts)
# ---------------------------------------------------------------------------------------------


class SplitMix64:
    """splitmix64 over 64-bit integers; state starts at the seed."""

    def __init__(self, seed):
        self.state = seed & MASK64

    def next_u64(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK64
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        return z ^ (z >> 31)

    def uniform(self):
        # (x >> 11) * 2**-53: exact in float64 in every language, in [0, 1).
        return (self.next_u64() >> 11) * (2.0 ** -53)

    def normal(self):
        # Box-Muller, cosine branch only; 1 - u1 in (0, 1] avoids log 0.
        u1 = self.uniform()
        u2 = self.uniform()
        return math.sqrt(-2.0 * math.log(1.0 - u1)) * math.cos(2.0 * math.pi * u2)


SHAPES = {"fmnist": (1, 28, 28), "cifar": (3, 32, 32)}


def convnet_layout(image):
    """Flat parameter layout: list of (name, shape, offset, scale). Scale multiplies the raw
    weights in the forward pass (sqrt(2/(fan_in+fan_out))); biases are unscaled (scale 1)."""
    c, h, w = image
    h1, w1 = (h - 5) // 2 + 1, (w - 5) // 2 + 1
    h2, w2 = (h1 - 5) // 2 + 1, (w1 - 5) // 2 + 1
    flat = 10 * h2 * w2
    specs = [
        ("w1", (10, c, 5, 5), math.sqrt(2.0 / (c * 25 + 10 * 25))),
        ("b1", (10,), 1.0),
        ("w2", (10, 10, 5, 5), math.sqrt(2.0 / (10 * 25 + 10 * 25))),
        ("b2", (10,), 1.0),
        ("w3", (10, flat), math.sqrt(2.0 / (flat + 10))),
        ("b3", (10,), 1.0),
        ("w4", (10, 10), math.sqrt(2.0 / (10 + 10))),
        ("b4", (10,), 1.0),
    ]
    out, off = [], 0
    for name, shape, scale in specs:
        out.append((name, shape, off, scale))
        off += math.prod(shape)
    return out, off


def convnet_inputs(seed=1, batch=64, image=(1, 28, 28), P=4490):
    """One splitmix64 stream, drawn in this order:
    theta[0..P) normals, u[0..P) normals, v[0..P) normals (each normal = two uniforms u1, u2),
    images[batch*C*H*W] uniforms (sample-major, then C, H, W),
    labels[batch] = floor(uniform * 10)."""
    r = SplitMix64(seed)
    theta = [r.normal() for _ in range(P)]
    u = [r.normal() for _ in range(P)]
    v = [r.normal() for _ in range(P)]
    n = batch * image[0] * image[1] * image[2]
    images = [r.uniform() for _ in range(n)]
    labels = [int(math.floor(r.uniform() * 10)) for _ in range(batch)]
    return theta, u, v, images, labels


# ---------------------------------------------------------------------------------------------
# The model, written once: every workload below uses `loss`.
# ---------------------------------------------------------------------------------------------


def make_loss(image):
    layout, P = convnet_layout(image)
    F = torch.nn.functional

    def unpack(theta):
        return {name: theta[off:off + math.prod(shape)].view(shape) * scale
                for name, shape, off, scale in layout}

    def loss(theta, x, label):
        """Per-sample softmax cross-entropy. x: [N,C,H,W], label: int64 [N] -> losses [N]."""
        p = unpack(theta)
        h = torch.tanh(F.conv2d(x, p["w1"], p["b1"], stride=2))
        h = torch.tanh(F.conv2d(h, p["w2"], p["b2"], stride=2))
        h = h.flatten(1)  # C-major per sample
        h = torch.tanh(h @ p["w3"].t() + p["b3"])
        logits = h @ p["w4"].t() + p["b4"]
        return torch.logsumexp(logits, -1) - logits.gather(-1, label.unsqueeze(-1)).squeeze(-1)

    def loss1(theta, x, label):
        """One sample: x [C,H,W], label 0-d int64 -> scalar."""
        return loss(theta, x.unsqueeze(0), label.unsqueeze(0))[0]

    def loss_mean(theta, xs, labels):
        return loss(theta, xs, labels).mean()

    return loss, loss1, loss_mean, P


def tensors(image, P, seed=1, batch=64):
    theta, u, v, images, labels = convnet_inputs(seed, batch, image, P)
    t = lambda a: torch.tensor(a, dtype=torch.float64)
    return (t(theta), t(u), t(v), t(images).view(batch, *image),
            torch.tensor(labels, dtype=torch.int64))


# ---------------------------------------------------------------------------------------------
# Derivatives by autograd
# ---------------------------------------------------------------------------------------------


def grad_of(f, theta):
    th = theta.detach().clone().requires_grad_(True)
    val = f(th)
    (g,) = torch.autograd.grad(val, th)
    return val.detach(), g


def hvp_of(f, theta, u):
    th = theta.detach().clone().requires_grad_(True)
    (g,) = torch.autograd.grad(f(th), th, create_graph=True)
    (hu,) = torch.autograd.grad(g @ u, th)
    return hu


def grad_d2_of(f, theta, u, v):
    """grad_theta (D^2 f(theta)[u, v]) by triple backward."""
    th = theta.detach().clone().requires_grad_(True)
    (g,) = torch.autograd.grad(f(th), th, create_graph=True)
    (hu,) = torch.autograd.grad(g @ u, th, create_graph=True)
    (j,) = torch.autograd.grad(hu @ v, th)
    return j


# ---------------------------------------------------------------------------------------------
# Fixture
# ---------------------------------------------------------------------------------------------


def b64(t):
    a = t.detach().contiguous().tolist()
    return base64.b64encode(struct.pack("<%dd" % len(a), *a)).decode("ascii")


def rel(a, b):
    return float((a - b).norm() / b.norm())


def fd_vector(fn, theta, h):
    """Central differences of a scalar function along each coordinate (full vector)."""
    out = torch.empty_like(theta)
    e = theta.clone()
    with torch.no_grad():
        for i in range(theta.numel()):
            e[i] = theta[i] + h
            fp = fn(e)
            e[i] = theta[i] - h
            fm = fn(e)
            e[i] = theta[i]
            out[i] = (fp - fm) / (2 * h)
    return out


def fd_dir(fn, theta, d, h):
    """Central difference of a (vector or scalar) function along direction d."""
    return (fn(theta + h * d) - fn(theta - h * d)) / (2 * h)


def cmd_fixture(args):
    image = SHAPES["fmnist"]
    loss, loss1, loss_mean, P = make_loss(image)
    assert P == 4490, P
    theta, u, v, xs, ys = tensors(image, P)
    f0 = lambda th: loss1(th, xs[0], ys[0])
    fm = lambda th: loss_mean(th, xs, ys)

    l0, g0 = grad_of(f0, theta)
    h0 = hvp_of(f0, theta, u)
    j0 = grad_d2_of(f0, theta, u, v)
    lm, gm = grad_of(fm, theta)
    hm = hvp_of(fm, theta, u)

    # Finite-difference cross-checks (float64, central differences).
    t = time.time()
    checks = {
        "sample0.grad": rel(fd_vector(f0, theta, 1e-5), g0),
        "sample0.hvp": rel(fd_dir(lambda th: grad_of(f0, th)[1], theta, u, 1e-5), h0),
        "sample0.gradD2": rel(fd_dir(lambda th: hvp_of(f0, th, u), theta, v, 1e-5), j0),
        "mean64.grad": rel(fd_vector(fm, theta, 1e-5), gm),
        "mean64.hvp": rel(fd_dir(lambda th: grad_of(fm, th)[1], theta, u, 1e-5), hm),
        # scalar checks of the directional derivatives implied by the vectors
        "sample0.D1[u]": abs(float(fd_dir(f0, theta, u, 1e-5) - g0 @ u)) / abs(float(g0 @ u)),
        "sample0.D2[u,v]": abs(float(fd_dir(lambda th: grad_of(f0, th)[1] @ u, theta, v, 1e-5)
                                     - h0 @ v)) / abs(float(h0 @ v)),
    }
    print("finite-difference checks (%.1f s):" % (time.time() - t), file=sys.stderr)
    for k, e in checks.items():
        print("  %-18s rel err %.2e" % (k, e), file=sys.stderr)
    bad = {k: e for k, e in checks.items() if not e < 1e-6}
    if bad:
        sys.exit("finite-difference check failed: %r" % bad)

    theta_l, u_l, v_l, images_l, labels_l = convnet_inputs(1, 64, image, P)
    layout, _ = convnet_layout(image)
    ref = {
        "description": "PyTorch float64 reference values for the docs/theory.md §5 convnet "
                       "(Fashion-MNIST shape). Vectors are base64 of little-endian float64.",
        "torch": torch.__version__,
        "generator": {
            "function": "convnetInputs(seed, batch, image, P) in bench/convnet-inputs.ts, "
                        "convnet_inputs in bench/torch_engine.py",
            "seed": 1, "batch": 64, "image": list(image), "P": P,
            "stream": "splitmix64 (state = seed; state += 0x9E3779B97F4A7C15; mix 30/27/31 with "
                      "0xBF58476D1CE4E5B9, 0x94D049BB133111EB); uniform = (x >> 11) * 2^-53; "
                      "normal = sqrt(-2 ln(1-u1)) cos(2 pi u2) from two consecutive uniforms. "
                      "Order: theta[P] normals, u[P] normals, v[P] normals, "
                      "images[batch*C*H*W] uniforms (sample-major, then C,H,W), "
                      "labels[batch] = floor(10*uniform).",
        },
        "layout": [{"name": n, "shape": list(s), "offset": o, "scale": sc}
                   for n, s, o, sc in layout],
        "inputsCheck": {
            "theta": theta_l[:3], "u": u_l[:3], "v": v_l[:3],
            "images": images_l[:3], "labels": labels_l[:3],
        },
        "sample": 0,
        "label": labels_l[0],
        "loss": float(l0),
        "grad": b64(g0),
        "hvp": b64(h0),
        "gradD2": b64(j0),
        "D1u": float(g0 @ u),
        "D2uv": float(h0 @ v),
        "D3uvu": float(j0 @ u),
        "meanLoss": float(lm),
        "meanGrad": b64(gm),
        "meanHvp": b64(hm),
        "fdRelErrors": checks,
    }
    with open(args.out, "w") as fh:
        json.dump(ref, fh, indent=1)
        fh.write("\n")
    print("wrote %s" % args.out, file=sys.stderr)


# ---------------------------------------------------------------------------------------------
# Benchmark
# ---------------------------------------------------------------------------------------------


def timeit(fn, reps, target=0.15):
    """Seconds per call: median over `reps` timed repetitions, each of `inner` calls chosen so a
    repetition takes about `target` seconds, after warm-up."""
    for _ in range(3):
        fn()
    t = time.perf_counter()
    fn()
    one = max(time.perf_counter() - t, 1e-7)
    inner = max(1, int(round(target / one)))
    samples = []
    for _ in range(reps):
        t = time.perf_counter()
        for _ in range(inner):
            fn()
        samples.append((time.perf_counter() - t) / inner)
    return statistics.median(samples)


def cmd_bench(args):
    torch.set_num_threads(1)
    from functorch import grad as fgrad, vmap

    image = SHAPES[args.shape]
    loss, loss1, loss_mean, P = make_loss(image)
    theta0, u, v, xs, ys = tensors(image, P)
    x0, y0 = xs[0], ys[0]
    B = xs.shape[0]
    eta = 0.01

    theta = theta0.clone().requires_grad_(True)

    def grad_1():
        return torch.autograd.grad(loss1(theta, x0, y0), theta)[0]

    def per_sample_loop():
        return torch.stack([torch.autograd.grad(loss1(theta, xs[i], ys[i]), theta)[0]
                            for i in range(B)])

    psg = vmap(fgrad(loss1), in_dims=(None, 0, 0))
    th_plain = theta0.clone()

    def per_sample_vmap():
        return psg(th_plain, xs, ys)

    def hvp_1():
        (g,) = torch.autograd.grad(loss1(theta, x0, y0), theta, create_graph=True)
        return torch.autograd.grad(g @ u, theta)[0]

    def hvp_mean():
        (g,) = torch.autograd.grad(loss_mean(theta, xs, ys), theta, create_graph=True)
        return torch.autograd.grad(g @ u, theta)[0]

    def grad_d2_1():
        (g,) = torch.autograd.grad(loss1(theta, x0, y0), theta, create_graph=True)
        (hu,) = torch.autograd.grad(g @ u, theta, create_graph=True)
        return torch.autograd.grad(hu @ v, theta)[0]

    sgd_theta = theta0.clone().requires_grad_(True)
    step = [0]

    def sgd_step_1():
        i = step[0] % B
        step[0] += 1
        (g,) = torch.autograd.grad(loss1(sgd_theta, xs[i], ys[i]), sgd_theta)
        with torch.no_grad():
            sgd_theta.sub_(eta * g)

    # Faster formulations a PyTorch user might write instead: per-layer parameter tensors
    # (no slicing of a flat θ per call) and forward-over-reverse HVPs (functorch.jvp of grad).
    from functorch import jvp
    layout, _ = convnet_layout(image)
    F = torch.nn.functional
    layers = {name: (theta0[off:off + math.prod(shape)].view(shape).clone().requires_grad_(True), scale)
              for name, shape, off, scale in layout}
    leaves = [t for t, _ in layers.values()]
    u_layers = [u[off:off + math.prod(shape)].view(shape) for _, shape, off, _ in layout]

    def loss_layers(xs_, ys_):
        p = {k: t * sc for k, (t, sc) in layers.items()}
        h = torch.tanh(F.conv2d(xs_, p["w1"], p["b1"], stride=2))
        h = torch.tanh(F.conv2d(h, p["w2"], p["b2"], stride=2)).flatten(1)
        h = torch.tanh(h @ p["w3"].t() + p["b3"])
        logits = h @ p["w4"].t() + p["b4"]
        return torch.logsumexp(logits, -1) - logits.gather(-1, ys_.unsqueeze(-1)).squeeze(-1)

    x1, y1 = x0.unsqueeze(0), y0.unsqueeze(0)

    def grad_1_layers():
        return torch.autograd.grad(loss_layers(x1, y1)[0], leaves)

    def hvp_layers(xs_, ys_):
        gs = torch.autograd.grad(loss_layers(xs_, ys_).mean(), leaves, create_graph=True)
        return torch.autograd.grad(sum((g * w).sum() for g, w in zip(gs, u_layers)), leaves)

    def hvp_1_layers():
        return hvp_layers(x1, y1)

    def hvp_mean_layers():
        return hvp_layers(xs, ys)

    g1 = fgrad(loss1)
    gm = fgrad(loss_mean)

    def hvp_1_jvp():
        return jvp(lambda th: g1(th, x0, y0), (th_plain,), (u,))[1]

    def hvp_mean_jvp():
        return jvp(lambda th: gm(th, xs, ys), (th_plain,), (u,))[1]

    def grad_d2_1_jvp():
        # ∇(D²l[u, v]) = the jvp along v of the HVP along u, itself a jvp of grad
        return jvp(lambda th: jvp(lambda t2: g1(t2, x0, y0), (th,), (u,))[1], (th_plain,), (v,))[1]

    sgd_layers_step = [0]

    def sgd_step_1_layers():
        i = sgd_layers_step[0] % B
        sgd_layers_step[0] += 1
        gs = torch.autograd.grad(loss_layers(xs[i:i + 1], ys[i:i + 1])[0], leaves)
        with torch.no_grad():
            for t, g in zip(leaves, gs):
                t.sub_(eta * g)

    flat = lambda parts: torch.cat([q.reshape(-1) for q in parts])
    for name, got, want in [
        ("grad-1-layers", flat(grad_1_layers()), grad_1()),
        ("hvp-1-layers", flat(hvp_1_layers()), hvp_1()),
        ("hvp-mean-64-layers", flat(hvp_mean_layers()), hvp_mean()),
        ("hvp-1-jvp", hvp_1_jvp(), hvp_1()),
        ("hvp-mean-64-jvp", hvp_mean_jvp(), hvp_mean()),
        ("grad-d2-1-jvp", grad_d2_1_jvp(), grad_d2_1()),
    ]:
        err = float((got - want).abs().max() / want.abs().max())
        if not err < 1e-10:
            sys.exit("%s differs from the flat-θ autograd row by %g (relative)" % (name, err))

    # Sanity: the vmap path and the loop agree before timing anything.
    err = float((per_sample_vmap() - per_sample_loop()).abs().max())
    if not err < 1e-12:
        sys.exit("vmap per-sample gradients differ from the loop by %g" % err)

    rows = []
    for name, fn in [
        ("grad-1", grad_1),
        ("per-sample-grad-64-loop", per_sample_loop),
        ("per-sample-grad-64-vmap", per_sample_vmap),
        ("hvp-1", hvp_1),
        ("hvp-mean-64", hvp_mean),
        ("grad-d2-1", grad_d2_1),
        ("sgd-step-1", sgd_step_1),
        ("grad-1-layers", grad_1_layers),
        ("hvp-1-layers", hvp_1_layers),
        ("hvp-1-jvp", hvp_1_jvp),
        ("hvp-mean-64-layers", hvp_mean_layers),
        ("hvp-mean-64-jvp", hvp_mean_jvp),
        ("grad-d2-1-jvp", grad_d2_1_jvp),
        ("sgd-step-1-layers", sgd_step_1_layers),
    ]:
        t = time.perf_counter()
        s = timeit(fn, args.reps)
        print("  %-24s %.3e s/call  (row took %.1f s)" % (name, s, time.perf_counter() - t),
              file=sys.stderr)
        rows.append({"name": name, "seconds": s})
    print(json.dumps({"torch": torch.__version__, "shape": args.shape, "threads": 1,
                      "rows": rows}))


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    fx = sub.add_parser("fixture", help="write the PyTorch reference fixture")
    fx.add_argument("--out", default="bench/fixtures/convnet-reference.json")
    bn = sub.add_parser("bench", help="time the benchmark workloads, print one JSON object")
    bn.add_argument("--shape", choices=sorted(SHAPES), default="fmnist")
    bn.add_argument("--reps", type=int, default=9)
    args = ap.parse_args()
    {"fixture": cmd_fixture, "bench": cmd_bench}[args.cmd](args)


if __name__ == "__main__":
    main()
