/**
 * @file Every op's derivatives of orders 1–4 against finite differences of the engine's own
 * lower-order results, plus the exact identities between orders and the symmetry of D^k f; the
 * cases together reach every primitive of prims.ts (checked by the last test).
 *
 * Each case is a scalar f(θ) = head(op(inputs(θ))) where
 * - every input of the op is a cubic of a slice of θ, lift(x) = x + 0.3x² + 0.1x³, so all of the
 *   op's input planes are nonzero (a linear op sees ε₁ε₂ε₃ terms, not just ε_i);
 * - head(y) = Σ W⊙y + ½(Σ C⊙y)² with fixed random W, C, so the adjoint reaching the op is
 *   nonzero on every plane (a purely linear head would leave all but one adjoint plane at 0);
 * so every derivative checked below is nonzero (relErr refuses a zero reference).
 *
 * Checks, with directions u, v, w, x and ∂_d = the Richardson central difference along d
 * (testing.ts, h = 1e-3, truncation and rounding both ≈ 1e-13 here):
 *   order 1: ∇f              vs ∂_{e_i} f  for every coordinate i;
 *   order 2: ∇(Df[u])  (HVP) vs ∂_u ∇f;
 *   order 3: ∇(D²f[u,v])     vs ∂_v ∇(Df[u]);
 *   order 4: ∇(D³f[u,v,w])   vs ∂_w ∇(D²f[u,v]);
 *   scalars: D^k f[d₁…d_k]   vs ∂_{d_k} D^{k−1} f[d₁…d_{k−1}] for k = 1…4;
 * all to relative error ≤ 1e-6 in the Euclidean norm. Exact identities to ≤ 1e-12:
 *   ∇(D^k f[d₁…d_k]) · d_{k+1} = D^{k+1} f[d₁…d_{k+1}] (error measured against Σ|aᵢbᵢ|),
 *   D^k f is symmetric in its directions (also measured against Σ|aᵢbᵢ|), and so is ∇(D^k f),
 *   derivative() and gradDerivative().value agree.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  add, broadcastTo, compile, constant, conv2d, cos, dense, div, exp, flatten, gather, log, logsumexp, matmul,
  mean, mul, neg, pow, reshape, scale, sigmoid, sin, slice, softmaxCrossEntropy, softplus, square, sub, sum,
  tanh, type Tensor, type LossFn, type Sample, type Shape,
} from './index.ts';
import { prims } from './prims.ts';
import { absDot, along, dot, fdDerivative, fdGradient, permutations, relErr, seedOf, uniform, uniformStream, WorstErrors } from '../testing/index.ts';

const FD_TOL = 1e-6;
const EXACT_TOL = 1e-12;
const worst = new WorstErrors();

/** x + 0.3x² + 0.1x³ elementwise: a cubic, so inputs carry every plane. */
const lift = (x: Tensor): Tensor => add(x, mul(mul(x, x), add(scale(x, 0.1), 0.3)));
/** The lifted elements [start, start + size(shape)) of θ. */
const part = (t: Tensor, start: number, shape: Shape): Tensor => lift(slice(t, start, shape));

/** Σ W⊙y + ½(Σ C⊙y)², with W, C fixed uniforms in [−1, 1). */
function head(y: Tensor, seed = 7): Tensor {
  const r = uniformStream(seed);
  const W = constant(uniform(r, y.size), y.shape);
  const C = constant(uniform(r, y.size), y.shape);
  const s = sum(mul(C, y));
  return add(sum(mul(W, y)), scale(mul(s, s), 0.5));
}

interface Case {
  name: string;
  P: number;
  fn: LossFn;
  data?: Record<string, Shape>;
  sample?: Sample;
}

const rngData = uniformStream(2024);
const xImg = uniform(rngData, 36, -1, 1); // a [1,6,6] image for the data-driven cases
const xVec = uniform(rngData, 4, -1, 1);
const xImg2 = uniform(rngData, 2 * 5 * 5, -1, 1);

const cases: Case[] = [
  // elementwise binary ops: both inputs depend on θ
  { name: 'add', P: 12, fn: (t) => head(add(part(t, 0, [2, 3]), part(t, 6, [2, 3]))) },
  { name: 'add, broadcasting [2,3] + [3]', P: 9, fn: (t) => head(add(part(t, 0, [2, 3]), part(t, 6, [3]))) },
  { name: 'add, broadcasting [2,1] + [1,3] to [2,3]', P: 5, fn: (t) => head(add(part(t, 0, [2, 1]), part(t, 2, [1, 3]))) },
  { name: 'add, tensor + number', P: 4, fn: (t) => head(add(part(t, 0, [4]), 1.5)) },
  { name: 'sub', P: 12, fn: (t) => head(sub(part(t, 0, [2, 3]), part(t, 6, [2, 3]))) },
  { name: 'sub, broadcasting [3] − [2,3]', P: 9, fn: (t) => head(sub(part(t, 0, [3]), part(t, 3, [2, 3]))) },
  { name: 'sub, number − tensor', P: 4, fn: (t) => head(sub(2, part(t, 0, [4]))) },
  { name: 'mul', P: 12, fn: (t) => head(mul(part(t, 0, [2, 3]), part(t, 6, [2, 3]))) },
  { name: 'mul, broadcasting [2,3] ⊙ [2,1]', P: 8, fn: (t) => head(mul(part(t, 0, [2, 3]), part(t, 6, [2, 1]))) },
  { name: 'mul, one tensor times itself', P: 5, fn: (t) => { const x = part(t, 0, [5]); return head(mul(x, x)); } },
  { name: 'mul, tensor times number', P: 4, fn: (t) => head(mul(-1.7, part(t, 0, [4]))) },
  { name: 'div', P: 12, fn: (t) => head(div(part(t, 0, [2, 3]), add(part(t, 6, [2, 3]), 2))) },
  { name: 'div, broadcasting [2,3] / [3]', P: 9, fn: (t) => head(div(part(t, 0, [2, 3]), add(part(t, 6, [3]), 2))) },
  { name: 'div, number / tensor', P: 4, fn: (t) => head(div(3, add(part(t, 0, [4]), 2))) },
  { name: 'div, tensor / number', P: 4, fn: (t) => head(div(part(t, 0, [4]), 0.7)) },
  { name: 'neg', P: 4, fn: (t) => head(neg(part(t, 0, [4]))) },
  { name: 'scale', P: 4, fn: (t) => head(scale(part(t, 0, [2, 2]), 2.5)) },
  // unary functions
  { name: 'pow 3', P: 5, fn: (t) => head(pow(part(t, 0, [5]), 3)) },
  { name: 'pow 5', P: 5, fn: (t) => head(pow(part(t, 0, [5]), 5)) },
  { name: 'pow 1', P: 5, fn: (t) => head(pow(part(t, 0, [5]), 1)) },
  { name: 'pow −1', P: 5, fn: (t) => head(pow(add(part(t, 0, [5]), 1.5), -1)) },
  { name: 'pow −3', P: 5, fn: (t) => head(pow(add(part(t, 0, [5]), 1.5), -3)) },
  { name: 'square', P: 5, fn: (t) => head(square(part(t, 0, [5]))) },
  { name: 'exp', P: 6, fn: (t) => head(exp(scale(part(t, 0, [2, 3]), 2))) },
  { name: 'log', P: 6, fn: (t) => head(log(add(part(t, 0, [2, 3]), 1.2))) },
  { name: 'sin', P: 6, fn: (t) => head(sin(scale(part(t, 0, [6]), 3))) },
  { name: 'cos', P: 6, fn: (t) => head(cos(scale(part(t, 0, [6]), 3))) },
  { name: 'tanh', P: 6, fn: (t) => head(tanh(scale(part(t, 0, [6]), 3))) },
  { name: 'softplus', P: 6, fn: (t) => head(softplus(scale(part(t, 0, [6]), 4))) },
  { name: 'sigmoid', P: 6, fn: (t) => head(sigmoid(scale(part(t, 0, [6]), 4))) },
  // reductions
  { name: 'sum over all axes', P: 6, fn: (t) => head(sum(part(t, 0, [2, 3]))) },
  { name: 'sum over axis 1 of [2,3,4]', P: 24, fn: (t) => head(sum(part(t, 0, [2, 3, 4]), { axes: 1 })) },
  { name: 'sum over axes [0,2] of [2,3,4], keepDims', P: 24, fn: (t) => head(sum(part(t, 0, [2, 3, 4]), { axes: [0, 2], keepDims: true })) },
  { name: 'sum over axis −1', P: 6, fn: (t) => head(sum(part(t, 0, [2, 3]), { axes: -1 })) },
  { name: 'mean over all axes', P: 6, fn: (t) => head(mean(part(t, 0, [2, 3]))) },
  { name: 'mean over axis 0 of [2,3,4], keepDims', P: 24, fn: (t) => head(mean(part(t, 0, [2, 3, 4]), { axes: 0, keepDims: true })) },
  { name: 'mean over axes [1,2] of [2,3,4]', P: 24, fn: (t) => head(mean(part(t, 0, [2, 3, 4]), { axes: [1, 2] })) },
  // views and broadcasting
  { name: 'reshape of an op output', P: 12, fn: (t) => head(reshape(mul(part(t, 0, [2, 3]), part(t, 6, [2, 3])), [3, 2])) },
  { name: 'reshape with −1', P: 12, fn: (t) => head(mul(reshape(part(t, 0, [2, 6]), [4, -1]), part(t, 0, [4, 3]))) },
  { name: 'flatten', P: 8, fn: (t) => head(mul(flatten(part(t, 0, [2, 2, 2])), part(t, 0, [8]))) },
  { name: 'slice of an op output', P: 12, fn: (t) => head(slice(mul(part(t, 0, [2, 3]), part(t, 6, [2, 3])), 2, [3])) },
  { name: 'slice of a slice, reshaped', P: 10, fn: (t) => head(exp(reshape(slice(slice(part(t, 0, [10]), 1, [8]), 2, [4]), [2, 2]))) },
  { name: 'slice as the output (a view with a stride)', P: 3, fn: (t) => slice(exp(scale(part(t, 0, [3]), 2)), 1, []) },
  { name: 'reshape of a slice as the output', P: 6, fn: (t) => reshape(slice(sin(scale(part(t, 0, [2, 3]), 2)), 4, [1]), []) },
  { name: 'broadcastTo [3] → [2,3]', P: 3, fn: (t) => head(mul(broadcastTo(part(t, 0, [3]), [2, 3]), constant([1, 2, 3, 4, 5, 6], [2, 3]))) },
  { name: 'broadcastTo [2,1,4] → [3,2,5,4]', P: 8, fn: (t) => head(broadcastTo(part(t, 0, [2, 1, 4]), [3, 2, 5, 4])) },
  // matrix products: both factors depend on θ, non-square shapes
  { name: 'matmul [2,3]·[3,4]', P: 18, fn: (t) => head(matmul(part(t, 0, [2, 3]), part(t, 6, [3, 4]))) },
  { name: 'matmul [5,3]·[3,2] (odd inner sizes)', P: 21, fn: (t) => head(matmul(part(t, 0, [5, 3]), part(t, 15, [3, 2]))) },
  { name: 'matmul [4,6]·[6,5] (SIMD blocks of 4 plus tail)', P: 54, fn: (t) => head(matmul(part(t, 0, [4, 6]), part(t, 24, [6, 5]))) },
  { name: 'matmul [4,3]·[3]', P: 15, fn: (t) => head(matmul(part(t, 0, [4, 3]), part(t, 12, [3]))) },
  { name: 'matmul [3]·[3,2]', P: 9, fn: (t) => head(matmul(part(t, 0, [3]), part(t, 3, [3, 2]))) },
  { name: 'matmul [5]·[5]', P: 10, fn: (t) => head(matmul(part(t, 0, [5]), part(t, 5, [5]))) },
  { name: 'dense without bias', P: 16, fn: (t) => head(dense(part(t, 0, [4]), part(t, 4, [3, 4]))) },
  { name: 'dense with bias', P: 19, fn: (t) => head(dense(part(t, 0, [4]), part(t, 4, [3, 4]), part(t, 16, [3]))) },
  {
    name: 'dense on a data input', P: 15, data: { x: [4] }, sample: { x: xVec },
    fn: (t, d) => head(tanh(dense(d.x!, part(t, 0, [3, 4]), part(t, 12, [3])))),
  },
  // convolutions: both input and weights depend on θ
  { name: 'conv2d stride 1, bias', P: 60 + 36 + 3, fn: (t) => head(conv2d(part(t, 0, [2, 5, 6]), part(t, 60, [3, 2, 2, 3]), { bias: part(t, 96, [3]) })) },
  { name: 'conv2d stride 2', P: 42 + 12, fn: (t) => head(conv2d(part(t, 0, [1, 7, 6]), part(t, 42, [2, 1, 3, 2]), { stride: 2 })) },
  { name: 'conv2d stride 2, bias, square 3×3 kernel', P: 50 + 36 + 2, fn: (t) => head(conv2d(part(t, 0, [2, 5, 5]), part(t, 50, [2, 2, 3, 3]), { stride: 2, bias: part(t, 86, [2]) })) },
  {
    name: 'conv2d on a data input, stride 2', P: 2 * 2 * 2 * 2 + 2, data: { x: [2, 5, 5] }, sample: { x: xImg2 },
    fn: (t, d) => head(conv2d(d.x!, part(t, 0, [2, 2, 2, 2]), { stride: 2, bias: part(t, 16, [2]) })),
  },
  // logsumexp, gather, cross-entropy
  { name: 'logsumexp over all axes', P: 6, fn: (t) => head(logsumexp(scale(part(t, 0, [2, 3]), 3))) },
  { name: 'logsumexp over axis 1', P: 6, fn: (t) => head(logsumexp(scale(part(t, 0, [2, 3]), 3), { axes: 1 })) },
  { name: 'logsumexp over axis 0, keepDims', P: 12, fn: (t) => head(logsumexp(scale(part(t, 0, [3, 4]), 3), { axes: 0, keepDims: true })) },
  {
    name: 'gather with indices from the data', P: 5, data: { ix: [3] }, sample: { ix: Float64Array.of(4, 0, 2) },
    fn: (t, d) => head(gather(part(t, 0, [5]), d.ix!)),
  },
  {
    name: 'gather with a repeated index', P: 5, data: { ix: [4] }, sample: { ix: Float64Array.of(1, 3, 1, 1) },
    fn: (t, d) => head(gather(part(t, 0, [5]), d.ix!)),
  },
  {
    name: 'softmaxCrossEntropy with a label from the data', P: 5, data: { label: [] }, sample: { label: 3 },
    fn: (t, d) => head(softmaxCrossEntropy(scale(part(t, 0, [5]), 2), d.label!)),
  },
  {
    name: 'softmaxCrossEntropy of a dense layer (plain, no head)', P: 15, data: { x: [4], label: [] }, sample: { x: xVec, label: 1 },
    fn: (t, d) => softmaxCrossEntropy(dense(d.x!, part(t, 0, [3, 4]), part(t, 12, [3])), d.label!),
  },
  { name: 'constant tensors', P: 6, fn: (t) => head(add(mul(part(t, 0, [2, 3]), constant([1, -2, 3, 0.5, 2, -1], [2, 3])), constant([0.1, 0.2, 0.3], [3]))) },
  {
    name: 'a small convnet: conv2d, tanh, dense, softmaxCrossEntropy', P: 2 * 9 + 2 + 3 * 32 + 3, data: { x: [1, 6, 6], label: [] },
    sample: { x: xImg, label: 2 },
    fn: (t, d) => {
      const h = tanh(conv2d(d.x!, reshape(slice(t, 0, [18]), [2, 1, 3, 3]), { bias: slice(t, 18, [2]) }));
      const logits = dense(flatten(h), reshape(slice(t, 20, [96]), [3, 32]), slice(t, 116, [3]));
      return softmaxCrossEntropy(scale(logits, 3), d.label!);
    },
  },
];

for (const c of cases) {
  test(`${c.name}: derivatives of orders 1–4 agree with finite differences, are symmetric and consistent`, () => {
    const prog = compile(c.fn, { P: c.P, data: c.data ?? {} });
    const sample = c.sample ?? {};
    const rng = uniformStream(seedOf(c.name));
    const theta = uniform(rng, c.P, -0.5, 0.5);
    const dirs = [0, 1, 2, 3].map(() => uniform(rng, c.P, -1, 1));
    const D = (th: Float64Array, ds: Float64Array[]) => prog.derivative(th, ds, sample);
    const G = (th: Float64Array, ds: Float64Array[]) => prog.gradDerivative(th, ds, sample).grad;
    const check = (label: string, got: number | Float64Array, want: number | Float64Array, tol: number) => {
      const e = worst.record(label, relErr(got, want), c.name);
      assert.ok(e <= tol, `${c.name}: ${label}: relative error ${e.toExponential(2)} > ${tol}`);
    };

    // Gradients of order 1…4 against differences of the order below.
    check('order 1 (∇f)', G(theta, []), fdGradient((th) => prog.value(th, sample), theta), FD_TOL);
    for (let k = 1; k <= 3; k++) {
      const lower = dirs.slice(0, k - 1), d = dirs[k - 1]!;
      const want = fdDerivative((t) => G(along(theta, t, d), lower));
      check(`order ${k + 1} (∇D^${k}f)`, G(theta, dirs.slice(0, k)), want, FD_TOL);
    }
    // Scalars D^k f against differences of D^{k−1} f.
    for (let k = 1; k <= 4; k++) {
      const lower = dirs.slice(0, k - 1), d = dirs[k - 1]!;
      const want = fdDerivative((t) => D(along(theta, t, d), lower))[0]!;
      check(`order ${k} (D^${k}f scalar)`, D(theta, dirs.slice(0, k)), want, FD_TOL);
    }

    // Exact identities between orders: ∇(D^k f[d₁…d_k]) · d_{k+1} = D^{k+1} f[d₁…d_{k+1}].
    for (let k = 0; k <= 3; k++) {
      const g = G(theta, dirs.slice(0, k));
      const lhs = dot(g, dirs[k]!), rhs = D(theta, dirs.slice(0, k + 1));
      const e = worst.record('identity ∇D^k·d = D^{k+1}', Math.abs(lhs - rhs) / absDot(g, dirs[k]!), c.name);
      assert.ok(e <= EXACT_TOL, `${c.name}: ∇D^${k}f·d = D^${k + 1}f fails: ${lhs} vs ${rhs}`);
    }
    // derivative() and gradDerivative().value run the same forward steps.
    for (let k = 0; k <= 3; k++) {
      const ds = dirs.slice(0, k);
      assert.equal(prog.gradDerivative(theta, ds, sample).value, D(theta, ds), `${c.name}: value of order ${k}`);
    }
    // Symmetry in the directions, of D^k f (k = 2, 3, 4) and of ∇(D^k f) (k = 2, 3).
    // (D^k f may be a small sum of larger terms, so its rounding is measured, as above, against
    // Σ|terms| of D^k f[d₁…d_k] = ∇(D^{k−1} f[d₁…d_{k−1}]) · d_k.)
    for (let k = 2; k <= 4; k++) {
      const base = dirs.slice(0, k);
      const ref = D(theta, base);
      const scale = absDot(G(theta, base.slice(0, k - 1)), base[k - 1]!);
      for (const p of permutations(base).slice(1)) {
        const e = worst.record('symmetry of D^k f', Math.abs(D(theta, p) - ref) / scale, c.name);
        assert.ok(e <= EXACT_TOL, `${c.name}: D^${k}f is not symmetric: ${D(theta, p)} vs ${ref}`);
      }
    }
    for (let k = 2; k <= 3; k++) {
      const base = dirs.slice(0, k);
      const ref = G(theta, base);
      for (const p of permutations(base).slice(1)) {
        const e = worst.record('symmetry of ∇D^k f', relErr(G(theta, p), ref), c.name);
        assert.ok(e <= EXACT_TOL, `${c.name}: ∇D^${k}f is not symmetric (relative difference ${e})`);
      }
    }
  });
}

/**
 * The cases above must reach every primitive: the primitives in their traced graphs are exactly
 * the names of prims.ts's table, so a primitive added without a finite-difference case fails here.
 */
test('every primitive of prims.ts appears in some finite-difference case above', () => {
  const seen = new Set<string>();
  for (const c of cases) {
    for (const node of compile(c.fn, { P: c.P, data: c.data ?? {} }).trace.nodes) if (node.kind === 'op') seen.add(node.prim);
  }
  const all = Object.keys(prims).sort();
  assert.deepEqual([...seen].sort(), all, `primitives without a finite-difference case: ${all.filter((p) => !seen.has(p)).join(', ')}`);
});

after(() => {
  console.log(`worst relative errors against finite differences (h = 1e-3, Richardson):\n${worst.summary()}`);
});
