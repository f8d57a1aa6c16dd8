/**
 * @file Program-level behaviour: outputs that are views, functions that are linear or do not
 * depend on θ, reuse of the executables' buffers across calls, and no growth under repetition.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { add, compile, dense, exp, matmul, mul, reshape, scale, sin, slice, softmaxCrossEntropy, sum, tanh, type Program } from './index.ts';
import { uniformStream, uniform } from '../testing/index.ts';

// executables sit in slot 2k + (with gradient ? 1 : 0)
const cacheOf = (p: Program) => (p as unknown as { cache: { heap: Float64Array }[] }).cache;

/**
 * Regression: when the output is a slice of a larger tensor, it is a view whose planes sit the
 * parent's size apart; D^k f used to be read one element past plane ∅ instead of one plane past.
 * f(θ) = exp(θ₁) (the middle element of exp(θ)): D^k f[v₁…v_k] = e^{θ₁} Π v_{j,1}.
 */
test('a slice of a larger tensor as the output: D^k f = e^{θ₁} Π v_{j,1} for k = 0…4', () => {
  const prog = compile((t) => slice(exp(t), 1, []), { P: 3 });
  const theta = Float64Array.of(0.25, 0.5, 1);
  const v = [Float64Array.of(3, 2, 5), Float64Array.of(7, -1, 11), Float64Array.of(1, 0.5, 2), Float64Array.of(2, 3, 4)];
  const e = Math.exp(0.5);
  // products of the middle components: 1, 2, −2, −1, −3
  const want = [e, 2 * e, -2 * e, -e, -3 * e];
  for (let k = 0; k <= 4; k++) {
    assert.equal(prog.derivative(theta, v.slice(0, k)), want[k], `D^${k}f`);
    const { value, grad } = prog.gradDerivative(theta, v.slice(0, k));
    assert.equal(value, want[k]);
    assert.deepEqual(grad, Float64Array.of(0, want[k]!, 0), `∇D^${k}f`);
  }
});

test('a slice of θ itself as the output: f = θ₂, ∇f = e₂, and all higher derivatives 0', () => {
  const prog = compile((t) => reshape(slice(t, 2, [1]), []), { P: 4 });
  const theta = Float64Array.of(1, 2, 3, 4), u = Float64Array.of(5, 6, 7, 8);
  assert.equal(prog.value(theta), 3);
  assert.deepEqual(prog.valueAndGrad(theta).grad, Float64Array.of(0, 0, 1, 0));
  assert.equal(prog.derivative(theta, [u]), 7);
  assert.equal(prog.derivative(theta, [u, u]), 0);
  assert.deepEqual(prog.gradDerivative(theta, [u]), { value: 7, grad: new Float64Array(4) });
});

test('a function that does not depend on θ has value from the data, zero derivatives and zero gradient', () => {
  const prog = compile((_t, d) => sum(exp(d.x!)), { P: 3, data: { x: [2] } });
  const theta = Float64Array.of(1, 2, 3), x = Float64Array.of(0, Math.log(2));
  assert.equal(prog.value(theta, { x }), 3);
  assert.equal(prog.derivative(theta, [theta], { x }), 0);
  const out = Float64Array.of(9, 9, 9);
  assert.deepEqual(prog.gradDerivative(theta, [], { x }, out).grad, new Float64Array(3));
  assert.deepEqual(prog.gradDerivative(theta, [theta], { x }).grad, new Float64Array(3));
});

test('a linear function: exact gradient, D²f = 0 and ∇(Df) = 0', () => {
  // f = c·θ + 3·θ₀ with c = (1, 2, 4) from the data: ∇f = c + 3e₀ = (4, 2, 4)
  const lin = compile((t, d) => add(matmul(d.c!, t), scale(slice(t, 0, []), 3)), { P: 3, data: { c: [3] } });
  const c = Float64Array.of(1, 2, 4), theta = Float64Array.of(0.5, -1, 2), v = Float64Array.of(1, 1, 1);
  assert.equal(lin.value(theta, { c }), 8); // 0.5 − 2 + 8 + 1.5
  assert.deepEqual(lin.valueAndGrad(theta, { c }).grad, Float64Array.of(4, 2, 4));
  assert.equal(lin.derivative(theta, [v], { c }), 10); // (4 + 2 + 4)·1
  assert.equal(lin.derivative(theta, [v, v], { c }), 0);
  assert.deepEqual(lin.gradDerivative(theta, [v], { c }), { value: 10, grad: new Float64Array(3) });
});

test('results do not depend on earlier calls: buffers are reset between samples, orders and θ', () => {
  const prog = compile((t, d) => softmaxCrossEntropy(dense(d.x!, reshape(slice(t, 0, [6]), [3, 2]), slice(t, 6, [3])), d.label!), {
    P: 9,
    data: { x: [2], label: [] },
  });
  const rng = uniformStream(77);
  const th1 = uniform(rng, 9), th2 = uniform(rng, 9), v = uniform(rng, 9), u = uniform(rng, 9);
  const s1 = { x: Float64Array.of(0.3, -1), label: 2 }, s2 = { x: Float64Array.of(2, 0.5), label: 0 };
  const first = prog.gradDerivative(th1, [v, u], s1);
  const firstHvp = prog.gradDerivative(th1, [v], s1);
  // interleave other samples, θ and orders
  prog.gradDerivative(th2, [u, v], s2);
  prog.gradDerivative(th2, [], s2);
  prog.derivative(th2, [u, u, u], s2);
  prog.gradDerivatives(th2, [v], { x: Float64Array.of(1, 2, 3, 4), label: Float64Array.of(1, 0) });
  assert.deepEqual(prog.gradDerivative(th1, [v, u], s1), first);
  assert.deepEqual(prog.gradDerivative(th1, [v], s1), firstHvp);
});

/**
 * The RSS check proper (10⁵ HVPs) lives in the benchmark; here, cheaply: 20,000 HVP calls with a
 * preallocated `out` return that same array each time, keep one cached executable with the same
 * heap, and give the same numbers as the first call.
 */
test('20,000 HVP calls with a preallocated out reuse out and one executable, and do not drift', () => {
  const prog = compile((t, d) => {
    const h = tanh(dense(d.x!, reshape(slice(t, 0, [12]), [3, 4]), slice(t, 12, [3])));
    return sum(sin(mul(h, h)));
  }, { P: 15, data: { x: [4] } });
  const rng = uniformStream(5);
  const theta = uniform(rng, 15), v = uniform(rng, 15), x = uniform(rng, 4);
  const sample = { x };
  const out = new Float64Array(15);
  const first = prog.gradDerivative(theta, [v], sample).grad;
  const cache = cacheOf(prog);
  assert.equal(prog.executables, 1);
  const heap = cache[3]!.heap;
  let same = true;
  for (let i = 0; i < 20000; i++) {
    const r = prog.gradDerivative(theta, [v], sample, out);
    if (r.grad !== out) same = false;
  }
  assert.ok(same, 'gradDerivative returned a different array than out');
  assert.equal(prog.executables, 1);
  assert.equal(cache[3]!.heap, heap);
  assert.deepEqual(out, first);
  assert.ok(first.some((g) => g !== 0));
});
