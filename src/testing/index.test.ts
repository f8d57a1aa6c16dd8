/** @file The shared test helpers can fail: a derivative that is off by 0.1% is caught, a zero reference is refused. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compile, mul, sin, slice, sum } from '../engine/index.ts';
import { checkDerivatives, fdDerivative, relErr } from './index.ts';

const program = compile((t) => sum(mul(sin(t), slice(t, 0, [3]))), { P: 3 });
const theta = Float64Array.of(0.3, -0.7, 1.1);

test('checkDerivatives passes the engine and catches a Hessian-vector product off by 0.1%', () => {
  checkDerivatives(program, theta, {}, 1);
  const wrong = Object.create(program, {
    gradDerivative: {
      value: (th: Float64Array, dirs: Float64Array[], s: never) => {
        const r = program.gradDerivative(th, dirs, s);
        return dirs.length === 1 ? { value: r.value, grad: r.grad.map((g) => g * 1.001) } : r;
      },
    },
  });
  assert.throws(() => checkDerivatives(wrong, theta, {}, 1), /Hessian-vector product: error/);
});

test('relErr refuses a zero reference; fdDerivative is exact to ~1e-12 on sin', () => {
  assert.throws(() => relErr([1], [0]), /reference is zero/);
  assert.ok(relErr(fdDerivative((t) => Math.sin(0.4 + t)), Math.cos(0.4)) < 1e-11);
});
