/**
 * @file Claims about which field a broken landscape is blamed on (verify.ts, and the loss's
 * compilation in from-definition.ts): a sampler's NaN names `sample`, a loss that is NaN on
 * finite samples names `loss` (also when only an atom the check did not sample is affected), and
 * a loss that throws while traced, or reads a data field it did not declare, names `loss` and the
 * cause — an InputError, in process and for a module loaded by path.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { InputError } from '../core/index.ts';
import { add, log, mul, reshape, type Tensor } from '../engine/index.ts';
import { defineLandscape } from './define.ts';
import { resolveLandscape } from './resolve.ts';
import type { Landscape, LandscapeDefinition } from './types.ts';
import { verifyLandscape } from './verify.ts';

const WHERE = 'landscape module ./m.ts';

/** l_x(θ) = θ·x over the atoms x = ±1, with `over` replacing any of its fields. */
function landscape(over: Partial<LandscapeDefinition>): Landscape {
  const def: LandscapeDefinition = {
    name: 't', P: 1, data: { x: [] },
    loss: (t, { x }) => mul(reshape(t, []), x!),
    init: [1],
    atoms: { values: { x: [-1, 1] } },
    ...over,
  };
  return defineLandscape(def).create({}, { spec: 't', where: WHERE }) as Landscape;
}

/** Assert that `f` throws an InputError whose message matches every pattern. */
function throwsWith(f: () => unknown, ...patterns: RegExp[]): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof InputError, `expected an InputError, got ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
    for (const re of patterns) assert.match(e.message, re);
    return true;
  });
}

describe('verifyLandscape blames the field at fault', () => {
  it('a sampler that returns NaN names sample, not loss', () => {
    const land = landscape({ sample: (_r, n) => ({ x: Float64Array.from({ length: n }, (_, i) => (i === 1 ? NaN : 0.5)) }) });
    throwsWith(() => verifyLandscape(land, WHERE), /^landscape module \.\/m\.ts: field 'sample' returned a non-finite number \(x\[1\] = NaN\)/);
  });

  it('a loss that is NaN on finite samples names loss', () => {
    // log(θ·x) at θ = 1 is NaN for every x < 0: both samples are x = −2.
    const land = landscape({ loss: (t, { x }) => log(mul(reshape(t, []), x!)), sample: (_r, n) => ({ x: new Float64Array(n).fill(-2) }), atoms: undefined });
    throwsWith(() => verifyLandscape(land, WHERE), /^landscape module \.\/m\.ts: field 'loss' is not finite at θ₀ on finite samples \(NaN, NaN\)/);
  });

  it('a loss that is NaN at one atom names loss and the atom, not the population loss it implies', () => {
    // Atoms x = 1, 2, 3 and −1 (weight 0.001, so the check's two samples are almost surely positive):
    // log(θ·x) is NaN only at the last atom, which the mean over the atoms inherits.
    const land = landscape({
      loss: (t, { x }) => log(mul(reshape(t, []), x!)),
      atoms: { values: { x: [1, 2, 3, -1] }, weights: [0.333, 0.333, 0.333, 0.001] },
    });
    throwsWith(() => verifyLandscape(land, WHERE), /^landscape module \.\/m\.ts: field 'loss' is not finite at θ₀ at atom 3 \(NaN\)/);
  });

  it('a loss that throws while traced is an InputError naming loss and the cause', () => {
    const land = landscape({ loss: () => { throw new TypeError('cannot read this'); } });
    throwsWith(() => land.program(), /^landscape module \.\/m\.ts: field 'loss' threw while being traced \(compiled\): TypeError: cannot read this$/);
    throwsWith(() => verifyLandscape(land, WHERE), /field 'loss' threw while being traced/);
  });

  it('a loss that reads an undeclared data field names the field and the declared ones', () => {
    const land = landscape({ loss: (t, d) => add(mul(reshape(t, []), d['x']!), d['y'] as Tensor) });
    throwsWith(() => land.program(), /^landscape module \.\/m\.ts: field 'loss' reads data\.y, which 'data' does not declare \(declared: x\)/);
  });
});

describe('the same, for a module loaded by path', () => {
  let dir = '';
  const api = pathToFileURL(fileURLToPath(new URL('../index.ts', import.meta.url))).href;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'perturb-verify-'));
    await writeFile(join(dir, 'package.json'), '{ "type": "module" }');
  });
  after(async () => { await rm(dir, { recursive: true, force: true }); });

  it('resolveLandscape of a module whose loss reads data.y (declared: x) rejects with an InputError naming the module, loss and y', async () => {
    const path = join(dir, 'undeclared.ts');
    await writeFile(path, `import { defineLandscape, mul, reshape } from ${JSON.stringify(api)};
export default defineLandscape({
  name: 'undeclared', P: 1, data: { x: [] },
  loss: (theta, { x, y }) => mul(mul(reshape(theta, []), x), y),
  init: [0],
  atoms: { values: { x: [-1, 1] } },
});
`);
    await assert.rejects(resolveLandscape(path), (e: unknown) => {
      assert.ok(e instanceof InputError, `expected an InputError, got ${String(e)}`);
      assert.match(e.message, /^landscape module .*undeclared\.ts: field 'loss' reads data\.y, which 'data' does not declare \(declared: x\)/);
      return true;
    });
  });

  it('resolveLandscape of a module whose loss throws while traced names the module and loss', async () => {
    const path = join(dir, 'throws.ts');
    await writeFile(path, `import { defineLandscape } from ${JSON.stringify(api)};
export default defineLandscape({
  name: 'throws', P: 1, data: { x: [] },
  loss: () => { throw new Error('not yet written'); },
  init: [0],
  atoms: { values: { x: [-1, 1] } },
});
`);
    await assert.rejects(resolveLandscape(path), (e: unknown) => {
      assert.ok(e instanceof InputError, `expected an InputError, got ${String(e)}`);
      assert.match(e.message, /^landscape module .*throws\.ts: field 'loss' threw while being traced \(compiled\): Error: not yet written$/);
      return true;
    });
  });
});
