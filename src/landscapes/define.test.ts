/** @file Claims about `defineLandscape`'s parametric form: `build` may be async and receives the data options, a family's declared P and exactMode are known without building and hold for what it builds, and every bad field is named. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError } from '../core/index.ts';
import { mul, reshape } from '../engine/index.ts';
import { BUILTIN_LANDSCAPES } from './builtins.ts';
import { defineLandscape } from './define.ts';
import type { BuiltDefinition, LandscapeDataOptions } from './types.ts';

/** l_x(θ) = θ·x over the atoms x = ±1: everything a definition needs but P. */
const line = (init: number): BuiltDefinition => ({
  data: { x: [] },
  loss: (t, { x }) => mul(reshape(t, []), x!),
  init: [init],
  atoms: { values: { x: [-1, 1] } },
});

describe('defineLandscape with params and build', () => {
  it('build may be async, and gets the parameters and the data options given to create', async () => {
    let seen: LandscapeDataOptions | undefined;
    const fam = defineLandscape({
      name: 'async-line', params: { a: 2 }, P: 1, exactMode: true,
      build: async ({ a }, data) => {
        seen = data;
        await new Promise((r) => setTimeout(r, 1));
        return line(a);
      },
    });
    const progress = () => {};
    const made = fam.create({ a: 3 }, { spec: 'async-line:a=3', cacheDir: '/tmp/c', onProgress: progress });
    assert.ok(made instanceof Promise, 'an async build gives a promise');
    const land = await made;
    assert.deepEqual(Array.from(land.init()), [3]);
    assert.equal(land.P, 1, 'P from the family');
    assert.deepEqual(seen, { cacheDir: '/tmp/c', onProgress: progress }, 'only the data options that are set');
    assert.deepEqual(land.params, { a: 3 });
  });
  it('a synchronous build gives the landscape synchronously (as before)', () => {
    const fam = defineLandscape({ name: 'sync-line', params: { a: 1 }, build: ({ a }) => ({ ...line(a), P: 1 }) });
    const land = fam.create({}, { spec: 'sync-line:a=1' });
    assert.ok(!(land instanceof Promise));
    assert.equal(land.init()[0], 1);
    assert.equal(fam.P, undefined, 'no P declared: unknown until built');
    assert.equal(fam.exactMode, undefined);
  });
  it('declared P and exactMode are the template\'s facts for listings; a build that disagrees is refused', async () => {
    const fam = (P: number, atoms: boolean) => defineLandscape({
      name: 'fam', params: {}, P: 1, exactMode: true,
      build: () => {
        const d: BuiltDefinition = { ...line(0), P, sample: (r, n) => ({ x: r.normals(new Float64Array(n)) }) };
        if (!atoms) delete d.atoms;
        return d;
      },
    });
    assert.deepEqual([fam(1, true).P, fam(1, true).exactMode], [1, true]);
    assert.throws(() => fam(2, true).create({}, { spec: 'fam' }),
      (e: unknown) => e instanceof InputError && e.message === `fam: field 'P' is 2 in the built definition (expected P = 1, as the family declares)`);
    assert.throws(() => fam(1, false).create({}, { spec: 'fam' }),
      /fam: field 'atoms' is missing \(expected atoms, as the family declares exactMode: true\)/);
    await assert.rejects(Promise.resolve().then(() => defineLandscape({ name: 'a', params: {}, P: 1, build: async () => ({ ...line(0), P: 3 }) }).create({}, { spec: 'a' })),
      /a: field 'P' is 3 in the built definition/);
  });
  it('bad static facts, params or build are named with what was expected', () => {
    const build = () => line(0);
    assert.throws(() => defineLandscape({ name: 'x', params: {}, P: 0, build }), /defineLandscape\("x"\): field 'P' is 0 \(expected a positive integer, the number of weights, or no P/);
    assert.throws(() => defineLandscape({ name: 'x', params: {}, exactMode: 'yes' as never, build }), /field 'exactMode' is string \(expected true or false/);
    assert.throws(() => defineLandscape({ name: 'x', params: { 'a-b': 1 }, build }), /field 'params\.a-b' has a bad name/);
    assert.throws(() => defineLandscape({ name: 'x', params: { a: { default: 1, domain: 'odd' as never } }, build }),
      /field 'params\.a\.domain' is "odd" \(expected one of real, positive, nonnegative, integer\)/);
    assert.throws(() => defineLandscape({ name: 'x', params: {}, build: 3 as never }), /field 'build' is number \(expected a function \(params, dataOptions\) => definition, or a promise of one\)/);
    assert.throws(() => defineLandscape({ name: 'x', params: {}, build: () => 1 as never }).create({}, { spec: 'x' }), /x: build\(params\) returned number, expected a landscape definition/);
  });
});

describe('the built-ins as families', () => {
  it('every built-in declares P and an exact mode, so listings need no data set', () => {
    assert.deepEqual(BUILTIN_LANDSCAPES.map((t) => [t.name, t.P, t.exactMode]), [
      ['gauss', 1, true], ['archimedes', 3, true], ['mean-estimation', 1, true], ['mean-estimation-l2', 2, true],
      ['fmnist-logistic', 7850, true], ['fmnist-convnet', 4490, true], ['cifar-logistic', 30730, true], ['cifar-convnet', 5890, true],
    ]);
  });
  it('no description or data source names a CLI flag', () => {
    for (const t of BUILTIN_LANDSCAPES) assert.doesNotMatch(`${t.description} ${t.dataSource}`, /--[a-z]/, t.name);
  });
});
