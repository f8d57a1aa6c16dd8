/** @file Claims about atoms: drawing reproduces the draws of saved runs bit for bit (checked against the implementation they were made with), literal atoms are checked field by field, the mean loss over atoms is the weighted mean, which atoms count as small, and which name their content (a digest). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rng, split, type Rng } from '../core/index.ts';
import { compile, mul, reshape } from '../engine/index.ts';
import { atomsFromLiteral, atomsMeanLoss, drawAtoms, hasSmallAtoms, rememberedAt, SMALL_ATOMS, tableAtoms } from './atoms.ts';
import { resolveLandscape } from './resolve.ts';
import { datasetAtoms, imageLandscape } from './images.ts';
import { syntheticImages } from '../testing/index.ts';
import type { Atoms } from './types.ts';

/**
 * drawAtoms as it was when simulation outputs were first saved (src/landscapes/landscape.ts
 * before the split), frozen here: the draws of a given stream must never change.
 */
function drawAtomsAsSaved(atoms: Atoms, r: Rng, n: number): Int32Array {
  const out = new Int32Array(n);
  if (atoms.uniform) {
    for (let j = 0; j < n; j++) out[j] = r.int(atoms.count);
    return out;
  }
  const cdf = new Float64Array(atoms.count);
  let acc = 0;
  for (let i = 0; i < atoms.count; i++) cdf[i] = acc += atoms.weights[i]!;
  for (let j = 0; j < n; j++) {
    const u = r.uniform() * acc;
    let lo = 0, hi = atoms.count - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! > u) hi = mid;
      else lo = mid + 1;
    }
    out[j] = lo;
  }
  return out;
}

const uniformAtoms = (count: number) => tableAtoms({ x: new Float64Array(count) }, { x: [] }, new Float64Array(count).fill(1 / count));

describe('drawAtoms', () => {
  it('draws the same indices as the saved implementation, uniform and weighted, for fixed streams', () => {
    const cases: Atoms[] = [
      uniformAtoms(1), uniformAtoms(5), uniformAtoms(4096), uniformAtoms(70_000), uniformAtoms(60_000),
      tableAtoms({ x: new Float64Array(4) }, { x: [] }, Float64Array.of(0.1, 0.2, 0.3, 0.4)),
      tableAtoms({ x: new Float64Array(7) }, { x: [] }, Float64Array.from([1, 2, 3, 4, 5, 6, 7], (w) => w / 28)),
    ];
    for (const atoms of cases) {
      for (const seed of [0, 1, 7, 123456789]) {
        const got = drawAtoms(atoms, split(seed, 3, 2), 1000);
        assert.deepEqual(got, drawAtomsAsSaved(atoms, split(seed, 3, 2), 1000), `${atoms.count} atoms, seed ${seed}`);
      }
    }
  });
  it('reproduces literal draws recorded from the saved implementation', () => {
    // Printed by the implementation before the split, for these streams.
    assert.deepEqual(Array.from(drawAtoms(uniformAtoms(70_000), split(7, 3, 2), 12)),
      [34939, 68487, 36957, 69373, 24769, 23613, 1798, 56213, 18459, 25833, 65713, 6592]);
    assert.deepEqual(Array.from(drawAtoms(uniformAtoms(5), rng(1), 12)), [2, 1, 3, 0, 3, 2, 1, 3, 4, 4, 4, 0]);
    const weighted = tableAtoms({ x: new Float64Array(4) }, { x: [] }, Float64Array.of(0.1, 0.2, 0.3, 0.4));
    assert.deepEqual(Array.from(drawAtoms(weighted, rng(1), 12)), [2, 3, 3, 0, 3, 3, 3, 2, 3, 2, 2, 2]);
  });
  it('draws by weight: frequencies within 5 standard errors of the weights', () => {
    const atoms = tableAtoms({ x: new Float64Array(3) }, { x: [] }, Float64Array.of(0.5, 0.3, 0.2));
    const n = 100_000, counts = [0, 0, 0];
    for (const i of drawAtoms(atoms, rng(9), n)) counts[i]!++;
    atoms.weights.forEach((w, i) => assert.ok(Math.abs(counts[i]! / n - w) < 5 * Math.sqrt(w * (1 - w) / n), `atom ${i}: ${counts[i]! / n}`));
  });
});

describe('literal atoms and their mean loss', () => {
  it('rows or flat values give the same atoms; weights are normalized; a wrong count names the field', () => {
    const rows = atomsFromLiteral({ values: { x: [[1, 2], [3, 4]] }, weights: [0.25, 0.75] }, { x: [2] }, 'test');
    const flat = atomsFromLiteral({ values: { x: [1, 2, 3, 4] }, weights: [0.25, 0.75] }, { x: [2] }, 'test');
    assert.deepEqual(rows.batch(), flat.batch());
    assert.equal(rows.uniform, false);
    assert.deepEqual(Array.from(rows.gather([1, 1, 0]).x!), [3, 4, 3, 4, 1, 2]);
    assert.throws(() => atomsFromLiteral({ values: { x: [1, 2, 3] } }, { x: [2] }, 'test'),
      /test: field 'atoms\.values\.x' has 3 numbers \(expected a multiple of 2 \(shape \[2\]\)\)/);
    assert.throws(() => rows.gather([2]), /atoms\.gather: indices\[0\] = 2 is not an atom: expected an integer in \[0, 2\)/);
  });
  it('atomsMeanLoss is Σ w_i l_i, in chunks of any size', () => {
    // l_x(θ) = θ·x at θ = 2 over x = 1, 2, 3 with weights ½, ¼, ¼: 2·(½ + ½ + ¾) = 3.5.
    const program = compile((t, { x }) => mul(reshape(t, []), x!), { P: 1, data: { x: [] } });
    const atoms = atomsFromLiteral({ values: { x: [1, 2, 3] }, weights: [0.5, 0.25, 0.25] }, { x: [] }, 'test');
    for (const chunk of [1, 2, 1024]) assert.equal(atomsMeanLoss(program, atoms, Float64Array.of(2), chunk), 3.5);
  });
});

describe('rememberedAt', () => {
  it('computes once per owner, name and θ (bit for bit: −0 is not 0), keeps the last 4 θ, and forgets a failed promise', async () => {
    let calls = 0;
    const count = () => ++calls;
    const a = {}, b = {};
    assert.equal(rememberedAt(a, 'f', Float64Array.of(1, 2), count), 1);
    assert.equal(rememberedAt(a, 'f', Float64Array.of(1, 2), count), 1, 'same owner, name, θ');
    assert.equal(rememberedAt(a, 'g', Float64Array.of(1, 2), count), 2, 'another name');
    assert.equal(rememberedAt(b, 'f', Float64Array.of(1, 2), count), 3, 'another owner');
    assert.equal(rememberedAt(a, 'f', Float64Array.of(1, 2.000000000000001), count), 4, 'another θ');
    assert.equal(rememberedAt(a, 'f', Float64Array.of(0), count), 5);
    assert.equal(rememberedAt(a, 'f', Float64Array.of(-0), count), 6, '−0 is another θ');
    // a's entries now: θ = −0, 0, (1, 2+ε), g at (1, 2); f at (1, 2) was the oldest and is gone.
    assert.equal(rememberedAt(a, 'f', Float64Array.of(1, 2), count), 7, 'only the last 4 are kept');
    const theta = Float64Array.of(3);
    assert.equal(rememberedAt(a, 'f', theta, count), 8);
    theta[0] = 4;
    assert.equal(rememberedAt(a, 'f', Float64Array.of(3), count), 8, 'θ is copied, not held');
    assert.throws(() => rememberedAt(a, 'h', theta, () => { throw new Error('no'); }), /no/);
    assert.equal(rememberedAt(a, 'h', theta, count), 9, 'a throw is not remembered');
    const failing = rememberedAt(a, 'p', theta, () => Promise.reject(new Error('failed')));
    assert.equal(rememberedAt(a, 'p', theta, () => Promise.resolve(0)), failing, 'in flight: shared');
    await assert.rejects(failing, /failed/);
    assert.equal(await rememberedAt(a, 'p', theta, () => Promise.resolve(10)), 10, 'a rejected promise is forgotten');
  });
});

describe('many atoms', () => {
  it('the population loss over more than SMALL_ATOMS atoms is the weighted mean over them, from a per-atom pass remembered per θ', () => {
    const land = imageLandscape('logistic', syntheticImages('tiny', 5000, [1, 2, 2], 3), { spec: 'tiny-5000' });
    const theta = Float64Array.from({ length: land.P }, (_, i) => Math.sin(i));
    const l = land.populationLoss!(theta);
    assert.equal(l, atomsMeanLoss(land.program(), land.atoms!(), theta));
    assert.equal(land.populationLoss!(Float64Array.from(theta)), l, 'again at an equal θ');
    theta[0] = 0.5;
    assert.equal(land.populationLoss!(theta), atomsMeanLoss(land.program(), land.atoms!(), theta), 'at another θ');
  });
});

describe('small atoms', () => {
  it('up to SMALL_ATOMS = 4096 atoms are small: the quadrature landscapes are, a landscape without atoms or with 4097 is not', async () => {
    assert.equal(SMALL_ATOMS, 4096);
    assert.ok(hasSmallAtoms(await resolveLandscape('gauss')));
    assert.ok(hasSmallAtoms(await resolveLandscape('archimedes')));
    const images = (count: number) => imageLandscape('logistic', syntheticImages('tiny', count, [1, 2, 2], 1), { spec: `tiny-${count}` });
    assert.ok(hasSmallAtoms(images(4096)));
    assert.ok(!hasSmallAtoms(images(4097)));
    assert.ok(!hasSmallAtoms({ exact: { atoms: null, populationLoss: null } }), 'no atoms');
  });
});

describe('digest', () => {
  it("a data set's atoms name their content (its bytes, not its name); literal atoms name none", async () => {
    const d = datasetAtoms(syntheticImages('a', 50, [1, 2, 2], 7)).digest!();
    assert.match(d, /^images:[0-9a-f]{64}$/);
    assert.equal(datasetAtoms(syntheticImages('b', 50, [1, 2, 2], 7)).digest!(), d, 'the same images under another name');
    assert.notEqual(datasetAtoms(syntheticImages('a', 50, [1, 2, 2], 8)).digest!(), d, 'other images');
    assert.notEqual(datasetAtoms(syntheticImages('a', 51, [1, 2, 2], 7)).digest!(), d, 'one image more');
    const land = imageLandscape('logistic', syntheticImages('a', 50, [1, 2, 2], 7), { spec: 'tiny-50' });
    assert.equal(land.atoms!().digest!(), d, 'an image landscape keeps them');
    assert.equal((await resolveLandscape('gauss')).atoms!().digest, undefined, 'quadrature atoms: none');
  });
});
