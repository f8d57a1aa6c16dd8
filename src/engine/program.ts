/**
 * @file `compile`: trace a loss once, then evaluate it and its derivatives of any order,
 * per sample or over a batch, without re-tracing and without allocating per call.
 *
 * For a number m of directions (planes.ts) and a choice of forward-only or forward+reverse,
 * an *executable* is built once and cached: every node gets the list of planes that can be
 * nonzero (e.g. a data node only ∅, a weight ∅ and {i}), the list of adjoint planes that the
 * gradient needs, preallocated buffers, and a flat list of steps that call the kernels of
 * prims.ts; the planes and the steps come from each op's derivative family (families.ts), so this
 * file only plans buffers and runs steps. A call copies θ and the directions in, copies the
 * sample's data in, and runs the steps.
 *
 * Batches: the nodes that do not depend on data (θ's slices, scaled weights, constants folded
 * with them) are *shared* — the same for every sample of a call — and the rest *per-sample*. A
 * batch call runs the shared forward steps once, then for each sample the per-sample steps; the
 * batch mean of a gradient lets every sample add into the shared nodes' adjoints and runs their
 * backward steps once at the end, so per-sample work is only what differs between samples. Per
 * sample, the steps and their order do not depend on the batch, so a sample's values and
 * per-sample gradients are the same bits in a batch of any size (batch.test.ts).
 */
import { InputError } from '../core/index.ts';
import { nodeRule, type NodeRule, type Placed, type Step, type StepContext } from './families.ts';
import { copy } from './kernels.ts';
import { simdHeap } from './simd.ts';
import { fmtShape, sizeOf, Tensor, Trace, withTrace, type DataNode, type Node, type ParamNode, type Shape } from './tensor.ts';

/** A traced scalar function f(θ, data). */
export type LossFn = (theta: Tensor, data: Record<string, Tensor>) => Tensor;

export interface CompileSpec {
  /** Length of the flat parameter vector θ. */
  P: number;
  /** Shapes of one sample's data fields (e.g. `{ x: [1, 28, 28], label: [] }`). */
  data?: Record<string, Shape>;
}

/** One sample: each field a Float64Array of the declared size (or a number for a scalar). */
export type Sample = Record<string, Float64Array | number>;
/** A batch: each field holds n samples back to back (n × the field's size). */
export type Batch = Record<string, Float64Array>;

/** The most directions an executable may carry (2^m planes each). */
export const MAX_DIRECTIONS = 6;

/** A node's place in the executable's heap: forward planes at `off`, adjoint planes at `adjOff`. */
interface NodeRT extends Placed {
  node: Node;
  /** An op node's family rule (families.ts); null for θ, data and constants. */
  rule: NodeRule | null;
  /** A view (reshape, slice) shares its input's memory at this element offset; else null. */
  viewOf: { parent: NodeRT; start: number } | null;
}

/**
 * Everything one (m, withGrad) evaluation needs. All buffers live in one WebAssembly memory
 * (`heap`), so the SIMD matrix kernels and the JavaScript elementwise loops share them without
 * copies; a node's plane S sits at `off + slot[S]·size`.
 */
class Executable {
  readonly rts: NodeRT[] = [];
  /** Steps of the shared nodes (run once per θ) and of the per-sample ones, forward and backward. */
  readonly forwardShared: Step[] = [];
  readonly forwardSample: Step[] = [];
  readonly backwardSample: Step[] = [];
  readonly backwardShared: Step[] = [];
  readonly param: NodeRT;
  readonly out: NodeRT;
  readonly full: number;
  readonly heap: Float64Array;
  /** Adjoints of shared nodes in [adjStart, adjMid), of per-sample nodes in [adjMid, adjEnd). */
  private readonly adjStart: number;
  private readonly adjMid: number;
  private readonly adjEnd: number;
  /** By node id: whether the node depends on the sample's data. */
  private readonly perSample: boolean[] = [];
  private readonly copyIn = new Map<number, (x: Float64Array, xo: number, z: Float64Array, zo: number) => void>();

  constructor(
    readonly program: Program,
    readonly m: number,
    readonly withGrad: boolean,
  ) {
    const nodes = program.trace.nodes;
    this.full = (1 << m) - 1;
    const K = m + (withGrad ? 1 : 0);
    // Plan: planes, adjoint planes and offsets; forward buffers first, then all adjoints
    // contiguously so one fill clears them.
    let top = 0;
    for (const node of nodes) {
      this.perSample.push(node.kind === 'data' || node.inputs.some((x) => this.perSample[x.id]));
      const rule = node.kind === 'op' ? nodeRule(node) : null;
      const xs = node.inputs.map((x) => this.rts[x.id]!);
      const planes = this.livePlanes(node, rule, xs);
      const adjPlanes = withGrad ? this.neededAdjoints(node, rule, planes, xs) : [];
      const slot = new Int32Array(1 << m).fill(-1);
      planes.forEach((p, i) => (slot[p] = i));
      const adjSlot = new Int32Array(1 << m).fill(-1);
      adjPlanes.forEach((p, i) => (adjSlot[p] = i));
      const size = node.size;
      const rt: NodeRT = {
        node, rule, size, planes, slot, adjPlanes, adjSlot, buf: new Float64Array(0), off: top, adjOff: -1,
        stride: size, adjStride: size, viewOf: null, extraOff: -1,
      };
      const start = rule?.view;
      if (start !== undefined) {
        // Same planes and adjoint planes as the input (a linear op with one input), so the
        // node can live inside the input's memory: no copy forward, no transpose backward.
        const parent = xs[0]!;
        Object.assign(rt, { slot: parent.slot, adjSlot: parent.adjSlot, off: parent.off + start, stride: parent.stride, viewOf: { parent, start } });
        this.rts.push(rt);
        continue;
      }
      top += planes.length * size;
      const extra = rule ? rule.scratch(size, K, planes.length) : 0;
      if (extra > 0) {
        rt.extraOff = top;
        top += extra;
      }
      this.rts.push(rt);
    }
    // Shared adjoints first, then per-sample ones, so each kind is cleared by one fill; a view
    // lives in its parent's adjoint (of the same kind: it has one input).
    this.adjStart = top;
    const place = (shared: boolean) => {
      for (const rt of this.rts) {
        if (!rt.adjPlanes.length || rt.viewOf || this.perSample[rt.node.id] === shared) continue;
        rt.adjOff = top;
        top += rt.adjPlanes.length * rt.size;
      }
    };
    place(true);
    this.adjMid = top;
    place(false);
    for (const rt of this.rts) {
      if (!rt.adjPlanes.length || !rt.viewOf) continue;
      rt.adjOff = rt.viewOf.parent.adjOff + rt.viewOf.start;
      rt.adjStride = rt.viewOf.parent.adjStride;
    }
    this.adjEnd = top;
    const { heap, kernels } = simdHeap(top);
    this.heap = heap;
    const shared: StepContext = { heap, K, simd: kernels, forward: this.forwardShared, backward: this.backwardShared };
    const sample: StepContext = { ...shared, forward: this.forwardSample, backward: this.backwardSample };
    for (const rt of this.rts) {
      rt.buf = heap;
      if (rt.node.kind === 'const') heap.set(rt.node.value, rt.off);
      if (rt.node.kind === 'data') this.copyIn.set(rt.node.id, copy(rt.size, false));
      // A node's backward steps move its adjoint into its inputs': a per-sample node's run per
      // sample, a shared node's after every sample has added into its adjoint.
      if (rt.rule && !rt.viewOf) rt.rule.steps(rt, rt.node.inputs.map((x) => this.rts[x.id]!), this.perSample[rt.node.id] ? sample : shared);
    }
    this.param = this.rts[program.theta.id]!;
    this.out = this.rts[program.output.id]!;
  }

  /** Planes that can be nonzero at `node` (planes.ts): θ carries ∅ and one plane per direction. */
  private livePlanes(node: Node, rule: NodeRule | null, xs: readonly NodeRT[]): number[] {
    if (node.kind === 'param') return [0, ...Array.from({ length: this.m }, (_, i) => 1 << i)];
    return rule ? rule.planes(xs) : [0];
  }

  /**
   * Adjoint planes of `node` that the gradient needs, in complement indexing (planes.ts):
   * θ needs only F; an op's output what its family's transpose rule reads (families.ts).
   */
  private neededAdjoints(node: Node, rule: NodeRule | null, planes: readonly number[], xs: readonly NodeRT[]): number[] {
    if (!node.dependsOnTheta) return [];
    if (node.kind === 'param') return [this.full];
    return rule ? rule.adjoints(planes, xs) : [];
  }

  /** Copy sample `i` of each data field into the heap. */
  bindSample(fields: Record<string, Float64Array>, i: number): void {
    for (const [name, node] of this.program.dataNodes) {
      const rt = this.rts[node.id]!;
      this.copyIn.get(node.id)!(fields[name]!, i * rt.size, this.heap, rt.off);
    }
  }

  /** Copy θ and the directions in and run the shared nodes' forward steps (once per call). */
  setTheta(theta: Float64Array, dirs: readonly Float64Array[]): void {
    const p = this.param, P = p.size;
    this.heap.set(theta, p.off);
    dirs.forEach((v, i) => this.heap.set(v, p.off + (i + 1) * P));
    const fwd = this.forwardShared;
    for (let i = 0; i < fwd.length; i++) fwd[i]!();
  }

  /**
   * Run the bound sample forward (and, with the gradient, backward into θ's adjoint); returns
   * D^m f = the full plane of the output. `mean`: add this sample's adjoints into the shared
   * nodes' without clearing them or moving them to θ (finishMean does, once per batch).
   */
  run(mean = false): number {
    const fwd = this.forwardSample;
    for (let i = 0; i < fwd.length; i++) fwd[i]!();
    // The output may be a view (a slice of a larger tensor): its planes sit `stride` apart.
    const o = this.out, sl = o.slot[this.full]!;
    const value = sl < 0 ? 0 : this.heap[o.off + sl * o.stride]!;
    if (this.withGrad) {
      this.heap.fill(0, mean ? this.adjMid : this.adjStart, this.adjEnd);
      const seed = o.adjSlot[0]!;
      if (seed >= 0) {
        // += : a shared output (a loss that reads no data) sums its seeds over the batch.
        this.heap[o.adjOff + seed * o.adjStride]! += 1;
        const bwd = this.backwardSample;
        for (let i = bwd.length - 1; i >= 0; i--) bwd[i]!();
        if (!mean) this.backwardOfShared();
      }
    }
    return value;
  }

  /** Clear the shared adjoints before a batch mean's samples add into them. */
  startMean(): void {
    this.heap.fill(0, this.adjStart, this.adjMid);
  }

  /** After a batch mean's samples: move the summed shared adjoints back to θ. */
  finishMean(): void {
    if (this.out.adjSlot[0]! >= 0) this.backwardOfShared();
  }

  private backwardOfShared(): void {
    const bwd = this.backwardShared;
    for (let i = bwd.length - 1; i >= 0; i--) bwd[i]!();
  }

  /** out[offset…] (+)= scale · ∇_θ of the last run's D^m f (zero when f does not depend on θ). */
  gradInto(out: Float64Array, offset: number, scale: number, acc: boolean): void {
    const p = this.param;
    const P = p.size;
    if (p.adjOff < 0) {
      if (!acc) out.fill(0, offset, offset + P);
      return;
    }
    const g = this.heap, go = p.adjOff; // need(θ) = {F}: one plane
    if (acc) for (let i = 0; i < P; i++) out[offset + i]! += scale * g[go + i]!;
    else if (scale === 1) out.set(g.subarray(go, go + P), offset); // a memcpy: 1·x is x, bit for bit
    else for (let i = 0; i < P; i++) out[offset + i] = scale * g[go + i]!;
  }
}

/**
 * A compiled loss. Its methods take θ (length P), optional directions (each length P) and data,
 * and return values and gradients; results are fresh arrays unless `out` is given.
 */
export class Program {
  readonly trace: Trace;
  readonly theta: ParamNode;
  readonly output: Node;
  readonly dataNodes: ReadonlyMap<string, DataNode>;
  readonly P: number;
  private readonly cache: Executable[] = [];

  constructor(fn: LossFn, spec: CompileSpec) {
    const P = spec.P;
    if (!Number.isSafeInteger(P) || P < 1) throw new InputError(`compile: P must be a positive integer, got ${P}`);
    this.P = P;
    const trace = (this.trace = new Trace());
    const dataNodes = new Map<string, DataNode>();
    let out: unknown;
    const theta = (this.theta = trace.param([P]));
    withTrace(trace, () => {
      const data: Record<string, Tensor> = {};
      for (const [name, shape] of Object.entries(spec.data ?? {})) {
        if (!Array.isArray(shape) || shape.some((d) => !Number.isSafeInteger(d) || d < 1)) {
          throw new InputError(`compile: data field '${name}' must have a shape of positive integers, got ${JSON.stringify(shape)}`);
        }
        const t = trace.data(name, shape);
        data[name] = t;
        dataNodes.set(name, t);
      }
      out = fn(theta, data);
    });
    // The trace's node for `out`, if `out` is one (anything else, or a tensor of another trace, is refused).
    const o = out instanceof Tensor ? trace.nodes[out.id] : undefined;
    if (o === undefined || o !== out) throw new InputError('compile: the function must return a tensor built from its arguments');
    if (o.size !== 1) throw new InputError(`compile: the function must return a scalar, got shape ${fmtShape(o.shape)}`);
    this.output = o;
    this.dataNodes = dataNodes;
  }

  private executable(m: number, withGrad: boolean): Executable {
    // Hot path (every call): an array slot per (m, withGrad), checked only when first built.
    const slot = 2 * m + (withGrad ? 1 : 0);
    const hit = this.cache[slot];
    if (hit) return hit;
    if (m > MAX_DIRECTIONS) throw new InputError(`derivative: at most ${MAX_DIRECTIONS} directions are supported, got ${m}`);
    for (const node of this.trace.nodes) {
      if (node.kind !== 'op') continue;
      const { maxOrder } = nodeRule(node);
      const need = m + (withGrad ? 1 : 0);
      if (maxOrder < need) {
        throw new InputError(`derivative: ${node.prim} supports derivatives up to order ${maxOrder}, ${need} requested`);
      }
    }
    return (this.cache[slot] = new Executable(this, m, withGrad));
  }

  /** Executables built so far (each holds its buffers for reuse). */
  get executables(): number {
    return this.cache.filter(Boolean).length;
  }

  // -------------------------------------------------------------------------------------------
  // Input checks: each names the argument and what was expected.

  private checkVector(what: string, v: Float64Array): void {
    if (!(v instanceof Float64Array)) throw new InputError(`${what}: expected a Float64Array of length ${this.P}`);
    if (v.length !== this.P) throw new InputError(`${what}: has length ${v.length}, expected ${this.P}`);
  }

  private sampleFields(op: string, sample: Sample): Record<string, Float64Array> {
    const fields: Record<string, Float64Array> = {};
    for (const [name, node] of this.dataNodes) {
      const v = sample?.[name];
      if (v === undefined) throw new InputError(`${op}: data field '${name}' is missing (expected shape ${fmtShape(node.shape)})`);
      const arr = typeof v === 'number' ? Float64Array.of(v) : v;
      if (!(arr instanceof Float64Array) || arr.length !== node.size) {
        throw new InputError(`${op}: data field '${name}' has length ${(arr as { length?: number }).length}, expected ${node.size} (shape ${fmtShape(node.shape)})`);
      }
      fields[name] = arr;
    }
    return fields;
  }

  /** The samples of `batch` as records of views into it (no copies). */
  samplesOf(batch: Batch): Sample[] {
    const n = this.batchSize('samplesOf', batch);
    const out: Sample[] = [];
    for (let i = 0; i < n; i++) {
      const s: Sample = {};
      for (const [name, node] of this.dataNodes) s[name] = batch[name]!.subarray(i * node.size, (i + 1) * node.size);
      out.push(s);
    }
    return out;
  }

  /** The number of samples in `batch`, checking every field against it. */
  batchSize(op: string, batch: Batch): number {
    let n = -1;
    let first = '';
    if (this.dataNodes.size === 0) throw new InputError(`${op}: this program has no data fields to batch over`);
    for (const [name, node] of this.dataNodes) {
      const v = batch?.[name];
      if (!(v instanceof Float64Array)) throw new InputError(`${op}: batch field '${name}' is missing or not a Float64Array`);
      if (v.length % node.size !== 0) throw new InputError(`${op}: batch field '${name}' has length ${v.length}, not a multiple of ${node.size} (shape ${fmtShape(node.shape)})`);
      const k = v.length / node.size;
      if (n < 0) {
        n = k;
        first = name;
      } else if (k !== n) throw new InputError(`${op}: batch field '${name}' holds ${k} samples but '${first}' holds ${n}`);
    }
    return n;
  }

  private prepare(op: string, theta: Float64Array, dirs: readonly Float64Array[], withGrad: boolean): Executable {
    this.checkVector(`${op}: theta`, theta);
    dirs.forEach((v, i) => this.checkVector(`${op}: direction ${i + 1}`, v));
    const ex = this.executable(dirs.length, withGrad);
    ex.setTheta(theta, dirs);
    return ex;
  }

  // -------------------------------------------------------------------------------------------
  // One sample.

  /** f(θ; sample). */
  value(theta: Float64Array, sample: Sample = {}): number {
    return this.derivative(theta, [], sample);
  }

  /** f and ∇f at θ. */
  valueAndGrad(theta: Float64Array, sample: Sample = {}, out?: Float64Array): { value: number; grad: Float64Array } {
    return this.gradDerivative(theta, [], sample, out);
  }

  /** D^k f(θ)[v₁, …, v_k] for k = dirs.length (k = 0 is the value). */
  derivative(theta: Float64Array, dirs: readonly Float64Array[], sample: Sample = {}): number {
    const ex = this.prepare('derivative', theta, dirs, false);
    ex.bindSample(this.sampleFields('derivative', sample), 0);
    return ex.run();
  }

  /**
   * D^k f(θ)[v₁…v_k] and its gradient ∇_θ(D^k f(θ)[v₁…v_k]) for k = dirs.length:
   * k = 0 the gradient, k = 1 a Hessian-vector product, k = 2 the contraction J[v₁, v₂, ·].
   */
  gradDerivative(theta: Float64Array, dirs: readonly Float64Array[], sample: Sample = {}, out?: Float64Array): { value: number; grad: Float64Array } {
    const ex = this.prepare('gradDerivative', theta, dirs, true);
    ex.bindSample(this.sampleFields('gradDerivative', sample), 0);
    const value = ex.run();
    const grad = out ?? new Float64Array(this.P);
    if (out) this.checkVector('gradDerivative: out', out);
    ex.gradInto(grad, 0, 1, false);
    return { value, grad };
  }

  // -------------------------------------------------------------------------------------------
  // A batch: one result per sample, or the mean. Nothing is re-traced or re-allocated per sample.

  /** D^k f[v…] for every sample of the batch. */
  derivatives(theta: Float64Array, dirs: readonly Float64Array[], batch: Batch): Float64Array {
    const n = this.batchSize('derivatives', batch);
    const ex = this.prepare('derivatives', theta, dirs, false);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      ex.bindSample(batch, i);
      out[i] = ex.run();
    }
    return out;
  }

  /** Per-sample values D^k f[v…] (length n) and gradients ∇(D^k f[v…]) (n × P, sample-major). */
  gradDerivatives(theta: Float64Array, dirs: readonly Float64Array[], batch: Batch, out?: Float64Array): { values: Float64Array; grads: Float64Array } {
    const n = this.batchSize('gradDerivatives', batch);
    const ex = this.prepare('gradDerivatives', theta, dirs, true);
    const P = this.P;
    if (out && out.length !== n * P) throw new InputError(`gradDerivatives: out has length ${out.length}, expected ${n} × ${P}`);
    const grads = out ?? new Float64Array(n * P);
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      ex.bindSample(batch, i);
      values[i] = ex.run();
      ex.gradInto(grads, i * P, 1, false);
    }
    return { values, grads };
  }

  /** The batch mean of D^k f[v…] and of its gradient. */
  meanGradDerivative(theta: Float64Array, dirs: readonly Float64Array[], batch: Batch, out?: Float64Array): { value: number; grad: Float64Array } {
    const n = this.batchSize('meanGradDerivative', batch);
    const ex = this.prepare('meanGradDerivative', theta, dirs, true);
    if (out) this.checkVector('meanGradDerivative: out', out);
    const grad = out ?? new Float64Array(this.P);
    let value = 0;
    ex.startMean();
    for (let i = 0; i < n; i++) {
      ex.bindSample(batch, i);
      value += ex.run(true);
    }
    ex.finishMean();
    if (n === 0) grad.fill(0);
    else ex.gradInto(grad, 0, 1 / n, false);
    return { value: value / n, grad };
  }

  /** Per-sample values and gradients (k = 0 of gradDerivatives). */
  valuesAndGrads(theta: Float64Array, batch: Batch, out?: Float64Array): { values: Float64Array; grads: Float64Array } {
    return this.gradDerivatives(theta, [], batch, out);
  }

  /** Per-sample values. */
  values(theta: Float64Array, batch: Batch): Float64Array {
    return this.derivatives(theta, [], batch);
  }
}

/** Trace `fn` once and return a Program that evaluates it and its derivatives. */
export function compile(fn: LossFn, spec: CompileSpec): Program {
  return new Program(fn, spec);
}

export { sizeOf };
