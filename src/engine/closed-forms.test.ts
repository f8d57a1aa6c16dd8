/**
 * @file Derivatives against closed forms, to ≤ 1e-12 relative, up to order 4 (and beyond where
 * the function has a derivative of every order).
 *
 * Elementwise sums f(θ) = Σᵢ g(θᵢ) have
 *   D^k f[d₁…d_k]      = Σᵢ g^{(k)}(θᵢ) Π_j d_{j,i},
 *   ∇(D^k f[d₁…d_k])ᵢ  = g^{(k+1)}(θᵢ) Π_j d_{j,i}.
 * θ lies in a range where each g^{(k)} keeps one sign and the directions are positive, so the
 * sums do not cancel and 1e-12 relative is a fair bound for float64 (about 50 ulps).
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  add, compile, constant, cos, exp, log, matmul, mul, pow, scale, sigmoid, sin, softplus, square, sum, tanh,
  type Tensor,
} from './index.ts';
import { uniformStream, relErr, uniform, WorstErrors } from '../testing/index.ts';

const TOL = 1e-12;
const worst = new WorstErrors();

/** Assert relErr(got, want) ≤ 1e-12 and keep the worst per label for the summary. */
function close(label: string, where: string, got: number | Float64Array, want: number | Float64Array): void {
  const e = worst.record(label, relErr(got, want), where);
  assert.ok(e <= TOL, `${where}: ${label}: got ${got}, closed form ${want} (relative error ${e.toExponential(2)})`);
}

interface Elementwise {
  name: string;
  op: (x: Tensor) => Tensor;
  /** g^{(k)}(x) */
  g: (x: number, k: number) => number;
  /** Highest k with g^{(k)} given. */
  maxK: number;
  lo: number;
  hi: number;
}

/** p(p−1)…(p−k+1) */
const falling = (p: number, k: number) => {
  let c = 1;
  for (let j = 0; j < k; j++) c *= p - j;
  return c;
};

const sig = (x: number) => 1 / (1 + Math.exp(-x));

/** σ^{(k)} as polynomials in s = σ(x): σ′ = s(1−s), σ″ = σ′(1−2s), σ‴ = σ′(1−6s+6s²), σ⁗ = σ′(1−2s)(1−12s+12s²). */
function sigmoidDeriv(x: number, k: number): number {
  const s = sig(x), d1 = s * (1 - s);
  return [s, d1, d1 * (1 - 2 * s), d1 * (1 - 6 * s + 6 * s * s), d1 * (1 - 2 * s) * (1 - 12 * s + 12 * s * s)][k]!;
}

const elementwise: Elementwise[] = [
  // every derivative of exp is exp
  { name: 'exp', op: exp, g: (x) => Math.exp(x), maxK: 7, lo: -1, hi: 1 },
  // sin → cos → −sin → −cos → sin
  { name: 'sin', op: sin, g: (x, k) => [Math.sin(x), Math.cos(x), -Math.sin(x), -Math.cos(x)][k % 4]!, maxK: 7, lo: 0.1, hi: 1.4 },
  { name: 'cos', op: cos, g: (x, k) => [Math.cos(x), -Math.sin(x), -Math.cos(x), Math.sin(x)][k % 4]!, maxK: 7, lo: 0.1, hi: 1.4 },
  // log^{(k)} = (−1)^{k−1} (k−1)! / x^k
  { name: 'log', op: log, g: (x, k) => (k === 0 ? Math.log(x) : (-1) ** (k - 1) * falling(k - 1, k - 1) / x ** k), maxK: 7, lo: 1.1, hi: 2.5 },
  // t = tanh x: t′ = 1−t², t″ = −2t(1−t²), t‴ = (6t²−2)(1−t²), t⁗ = (16t−24t³)(1−t²);
  // on (0.1, 0.6), t < 0.54 keeps every one of them single-signed
  {
    name: 'tanh', op: tanh, maxK: 4, lo: 0.1, hi: 0.6,
    g: (x, k) => {
      const t = Math.tanh(x), s = 1 - t * t;
      return [t, s, -2 * t * s, (6 * t * t - 2) * s, (16 * t - 24 * t ** 3) * s][k]!;
    },
  },
  // softplus′ = σ, so softplus^{(k)} = σ^{(k−1)}
  { name: 'softplus', op: softplus, g: (x, k) => (k === 0 ? Math.log1p(Math.exp(x)) : sigmoidDeriv(x, k - 1)), maxK: 5, lo: 0.2, hi: 1 },
  { name: 'sigmoid', op: sigmoid, g: sigmoidDeriv, maxK: 4, lo: 0.2, hi: 1 },
  // integer powers: (x^p)^{(k)} = p(p−1)…(p−k+1) x^{p−k}
  ...[2, 3, 5, -1, -2].map((p): Elementwise => ({
    name: `pow ${p}`, op: (x) => pow(x, p), g: (x, k) => falling(p, k) * x ** (p - k), maxK: 7, lo: 0.5, hi: 1.5,
  })),
  { name: 'square', op: square, g: (x, k) => falling(2, k) * x ** (2 - k), maxK: 7, lo: 0.5, hi: 1.5 },
];

const P = 5;

for (const e of elementwise) {
  const kMax = Math.min(e.maxK, 6); // D^k f for k ≤ 6 = MAX_DIRECTIONS
  test(`${e.name}: D^k f and ∇(D^k f) of Σ g(θᵢ) equal the closed form to 1e-12 for k up to ${kMax}`, () => {
    const prog = compile((t) => sum(e.op(t)), { P });
    const rng = uniformStream(11);
    const theta = uniform(rng, P, e.lo, e.hi);
    const dirs = Array.from({ length: 6 }, () => uniform(rng, P, 0.5, 1.5));
    const prodDirs = (k: number, i: number) => dirs.slice(0, k).reduce((acc, d) => acc * d[i]!, 1);
    for (let k = 0; k <= kMax; k++) {
      let want = 0;
      for (let i = 0; i < P; i++) want += e.g(theta[i]!, k) * prodDirs(k, i);
      const got = prog.derivative(theta, dirs.slice(0, k));
      if (want === 0) assert.equal(got, 0, `${e.name}: D^${k}f should be exactly 0`);
      else close(`D^${k}f`, e.name, got, want);
      if (k + 1 > e.maxK) continue;
      const wantGrad = Float64Array.from({ length: P }, (_, i) => e.g(theta[i]!, k + 1) * prodDirs(k, i));
      const { value, grad } = prog.gradDerivative(theta, dirs.slice(0, k));
      assert.equal(value, got);
      if (wantGrad.every((x) => x === 0)) assert.deepEqual(grad, new Float64Array(P), `${e.name}: ∇D^${k}f should be exactly 0`);
      else close(`∇D^${k}f`, e.name, grad, wantGrad);
    }
  });
}

test('x⁵: D⁴f[u,v,w,x] = 120 Σ θᵢuᵢvᵢwᵢxᵢ and ∇(D³f[u,v,w]) = 120 θ⊙u⊙v⊙w (with negative entries)', () => {
  const prog = compile((t) => sum(pow(t, 5)), { P: 4 });
  // exact binary fractions so the closed form is exact in float64
  const theta = Float64Array.of(0.5, -1.25, 2, 0.75);
  const u = Float64Array.of(1, 2, -1, 0.5), v = Float64Array.of(-0.5, 1, 1, 2), w = Float64Array.of(2, 0.25, -1, 1), x = Float64Array.of(1, 1, 1, -1);
  let d4 = 0;
  for (let i = 0; i < 4; i++) d4 += 120 * theta[i]! * u[i]! * v[i]! * w[i]! * x[i]!;
  // = 120·(0.5·1·−0.5·2·1 + −1.25·2·1·0.25·1 + 2·−1·1·−1·1 + 0.75·0.5·2·1·−1) = 120·(−0.5 − 0.625 + 2 − 0.75) = 15
  assert.equal(d4, 15);
  assert.equal(prog.derivative(theta, [u, v, w, x]), 15);
  const grad = prog.gradDerivative(theta, [u, v, w]).grad;
  const want = Float64Array.from({ length: 4 }, (_, i) => 120 * theta[i]! * u[i]! * v[i]! * w[i]!);
  // = [−60, −75, 240, 90]
  assert.deepEqual([...want], [-60, -75, 240, 90]);
  close('∇D^3f', 'x⁵', grad, want);
  // the fifth derivative is 120 Π, the sixth 0
  const d5 = prog.derivative(theta, [u, v, w, x, x]);
  close('D^5f', 'x⁵', d5, 120 * [0, 1, 2, 3].reduce((s, i) => s + u[i]! * v[i]! * w[i]! * x[i]! ** 2, 0));
  assert.equal(prog.derivative(theta, [u, v, w, x, x, u]), 0);
});

test('exp(a·θ): D^k f[d₁…d_k] = exp(a·θ) Π (a·d_j) and ∇ = that times a, through matmul, for k up to 6', () => {
  const P = 7;
  const rng = uniformStream(5);
  const a = uniform(rng, P, -1, 1), theta = uniform(rng, P, -1, 1);
  const dirs = Array.from({ length: 6 }, () => uniform(rng, P, -1, 1));
  const prog = compile((t) => exp(matmul(constant(a), t)), { P });
  const dotA = (d: Float64Array) => d.reduce((s, di, i) => s + a[i]! * di, 0);
  const e0 = Math.exp(dotA(theta));
  for (let k = 0; k <= 6; k++) {
    const want = e0 * dirs.slice(0, k).reduce((p, d) => p * dotA(d), 1);
    close(`D^${k}f`, 'exp(a·θ)', prog.derivative(theta, dirs.slice(0, k)), want);
    if (k <= 5) {
      const g = prog.gradDerivative(theta, dirs.slice(0, k)).grad;
      close(`∇D^${k}f`, 'exp(a·θ)', g, a.map((ai) => ai * want));
    }
  }
});

/**
 * Logistic loss L(w) = softplus(−y·w·x) for a sample (x, y), y = ±1. With z = −y w·x and
 * a = −y x, L^{(k)} along the line is softplus^{(k)}(z) = σ^{(k−1)}(z), so
 *   D^k L[d₁…d_k] = σ^{(k−1)}(z) Π_j (a·d_j),   ∇(D^k L[d₁…d_k]) = σ^{(k)}(z) Π_j (a·d_j) · a,
 * with σ′ = σ(1−σ), σ″ = σ′(1−2σ), σ‴ = σ′(1−6σ+6σ²), σ⁗ = σ′(1−2σ)(1−12σ+12σ²).
 */
test('logistic loss softplus(−y·w·x): D^k and ∇(D^k) for k ≤ 4 equal the σ-polynomial closed forms to 1e-12', () => {
  const d = 6;
  const prog = compile((w, s) => softplus(scale(mul(s.y!, matmul(w, s.x!)), -1)), { P: d, data: { x: [d], y: [] } });
  const rng = uniformStream(99);
  const w = uniform(rng, d, -1, 1);
  const dirs = Array.from({ length: 4 }, () => uniform(rng, d, -1, 1));
  for (const y of [1, -1]) {
    const x = uniform(rng, d, -1, 1);
    const a = x.map((xi) => -y * xi);
    const z = a.reduce((s, ai, i) => s + ai * w[i]!, 0);
    const proj = dirs.map((v) => v.reduce((s, vi, i) => s + a[i]! * vi, 0));
    const L = (k: number) => (k === 0 ? Math.log1p(Math.exp(z)) : sigmoidDeriv(z, k - 1));
    for (let k = 0; k <= 4; k++) {
      const pk = proj.slice(0, k).reduce((p, q) => p * q, 1);
      const got = prog.derivative(w, dirs.slice(0, k), { x, y });
      close(`D^${k}f`, `logistic loss, y = ${y}`, got, L(k) * pk);
      if (k <= 3) {
        const g = prog.gradDerivative(w, dirs.slice(0, k), { x, y }).grad;
        close(`∇D^${k}f`, `logistic loss, y = ${y}`, g, a.map((ai) => L(k + 1) * pk * ai));
      }
    }
  }
});

/** f = ½θᵀAθ + bᵀθ, A symmetric: ∇f = Aθ + b, HVP = Av, D²f[u,v] = uᵀAv, ∇(D²f) = 0, D³f = 0. */
test('quadratic ½θᵀAθ + bᵀθ: gradient Aθ + b, HVP Av, D²f[u,v] = uᵀAv, and third derivatives exactly 0', () => {
  const P = 6;
  const rng = uniformStream(3);
  const A = new Float64Array(P * P);
  for (let i = 0; i < P; i++) for (let j = 0; j <= i; j++) A[i * P + j] = A[j * P + i] = 2 * rng() - 1;
  const b = uniform(rng, P, -1, 1), theta = uniform(rng, P, -1, 1), u = uniform(rng, P, -1, 1), v = uniform(rng, P, -1, 1);
  const Av = (x: Float64Array) => Float64Array.from({ length: P }, (_, i) => x.reduce((s, xj, j) => s + A[i * P + j]! * xj, 0));
  const dotp = (x: Float64Array, y: Float64Array) => x.reduce((s, xi, i) => s + xi * y[i]!, 0);
  const prog = compile((t) => add(scale(matmul(t, matmul(constant(A, [P, P]), t)), 0.5), matmul(constant(b), t)), { P });
  const At = Av(theta);
  close('D^0f', 'quadratic', prog.value(theta), 0.5 * dotp(theta, At) + dotp(b, theta));
  close('∇D^0f', 'quadratic', prog.valueAndGrad(theta).grad, At.map((x, i) => x + b[i]!));
  const hvp = prog.gradDerivative(theta, [v]);
  close('∇D^1f', 'quadratic', hvp.grad, Av(v));
  close('D^1f', 'quadratic', hvp.value, dotp(Av(theta), v) + dotp(b, v));
  close('D^2f', 'quadratic', prog.derivative(theta, [u, v]), dotp(u, Av(v)));
  assert.equal(prog.derivative(theta, [u, v, u]), 0);
  assert.equal(prog.derivative(theta, [u, v, u, v]), 0);
  const g2 = prog.gradDerivative(theta, [u, v]);
  close('D^2f', 'quadratic', g2.value, dotp(u, Av(v)));
  assert.deepEqual(g2.grad, new Float64Array(P), '∇(D²f[u,v]) = 0');
});


after(() => {
  console.log(`worst relative errors against closed forms:\n${worst.summary()}`);
});
