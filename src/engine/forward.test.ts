/**
 * @file Every op's values against a plain-JavaScript reference. (The finite-difference tests
 * check that derivatives fit the values; they cannot see a forward kernel that computes the
 * wrong function consistently, e.g. a convolution that ignores its stride.)
 *
 * The op's output y is read exactly: for f(θ) = Σᵢ θᵢ·yᵢ with y computed from the data only,
 * ∇f = y (the transpose of θ ⊙ y puts yᵢ·1 into θ̃ᵢ, no rounding).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  add, broadcastTo, compile, conv2d, cos, dense, div, exp, flatten, gather, log, logsumexp, matmul, mean, mul, neg,
  pow, reshape, scale, sigmoid, sin, slice, softmaxCrossEntropy, softplus, sub, sum, tanh, type Tensor,
} from './index.ts';
import { uniformStream, uniform } from '../testing/index.ts';

type Inputs = Record<string, { shape: number[]; values: Float64Array }>;

/** The values of op(inputs), flattened, read through the gradient of Σ θ ⊙ op(inputs). */
function valuesOf(op: (d: Record<string, Tensor>) => Tensor, inputs: Inputs): Float64Array {
  const data = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, v.shape]));
  const sample = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, v.values]));
  let size = 0;
  // trace once to learn the output size
  compile((t, d) => {
    size = op(d).size;
    return sum(t);
  }, { P: 1, data });
  const prog = compile((t, d) => sum(mul(t, reshape(op(d), [size]))), { P: size, data });
  return prog.valueAndGrad(new Float64Array(size), sample).grad;
}

const rng = uniformStream(404);
const input = (shape: number[], lo = -1, hi = 1) => ({ shape, values: uniform(rng, shape.reduce((a, b) => a * b, 1), lo, hi) });

/**
 * |got − want| ≤ tol·scale elementwise (tol = 0: exactly equal), with scale = |want| or, for
 * sums of products that may cancel, the given Σ|terms|.
 */
function near(got: Float64Array, want: ArrayLike<number>, tol: number, what: string, scale?: ArrayLike<number>): void {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < got.length; i++) {
    const w = want[i]!;
    assert.ok(Math.abs(got[i]! - w) <= tol * (scale ? scale[i]! : Math.abs(w)), `${what}[${i}]: ${got[i]} vs ${w}`);
  }
}

/** Row-major strides and index helpers for the references. */
const stridesOf = (shape: number[]) => shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
function unravel(f: number, shape: number[]): number[] {
  return stridesOf(shape).map((s, i) => Math.floor(f / s) % shape[i]!);
}

test('conv2d matches the direct sum y[o,i,j] = b[o] + Σ w[o,c,p,q]·x[c, i·s+p, j·s+q], strides 1, 2 and 3', () => {
  for (const [C, H, W, O, kh, kw, s, bias] of [
    [2, 5, 6, 3, 2, 3, 1, true], [1, 7, 6, 2, 3, 2, 2, false], [3, 8, 9, 2, 3, 3, 2, true], [2, 7, 7, 2, 2, 2, 3, true],
  ] as const) {
    const x = input([C, H, W]), w = input([O, C, kh, kw]), b = input([O]);
    const got = valuesOf((d) => conv2d(d.x!, d.w!, { stride: s, bias: bias ? d.b! : undefined }), { x, w, b });
    const Ho = Math.floor((H - kh) / s) + 1, Wo = Math.floor((W - kw) / s) + 1;
    const want: number[] = [], mag: number[] = [];
    for (let o = 0; o < O; o++) for (let i = 0; i < Ho; i++) for (let j = 0; j < Wo; j++) {
      let acc = bias ? b.values[o]! : 0, m = Math.abs(acc);
      for (let c = 0; c < C; c++) for (let p = 0; p < kh; p++) for (let q = 0; q < kw; q++) {
        const term = w.values[((o * C + c) * kh + p) * kw + q]! * x.values[(c * H + i * s + p) * W + j * s + q]!;
        acc += term;
        m += Math.abs(term);
      }
      want.push(acc);
      mag.push(m);
    }
    // both sums are within 28·ε·Σ|terms| of the exact value (at most 27 terms + bias)
    near(got, want, 1e-14, `conv2d C=${C} ${H}×${W} O=${O} ${kh}×${kw} stride ${s}`, mag);
  }
});

test('matmul in all four rank combinations, and dense, match the direct sums', () => {
  const a = input([4, 6]), b = input([6, 5]), v = input([6]), u = input([4]);
  /** [A·B, Σ|terms|] for A [m,k], B [k,n]. */
  const ref = (m: number, k: number, n: number, A: ArrayLike<number>, B: ArrayLike<number>) => {
    const sums: number[] = [], mags: number[] = [];
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
      let s = 0, g = 0;
      for (let t = 0; t < k; t++) {
        s += A[i * k + t]! * B[t * n + j]!;
        g += Math.abs(A[i * k + t]! * B[t * n + j]!);
      }
      sums.push(s);
      mags.push(g);
    }
    return [sums, mags] as const;
  };
  // both sums are within 7·ε·Σ|terms| of the exact value (at most 6 terms + bias): 1e-15
  const check = (got: Float64Array, [want, mag]: readonly [number[], number[]], what: string) => near(got, want, 1e-15, what, mag);
  check(valuesOf((d) => matmul(d.a!, d.b!), { a, b }), ref(4, 6, 5, a.values, b.values), '[4,6]·[6,5]');
  check(valuesOf((d) => matmul(d.a!, d.v!), { a, v }), ref(4, 6, 1, a.values, v.values), '[4,6]·[6]');
  check(valuesOf((d) => matmul(d.u!, d.a!), { u, a }), ref(1, 4, 6, u.values, a.values), '[4]·[4,6]');
  check(valuesOf((d) => reshape(matmul(d.v!, d.v!), [1]), { v }), ref(1, 6, 1, v.values, v.values), '[6]·[6]');
  const bias = input([4]);
  const [av, avMag] = ref(4, 6, 1, a.values, v.values);
  check(
    valuesOf((d) => dense(d.v!, d.a!, d.bias!), { v, a, bias }),
    [av.map((y, i) => y + bias.values[i]!), avMag.map((g, i) => g + Math.abs(bias.values[i]!))],
    'dense',
  );
});

test('sum and mean over axes (with and without keepDims) match direct reductions of a [2,3,4] tensor', () => {
  const x = input([2, 3, 4]);
  for (const axes of [[0], [1], [2], [0, 2], [1, 2], [0, 1, 2]]) {
    const outShape = [2, 3, 4].map((d, i) => (axes.includes(i) ? 1 : d));
    const want = new Array<number>(outShape.reduce((a, b) => a * b, 1)).fill(0);
    const os = stridesOf(outShape);
    for (let f = 0; f < 24; f++) {
      const idx = unravel(f, [2, 3, 4]);
      want[idx.reduce((o, ix, d) => o + (axes.includes(d) ? 0 : ix * os[d]!), 0)] += x.values[f]!;
    }
    const count = axes.reduce((n, a) => n * [2, 3, 4][a]!, 1);
    for (const keepDims of [false, true]) {
      near(valuesOf((d) => sum(d.x!, { axes, keepDims }), { x }), want, 1e-15, `sum axes ${axes}`);
      near(valuesOf((d) => mean(d.x!, { axes, keepDims }), { x }), want.map((s) => s / count), 1e-15, `mean axes ${axes}`);
    }
  }
  // the shapes: keepDims keeps reduced axes as 1, negative axes count from the end
  compile((t, d) => {
    assert.deepEqual(sum(d.x!, { axes: [0, 2], keepDims: true }).shape, [1, 3, 1]);
    assert.deepEqual(sum(d.x!, { axes: -1 }).shape, [2, 3]);
    assert.deepEqual(mean(d.x!, { axes: [1] }).shape, [2, 4]);
    return sum(t);
  }, { P: 1, data: { x: [2, 3, 4] } });
});

test('broadcasting (broadcastTo and binary ops) repeats values as numpy does', () => {
  const a = input([2, 1, 4]), r = input([3]), c = input([2, 1]);
  const to = [3, 2, 5, 4];
  const want = Array.from({ length: 120 }, (_, f) => {
    const [, j, , l] = unravel(f, to);
    return a.values[j! * 4 + l!]!;
  });
  near(valuesOf((d) => broadcastTo(d.a!, to), { a }), want, 0, 'broadcastTo [2,1,4] → [3,2,5,4]');
  // [2,1] + [3] → [2,3]: c[i] + r[j]; [2,1] ⊙ [3]; [3] − [2,1]; [2,1] / [3]
  const grid = (g: (ci: number, rj: number) => number) =>
    Array.from({ length: 6 }, (_, f) => g(c.values[Math.floor(f / 3)]!, r.values[f % 3]!));
  near(valuesOf((d) => add(d.c!, d.r!), { c, r }), grid((x, y) => x + y), 0, 'add');
  near(valuesOf((d) => mul(d.c!, d.r!), { c, r }), grid((x, y) => x * y), 0, 'mul');
  near(valuesOf((d) => sub(d.r!, d.c!), { c, r }), grid((x, y) => y - x), 0, 'sub');
  near(valuesOf((d) => div(d.c!, d.r!), { c, r }), grid((x, y) => x / y), 1e-15, 'div');
});

test('elementwise functions match Math.* to 1e-15 relative (tanh, softplus and sigmoid to 4 ulps)', () => {
  const x = input([40], -3, 3), p = input([40], 0.1, 3);
  near(valuesOf((d) => exp(d.x!), { x }), x.values.map(Math.exp), 0, 'exp');
  near(valuesOf((d) => log(d.p!), { p }), p.values.map(Math.log), 0, 'log');
  near(valuesOf((d) => sin(d.x!), { x }), x.values.map(Math.sin), 0, 'sin');
  near(valuesOf((d) => cos(d.x!), { x }), x.values.map(Math.cos), 0, 'cos');
  near(valuesOf((d) => tanh(d.x!), { x }), x.values.map(Math.tanh), 9e-16, 'tanh');
  near(valuesOf((d) => softplus(d.x!), { x }), x.values.map((v) => Math.log1p(Math.exp(v))), 9e-16, 'softplus');
  near(valuesOf((d) => sigmoid(d.x!), { x }), x.values.map((v) => 1 / (1 + Math.exp(-v))), 9e-16, 'sigmoid');
  near(valuesOf((d) => neg(d.x!), { x }), x.values.map((v) => -v), 0, 'neg');
  near(valuesOf((d) => scale(d.x!, 2.5), { x }), x.values.map((v) => 2.5 * v), 0, 'scale');
  for (const e of [0, 1, 2, 3, 7, -1, -3]) {
    near(valuesOf((d) => pow(d.p!, e), { p }), p.values.map((v) => v ** e), 1e-15, `pow ${e}`);
  }
  // stability: softplus of large |x| neither overflows nor loses the small tail
  const big = { shape: [4], values: Float64Array.of(800, -800, 40, -40) };
  near(valuesOf((d) => softplus(d.big!), { big }), [800, 0, 40 + Math.exp(-40), Math.exp(-40)], 1e-15, 'softplus, large |x|');
});

test('logsumexp over axes matches log Σ exp, also for entries near ±1000 (no overflow)', () => {
  const x = input([3, 4], -2, 2);
  const lse = (vals: number[]) => {
    const m = Math.max(...vals);
    return m + Math.log(vals.reduce((s, v) => s + Math.exp(v - m), 0));
  };
  const rows = [0, 1, 2].map((i) => lse([...x.values.subarray(i * 4, i * 4 + 4)]));
  const cols = [0, 1, 2, 3].map((j) => lse([0, 1, 2].map((i) => x.values[i * 4 + j]!)));
  near(valuesOf((d) => logsumexp(d.x!, { axes: 1 }), { x }), rows, 1e-15, 'rows');
  near(valuesOf((d) => logsumexp(d.x!, { axes: 0, keepDims: true }), { x }), cols, 1e-15, 'columns');
  near(valuesOf((d) => reshape(logsumexp(d.x!), [1]), { x }), [lse([...x.values])], 1e-15, 'all');
  const big = { shape: [3], values: Float64Array.of(1000, 999, 998) };
  near(valuesOf((d) => reshape(logsumexp(d.big!), [1]), { big }), [1000 + Math.log(1 + Math.exp(-1) + Math.exp(-2))], 1e-15, '≈1000');
  const neg1000 = { shape: [3], values: Float64Array.of(-1000, -999, -998) };
  near(valuesOf((d) => reshape(logsumexp(d.neg1000!), [1]), { neg1000 }), [-998 + Math.log(1 + Math.exp(-1) + Math.exp(-2))], 1e-15, '≈−1000');
});

test('softmaxCrossEntropy is −log softmax(z)[label], and gather picks x[index]', () => {
  const z = input([5], -3, 3);
  const lse = Math.log(z.values.reduce((s, v) => s + Math.exp(v), 0));
  for (let label = 0; label < 5; label++) {
    const l = { shape: [] as number[], values: Float64Array.of(label) };
    near(valuesOf((d) => reshape(softmaxCrossEntropy(d.z!, d.l!), [1]), { z, l }), [lse - z.values[label]!], 1e-14, `label ${label}`);
  }
  const ix = { shape: [2, 3], values: Float64Array.of(4, 0, 2, 2, 1, 4) };
  near(valuesOf((d) => gather(d.z!, d.ix!), { z, ix }), [...ix.values].map((i) => z.values[i]!), 0, 'gather');
});

test('reshape, flatten and slice keep row-major order; slice takes elements [start, start + size)', () => {
  const x = input([2, 3, 4]);
  near(valuesOf((d) => reshape(d.x!, [4, -1]), { x }), x.values, 0, 'reshape');
  near(valuesOf((d) => flatten(d.x!), { x }), x.values, 0, 'flatten');
  near(valuesOf((d) => slice(d.x!, 5, [2, 7]), { x }), x.values.subarray(5, 19), 0, 'slice');
  near(valuesOf((d) => slice(slice(d.x!, 3, [20]), 4, [3]), { x }), x.values.subarray(7, 10), 0, 'slice of a slice');
  // a view of a computed tensor: slice of exp
  near(valuesOf((d) => slice(exp(d.x!), 10, [5]), { x }), x.values.subarray(10, 15).map(Math.exp), 0, 'slice of exp');
});
