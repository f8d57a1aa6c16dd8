/**
 * @file Symbolic tensors: the values a loss function sees while `compile` traces it once.
 *
 * A loss is written as an ordinary function of tensors; `compile` calls it once with
 * symbolic inputs, and each op call appends one node to the graph. Shapes are static and
 * checked at trace time, so a mismatch is reported once, naming the op and both shapes.
 * Like `jax.jit`, the function must not branch on data values.
 */
import { InputError } from '../core/index.ts';

export type Shape = readonly number[];

export type NodeKind = 'param' | 'data' | 'const' | 'op';

/** A node of the traced graph; the only kind of tensor a traced function handles. */
export class Tensor {
  constructor(
    readonly id: number,
    readonly kind: NodeKind,
    readonly prim: string,
    readonly inputs: readonly Tensor[],
    readonly shape: Shape,
    readonly attrs: Readonly<Record<string, unknown>>,
    /** True when the node depends on θ (so reverse mode must visit it). */
    readonly dependsOnTheta: boolean,
  ) {}

  get size(): number {
    return sizeOf(this.shape);
  }

  get rank(): number {
    return this.shape.length;
  }
}

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function fmtShape(shape: Shape): string {
  return `[${shape.join(',')}]`;
}

/** The graph being traced; ops append to it. */
export class Trace {
  readonly nodes: Tensor[] = [];

  add(kind: NodeKind, prim: string, inputs: readonly Tensor[], shape: Shape, attrs: Record<string, unknown> = {}): Tensor {
    for (const x of inputs) {
      if (this.nodes[x.id] !== x) {
        throw new InputError(`${prim}: an input tensor belongs to another trace (tensors cannot be kept between compile() calls)`);
      }
    }
    for (const d of shape) {
      if (!Number.isSafeInteger(d) || d < 0) throw new InputError(`${prim}: invalid shape ${fmtShape(shape)}`);
    }
    const dep = kind === 'param' || inputs.some((x) => x.dependsOnTheta);
    const t = new Tensor(this.nodes.length, kind, prim, inputs, shape, attrs, dep);
    this.nodes.push(t);
    return t;
  }
}

let current: Trace | null = null;

/** Run `fn` with `trace` as the current trace (nested traces are not allowed). */
export function withTrace<T>(trace: Trace, fn: () => T): T {
  if (current) throw new InputError('compile: cannot compile while another function is being traced');
  current = trace;
  try {
    return fn();
  } finally {
    current = null;
  }
}

export function currentTrace(op: string): Trace {
  if (!current) {
    throw new InputError(`${op}: engine ops build a graph and must be called inside a function passed to compile()`);
  }
  return current;
}
