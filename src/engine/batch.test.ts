/**
 * @file The per-sample batch methods against the single-sample ones. A batch call runs the same
 * cached executable as a single call, sample after sample, so per-sample results must be
 * bit-for-bit the single-sample ones, and the mean the mean of those (to rounding).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { add, compile, dense, mul, reshape, scale, slice, softmaxCrossEntropy, square, sum, tanh, type Program } from './index.ts';
import { uniformStream, relErr, uniform } from '../testing/index.ts';

const IN = 4, HID = 3, OUT = 3;
const P = HID * IN + HID + OUT * HID + OUT; // 27
const N = 5;

/** A two-layer tanh network with a softmax cross-entropy loss on (x, label). */
function network(): Program {
  return compile(
    (t, d) => {
      let o = 0;
      const take = (shape: number[]) => {
        const s = slice(t, o, shape);
        o += s.size;
        return s;
      };
      const w1 = take([HID, IN]), b1 = take([HID]), w2 = take([OUT, HID]), b2 = take([OUT]);
      return softmaxCrossEntropy(dense(tanh(dense(d.x!, w1, b1)), w2, b2), reshape(d.label!, []));
    },
    { P, data: { x: [IN], label: [1] } },
  );
}

const rng = uniformStream(31);
const theta = uniform(rng, P, -1, 1);
const dirs = [0, 1, 2].map(() => uniform(rng, P, -1, 1));
const batch = { x: uniform(rng, N * IN, -2, 2), label: Float64Array.of(0, 2, 1, 2, 0) };
const sampleAt = (i: number) => ({ x: batch.x.subarray(i * IN, (i + 1) * IN), label: batch.label.subarray(i, i + 1) });

test('values and derivatives of a batch equal the single-sample calls, sample by sample, exactly', () => {
  const prog = network();
  const vals = prog.values(theta, batch);
  assert.equal(vals.length, N);
  for (let i = 0; i < N; i++) assert.equal(vals[i], prog.value(theta, sampleAt(i)));
  for (let k = 1; k <= 3; k++) {
    const ds = prog.derivatives(theta, dirs.slice(0, k), batch);
    for (let i = 0; i < N; i++) assert.equal(ds[i], prog.derivative(theta, dirs.slice(0, k), sampleAt(i)), `D^${k}, sample ${i}`);
  }
  // the samples differ, so the comparison is not between copies of one number
  assert.equal(new Set(vals).size, N);
});

test('per-sample gradients, HVPs and ∇(D²f), ∇(D³f) of a batch equal the single-sample calls exactly', () => {
  const prog = network();
  const vg = prog.valuesAndGrads(theta, batch);
  for (let i = 0; i < N; i++) {
    const one = prog.valueAndGrad(theta, sampleAt(i));
    assert.equal(vg.values[i], one.value);
    assert.deepEqual(vg.grads.subarray(i * P, (i + 1) * P), one.grad);
  }
  for (let k = 1; k <= 3; k++) {
    const { values, grads } = prog.gradDerivatives(theta, dirs.slice(0, k), batch);
    assert.equal(grads.length, N * P);
    for (let i = 0; i < N; i++) {
      const one = prog.gradDerivative(theta, dirs.slice(0, k), sampleAt(i));
      assert.equal(values[i], one.value, `k=${k}, sample ${i}`);
      assert.deepEqual(grads.subarray(i * P, (i + 1) * P), one.grad, `k=${k}, sample ${i}`);
      assert.ok(one.grad.some((g) => g !== 0));
    }
  }
});

test('gradDerivatives writes into a given out array and returns it', () => {
  const prog = network();
  const out = new Float64Array(N * P).fill(Number.NaN);
  const r = prog.gradDerivatives(theta, [dirs[0]!], batch, out);
  assert.equal(r.grads, out);
  assert.deepEqual(out, prog.gradDerivatives(theta, [dirs[0]!], batch).grads);
});

test('meanGradDerivative is the mean of the per-sample values and gradients (to 1e-15), for k = 0…3', () => {
  const prog = network();
  for (let k = 0; k <= 3; k++) {
    const ds = dirs.slice(0, k);
    const mean = prog.meanGradDerivative(theta, ds, batch);
    let v = 0;
    const g = new Float64Array(P);
    for (let i = 0; i < N; i++) {
      const one = prog.gradDerivative(theta, ds, sampleAt(i));
      v += one.value / N;
      for (let j = 0; j < P; j++) g[j]! += one.grad[j]! / N;
    }
    assert.ok(relErr(mean.value, v) <= 1e-15, `k=${k}: mean value ${mean.value} vs ${v}`);
    assert.ok(relErr(mean.grad, g) <= 1e-15, `k=${k}: mean gradient, relative error ${relErr(mean.grad, g)}`);
  }
  // with out: the same array comes back, overwritten (not accumulated into)
  const out = new Float64Array(P).fill(1e6);
  const r = prog.meanGradDerivative(theta, [dirs[0]!], batch, out);
  assert.equal(r.grad, out);
  assert.deepEqual(out, prog.meanGradDerivative(theta, [dirs[0]!], batch).grad);
});

test('batch calls neither re-trace nor build executables per sample: one per (k, with gradient)', () => {
  const prog = network();
  const nodes = prog.trace.nodes.length;
  // executables sit in slot 2k + (with gradient ? 1 : 0)
  const cache = (prog as unknown as { cache: unknown[] }).cache;
  prog.gradDerivatives(theta, [dirs[0]!], batch);
  prog.meanGradDerivative(theta, [dirs[0]!], batch);
  prog.gradDerivatives(theta, [dirs[0]!], { x: batch.x.subarray(0, 2 * IN), label: batch.label.subarray(0, 2) });
  assert.equal(prog.executables, 1);
  prog.values(theta, batch);
  prog.derivatives(theta, [dirs[0]!, dirs[1]!], batch);
  assert.equal(prog.executables, 3);
  assert.deepEqual([0, 3, 4].map((i) => cache[i] !== undefined), [true, true, true]); // (0, value), (1, gradient), (2, value)
  assert.equal(prog.trace.nodes.length, nodes);
});

/**
 * Shared nodes (those that read no data) run once per call, and a batch mean adds every sample
 * into their adjoints before moving them to θ once: a loss that reads θ both through shared
 * nodes (θ², a weight scaled by a constant) and directly in per-sample nodes, and a loss that
 * reads no data at all, must still give the mean of the single-sample gradients.
 */
test('batch means through shared nodes: θ used by shared and per-sample nodes, and a loss that reads no data', () => {
  const Q = 3;
  const mixed = compile(
    (t, d) => add(sum(square(scale(t, 0.5))), sum(mul(tanh(mul(t, d.x!)), scale(t, 2)))),
    { P: Q, data: { x: [Q] } },
  );
  const dataFree = compile((t) => sum(square(tanh(t))), { P: Q, data: { x: [Q] } });
  const th = Float64Array.of(0.3, -0.7, 1.1), u = Float64Array.of(1, 0.5, -2);
  const xs = { x: Float64Array.of(1, 2, 3, -1, 0.5, 2, 0.25, -3, 1) };
  for (const prog of [mixed, dataFree]) {
    for (const ds of [[], [u]]) {
      const mean = prog.meanGradDerivative(th, ds, xs);
      const g = new Float64Array(Q);
      let v = 0;
      for (let i = 0; i < 3; i++) {
        const one = prog.gradDerivative(th, ds, { x: xs.x.subarray(i * Q, (i + 1) * Q) });
        v += one.value / 3;
        for (let j = 0; j < Q; j++) g[j]! += one.grad[j]! / 3;
      }
      assert.ok(relErr(mean.value, v) <= 1e-15 && relErr(mean.grad, g) <= 1e-15, `k=${ds.length}: ${[...mean.grad]} vs ${[...g]}`);
      assert.ok(g.every((x) => x !== 0));
    }
  }
  // a data-free loss: every sample's gradient is the same, and the mean is it
  const one = dataFree.valueAndGrad(th, { x: xs.x.subarray(0, Q) }).grad;
  assert.ok(relErr(dataFree.meanGradDerivative(th, [], xs).grad, one) <= 1e-15);
});
