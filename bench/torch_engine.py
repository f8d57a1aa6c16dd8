#!/usr/bin/python3
"""PyTorch float64 reference and benchmark for perturb's convnet (docs/theory.md §5).

Run with Debian's interpreter, which has python3-torch (torch 1.13 + functorch):

    /usr/bin/python3 bench/torch_engine.py fixture --out bench/fixtures/convnet-reference.json
    /usr/bin/python3 bench/torch_engine.py bench [--shape fmnist|cifar] [--reps R] [--only W,W...]

`bench` times every workload in several formulations (rows "workload:variant"; see cmd_bench),
each checked against the flat-theta autograd one before timing.

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


def make_layer_loss(image):
    """The same convnet with one parameter tensor per layer (the way a PyTorch user holds a
    model's parameters) instead of slices of one flat theta: no per-call slicing, and autograd
    accumulates each layer's gradient into its own tensor. The raw weights are still multiplied
    by their scale in the forward pass, so the parameterisation (and the SGD trajectory) is
    perturb's exactly.

    Returns (split, join, loss, loss1, lockstep):
      split(theta) -> list of 8 fresh tensors (w1, b1, ..., b4) from a flat theta;
      join(params) -> flat theta (params may carry leading batch dimensions: [..., P]);
      loss(params, x [N,C,H,W], label [N]) -> losses [N];
      loss1(params, x [C,H,W], label 0-d) -> scalar;
      lockstep(params, x [R,B,C,H,W], label [R,B]) -> losses [R,B], where every parameter has a
        leading dimension R (one network per trial): the convolutions are one grouped convolution
        (groups=R) over the R networks, the dense layers one batched matmul each. The sum of its
        output has trial r's gradient in slot r of each parameter's gradient."""
    layout, P = convnet_layout(image)
    F = torch.nn.functional
    scales = [scale for _, _, _, scale in layout]
    c, h, w = image

    def split(theta):
        return [theta[off:off + math.prod(shape)].reshape(shape).clone() for _, shape, off, _ in layout]

    def join(params):
        lead = params[0].shape[:params[0].dim() - len(layout[0][1])]
        return torch.cat([p.reshape(*lead, -1) for p in params], -1)

    def loss(ps, x, label):
        w1, b1, w2, b2, w3, b3, w4, b4 = ps
        s = scales
        z = torch.tanh(F.conv2d(x, w1 * s[0], b1, stride=2))
        z = torch.tanh(F.conv2d(z, w2 * s[2], b2, stride=2))
        z = z.flatten(1)  # C-major per sample
        z = torch.tanh(z @ (w3 * s[4]).t() + b3)
        logits = z @ (w4 * s[6]).t() + b4
        return torch.logsumexp(logits, -1) - logits.gather(-1, label.unsqueeze(-1)).squeeze(-1)

    def loss1(ps, x, label):
        return loss(ps, x.unsqueeze(0), label.unsqueeze(0))[0]

    def lockstep(ps, x, label):
        w1, b1, w2, b2, w3, b3, w4, b4 = ps
        R, B = label.shape
        s = scales
        z = x.transpose(0, 1).reshape(B, R * c, h, w)  # trial r's image in channels [r*c, (r+1)*c)
        z = torch.tanh(F.conv2d(z, (w1 * s[0]).reshape(R * 10, c, 5, 5), b1.reshape(-1), stride=2, groups=R))
        z = torch.tanh(F.conv2d(z, (w2 * s[2]).reshape(R * 10, 10, 5, 5), b2.reshape(-1), stride=2, groups=R))
        z = z.reshape(B, R, -1).transpose(0, 1)  # [R, B, 10*h2*w2], C-major per sample
        z = torch.tanh(torch.baddbmm(b3.unsqueeze(1), z, (w3 * s[4]).transpose(1, 2)))
        logits = torch.baddbmm(b4.unsqueeze(1), z, (w4 * s[6]).transpose(1, 2))
        return torch.logsumexp(logits, -1) - logits.gather(-1, label.unsqueeze(-1)).squeeze(-1)

    return split, join, loss, loss1, lockstep


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
    """Every workload in every formulation a PyTorch user might write (flat theta sliced per
    call, or one tensor per layer; reverse-over-reverse or forward-over-reverse for the
    higher derivatives; loops, functorch.vmap or grouped convolutions for per-sample
    gradients). All variants of a workload are checked against its first (the flat-theta
    autograd one) before anything is timed. Rows are named "workload:variant"; the caller
    compares perturb against the fastest variant of each workload."""
    torch.set_num_threads(1)
    from functorch import grad as fgrad, jvp, vmap

    image = SHAPES[args.shape]
    loss, loss1, loss_mean, P = make_loss(image)
    split, join, lloss, lloss1, lockstep = make_layer_loss(image)
    theta0, u, v, xs, ys = tensors(image, P)
    x0, y0 = xs[0], ys[0]
    B = xs.shape[0]
    eta = 0.01

    # flat theta (a leaf), and the same point as per-layer leaves; u, v split alike
    theta = theta0.clone().requires_grad_(True)
    th_plain = theta0.clone()
    layers = [p.requires_grad_(True) for p in split(theta0)]
    layers_plain = split(theta0)
    u_l, v_l = split(u), split(v)

    def dot(a, b):
        return sum((x * y).sum() for x, y in zip(a, b))

    f1 = lambda th: loss1(th, x0, y0)
    fm = lambda th: loss_mean(th, xs, ys)
    f1_l = lambda ps: lloss1(ps, x0, y0)
    fm_l = lambda ps: lloss(ps, xs, ys).mean()

    def double_backward(f, th, d):
        (g,) = torch.autograd.grad(f(th), th, create_graph=True)
        return torch.autograd.grad(g @ d, th)[0]

    def double_backward_l(f, ps, ds):
        g = torch.autograd.grad(f(ps), ps, create_graph=True)
        return torch.autograd.grad(dot(g, ds), ps)

    def jvp_of_grad(f, th, d):
        return jvp(fgrad(f), (th,), (d,))[1]

    def autograd_hvp(f, th, d):
        return torch.autograd.functional.hvp(f, th, d)[1]

    def triple_backward(f, th, a, b):
        (g,) = torch.autograd.grad(f(th), th, create_graph=True)
        (hu,) = torch.autograd.grad(g @ a, th, create_graph=True)
        return torch.autograd.grad(hu @ b, th)[0]

    def triple_backward_l(f, ps, a, b):
        g = torch.autograd.grad(f(ps), ps, create_graph=True)
        hu = torch.autograd.grad(dot(g, a), ps, create_graph=True)
        return torch.autograd.grad(dot(hu, b), ps)

    def jvp_jvp_grad(f, th, a, b):
        """D(H(theta) a)[b] = grad D^2 f[a, b]: forward over forward over reverse."""
        return jvp(lambda t: jvp(fgrad(f), (t,), (a,))[1], (th,), (b,))[1]

    def grad_jvp_grad(f, th, a, b):
        """grad_theta <H(theta) a, b>: reverse over forward over reverse."""
        if isinstance(th, torch.Tensor):
            return fgrad(lambda t: jvp(fgrad(f), (t,), (a,))[1] @ b)(th)
        return fgrad(lambda t: dot(jvp(fgrad(f), (t,), (a,))[1], b))(th)

    def jvp_double_backward(f, th, a, b):
        """D(H(theta) a)[b] with H a by functorch reverse-over-reverse: forward over reverse over reverse."""
        if isinstance(th, torch.Tensor):
            hv = lambda t: fgrad(lambda s: fgrad(f)(s) @ a)(t)
        else:
            hv = lambda t: fgrad(lambda s: dot(fgrad(f)(s), a))(t)
        return jvp(hv, (th,), (b,))[1]

    psg_flat = vmap(fgrad(loss1), in_dims=(None, 0, 0))
    psg_layers = vmap(fgrad(lloss1), in_dims=(None, 0, 0))

    def per_sample_grouped():
        # every sample gets its own copy of the parameters (an expanded view: no copy), so the
        # gradient of the summed losses holds each sample's gradient in its own slot
        ex = [p.expand(B, *p.shape) for p in layers]
        return torch.autograd.grad(lockstep(ex, xs.unsqueeze(1), ys.unsqueeze(1)).sum(), ex)

    def sgd_flat(th0):
        th = th0.clone().requires_grad_(True)
        step = [0]

        def go():
            i = step[0] % B
            step[0] += 1
            (g,) = torch.autograd.grad(loss1(th, xs[i], ys[i]), th)
            with torch.no_grad():
                th.sub_(eta * g)
        return go, lambda: th.detach()

    def sgd_layers(th0):
        ps = [p.requires_grad_(True) for p in split(th0)]
        step = [0]

        def go():
            i = step[0] % B
            step[0] += 1
            gs = torch.autograd.grad(lloss1(ps, xs[i], ys[i]), ps)
            with torch.no_grad():
                for p, g in zip(ps, gs):
                    p.sub_(eta * g)
        return go, lambda: join([p.detach() for p in ps])

    def sgd_optim(th0):
        ps = [p.requires_grad_(True) for p in split(th0)]
        opt = torch.optim.SGD(ps, lr=eta)
        step = [0]

        def go():
            i = step[0] % B
            step[0] += 1
            opt.zero_grad(set_to_none=True)
            lloss1(ps, xs[i], ys[i]).backward()
            opt.step()
        return go, lambda: join([p.detach() for p in ps])

    flat_out = lambda r: r  # a flat [P] or [B, P] tensor already
    layer_out = lambda r: join(list(r))  # per-layer tensors -> flat, for the check only
    # workload -> [(variant, fn, to_flat)]; the first variant is the reference

    def hvp_variants(f, f_l):
        """The HVP formulations of a loss given flat (f) and per layer (f_l): hvp-1 and hvp-mean-64 differ only in it."""
        return [
            ("flat double-backward", lambda: double_backward(f, theta, u), flat_out),
            ("layers double-backward", lambda: double_backward_l(f_l, layers, u_l), layer_out),
            ("flat jvp∘grad", lambda: jvp_of_grad(f, th_plain, u), flat_out),
            ("layers jvp∘grad", lambda: jvp_of_grad(f_l, layers_plain, u_l), layer_out),
            ("flat autograd.functional.hvp", lambda: autograd_hvp(f, th_plain, u), flat_out),
        ]

    workloads = [
        ("grad-1", [
            ("flat autograd", lambda: torch.autograd.grad(loss1(theta, x0, y0), theta)[0], flat_out),
            ("layers autograd", lambda: torch.autograd.grad(lloss1(layers, x0, y0), layers), layer_out),
            ("flat functorch.grad", lambda: fgrad(f1)(th_plain), flat_out),
            ("layers functorch.grad", lambda: fgrad(f1_l)(layers_plain), layer_out),
        ]),
        ("per-sample-grad-64", [
            ("flat loop", lambda: torch.stack([torch.autograd.grad(loss1(theta, xs[i], ys[i]), theta)[0]
                                               for i in range(B)]), flat_out),
            ("flat vmap", lambda: psg_flat(th_plain, xs, ys), flat_out),
            ("layers loop", lambda: [torch.stack(g) for g in zip(*[torch.autograd.grad(lloss1(layers, xs[i], ys[i]), layers)
                                                                   for i in range(B)])], layer_out),
            ("layers vmap", lambda: psg_layers(layers_plain, xs, ys), layer_out),
            ("layers grouped (groups=64)", per_sample_grouped, layer_out),
        ]),
        ("hvp-1", hvp_variants(f1, f1_l)),
        ("hvp-mean-64", hvp_variants(fm, fm_l)),
        ("grad-d2-1", [
            ("flat triple-backward", lambda: triple_backward(f1, theta, u, v), flat_out),
            ("layers triple-backward", lambda: triple_backward_l(f1_l, layers, u_l, v_l), layer_out),
            ("flat jvp∘jvp∘grad", lambda: jvp_jvp_grad(f1, th_plain, u, v), flat_out),
            ("layers jvp∘jvp∘grad", lambda: jvp_jvp_grad(f1_l, layers_plain, u_l, v_l), layer_out),
            ("flat grad∘jvp∘grad", lambda: grad_jvp_grad(f1, th_plain, u, v), flat_out),
            ("layers grad∘jvp∘grad", lambda: grad_jvp_grad(f1_l, layers_plain, u_l, v_l), layer_out),
            ("layers jvp∘grad∘grad", lambda: jvp_double_backward(f1_l, layers_plain, u_l, v_l), layer_out),
        ]),
    ]
    sgd_variants = [("flat autograd", sgd_flat), ("layers autograd, in place", sgd_layers),
                    ("layers optim.SGD + backward", sgd_optim)]

    # Checks before timing: every variant against the workload's reference.
    checks = {}
    for wname, variants in workloads:
        ref = variants[0][1]().detach()
        for vname, fn, to_flat in variants[1:]:
            got = to_flat(fn()).detach()
            err = float((got - ref).abs().max() / ref.abs().max())
            checks["%s:%s" % (wname, vname)] = err
            if not err < 1e-10:
                sys.exit("%s: %s differs from %s by %g (relative)" % (wname, vname, variants[0][0], err))
    ref_go, ref_theta = sgd_flat(theta0)
    for _ in range(2 * B):
        ref_go()
    ref = ref_theta()
    for vname, make in sgd_variants[1:]:
        go, get = make(theta0)
        for _ in range(2 * B):
            go()
        err = float((get() - ref).abs().max() / ref.abs().max())
        checks["sgd-step-1:%s" % vname] = err
        if not err < 1e-10:
            sys.exit("sgd-step-1: %s differs from flat autograd by %g (relative) after %d steps" % (vname, err, 2 * B))
    print("  checks: largest relative difference from each workload's reference %.1e" % max(checks.values()),
          file=sys.stderr)

    timed = [("%s:%s" % (w, vn), fn) for w, vs in workloads for vn, fn, _ in vs]
    timed += [("sgd-step-1:%s" % vn, make(theta0)[0]) for vn, make in sgd_variants]
    rows = []
    for name, fn in timed:
        if args.only and name.split(":")[0] not in args.only.split(","):
            continue
        t = time.perf_counter()
        s = timeit(fn, args.reps)
        print("  %-48s %.3e s/call  (row took %.1f s)" % (name, s, time.perf_counter() - t), file=sys.stderr)
        rows.append({"name": name, "seconds": s, "workload": name.split(":")[0], "variant": name.split(":", 1)[1],
                     "check": checks.get(name, 0.0)})
    print(json.dumps({"torch": torch.__version__, "shape": args.shape, "threads": 1, "rows": rows}))


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    fx = sub.add_parser("fixture", help="write the PyTorch reference fixture")
    fx.add_argument("--out", default="bench/fixtures/convnet-reference.json")
    bn = sub.add_parser("bench", help="time the benchmark workloads, print one JSON object")
    bn.add_argument("--shape", choices=sorted(SHAPES), default="fmnist")
    bn.add_argument("--reps", type=int, default=9)
    bn.add_argument("--only", default="", help="comma-separated workloads to time (default: all)")
    args = ap.parse_args()
    {"fixture": cmd_fixture, "bench": cmd_bench}[args.cmd](args)


if __name__ == "__main__":
    main()
