/** @file Claims about landscape references: plain JSON made from a resolved landscape, resolved once per thread by their canonical JSON, failures not kept, and in-process landscapes provided under a reference. */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { InputError } from '../core/index.ts';
import { mul, reshape } from '../engine/index.ts';
import { defineLandscape } from './define.ts';
import { landscapeRef, provideLandscape, refKey, resolveRef } from './ref.ts';
import { resolveLandscape } from './resolve.ts';
import type { Landscape } from './types.ts';

const api = pathToFileURL(fileURLToPath(new URL('../index.ts', import.meta.url))).href;

/** A landscape no spec resolves to: made in this thread. */
const inProcess = (spec: string): Landscape => defineLandscape({
  name: 'line', P: 1, data: { x: [] }, loss: (t, { x }) => mul(reshape(t, []), x!), init: [1], atoms: { values: { x: [-1, 1] } },
}).create({}, { spec }) as Landscape;

describe('landscapeRef and refKey', () => {
  it('a reference is the landscape\'s spec and the data options that are set, as plain JSON', async () => {
    const land = await resolveLandscape('mean-estimation:S=2');
    assert.deepEqual(landscapeRef(land), { spec: 'mean-estimation:H=1,S=2,w0=0' });
    const ref = landscapeRef(land, { cacheDir: '/tmp/c', cifar10: undefined, ...{ cwd: '/x', onProgress: () => {} } });
    assert.deepEqual(ref, { spec: 'mean-estimation:H=1,S=2,w0=0', cacheDir: '/tmp/c' }, 'cwd and onProgress are not part of a reference');
    assert.deepEqual(JSON.parse(JSON.stringify(ref)), ref);
  });
  it('refKey is canonical: key order and unset options do not matter, every set option does', () => {
    assert.equal(refKey({ cacheDir: '/c', spec: 'gauss:h0=0' }), refKey({ spec: 'gauss:h0=0', cacheDir: '/c', cifar10: undefined }));
    assert.notEqual(refKey({ spec: 'gauss:h0=0' }), refKey({ spec: 'gauss:h0=0', cacheDir: '/c' }));
    assert.notEqual(refKey({ spec: 'gauss:h0=0', cacheDir: '/c' }), refKey({ spec: 'gauss:h0=0', cifar10: '/c' }));
  });
  it('a malformed reference is refused, naming what was expected', async () => {
    assert.throws(() => refKey({} as never), (e: unknown) => e instanceof InputError && /refKey: spec is missing: expected a landscape spec/.test(e.message));
    assert.throws(() => refKey({ spec: 'gauss', cwd: '/x' } as never), /unknown key 'cwd' in the reference: expected only spec, cifar10, cacheDir/);
    assert.throws(() => refKey({ spec: 'gauss', cacheDir: 3 } as never), /cacheDir is 3: expected a non-empty directory path/);
    await assert.rejects(resolveRef(null as never), /the reference is null: expected \{ spec, cifar10\?, cacheDir\? \}/);
  });
});

describe('resolveRef', () => {
  it('resolves each reference once per thread: equal references (also after a JSON round trip) give the same landscape', async () => {
    const a = await resolveRef({ spec: 'gauss:h0=0.25' });
    assert.equal(a.spec, 'gauss:h0=0.25');
    assert.equal(await resolveRef(JSON.parse(JSON.stringify(landscapeRef(a)))), a);
    assert.notEqual(await resolveRef({ spec: 'gauss:h0=0.25', cacheDir: join(tmpdir(), 'elsewhere') }), a, 'other data options: another resolution');
  });

  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'perturb-landscape-refs-'));
    await writeFile(join(dir, 'package.json'), '{ "type": "module" }');
  });
  after(async () => { await rm(dir, { recursive: true, force: true }); });

  it('a failed resolution is not kept: the next call tries again', async () => {
    const path = join(dir, 'later.ts');
    await assert.rejects(resolveRef({ spec: path }), /landscape module .*later\.ts was not found/);
    await writeFile(path, `import { defineLandscape, mul, reshape } from ${JSON.stringify(api)};
export default defineLandscape({ name: 'later', P: 1, data: { x: [] }, loss: (t, { x }) => mul(reshape(t, []), x), init: [2], atoms: { values: { x: [1] } } });\n`);
    const land = await resolveRef({ spec: path });
    assert.equal(land.name, 'later');
    assert.equal(await resolveRef({ spec: path }), land);
  });
});

describe('provideLandscape', () => {
  it('registers an in-process landscape so that resolveRef finds it in this thread', async () => {
    const land = inProcess('in-process-line');
    await assert.rejects(resolveRef({ spec: 'in-process-line' }), /unknown landscape 'in-process-line'/, 'no spec resolves it');
    const ref = provideLandscape(land);
    assert.deepEqual(ref, { spec: 'in-process-line' });
    assert.equal(await resolveRef(ref), land);
    assert.equal(await resolveRef({ spec: 'in-process-line' }), land);
  });
  it('under a reference with data options, only that reference finds it; it replaces what was resolved before', async () => {
    const land = inProcess('gauss:h0=0.5');
    const resolved = await resolveRef({ spec: 'gauss:h0=0.5' });
    const ref = provideLandscape(land, { spec: 'gauss:h0=0.5', cacheDir: '/tmp/provided' });
    assert.equal(await resolveRef(ref), land);
    assert.equal(await resolveRef({ spec: 'gauss:h0=0.5' }), resolved, 'the reference without options is another entry');
    provideLandscape(land);
    assert.equal(await resolveRef({ spec: 'gauss:h0=0.5' }), land, 'replaced');
  });
  it('refuses a reference whose spec is not the landscape\'s', () => {
    assert.throws(() => provideLandscape(inProcess('a'), { spec: 'b' }), /provideLandscape: the reference's spec 'b' is not the landscape's spec 'a'/);
  });
});
