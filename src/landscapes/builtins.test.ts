/**
 * @file Claims about the built-in landscapes: every derivative agrees with finite differences,
 * the exact modes reproduce the hand-derived values of docs/theory.md §5 (GAUSS, ARCHIMEDES, MEAN
 * ESTIMATION), population losses agree with their atoms, and sampling and θ₀ are seeded.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Batch } from '../engine/index.ts';
import { imageLandscape } from './images.ts';
import type { Landscape } from './types.ts';
import { resolveLandscape } from './resolve.ts';
import { rng } from '../core/index.ts';
import { populationGradient } from './summary.ts';
import { checkDerivatives, syntheticImages } from '../testing/index.ts';

/** Sample j of a batch as a record of per-sample arrays. */
function row(land: Landscape, batch: Batch, j: number): Record<string, Float64Array> {
  return Object.fromEntries(Object.entries(land.data).map(([k, shape]) => {
    const size = shape.reduce((a, b) => a * b, 1);
    return [k, batch[k]!.slice(j * size, (j + 1) * size)];
  }));
}

/** E over the atoms of f(per-atom values of D^k l along the given directions), for P = 1. */
function atomStats(land: Landscape, theta: Float64Array) {
  const atoms = land.atoms!();
  const batch = atoms.batch();
  const program = land.program();
  const e = Float64Array.of(1);
  const g = program.derivatives(theta, [e], batch);
  const H = program.derivatives(theta, [e, e], batch);
  const J = program.derivatives(theta, [e, e, e], batch);
  const E = (f: (i: number) => number) => Array.from(atoms.weights).reduce((s, w, i) => s + w * f(i), 0);
  return { g, H, J, E };
}

const close = (got: number, want: number, tol: number, what: string) =>
  assert.ok(Math.abs(got - want) <= tol, `${what}: got ${got}, expected ${want} (±${tol})`);

const tiny = {
  fmnist: syntheticImages('fmnist', 5, [1, 28, 28], 11),
  cifar10: syntheticImages('cifar10', 4, [3, 32, 32], 12),
};

async function everyBuiltin(): Promise<Landscape[]> {
  return [
    await resolveLandscape('gauss:h0=0.3'),
    await resolveLandscape('archimedes'),
    await resolveLandscape('mean-estimation:H=0.5,S=10'),
    await resolveLandscape('mean-estimation-l2:H=2,S=3,lambda0=0.5'),
    imageLandscape('logistic', tiny.fmnist, { spec: 'fmnist-logistic (synthetic)' }),
    imageLandscape('convnet', tiny.fmnist, { spec: 'fmnist-convnet (synthetic)' }),
    imageLandscape('logistic', tiny.cifar10, { spec: 'cifar-logistic (synthetic)' }),
    imageLandscape('convnet', tiny.cifar10, { spec: 'cifar-convnet (synthetic)' }),
  ];
}

describe('derivatives of every built-in agree with central finite differences', () => {
  it('gradient, Hessian-vector product, ∇ of D²l and D³l at random points and samples', async () => {
    let seed = 100;
    for (const land of await everyBuiltin()) {
      const r = rng(seed++);
      const program = land.program();
      // A random point: θ₀ plus a perturbation (scaled down for the wide image models).
      const theta = land.init(1).map((t) => t + r.normal() * (land.P > 10 ? 0.05 : 0.7));
      const batch = land.sample(r, 2);
      for (let j = 0; j < 2; j++) checkDerivatives(program, theta, row(land, batch, j), seed * 10 + j);
    }
  });
  it('the image landscapes have the paper\'s sizes: convnet P = 4490 / 5890, logistic P = 7850 / 30730', async () => {
    const [, , , , fl, fc, cl, cc] = await everyBuiltin();
    assert.deepEqual([fl!.P, fc!.P, cl!.P, cc!.P], [7850, 4490, 30730, 5890]);
  });
  it('each built-in names its coordinates: gauss h, archimedes u, v, z, mean-estimation w (and λ); image landscapes none', async () => {
    assert.deepEqual((await everyBuiltin()).map((l) => l.coordinates), [
      { h: 0 }, { u: 0, v: 1, z: 2 }, { w: 0 }, { w: 0, lambda: 1 }, undefined, undefined, undefined, undefined,
    ]);
  });
});

describe('GAUSS exact mode', () => {
  it('at h = 0: G = 0, H = ½, C = ½, J = −½, S = E[(g−G)³] = −1, (01-02)(012) = E[H_x g_x g_x] = 5/4, to 1e-14', async () => {
    // g_x = ½(1 − x²), H_x = ½x², J_x = −½x² at h = 0; E x² = 1, E x⁴ = 3, E x⁶ = 15:
    // C = ¼E(1 − x²)² = ¼(1 − 2 + 3); S = ⅛E(1 − x²)³ = ⅛(1 − 3 + 9 − 15); E[H g g] = ⅛E[x²(1 − x²)²] = ⅛(1 − 6 + 15).
    const land = await resolveLandscape('gauss');
    const theta = land.init();
    assert.deepEqual(Array.from(theta), [0]);
    assert.deepEqual(land.coordinates, { h: 0 });
    const { g, H, J, E } = atomStats(land, theta);
    const G = E((i) => g[i]!);
    close(G, 0, 1e-15, 'G');
    close(E((i) => H[i]!), 0.5, 1e-14, 'H');
    close(E((i) => (g[i]! - G) ** 2), 0.5, 1e-14, 'C');
    close(E((i) => J[i]!), -0.5, 1e-14, 'J');
    close(E((i) => (g[i]! - G) ** 3), -1, 1e-14, 'S');
    close(E((i) => H[i]! * g[i]! ** 2), 1.25, 1e-14, '(01-02)(012)');
  });
  it('its population loss (h + e^{−h})/2 equals the mean over its atoms at several h', async () => {
    for (const h of [-1, 0, 0.4, 2]) {
      const land = await resolveLandscape(`gauss:h0=${h}`);
      const theta = land.init();
      const { value, grad } = populationGradient(land, theta);
      close(value, land.populationLoss!(theta), 1e-14, `l at h = ${h}`);
      close(grad[0]!, (1 - Math.exp(-h)) / 2, 1e-14, `G at h = ${h}`);
    }
  });
});

describe('ARCHIMEDES exact mode', () => {
  it('G = 0 on the valley u = v = 0 for several z, while C ≠ 0 there', async () => {
    const land = await resolveLandscape('archimedes');
    assert.deepEqual(land.coordinates, { u: 0, v: 1, z: 2 });
    for (const z of [0, 0.3, -1.2, Math.PI / 4, 2.5, 10]) {
      const theta = Float64Array.of(0, 0, z);
      const { value, grad } = populationGradient(land, theta);
      assert.equal(value, 0);
      assert.ok(Math.hypot(...grad) < 1e-15, `|G| at z = ${z}: ${Math.hypot(...grad)}`);
      // g_x = x·∇S = x(cos(z − π/4), sin(z − π/4), 0), so tr C = E x² · 1 = 1.
      const g = land.program().valuesAndGrads(theta, land.atoms!().batch()).grads;
      const w = land.atoms!().weights;
      let trC = 0;
      for (let i = 0; i < w.length; i++) trC += w[i]! * (g[3 * i]! ** 2 + g[3 * i + 1]! ** 2 + g[3 * i + 2]! ** 2);
      close(trC, 1, 1e-14, `tr C at z = ${z}`);
    }
  });
  it('its population loss ½H(θ) equals the mean over its atoms at random θ', async () => {
    const land = await resolveLandscape('archimedes');
    const r = rng(5);
    for (let k = 0; k < 5; k++) {
      const theta = r.normals(new Float64Array(3));
      close(populationGradient(land, theta).value, land.populationLoss!(theta), 1e-13, `θ = ${Array.from(theta)}`);
    }
  });
});

describe('MEAN ESTIMATION exact mode', () => {
  it('G = Hw, Hessian H and C = S² at several (H, S, w)', async () => {
    for (const [H, S, w] of [[1, 1, 0], [0.5, 10, 0.7], [4, 0.3, -2], [1e-4, 10, 10]] as const) {
      const land = await resolveLandscape(`mean-estimation:H=${H},S=${S},w0=${w}`);
      assert.deepEqual(land.coordinates, { w: 0 });
      const theta = land.init();
      assert.deepEqual(Array.from(theta), [w]);
      const { g, H: Hx, E } = atomStats(land, theta);
      const G = E((i) => g[i]!);
      close(G, H * w, 1e-13 * Math.max(1, Math.abs(H * w)), 'G');
      close(E((i) => Hx[i]!), H, 1e-15, 'H');
      close(E((i) => (g[i]! - G) ** 2), S * S, 1e-12 * S * S, 'C');
      close(land.populationLoss!(theta), (H * w * w) / 2, 1e-15, 'l');
    }
  });
  it('mean-estimation-l2: G = ((H + λ)w, ½w²), λ is projected to λ ≥ 0 (NaN left for divergence checks)', async () => {
    const land = await resolveLandscape('mean-estimation-l2:H=2,S=3,w0=1.5,lambda0=0.5');
    assert.deepEqual(Array.from(land.init()), [1.5, 0.5]);
    assert.deepEqual(land.coordinates, { w: 0, lambda: 1 });
    const { value, grad } = populationGradient(land, land.init());
    close(value, 0.5 * 2.5 * 2.25, 1e-14, 'l');
    close(grad[0]!, 2.5 * 1.5, 1e-14, 'G_w');
    close(grad[1]!, 0.5 * 2.25, 1e-14, 'G_λ');
    const t = Float64Array.of(1, -0.3);
    assert.equal(land.project!(t), t, 'in place');
    assert.deepEqual(Array.from(t), [1, 0]);
    assert.deepEqual(Array.from(land.project!(Float64Array.of(1, 0.2))), [1, 0.2]);
    assert.ok(Number.isNaN(land.project!(Float64Array.of(1, Number.NaN))[1]));
    await assert.rejects(resolveLandscape('mean-estimation-l2:lambda0=-1'), /lambda0=-1 is not valid: expected a number ≥ 0/);
  });
});

describe('sampling and initialization', () => {
  it('the Gaussian landscapes sample x ~ N(0, 1), reproducibly from the stream', async () => {
    const land = await resolveLandscape('gauss');
    const a = land.sample(rng(3), 50_000).x!;
    assert.deepEqual(land.sample(rng(3), 10).x, a.slice(0, 10));
    assert.notDeepEqual(land.sample(rng(4), 10).x, a.slice(0, 10));
    const mean = a.reduce((s, x) => s + x, 0) / a.length;
    const m2 = a.reduce((s, x) => s + x * x, 0) / a.length;
    assert.ok(Math.abs(mean) < 5 / Math.sqrt(a.length) && Math.abs(m2 - 1) < 5 * Math.sqrt(2 / a.length));
  });
  it('image landscapes draw images with replacement as float64 batches (pixels byte/255, labels as numbers)', () => {
    const ds = tiny.fmnist;
    const land = imageLandscape('logistic', ds, { spec: 'test' });
    const b = land.sample(rng(1), 40);
    assert.equal(b.x!.length, 40 * 784);
    assert.equal(b.label!.length, 40);
    for (let j = 0; j < 40; j++) {
      const i = Array.from({ length: ds.count }, (_, k) => k).find((k) => ds.labels[k] === b.label![j] && ds.pixels[k * 784 + 300]! / 255 === b.x![j * 784 + 300]);
      assert.ok(i !== undefined, `sample ${j} is an image of the data set`);
    }
    const atoms = land.atoms!();
    assert.equal(atoms.count, 5);
    assert.ok(atoms.uniform && atoms.weights.every((w) => w === 1 / 5));
  });
  it('logistic regression starts at zero, where its loss is log 10 for every image', () => {
    const land = imageLandscape('logistic', tiny.cifar10, { spec: 'test' });
    const theta = land.init(7);
    assert.ok(theta.every((t) => t === 0));
    const v = land.program().values(theta, land.atoms!().batch());
    v.forEach((x) => close(x, Math.log(10), 1e-15, 'loss at 0'));
  });
  it('the convnet starts from standard normal raw parameters, deterministic in the init seed', () => {
    const land = imageLandscape('convnet', tiny.fmnist, { spec: 'test' });
    const a = land.init(1), b = land.init(1), c = land.init(2);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
    const n = a.length, mean = a.reduce((s, x) => s + x, 0) / n, v = a.reduce((s, x) => s + x * x, 0) / n;
    assert.ok(Math.abs(mean) < 5 / Math.sqrt(n) && Math.abs(v - 1) < 5 * Math.sqrt(2 / n), `mean ${mean}, second moment ${v}`);
    const loss = land.program().values(a, land.atoms!().batch());
    assert.ok(loss.every((x) => Number.isFinite(x) && x > 0));
  });
});
