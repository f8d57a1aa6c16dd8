/**
 * @file The convnet's derivatives equal PyTorch float64's (bench/fixtures/convnet-reference.json,
 * made by bench/torch_engine.py from the fixed-seed inputs of bench/convnet-inputs.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { relErr } from '../testing/index.ts';
import { compile } from '../engine/index.ts';
import { convnetModel } from './convnet.ts';
import { convnetInputs, readReference, verifyInputsCheck } from '../../bench/convnet-inputs.ts';

const ref = readReference();
const model = convnetModel([1, 28, 28]);
const prog = compile(model.loss, { P: model.P, data: model.data });
const inp = convnetInputs(ref.generator.seed, ref.generator.batch, ref.generator.image, ref.generator.P);
const sample = { x: inp.images.subarray(0, 784), label: inp.labels[ref.sample]! };
const batch = { x: inp.images, label: Float64Array.from(inp.labels) };

const relScalar = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
const TOL = 1e-10;

test('the fixed-seed inputs and parameter layout reproduce the fixture’s', () => {
  verifyInputsCheck(ref);
  assert.equal(model.P, 4490);
  assert.deepEqual(
    model.blocks.map((b) => [b.name, b.offset, b.shape.join('x')]),
    ref.layout.map((b) => [b.name, b.offset, b.shape.join('x')]),
  );
  model.blocks.forEach((b, i) => assert.ok(Math.abs(b.scale - ref.layout[i]!.scale) <= 1e-15 * b.scale));
});

test('convnet loss and gradient equal PyTorch float64 to 1e-10', () => {
  const { value, grad } = prog.valueAndGrad(inp.theta, sample);
  assert.ok(relScalar(value, ref.loss) <= TOL, `loss ${value} vs ${ref.loss}`);
  const e = relErr(grad, ref.grad);
  assert.ok(e <= TOL, `gradient relative error ${e}`);
});

test('convnet Hessian-vector product equals PyTorch’s double backward to 1e-10', () => {
  const { value, grad } = prog.gradDerivative(inp.theta, [inp.u], sample);
  assert.ok(relScalar(value, ref.D1u) <= TOL, `Dl[u] ${value} vs ${ref.D1u}`);
  const e = relErr(grad, ref.hvp);
  assert.ok(e <= TOL, `HVP relative error ${e}`);
});

test('convnet ∇(D²l[u,v]) equals PyTorch’s triple backward to 1e-10, and D³l[u,v,u] its contraction', () => {
  const { value, grad } = prog.gradDerivative(inp.theta, [inp.u, inp.v], sample);
  assert.ok(relScalar(value, ref.D2uv) <= TOL, `D²l[u,v] ${value} vs ${ref.D2uv}`);
  const e = relErr(grad, ref.gradD2);
  assert.ok(e <= TOL, `∇D² relative error ${e}`);
  const d3 = prog.derivative(inp.theta, [inp.u, inp.v, inp.u], sample);
  assert.ok(relScalar(d3, ref.D3uvu) <= TOL, `D³l[u,v,u] ${d3} vs ${ref.D3uvu}`);
});

test('batch-64 mean loss, gradient and HVP equal PyTorch’s batched ones to 1e-10', () => {
  const g = prog.meanGradDerivative(inp.theta, [], batch);
  assert.ok(relScalar(g.value, ref.meanLoss) <= TOL);
  assert.ok(relErr(g.grad, ref.meanGrad) <= TOL, `mean gradient error ${relErr(g.grad, ref.meanGrad)}`);
  const h = prog.meanGradDerivative(inp.theta, [inp.u], batch);
  assert.ok(relErr(h.grad, ref.meanHvp) <= TOL, `mean HVP error ${relErr(h.grad, ref.meanHvp)}`);
});

test('the fmnist-convnet landscape at init seed 1 on Fashion-MNIST image 12345: loss and gradient equal PyTorch float64’s to 1e-10', async () => {
  // src/landscapes/fixtures/fmnist-convnet-reference.json, made by bench/landscape-fixture.ts
  const { readFileSync } = await import('node:fs');
  const { resolveLandscape } = await import('./index.ts');
  const fx = JSON.parse(readFileSync(new URL('./fixtures/fmnist-convnet-reference.json', import.meta.url), 'utf8'));
  const bytes = Buffer.from(fx.grad, 'base64');
  const want = new Float64Array(bytes.length / 8);
  for (let i = 0; i < want.length; i++) want[i] = bytes.readDoubleLE(8 * i);
  const land = await resolveLandscape('fmnist-convnet');
  const b = land.atoms!().gather([fx.imageIndex]);
  assert.equal(b.label![0], fx.label);
  const { value, grad } = land.program().valueAndGrad(land.init(fx.initSeed), { x: b.x!, label: b.label![0]! });
  assert.ok(relScalar(value, fx.loss) <= TOL, `loss ${value} vs ${fx.loss}`);
  const e = relErr(grad, want);
  assert.ok(e <= TOL, `gradient relative error ${e}`);
});
