/**
 * @file Public API of the derivative engine: write a loss with these ops, `compile` it once,
 * and ask the Program for values, gradients, directional derivatives D^k f[v₁…v_k] and their
 * gradients ∇(D^k f[v₁…v_k]), per sample or over a batch, in float64.
 */
export { Tensor, sizeOf, type Shape } from './tensor.ts';
export {
  add, sub, mul, div, neg, scale, pow, square, exp, log, sin, cos, tanh, softplus, sigmoid,
  sum, mean, reshape, flatten, slice, broadcastTo, matmul, dense, conv2d, logsumexp, gather,
  softmaxCrossEntropy, constant, type TensorLike, type Conv2dOptions, type AxisOptions,
} from './ops.ts';
export { compile, Program, MAX_DIRECTIONS, type LossFn, type CompileSpec, type Sample, type Batch } from './program.ts';
