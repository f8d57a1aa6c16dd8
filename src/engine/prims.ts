/**
 * @file The primitives: for each, its typed attributes, shape rule, kernels and derivative
 * family, side by side.
 *
 * Four families carry every derivative (families.ts applies them at any order; planes.ts says
 * why that suffices):
 * - linear   z = L(x):      transpose rule x̃ += Lᵀ z̃, applied plane by plane;
 * - bilinear z = B(x, y):   rules x̃ += B_xᵀ(y, z̃) and ỹ += B_yᵀ(x, z̃), applied to plane pairs;
 * - unary    z = f(x):      the derivatives f, f′, f″, … at x_∅, from which Faà di Bruno builds
 *                           every plane forward and the algebra-valued f′(x) backward;
 * - stop     z = g(x_∅):    a constant (maxStop), for numerical shifts that cancel exactly.
 * A primitive supplies only what its family asks for (FamilyParts). The table is an exhaustive
 * mapped type: adding a primitive name to PrimParams breaks the build until it has its rules.
 */
import { InputError } from '../core/index.ts';
import * as K from './kernels.ts';
import type { SimdKernels } from './simd.ts';
import { fmtShape, sizeOf, type OpNode, type Shape, type Tensor } from './tensor.ts';

/** Where a node's plane ∅ lives at run time (data nodes move from sample to sample). */
export interface Loc {
  buf: Float64Array;
  off: number;
}

export interface LinearKernel {
  /** z (+)= L_i(x) on one plane, for differentiable input i. */
  apply(i: number, x: Float64Array, xo: number, z: Float64Array, zo: number, acc: boolean): void;
  /** x̃ += L_iᵀ(z̃) on one plane. */
  transpose(i: number, zt: Float64Array, zto: number, xt: Float64Array, xto: number): void;
}

export interface BilinearKernel {
  apply(x: Float64Array, xo: number, y: Float64Array, yo: number, z: Float64Array, zo: number, acc: boolean): void;
  /** x̃ += B_xᵀ(y, z̃). */
  tx(y: Float64Array, yo: number, zt: Float64Array, zto: number, xt: Float64Array, xto: number): void;
  /** ỹ += B_yᵀ(x, z̃). */
  ty(x: Float64Array, xo: number, zt: Float64Array, zto: number, yt: Float64Array, yto: number): void;
}

/** Fills d[do + k·n + i] = f^{(k)}(x[xo + i]) for k = 0…K. */
export type Derivs = (x: Float64Array, xo: number, n: number, K: number, d: Float64Array, do_: number) => void;

/** z_∅ = a function of x_∅ alone, written at (z, zo) from (x, xo). */
export type StopKernel = (x: Float64Array, xo: number, z: Float64Array, zo: number) => void;

type NoParams = Readonly<Record<string, never>>;

/**
 * The attributes of each primitive, fixed at trace time (as jax-js types its `Primitive`
 * params): `bind` takes them typed by primitive and every rule reads them without a cast.
 */
export interface PrimParams {
  add: NoParams;
  neg: NoParams;
  scale: { readonly c: number };
  reshape: { readonly shape: Shape };
  slice: { readonly start: number; readonly shape: Shape };
  broadcastTo: { readonly shape: Shape };
  /** `axes` normalized: sorted, unique, nonnegative. */
  sum: { readonly axes: readonly number[]; readonly keepDims: boolean };
  gather: NoParams;
  im2col: { readonly kh: number; readonly kw: number; readonly stride: number };
  mul: NoParams;
  matmul: NoParams;
  matmulNT: NoParams;
  exp: NoParams;
  log: NoParams;
  sin: NoParams;
  cos: NoParams;
  tanh: NoParams;
  softplus: NoParams;
  powi: { readonly p: number };
  maxStop: { readonly axes: readonly number[] };
}

export type PrimName = keyof PrimParams;

/**
 * What each derivative family needs from a primitive beyond its shape rule (families.ts turns
 * these into planes and steps). Kernels are made per node, once, when an executable is built.
 */
export interface FamilyParts<P extends PrimName = PrimName> {
  linear: {
    /** The inputs the op is linear in (gather's index is not differentiated). */
    readonly diff: readonly number[];
    /** `simd`: the executable's WebAssembly kernels, whose memory is every array the kernel gets. */
    make(node: OpNode<P>, aux: readonly Loc[], simd: SimdKernels): LinearKernel;
    /** For z = x.flat[s…] (reshape, slice): s. Such a z is a view into x's memory: no copy forward, no transpose backward. */
    view?(params: PrimParams[P]): number;
  };
  /** Bilinear kernels get the executable's SIMD kernels; all their arrays are its heap. */
  bilinear: { make(node: OpNode<P>, simd: SimdKernels): BilinearKernel };
  /** `derivs(params, simd)`: the routine tabulating f, f′, f″, … for the node's attributes (powi's exponent), over the executable's heap. */
  unary: { derivs(params: PrimParams[P], simd: SimdKernels): Derivs; readonly maxOrder: number };
  stop: { make(node: OpNode<P>): StopKernel };
}

export type Family = keyof FamilyParts;

type ShapeRule<P extends PrimName> = (inputs: readonly Tensor[], params: PrimParams[P]) => Shape;

/** A table entry of family F. */
export type PrimOf<F extends Family, P extends PrimName = PrimName> = { readonly family: F; readonly shape: ShapeRule<P> } & FamilyParts<P>[F];

/** A primitive's table entry: its family's parts, typed for its attributes. */
export type Prim<P extends PrimName = PrimName> = { [F in Family]: PrimOf<F, P> }[Family];

// ---------------------------------------------------------------------------------------------
// Shape helpers

const same = (a: Shape, b: Shape) => a.length === b.length && a.every((d, i) => d === b[i]);
const unaryShape = (xs: readonly Tensor[]): Shape => xs[0]!.shape;

function sameShapes(op: string): (xs: readonly Tensor[]) => Shape {
  return (xs) => {
    if (!same(xs[0]!.shape, xs[1]!.shape)) {
      throw new InputError(`${op}: shapes ${fmtShape(xs[0]!.shape)} and ${fmtShape(xs[1]!.shape)} differ`);
    }
    return xs[0]!.shape;
  };
}

function strides(shape: Shape): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i]!;
  }
  return s;
}

/** Normalized, sorted, unique axes of a rank-r tensor (negative axes count from the end). */
export function normAxes(op: string, axes: readonly number[] | undefined, r: number): number[] {
  if (axes === undefined) return [...Array(r).keys()];
  const out = new Set<number>();
  for (const a of axes) {
    if (!Number.isInteger(a) || a < -r || a >= r) throw new InputError(`${op}: axis ${a} is out of range for a tensor of rank ${r}`);
    out.add(a < 0 ? a + r : a);
  }
  return [...out].sort((p, q) => p - q);
}

/** For each input index, the output index of a reduction over `axes`. */
function reductionMap(shape: Shape, axes: readonly number[]): Int32Array {
  const outShape = shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const os = strides(outShape);
  const n = sizeOf(shape);
  const map = new Int32Array(n);
  const idx = new Array<number>(shape.length).fill(0);
  for (let f = 0; f < n; f++) {
    let o = 0;
    for (let d = 0; d < shape.length; d++) if (!axes.includes(d)) o += idx[d]! * os[d]!;
    map[f] = o;
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
  }
  return map;
}

/** A linear kernel z[i] = x[map[i]] (a gather); its transpose scatters back. */
function gatherKernel(map: Int32Array): LinearKernel {
  const n = map.length;
  const put = K.gather(n, false), add = K.gather(n, true);
  // A broadcast's transpose sums runs of equal entries: in registers when the runs are long.
  const runs = K.mapRuns(map);
  const back = runs ? K.scatterAddRuns(runs) : K.scatterAdd(n), backMap = runs ?? map;
  return {
    apply: (_i, x, xo, z, zo, acc) => (acc ? add : put)(x, xo, map, z, zo),
    transpose: (_i, zt, zto, xt, xto) => back(xt, xto, backMap, zt, zto),
  };
}

/** A linear kernel z[i] = x[i] (reshape, add's two sides), in WebAssembly over the heap. */
function identityKernel(n: number, simd: SimdKernels): LinearKernel {
  return {
    apply: (_i, _x, xo, _z, zo, acc) => simd.copy(xo, zo, n, acc ? 1 : 0),
    transpose: (_i, _zt, zto, _xt, xto) => simd.copy(zto, xto, n, 1),
  };
}

/** z = c·x for a constant c; its transpose is the same scaling. */
function scaleKernel(n: number, c: number, simd: SimdKernels): LinearKernel {
  return {
    apply: (_i, _x, xo, _z, zo, acc) => simd.scale(c, xo, zo, n, acc ? 1 : 0),
    transpose: (_i, _zt, zto, _xt, xto) => simd.scale(c, zto, xto, n, 1),
  };
}

// ---------------------------------------------------------------------------------------------
// Derivative tables of the unary primitives.

/** Coefficients of P_k(t) with d^k/dx^k g(x) = P_k(g(x)), from P_{k+1} = P_k′ · q(t). */
function derivativePolys(p0: number[], q: number[], K: number): number[][] {
  const polys = [p0];
  for (let k = 1; k <= K; k++) {
    const p = polys[k - 1]!;
    const dp = p.slice(1).map((c, i) => c * (i + 1));
    const next = new Array<number>(dp.length + q.length - 1).fill(0);
    dp.forEach((a, i) => q.forEach((b, j) => (next[i + j]! += a * b)));
    polys.push(next);
  }
  return polys;
}

const MAX_ORDER = 8;
// tanh′ = 1 − t²: P₀ = t.
const TANH_POLYS = derivativePolys([0, 1], [1, 0, -1], MAX_ORDER);
// σ′ = σ(1 − σ): polynomials in s = σ(x) for σ, σ′, σ″, … (softplus^{(k+1)} = σ^{(k)}).
const SIGMOID_POLYS = derivativePolys([0, 1], [0, 1, -1], MAX_ORDER);

function horner(c: readonly number[], t: number): number {
  let r = 0;
  for (let i = c.length - 1; i >= 0; i--) r = r * t + c[i]!;
  return r;
}

const expDerivs: Derivs = (x, xo, n, K, d, o) => {
  for (let i = 0; i < n; i++) d[o + i] = Math.exp(x[xo + i]!);
  for (let k = 1; k <= K; k++) d.copyWithin(o + k * n, o, o + n);
};

const logDerivs: Derivs = (x, xo, n, K, d, o) => {
  for (let i = 0; i < n; i++) {
    const v = x[xo + i]!;
    d[o + i] = Math.log(v);
    // f^{(k)} = (−1)^{k−1} (k−1)! / x^k
    let c = 1 / v;
    for (let k = 1; k <= K; k++) {
      d[o + k * n + i] = c;
      c *= -k / v;
    }
  }
};

/** sin^{(k)}(x) = sin(x + kπ/2); cos^{(k)}(x) = cos(x + kπ/2) = sin(x + (k+1)π/2). */
const sinShiftDerivs = (shift: number): Derivs => (x, xo, n, K, d, o) => {
  for (let i = 0; i < n; i++) {
    const s = Math.sin(x[xo + i]!), c = Math.cos(x[xo + i]!);
    for (let k = 0; k <= K; k++) {
      const r = (k + shift) & 3;
      d[o + k * n + i] = r === 0 ? s : r === 1 ? c : r === 2 ? -s : -c;
    }
  }
};

/**
 * tanh and 1 − tanh² in WebAssembly (scripts/simd-wat.ts: Math.exp is an out-of-line call in
 * V8, and tanh was a third of a convnet simulation); higher derivatives from t by their polynomials.
 * `x` and `d` are the executable's heap, the kernels' memory.
 */
const tanhDerivs = (simd: SimdKernels): Derivs => (_x, xo, n, K, d, o) => {
  simd.tanh(xo, o, n, K >= 1 ? 1 : 0);
  for (let k = 2; k <= K; k++) {
    const poly = TANH_POLYS[k]!;
    for (let i = 0; i < n; i++) d[o + k * n + i] = horner(poly, d[o + i]!);
  }
};

/** softplus(x) = log(1 + eˣ), computed without overflow; its derivatives are σ's. */
const softplusDerivs: Derivs = (x, xo, n, K, d, o) => {
  for (let i = 0; i < n; i++) {
    const v = x[xo + i]!;
    d[o + i] = v > 0 ? v + Math.log1p(Math.exp(-v)) : Math.log1p(Math.exp(v));
    const s = v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v));
    for (let k = 1; k <= K; k++) d[o + k * n + i] = horner(SIGMOID_POLYS[k - 1]!, s);
  }
};

/** x^p for an integer p: f^{(k)} = p(p−1)…(p−k+1) x^{p−k}. */
const powiDerivs = (p: number): Derivs => (x, xo, n, K, d, o) => {
  for (let i = 0; i < n; i++) {
    const v = x[xo + i]!;
    let c = 1;
    for (let k = 0; k <= K; k++) {
      d[o + k * n + i] = c === 0 ? 0 : c * ipow(v, p - k);
      c *= p - k;
    }
  }
};

function ipow(v: number, e: number): number {
  if (e < 0) return 1 / ipow(v, -e);
  let r = 1, b = v;
  while (e > 0) {
    if (e & 1) r *= b;
    b *= b;
    e >>= 1;
  }
  return r;
}

// ---------------------------------------------------------------------------------------------
// The table.

export const prims: { [P in PrimName]: Prim<P> } = {
  // z = x + y
  add: { family: 'linear', shape: sameShapes('add'), diff: [0, 1], make: (z, _aux, simd) => identityKernel(z.size, simd) },
  // z = −x
  neg: { family: 'linear', shape: unaryShape, diff: [0], make: (z, _aux, simd) => scaleKernel(z.size, -1, simd) },
  // z = c·x for a constant c
  scale: { family: 'linear', shape: unaryShape, diff: [0], make: (z, _aux, simd) => scaleKernel(z.size, z.params.c, simd) },
  reshape: {
    family: 'linear',
    diff: [0],
    shape: (xs, { shape }) => {
      if (sizeOf(shape) !== xs[0]!.size) throw new InputError(`reshape: cannot reshape ${fmtShape(xs[0]!.shape)} (size ${xs[0]!.size}) to ${fmtShape(shape)} (size ${sizeOf(shape)})`);
      return shape;
    },
    make: (z, _aux, simd) => identityKernel(z.size, simd),
    view: () => 0,
  },
  // z = x.flat[start : start + size(shape)], reshaped
  slice: {
    family: 'linear',
    diff: [0],
    shape: (xs, { start, shape }) => {
      if (!Number.isInteger(start) || start < 0 || start + sizeOf(shape) > xs[0]!.size) {
        throw new InputError(`slice: range [${start}, ${start + sizeOf(shape)}) for shape ${fmtShape(shape)} is outside a tensor of size ${xs[0]!.size} (shape ${fmtShape(xs[0]!.shape)})`);
      }
      return shape;
    },
    make: (z, _aux, simd) => {
      const n = z.size, s = z.params.start;
      return {
        apply: (_i, _x, xo, _out, zo, acc) => simd.copy(xo + s, zo, n, acc ? 1 : 0),
        transpose: (_i, _zt, zto, _xt, xto) => simd.copy(zto, xto + s, n, 1),
      };
    },
    view: ({ start }) => start,
  },
  // numpy broadcasting of x to `shape`
  broadcastTo: {
    family: 'linear',
    diff: [0],
    shape: (xs, { shape: to }) => {
      const from = xs[0]!.shape;
      const off = to.length - from.length;
      if (off < 0 || from.some((d, i) => d !== 1 && d !== to[off + i])) {
        throw new InputError(`broadcastTo: cannot broadcast ${fmtShape(from)} to ${fmtShape(to)}`);
      }
      return to;
    },
    make: (z) => {
      const from = z.inputs[0]!.shape, to = z.shape, off = to.length - from.length;
      const fs = strides(from);
      const map = new Int32Array(z.size);
      const idx = new Array<number>(to.length).fill(0);
      for (let f = 0; f < z.size; f++) {
        let o = 0;
        for (let d = 0; d < from.length; d++) if (from[d] !== 1) o += idx[off + d]! * fs[d]!;
        map[f] = o;
        for (let d = to.length - 1; d >= 0; d--) {
          if (++idx[d]! < to[d]!) break;
          idx[d] = 0;
        }
      }
      return gatherKernel(map);
    },
  },
  // z = Σ over `axes`, keeping them as 1s with keepDims
  sum: {
    family: 'linear',
    diff: [0],
    shape: (xs, { axes, keepDims }) =>
      keepDims ? xs[0]!.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : xs[0]!.shape.filter((_, i) => !axes.includes(i)),
    make: (z) => {
      const x = z.inputs[0]!;
      const n = x.size, m = z.size;
      const map = reductionMap(x.shape, z.params.axes);
      const back = K.gather(n, true);
      return {
        apply(_i, xa, xo, out, zo, acc) {
          if (!acc) out.fill(0, zo, zo + m);
          for (let i = 0; i < n; i++) out[zo + map[i]!]! += xa[xo + i]!;
        },
        // x̃[i] += z̃[map[i]]
        transpose: (_i, zt, zto, xt, xto) => back(zt, zto, map, xt, xto),
      };
    },
  },
  // z[...] = x[index[...]] for a 1-D x and an integer-valued index tensor (not differentiated)
  gather: {
    family: 'linear',
    diff: [0],
    shape: (xs) => {
      if (xs[0]!.rank !== 1) throw new InputError(`gather: expected a 1-D tensor to index, got shape ${fmtShape(xs[0]!.shape)}`);
      if (xs[1]!.dependsOnTheta) throw new InputError('gather: the index must not depend on θ');
      return xs[1]!.shape;
    },
    make: (z, aux) => {
      const n = z.size, len = z.inputs[0]!.size, ix = aux[1]!;
      const at = (i: number) => {
        const k = ix.buf[ix.off + i]!;
        if (!Number.isInteger(k) || k < 0 || k >= len) throw new InputError(`gather: index ${k} is not an integer in [0, ${len})`);
        return k;
      };
      return {
        apply(_i, x, xo, out, zo, acc) {
          for (let i = 0; i < n; i++) out[zo + i] = (acc ? out[zo + i]! : 0) + x[xo + at(i)]!;
        },
        transpose(_i, zt, zto, xt, xto) {
          for (let i = 0; i < n; i++) xt[xto + at(i)]! += zt[zto + i]!;
        },
      };
    },
  },
  // x [C,H,W] → patches [Ho·Wo, C·kh·kw] (row-major patch per output pixel), no padding
  im2col: {
    family: 'linear',
    diff: [0],
    shape: (xs, { kh, kw, stride: s }) => {
      if (xs[0]!.rank !== 3) throw new InputError(`conv2d: input must have shape [C,H,W], got ${fmtShape(xs[0]!.shape)}`);
      const C = xs[0]!.shape[0]!, H = xs[0]!.shape[1]!, W = xs[0]!.shape[2]!;
      if (kh > H || kw > W) throw new InputError(`conv2d: kernel ${kh}×${kw} is larger than the input ${fmtShape(xs[0]!.shape)}`);
      if (!Number.isInteger(s) || s < 1) throw new InputError(`conv2d: stride must be a positive integer, got ${s}`);
      return [(Math.floor((H - kh) / s) + 1) * (Math.floor((W - kw) / s) + 1), C * kh * kw];
    },
    make: (z, _aux, simd) => {
      const x = z.inputs[0]!.shape, C = x[0]!, H = x[1]!, W = x[2]!;
      const { kh, kw, stride: s } = z.params;
      return {
        apply: (_i, _x, xo, _z, zo, acc) => simd.im2col(xo, zo, C, H, W, kh, kw, s, acc ? 1 : 0),
        transpose: (_i, _zt, zto, _xt, xto) => simd.im2col(xto, zto, C, H, W, kh, kw, s, 2),
      };
    },
  },

  // z = x ⊙ y
  mul: {
    family: 'bilinear',
    shape: sameShapes('mul'),
    make: (z, simd) => {
      const n = z.size;
      return {
        apply: (_x, xo, _y, yo, _out, zo, acc) => simd.mul(xo, yo, zo, n, acc ? 1 : 0),
        tx: (_y, yo, _zt, zto, _xt, xto) => simd.mul(yo, zto, xto, n, 1),
        ty: (_x, xo, _zt, zto, _yt, yto) => simd.mul(xo, zto, yto, n, 1),
      };
    },
  },
  // z = x·y with x [m,k], y [k,n]
  matmul: {
    family: 'bilinear',
    shape: (xs) => {
      const a = xs[0]!, b = xs[1]!;
      if (a.rank !== 2 || b.rank !== 2 || a.shape[1] !== b.shape[0]) {
        throw new InputError(`matmul: cannot multiply shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
      }
      return [a.shape[0]!, b.shape[1]!];
    },
    make: (z, simd) => {
      const m = z.inputs[0]!.shape[0]!, k = z.inputs[0]!.shape[1]!, n = z.shape[1]!;
      return {
        apply: (_x, xo, _y, yo, _z, zo, acc) => simd.matmul(xo, yo, zo, m, k, n, acc ? 1 : 0),
        // x̃ += z̃ yᵀ: [m,n]·[k,n]ᵀ
        tx: (_y, yo, _zt, zto, _xt, xto) => simd.matmulNT(zto, yo, xto, m, n, k, 1),
        // ỹ += xᵀ z̃: [m,k]ᵀ·[m,n]
        ty: (_x, xo, _zt, zto, _yt, yto) => simd.matmulTN(xo, zto, yto, k, m, n),
      };
    },
  },
  // z = x·yᵀ with x [m,k], y [n,k]: dense layers and convolutions (weights against patches)
  matmulNT: {
    family: 'bilinear',
    shape: (xs) => {
      const a = xs[0]!, b = xs[1]!;
      if (a.rank !== 2 || b.rank !== 2 || a.shape[1] !== b.shape[1]) {
        throw new InputError(`matmulNT: cannot multiply ${fmtShape(a.shape)} by the transpose of ${fmtShape(b.shape)}`);
      }
      return [a.shape[0]!, b.shape[0]!];
    },
    make: (z, simd) => {
      const m = z.inputs[0]!.shape[0]!, k = z.inputs[0]!.shape[1]!, n = z.shape[1]!;
      return {
        apply: (_x, xo, _y, yo, _z, zo, acc) => simd.matmulNT(xo, yo, zo, m, k, n, acc ? 1 : 0),
        // x̃[i,:] += Σ_j z̃[i,j] y[j,:]
        tx: (_y, yo, _zt, zto, _xt, xto) => simd.matmul(zto, yo, xto, m, n, k, 1),
        // ỹ[j,:] += Σ_i z̃[i,j] x[i,:]
        ty: (_x, xo, _zt, zto, _yt, yto) => simd.matmulTN(zto, xo, yto, n, m, k),
      };
    },
  },

  exp: { family: 'unary', shape: unaryShape, derivs: () => expDerivs, maxOrder: Infinity },
  log: { family: 'unary', shape: unaryShape, derivs: () => logDerivs, maxOrder: Infinity },
  sin: { family: 'unary', shape: unaryShape, derivs: () => sinShiftDerivs(0), maxOrder: Infinity },
  cos: { family: 'unary', shape: unaryShape, derivs: () => sinShiftDerivs(1), maxOrder: Infinity },
  tanh: { family: 'unary', shape: unaryShape, derivs: (_p, simd) => tanhDerivs(simd), maxOrder: MAX_ORDER },
  softplus: { family: 'unary', shape: unaryShape, derivs: () => softplusDerivs, maxOrder: MAX_ORDER },
  // z = x^p for an integer p
  powi: { family: 'unary', shape: unaryShape, derivs: ({ p }) => powiDerivs(p), maxOrder: Infinity },

  // z = max over axes of x_∅, as a constant (no derivative flows through it)
  maxStop: {
    family: 'stop',
    shape: (xs, { axes }) => xs[0]!.shape.map((d, i) => (axes.includes(i) ? 1 : d)),
    make: (z) => {
      const x = z.inputs[0]!;
      const map = reductionMap(x.shape, z.params.axes);
      const n = x.size, m = z.size;
      return (xa, xo, out, zo) => {
        out.fill(-Infinity, zo, zo + m);
        for (let i = 0; i < n; i++) {
          const v = xa[xo + i]!;
          if (v > out[zo + map[i]!]!) out[zo + map[i]!] = v;
        }
        for (let i = 0; i < m; i++) if (!Number.isFinite(out[zo + i]!)) out[zo + i] = 0;
      };
    },
  },
};

/**
 * The table entry of `node`'s primitive, typed for it. Indexing with a type parameter keeps
 * the result one entry type, Prim<P>; `prims[node.prim]` with node.prim: PrimName would be the
 * union of all twenty entries, and no one node could be passed to the union's `make`.
 */
export function primOf<P extends PrimName>(node: OpNode<P>): Prim<P> {
  return prims[node.prim];
}
