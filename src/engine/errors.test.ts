/**
 * @file Bad input stops with an InputError whose message names the op (or method) and both
 * shapes or lengths involved. Shape errors are raised once, at trace time, by `compile`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '../core/index.ts';
import {
  add, broadcastTo, compile, conv2d, dense, exp, gather, matmul, mul, pow, reshape, slice, softmaxCrossEntropy, sum,
  type Tensor,
} from './index.ts';

/** The first `size(shape)` elements of θ as a tensor of `shape`. */
const take = (t: Tensor, shape: number[]): Tensor => reshape(slice(t, 0, [shape.reduce((a, b) => a * b, 1)]), shape);
const P = 100;

/** compile(f) must throw an InputError whose message is exactly `message`. */
function tracingFails(f: (t: Tensor, d: Record<string, Tensor>) => Tensor, message: string, data?: Record<string, number[]>): void {
  assert.throws(() => compile(f, { P, data: data ?? {} }), (e: unknown) => {
    assert.ok(e instanceof InputError, `expected an InputError, got ${String(e)}`);
    assert.equal(e.message, message);
    return true;
  });
}

test('add of [2,3] and [4] fails naming add and both shapes', () => {
  tracingFails((t) => sum(add(take(t, [2, 3]), take(t, [4]))), 'add: shapes [2,3] and [4] do not broadcast');
});

test('mul of [2,3] and [3,2] fails naming mul and both shapes', () => {
  tracingFails((t) => sum(mul(take(t, [2, 3]), take(t, [3, 2]))), 'mul: shapes [2,3] and [3,2] do not broadcast');
});

test('broadcastTo [2,3] → [3,3] fails naming both shapes', () => {
  tracingFails((t) => sum(broadcastTo(take(t, [2, 3]), [3, 3])), 'broadcastTo: cannot broadcast [2,3] to [3,3]');
});

test('matmul [2,3]·[4,5], [4,3]·[4] and [3]·[4] fail naming matmul and both shapes', () => {
  tracingFails((t) => sum(matmul(take(t, [2, 3]), take(t, [4, 5]))), 'matmul: cannot multiply shapes [2,3] and [4,5]');
  tracingFails((t) => sum(matmul(take(t, [4, 3]), take(t, [4]))), 'matmul: cannot multiply shapes [4,3] and [4]');
  tracingFails((t) => matmul(take(t, [3]), take(t, [4])), 'matmul: cannot multiply shapes [3] and [4]');
});

test('conv2d with 3 input channels and weights for 2 fails naming conv2d and both shapes', () => {
  tracingFails(
    (t) => sum(conv2d(take(t, [3, 5, 5]), take(t, [2, 2, 3, 3]))),
    'conv2d: weight [2,2,3,3] does not fit input [3,5,5] (expected input [C, H, W] and weight [Cout, C, kh, kw])',
  );
});

test('conv2d with a kernel larger than the image, or a misfit bias, fails naming the shapes', () => {
  tracingFails((t) => sum(conv2d(take(t, [1, 2, 5]), take(t, [1, 1, 3, 3]))), 'conv2d: kernel 3×3 is larger than the input [1,2,5]');
  tracingFails(
    (t) => sum(conv2d(take(t, [1, 5, 5]), take(t, [2, 1, 3, 3]), { bias: take(t, [3]) })),
    'conv2d: bias [3] does not fit 2 output channels',
  );
});

test('dense with weight [3,5] on input [4] fails naming dense and both shapes; so does a misfit bias', () => {
  tracingFails((t) => sum(dense(take(t, [4]), take(t, [3, 5]))), 'dense: weight [3,5] does not fit input [4] (expected weight [out, 4])');
  tracingFails((t) => sum(dense(take(t, [4]), take(t, [3, 4]), take(t, [2]))), 'dense: bias [2] does not fit 3 outputs');
});

test('reshape [2,3] → [4] fails naming reshape, both shapes and sizes', () => {
  tracingFails((t) => sum(reshape(take(t, [2, 3]), [4])), 'reshape: cannot reshape [2,3] (size 6) to [4] (size 4)');
});

test('slice [4, 8) of a [2,3] tensor fails naming slice, the range and both shapes', () => {
  tracingFails(
    (t) => sum(slice(take(t, [2, 3]), 4, [2, 2])),
    'slice: range [4, 8) for shape [2,2] is outside a tensor of size 6 (shape [2,3])',
  );
  tracingFails((t) => sum(slice(t, 99, [2])), 'slice: range [99, 101) for shape [2] is outside a tensor of size 100 (shape [100])');
});

test('reductions with an axis out of range, 2-D logits and non-integer powers fail naming the op', () => {
  tracingFails((t) => sum(take(t, [2, 3]), { axes: 2 }), 'sum: axis 2 is out of range for a tensor of rank 2');
  tracingFails((t) => softmaxCrossEntropy(take(t, [2, 3]), 1), 'softmaxCrossEntropy: logits must be 1-D, got shape [2,3]');
  tracingFails((t) => sum(pow(t, 0.5)), 'pow: the exponent must be an integer, got 0.5');
  tracingFails((t) => sum(gather(take(t, [2, 2]), 1)), 'gather: expected a 1-D tensor to index, got shape [2,2]');
  tracingFails((t) => sum(gather(t, slice(t, 0, [1]))), 'gather: the index must not depend on θ');
});

test('a function returning a non-scalar fails naming its shape', () => {
  tracingFails((t) => exp(take(t, [3])), 'compile: the function must return a scalar, got shape [3]');
});

test('after a tracing error, compile works again (the failed trace is released)', () => {
  assert.throws(() => compile((t) => sum(add(take(t, [2, 3]), take(t, [4]))), { P }), InputError);
  const prog = compile((t) => sum(exp(t)), { P: 2 });
  assert.equal(prog.value(Float64Array.of(0, 0)), 2);
});

test('ops called outside compile fail with an InputError', () => {
  assert.throws(() => exp(3), { name: 'InputError', message: /must be called inside a function passed to compile\(\)/ });
});

// Run-time checks of the arguments.

const prog = compile((t, d) => sum(mul(t, d.x!)), { P: 4, data: { x: [4] } });
const theta = Float64Array.of(1, 2, 3, 4);
const x = Float64Array.of(1, 1, 1, 1);

test('a θ of the wrong length fails: "has length 3, expected 4", naming the method', () => {
  const short = Float64Array.of(1, 2, 3);
  assert.throws(() => prog.derivative(short, [], { x }), { name: 'InputError', message: 'derivative: theta: has length 3, expected 4' });
  assert.throws(() => prog.valueAndGrad(short, { x }), { name: 'InputError', message: 'gradDerivative: theta: has length 3, expected 4' });
  assert.throws(() => prog.gradDerivatives(short, [], { x }), { name: 'InputError', message: 'gradDerivatives: theta: has length 3, expected 4' });
  assert.throws(() => prog.value(short, { x }), { name: 'InputError', message: /theta: has length 3, expected 4/ });
  assert.throws(() => prog.value([1, 2, 3, 4] as unknown as Float64Array, { x }), { name: 'InputError', message: /expected a Float64Array of length 4/ });
});

test('a direction of the wrong length fails naming which direction and both lengths', () => {
  assert.throws(() => prog.derivative(theta, [theta, Float64Array.of(1, 2, 3, 4, 5)], { x }), {
    name: 'InputError',
    message: 'derivative: direction 2: has length 5, expected 4',
  });
  assert.throws(() => prog.gradDerivative(theta, [Float64Array.of(1)], { x }), {
    name: 'InputError',
    message: 'gradDerivative: direction 1: has length 1, expected 4',
  });
});

test('a missing data field, or one of the wrong length, fails naming the field and its shape', () => {
  assert.throws(() => prog.derivative(theta, [], {}), { name: 'InputError', message: "derivative: data field 'x' is missing (expected shape [4])" });
  assert.throws(() => prog.gradDerivative(theta, [], { x: Float64Array.of(1, 2) }), {
    name: 'InputError',
    message: "gradDerivative: data field 'x' has length 2, expected 4 (shape [4])",
  });
});

test('a batch field of the wrong length, or fields with different sample counts, fail naming the fields', () => {
  assert.throws(() => prog.gradDerivatives(theta, [], { x: new Float64Array(7) }), {
    name: 'InputError',
    message: "gradDerivatives: batch field 'x' has length 7, not a multiple of 4 (shape [4])",
  });
  assert.throws(() => prog.meanGradDerivative(theta, [], {}), {
    name: 'InputError',
    message: "meanGradDerivative: batch field 'x' is missing or not a Float64Array",
  });
  const two = compile((t, d) => sum(mul(mul(t, d.x!), d.y!)), { P: 4, data: { x: [4], y: [] } });
  assert.throws(() => two.values(theta, { x: new Float64Array(8), y: new Float64Array(3) }), {
    name: 'InputError',
    message: "derivatives: batch field 'y' holds 3 samples but 'x' holds 2",
  });
  assert.throws(() => prog.gradDerivatives(theta, [], { x: new Float64Array(8) }, new Float64Array(7)), {
    name: 'InputError',
    message: 'gradDerivatives: out has length 7, expected 2 × 4',
  });
});

test('a gather index outside the vector fails at run time naming the index and the range', () => {
  const g = compile((t, d) => sum(gather(t, d.ix!)), { P: 4, data: { ix: [2] } });
  assert.equal(g.value(theta, { ix: Float64Array.of(3, 0) }), 5);
  assert.throws(() => g.value(theta, { ix: Float64Array.of(0, 4) }), { name: 'InputError', message: 'gather: index 4 is not an integer in [0, 4)' });
  assert.throws(() => g.value(theta, { ix: Float64Array.of(0.5, 1) }), { name: 'InputError', message: 'gather: index 0.5 is not an integer in [0, 4)' });
});

test('more directions than MAX_DIRECTIONS fails', () => {
  assert.throws(() => prog.derivative(theta, Array(7).fill(theta), { x }), {
    name: 'InputError',
    message: 'derivative: at most 6 directions are supported, got 7',
  });
});
