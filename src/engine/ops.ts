/**
 * @file The ops a loss is written with. Each binds one primitive of prims.ts, or composes a few
 * (div = x·y⁻¹, logsumexp = shift + log Σ exp, conv2d = weights × patches), so derivatives of
 * every order come from the primitives' rules alone. Numbers stand for scalar constants, and
 * binary ops broadcast like numpy.
 */
import { InputError } from '../core/index.ts';
import { normAxes, prims, type PrimName, type PrimParams } from './prims.ts';
import { currentTrace, fmtShape, sizeOf, Tensor, type Shape } from './tensor.ts';

export type TensorLike = Tensor | number;

/** Append one primitive to the current trace after its shape rule accepts the inputs. */
function bind<P extends PrimName>(prim: P, inputs: readonly Tensor[], params: PrimParams[P]): Tensor {
  const trace = currentTrace(prim);
  const shape = prims[prim].shape(inputs, params);
  return trace.op(prim, params, inputs, shape);
}

/** A constant tensor (a number is a scalar). */
export function constant(value: number | ArrayLike<number>, shape?: Shape): Tensor {
  const trace = currentTrace('constant');
  const data = typeof value === 'number' ? Float64Array.of(value) : Float64Array.from(value);
  const sh = shape ?? (typeof value === 'number' ? [] : [data.length]);
  if (sizeOf(sh) !== data.length) throw new InputError(`constant: ${data.length} values do not fit shape ${fmtShape(sh)}`);
  return trace.constant(data, sh);
}

const lift = (x: TensorLike): Tensor => (typeof x === 'number' ? constant(x) : x);

/** The numpy broadcast of two shapes. */
export function broadcastShapes(op: string, a: Shape, b: Shape): Shape {
  const r = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < r; i++) {
    const da = a[a.length - r + i] ?? 1, db = b[b.length - r + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) throw new InputError(`${op}: shapes ${fmtShape(a)} and ${fmtShape(b)} do not broadcast`);
    out.push(da === 1 ? db : da);
  }
  return out;
}

export function broadcastTo(x: TensorLike, shape: Shape): Tensor {
  const t = lift(x);
  if (t.shape.length === shape.length && t.shape.every((d, i) => d === shape[i])) return t;
  return bind('broadcastTo', [t], { shape: [...shape] });
}

function binary(op: string, a: TensorLike, b: TensorLike): [Tensor, Tensor] {
  const x = lift(a), y = lift(b);
  const shape = broadcastShapes(op, x.shape, y.shape);
  return [broadcastTo(x, shape), broadcastTo(y, shape)];
}

export function add(a: TensorLike, b: TensorLike): Tensor {
  if (typeof b === 'number' && b === 0 && typeof a !== 'number') return a;
  return bind('add', binary('add', a, b), {});
}

export function neg(x: TensorLike): Tensor {
  return bind('neg', [lift(x)], {});
}

export function sub(a: TensorLike, b: TensorLike): Tensor {
  return add(a, typeof b === 'number' ? -b : neg(b));
}

/** c·x for a number c (a linear primitive, cheaper than a product). */
export function scale(x: TensorLike, c: number): Tensor {
  if (!Number.isFinite(c)) throw new InputError(`scale: the factor must be a finite number, got ${c}`);
  return bind('scale', [lift(x)], { c });
}

export function mul(a: TensorLike, b: TensorLike): Tensor {
  if (typeof b === 'number') return scale(a, b);
  if (typeof a === 'number') return scale(b, a);
  return bind('mul', binary('mul', a, b), {});
}

/** x^p for an integer p (negative allowed). */
export function pow(x: TensorLike, p: number): Tensor {
  if (!Number.isInteger(p)) throw new InputError(`pow: the exponent must be an integer, got ${p}`);
  return bind('powi', [lift(x)], { p });
}

export function square(x: TensorLike): Tensor {
  return pow(x, 2);
}

export function div(a: TensorLike, b: TensorLike): Tensor {
  if (typeof b === 'number') return scale(a, 1 / b);
  return mul(a, pow(b, -1));
}

export const exp = (x: TensorLike): Tensor => bind('exp', [lift(x)], {});
export const log = (x: TensorLike): Tensor => bind('log', [lift(x)], {});
export const sin = (x: TensorLike): Tensor => bind('sin', [lift(x)], {});
export const cos = (x: TensorLike): Tensor => bind('cos', [lift(x)], {});
export const tanh = (x: TensorLike): Tensor => bind('tanh', [lift(x)], {});
/** log(1 + eˣ), stable for large |x|. */
export const softplus = (x: TensorLike): Tensor => bind('softplus', [lift(x)], {});
/** 1 / (1 + e^{−x}) = exp(x − softplus(x)). */
export const sigmoid = (x: TensorLike): Tensor => exp(sub(x, softplus(x)));

export function reshape(x: Tensor, shape: Shape): Tensor {
  const sh = [...shape];
  const free = sh.indexOf(-1);
  if (free >= 0) sh[free] = x.size / sizeOf(sh.filter((_, i) => i !== free));
  return bind('reshape', [x], { shape: sh });
}

export const flatten = (x: Tensor): Tensor => reshape(x, [x.size]);

/** The elements start … start + size(shape) − 1 of x in flat order, as a tensor of `shape`. */
export function slice(x: Tensor, start: number, shape: Shape): Tensor {
  return bind('slice', [x], { start, shape: [...shape] });
}

export interface AxisOptions {
  axes?: number | readonly number[];
  keepDims?: boolean;
}

const axesOf = (op: string, x: Tensor, o?: AxisOptions) =>
  normAxes(op, o?.axes === undefined ? undefined : typeof o.axes === 'number' ? [o.axes] : o.axes, x.rank);

/** Σ over `axes` (default all). */
export function sum(x: Tensor, opts?: AxisOptions): Tensor {
  return bind('sum', [x], { axes: axesOf('sum', x, opts), keepDims: !!opts?.keepDims });
}

export function mean(x: Tensor, opts?: AxisOptions): Tensor {
  const axes = axesOf('mean', x, opts);
  const count = axes.reduce((n, a) => n * x.shape[a]!, 1);
  return scale(sum(x, opts), 1 / count);
}

/**
 * log Σ exp over `axes` (default all), computed as m + log Σ exp(x − m) with m the max of x
 * held constant: the identity holds for any m, so no derivative flows through it.
 */
export function logsumexp(x: Tensor, opts?: AxisOptions): Tensor {
  const axes = axesOf('logsumexp', x, opts);
  const m = bind('maxStop', [x], { axes });
  const s = log(sum(exp(sub(x, m)), { axes, keepDims: true }));
  const r = add(s, m);
  return opts?.keepDims ? r : reshape(r, x.shape.filter((_, i) => !axes.includes(i)));
}

/** x[index] for a 1-D x and an integer-valued index tensor (e.g. a label from the data). */
export function gather(x: Tensor, index: TensorLike): Tensor {
  return bind('gather', [x, lift(index)], {});
}

/** −log softmax(logits)[label] = logsumexp(logits) − logits[label], for 1-D logits. */
export function softmaxCrossEntropy(logits: Tensor, label: TensorLike): Tensor {
  if (logits.rank !== 1) throw new InputError(`softmaxCrossEntropy: logits must be 1-D, got shape ${fmtShape(logits.shape)}`);
  const l = lift(label);
  if (l.size !== 1) throw new InputError(`softmaxCrossEntropy: the label must be a scalar, got shape ${fmtShape(l.shape)}`);
  return sub(logsumexp(logits), reshape(gather(logits, reshape(l, [])), []));
}

/** Matrix products: [m,k]·[k,n] → [m,n]; [m,k]·[k] → [m]; [k]·[k,n] → [n]; [k]·[k] → []. */
export function matmul(a: Tensor, b: Tensor): Tensor {
  if (a.rank === 2 && b.rank === 1) {
    // rows of a against b: contiguous dot products
    if (a.shape[1] !== b.shape[0]) throw new InputError(`matmul: cannot multiply shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
    return reshape(bind('matmulNT', [a, reshape(b, [1, b.size])], {}), [a.shape[0]!]);
  }
  if (a.rank === 1 && b.rank === 2) return reshape(matmul(reshape(a, [1, a.size]), b), [b.shape[1]!]);
  if (a.rank === 1 && b.rank === 1) {
    if (a.size !== b.size) throw new InputError(`matmul: cannot multiply shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
    return reshape(bind('matmulNT', [reshape(a, [1, a.size]), reshape(b, [1, b.size])], {}), []);
  }
  return bind('matmul', [a, b], {});
}

/** A dense layer: w·x + b with w [out, in] (PyTorch's layout), x [in], b [out]. */
export function dense(x: Tensor, w: Tensor, b?: Tensor): Tensor {
  if (w.rank !== 2 || x.rank !== 1 || w.shape[1] !== x.shape[0]) {
    throw new InputError(`dense: weight ${fmtShape(w.shape)} does not fit input ${fmtShape(x.shape)} (expected weight [out, ${x.shape[0]}])`);
  }
  const y = matmul(w, x);
  if (!b) return y;
  if (b.size !== w.shape[0]) throw new InputError(`dense: bias ${fmtShape(b.shape)} does not fit ${w.shape[0]} outputs`);
  return add(y, reshape(b, [w.shape[0]!]));
}

export interface Conv2dOptions {
  /** Stride in both directions (default 1). */
  stride?: number;
  /** A bias per output channel, shape [Cout]. */
  bias?: Tensor;
}

/**
 * 2-D convolution without padding (cross-correlation, as in PyTorch). Layout: x [Cin, H, W],
 * w [Cout, Cin, kh, kw] → [Cout, Ho, Wo] with Ho = ⌊(H − kh)/stride⌋ + 1. Computed as the
 * weights [Cout, Cin·kh·kw] against the patches of x (im2col), so its derivatives are those
 * of a linear gather and a matrix product.
 */
export function conv2d(x: Tensor, w: Tensor, opts: Conv2dOptions = {}): Tensor {
  const stride = opts.stride ?? 1;
  if (x.rank !== 3 || w.rank !== 4 || w.shape[1] !== x.shape[0]) {
    throw new InputError(`conv2d: weight ${fmtShape(w.shape)} does not fit input ${fmtShape(x.shape)} (expected input [C, H, W] and weight [Cout, C, kh, kw])`);
  }
  const [cout, cin, kh, kw] = w.shape as [number, number, number, number];
  const cols = bind('im2col', [x], { kh, kw, stride });
  const [, H, W] = x.shape as [number, number, number];
  const ho = Math.floor((H - kh) / stride) + 1, wo = Math.floor((W - kw) / stride) + 1;
  let y = reshape(bind('matmulNT', [reshape(w, [cout, cin * kh * kw]), cols], {}), [cout, ho, wo]);
  if (opts.bias) {
    if (opts.bias.size !== cout) throw new InputError(`conv2d: bias ${fmtShape(opts.bias.shape)} does not fit ${cout} output channels`);
    y = add(y, reshape(opts.bias, [cout, 1, 1]));
  }
  return y;
}
