/**
 * @file Symbolic tensors: the values a loss function sees while `compile` traces it once.
 *
 * A loss is written as an ordinary function of tensors; `compile` calls it once with
 * symbolic inputs, and each op call appends one node to the graph. Shapes are static and
 * checked at trace time, so a mismatch is reported once, naming the op and both shapes.
 * Like `jax.jit`, the function must not branch on data values.
 */
import { InputError } from '../core/index.ts';
import type { PrimName, PrimParams } from './prims.ts';

export type Shape = readonly number[];

export type NodeKind = Node['kind'];

/**
 * A node of the traced graph; the only kind of tensor a traced function handles. The graph
 * holds four kinds of node (θ, a data field, a constant, a primitive applied to its inputs),
 * one subclass each, so code that has a `Node` narrows on `kind` and reads typed fields (an op's
 * `prim` and `params`, a constant's `value`, a data field's `name`) without casts.
 */
export abstract class Tensor {
  abstract readonly kind: NodeKind;

  constructor(
    readonly id: number,
    readonly inputs: readonly Node[],
    readonly shape: Shape,
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

/** θ, the flat parameter vector: the only node that depends on θ by itself. */
export class ParamNode extends Tensor {
  override readonly kind = 'param';
}

/** One field of a sample, rebound from sample to sample. */
export class DataNode extends Tensor {
  override readonly kind = 'data';

  constructor(id: number, shape: Shape, readonly name: string) {
    super(id, [], shape, false);
  }
}

/** A constant, copied into the executable's memory once when it is built. */
export class ConstNode extends Tensor {
  override readonly kind = 'const';

  constructor(id: number, shape: Shape, readonly value: Float64Array) {
    super(id, [], shape, false);
  }
}

/** The primitive `prim` (prims.ts) applied to `inputs`, with the attributes that primitive takes. */
export class OpNode<P extends PrimName = PrimName> extends Tensor {
  override readonly kind = 'op';

  constructor(id: number, readonly prim: P, readonly params: PrimParams[P], inputs: readonly Node[], shape: Shape, dependsOnTheta: boolean) {
    super(id, inputs, shape, dependsOnTheta);
  }
}

export type Node = ParamNode | DataNode | ConstNode | OpNode;

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
  readonly nodes: Node[] = [];

  param(shape: Shape): ParamNode {
    return this.push('theta', [], shape, (id) => new ParamNode(id, [], shape, true));
  }

  data(name: string, shape: Shape): DataNode {
    return this.push('data', [], shape, (id) => new DataNode(id, shape, name));
  }

  constant(value: Float64Array, shape: Shape): ConstNode {
    return this.push('const', [], shape, (id) => new ConstNode(id, shape, value));
  }

  op<P extends PrimName>(prim: P, params: PrimParams[P], inputs: readonly Tensor[], shape: Shape): OpNode<P> {
    return this.push(prim, inputs, shape, (id, xs) => new OpNode(id, prim, params, xs, shape, xs.some((x) => x.dependsOnTheta)));
  }

  /** Check the inputs and the shape (`label` names the op in errors), then append the node. */
  private push<N extends Node>(label: string, inputs: readonly Tensor[], shape: Shape, make: (id: number, inputs: Node[]) => N): N {
    // The trace's own copy of each input: a tensor from another trace is refused here, and
    // what is stored is typed as a node of this graph.
    const xs = inputs.map((x) => {
      const node = this.nodes[x.id];
      if (node !== x) throw new InputError(`${label}: an input tensor belongs to another trace (tensors cannot be kept between compile() calls)`);
      return node;
    });
    for (const d of shape) {
      if (!Number.isSafeInteger(d) || d < 0) throw new InputError(`${label}: invalid shape ${fmtShape(shape)}`);
    }
    const t = make(this.nodes.length, xs);
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
