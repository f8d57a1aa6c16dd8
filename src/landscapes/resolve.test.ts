/**
 * @file Claims about `resolveLandscape`: built-ins by name with `:key=value` parameters, user
 * modules (TypeScript and JavaScript) with parameters, and an InputError that names what is
 * wrong for every bad spec, parameter, path or field.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { InputError } from '../core/index.ts';
import { BUILTIN_LANDSCAPES } from './builtins.ts';
import { defineLandscape } from './define.ts';
import { resolveLandscape } from './resolve.ts';
import { splitSpec } from './spec.ts';

/** User modules import from the package top level ('perturb'), which exports defineLandscape and the engine's ops. */
const api = pathToFileURL(fileURLToPath(new URL('../index.ts', import.meta.url))).href;
const example = fileURLToPath(new URL('../../examples/quartic.ts', import.meta.url));

/** Assert that `p` rejects with an InputError whose message matches every pattern. */
async function rejectsWith(p: Promise<unknown>, ...patterns: RegExp[]): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof InputError, `expected an InputError, got ${String(e)}`);
    for (const re of patterns) assert.match(e.message, re);
    return true;
  });
}

describe('built-ins by name', () => {
  it('fills in defaults and writes a canonical spec that resolves to the same landscape', async () => {
    const land = await resolveLandscape('mean-estimation:S=10,H=0.5');
    assert.deepEqual(land.params, { H: 0.5, S: 10, w0: 0 });
    assert.equal(land.spec, 'mean-estimation:H=0.5,S=10,w0=0');
    assert.equal((await resolveLandscape(land.spec)).spec, land.spec);
    assert.equal((await resolveLandscape('archimedes')).spec, 'archimedes');
    assert.equal((await resolveLandscape('gauss:h0=1e-3')).params['h0'], 0.001);
  });
  it('an unknown name lists the available landscapes', async () => {
    await rejectsWith(resolveLandscape('gaus'), /unknown landscape 'gaus': expected one of gauss, archimedes, mean-estimation, mean-estimation-l2, fmnist-logistic, fmnist-convnet, cifar-logistic, cifar-convnet, or a path to a module/);
    assert.equal(BUILTIN_LANDSCAPES.length, 8);
  });
  it('an unknown, malformed, repeated or out-of-domain parameter lists the parameters with their defaults', async () => {
    const list = /the parameters of mean-estimation are: H \(default 1: curvature \(the Hessian\)\), S \(default 1: .*\), w0 \(default 0: .*\)/;
    await rejectsWith(resolveLandscape('mean-estimation:K=2'), /landscape mean-estimation: unknown parameter 'K'/, list);
    await rejectsWith(resolveLandscape('mean-estimation:H'), /malformed parameter 'H': expected key=value/, list);
    await rejectsWith(resolveLandscape('mean-estimation:H=1,'), /malformed parameter ''/, list);
    await rejectsWith(resolveLandscape('mean-estimation:H=1,H=2'), /parameter 'H' is given twice/, list);
    await rejectsWith(resolveLandscape('mean-estimation:H=abc'), /parameter H=abc is not valid: expected a number > 0/, list);
    await rejectsWith(resolveLandscape('mean-estimation:H=-1'), /H=-1 is not valid: expected a number > 0/);
    await rejectsWith(resolveLandscape('archimedes:a=1'), /unknown parameter 'a'; the parameters of archimedes are: none/);
  });
  it('a missing CIFAR-10 says where it looked, where to get it and which flag to use', async () => {
    const saved = process.env['PERTURB_CIFAR10'];
    delete process.env['PERTURB_CIFAR10'];
    try {
      await rejectsWith(resolveLandscape('cifar-convnet'), /CIFAR-10 was not found: no directory was given/, /`cifar10` DIR/, /PERTURB_CIFAR10/, /cifar-10-binary\.tar\.gz/);
      await rejectsWith(resolveLandscape('cifar-logistic', { cifar10: '/nonexistent/perturb-cifar' }), /CIFAR-10 was not found at \/nonexistent\/perturb-cifar/, /`cifar10` DIR/);
    } finally {
      if (saved !== undefined) process.env['PERTURB_CIFAR10'] = saved;
    }
  });
  it('splitSpec tells names from module paths', () => {
    assert.deepEqual(splitSpec('gauss'), { kind: 'builtin', target: 'gauss', paramText: '' });
    assert.deepEqual(splitSpec('mean-estimation:H=0.5'), { kind: 'builtin', target: 'mean-estimation', paramText: 'H=0.5' });
    assert.deepEqual(splitSpec('./a/b.ts:k=1,j=2'), { kind: 'module', target: './a/b.ts', paramText: 'k=1,j=2' });
    assert.deepEqual(splitSpec('quartic.mjs'), { kind: 'module', target: 'quartic.mjs', paramText: '' });
    assert.throws(() => splitSpec('./notes.txt'), /landscape module path '.\/notes.txt' does not end in .ts, .mts, .js, .mjs/);
    assert.throws(() => splitSpec(''), /is empty/);
  });
});

describe('user modules', () => {
  let dir = '';
  const file = async (name: string, text: string) => {
    const path = join(dir, name);
    await writeFile(path, text);
    return path;
  };
  const header = `import { defineLandscape, add, mul, scale, square, reshape } from ${JSON.stringify(api)};\n`;
  const good = `{
    name: 'bowl', P: 1, data: { x: [] },
    loss: (theta, { x }) => add(scale(square(reshape(theta, [])), 0.5), mul(x, reshape(theta, []))),
    init: [0.25],
    atoms: { values: { x: [-1, 1] } },
  }`;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'perturb-landscape-modules-'));
    await writeFile(join(dir, 'package.json'), '{ "type": "module" }');
  });
  after(async () => { await rm(dir, { recursive: true, force: true }); });

  it('loads the README example (examples/quartic.ts) with and without parameters', async () => {
    const land = await resolveLandscape(example);
    assert.equal(land.name, 'quartic');
    assert.equal(land.spec, `${example}:a=1`);
    assert.equal(land.P, 2);
    // l(θ₀) at θ₀ = (½, −½): ½E|θ − x|² = ½(½·½ + ¼·5/2 + ¼·5/2) = ¾, plus ¼·θ₀⁴ = 1/64.
    assert.equal(land.populationLoss!(land.init()), 0.75 + 1 / 64);
    const a2 = await resolveLandscape(`${example}:a=2`);
    assert.equal(a2.populationLoss!(a2.init()), 0.75 + 2 / 64);
    await rejectsWith(resolveLandscape(`${example}:b=2`), /unknown parameter 'b'; the parameters of .*quartic\.ts \(quartic\) are: a \(default 1: strength of the quartic term\)/);
  });

  it('the README section shows examples/quartic.ts verbatim (after its @file comment)', async () => {
    const readme = await readFile(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');
    const section = readme.slice(readme.indexOf('### Your own landscape'));
    const block = /```ts\n([\s\S]*?)```/.exec(section)![1]!;
    const source = (await readFile(example, 'utf8')).replace(/^\/\*\*[\s\S]*?\*\/\n/, '');
    assert.equal(block, source);
  });

  it('loads TypeScript (.ts) and JavaScript (.mjs), relative to cwd, and samples from atoms by weight', async () => {
    const ts = await file('bowl.ts', `${header}export default defineLandscape(${good});\n`);
    const mjs = await file('bowl.mjs', `${header}export default defineLandscape(${good});\n`);
    for (const spec of [ts, mjs]) {
      const land = await resolveLandscape(spec);
      assert.equal(land.populationLoss!(Float64Array.of(2)), 2);
      assert.equal(land.exact.atoms?.count, 2);
    }
    const rel = await resolveLandscape('./bowl.ts', { cwd: dir });
    assert.equal(rel.spec, ts);
  });

  it('accepts a plain definition object as the default export', async () => {
    const path = await file('plain.ts', `${header}export default ${good};\n`);
    assert.equal((await resolveLandscape(path)).name, 'bowl');
  });

  it('a missing path says what is missing and what was expected', async () => {
    await rejectsWith(resolveLandscape(join(dir, 'nope.ts')), /landscape module .*nope\.ts was not found \(looked for .*nope\.ts\): expected a \.ts\/\.mts\/\.js\/\.mjs file that default-exports defineLandscape/);
  });

  it('a missing or wrong field is named, with what was expected', async () => {
    const cases: Array<[string, string, RegExp]> = [
      ['noloss.ts', `${header}export default defineLandscape({ name: 'x', P: 1, data: { x: [] }, init: [0], atoms: { values: { x: [1] } } });`,
        /landscape module .*noloss\.ts: field 'loss' is missing \(expected a function \(theta, data\) => Tensor\)$/],
      ['noP.ts', `${header}export default { name: 'x', data: { x: [] }, loss: () => 0, init: [0], atoms: { values: { x: [1] } } };`,
        /field 'P' is missing \(expected a positive integer, the number of weights\)/],
      ['nosample.ts', `${header}export default { name: 'x', P: 1, data: { x: [] }, loss: () => 0, init: [0] };`,
        /field 'sample' is missing \(expected a function \(rng, n\) => batch, or 'atoms' to sample from\)/],
      ['badshape.ts', `${header}export default { name: 'x', P: 1, data: { x: [0] }, loss: () => 0, init: [0], atoms: { values: { x: [1] } } };`,
        /field 'data\.x' is \[0\] \(expected a shape: an array of positive integers, \[\] for a scalar\)/],
      ['initlen.ts', `${header}export default defineLandscape({ ...${good}, init: [1, 2, 3] });`,
        /field 'init' has 3 numbers \(expected P = 1\)/],
      ['weights.ts', `${header}export default defineLandscape({ ...${good}, atoms: { values: { x: [-1, 1] }, weights: [0.5, 0.4] } });`,
        /field 'atoms\.weights' sum to 0\.9 \(expected 2 positive numbers summing to 1\)/],
      ['atomrows.ts', `${header}export default defineLandscape({ ...${good}, data: { x: [2] }, atoms: { values: { x: [[1, 2], [3]] } } });`,
        /field 'atoms\.values\.x\[1\]' has 1 values \(expected 2 numbers \(shape \[2\]\)\)/],
      ['badloss.ts', `${header}export default defineLandscape({ ...${good}, loss: () => 0 });`,
        /field 'loss' does not compile: compile: the function must return a tensor built from its arguments/],
      ['badsample.ts', `${header}export default defineLandscape({ ...${good}, sample: (rng, n) => ({ y: new Float64Array(n) }) });`,
        /field 'sample' returned a bad batch: sample: batch field 'x' is missing/],
      ['samplethrows.ts', `${header}export default defineLandscape({ ...${good}, sample: () => { throw new Error('no data'); } });`,
        /field 'sample' threw: no data/],
      ['nanloss.ts', `${header}export default defineLandscape({ ...${good}, init: [NaN] });`,
        /field 'init' holds a non-finite number/],
      ['coords.ts', `${header}export default defineLandscape({ ...${good}, coordinates: { z: 4 } });`,
        /field 'coordinates\.z' is 4 \(expected an index into theta, 0 … 0\)/],
    ];
    for (const [name, text, re] of cases) {
      await rejectsWith(resolveLandscape(await file(name, text)).then(() => assert.fail(`${name} loaded`)), re);
    }
  });

  it('a module that throws while loading, has no default export, or has a syntax error says so', async () => {
    await rejectsWith(resolveLandscape(await file('throws.ts', `throw new Error('boom');\nexport default 1;`)), /landscape module .*throws\.ts: loading it threw Error: boom/);
    await rejectsWith(resolveLandscape(await file('nodefault.ts', `export const x = 1;`)), /landscape module .*nodefault\.ts has no default export: expected `export default defineLandscape\(\{ … \}\)`/);
    await rejectsWith(resolveLandscape(await file('syntax.mjs', `export default {{;`)), /landscape module .*syntax\.mjs: loading it threw SyntaxError/);
    await rejectsWith(resolveLandscape(await file('number.ts', `export default 42;`)), /landscape module .*number\.ts: expected a definition object, got number/);
  });

  it('parametric modules: build(params) gets the values, and a bad definition from build is named', async () => {
    const path = await file('family.ts', `${header}export default defineLandscape({ name: 'fam', params: { k: 2 }, build: ({ k }) => ({ ...${good}, init: [k] }) });`);
    assert.deepEqual(Array.from((await resolveLandscape(`${path}:k=3`)).init()), [3]);
    assert.deepEqual((await resolveLandscape(path)).params, { k: 2 });
    const bad = await file('badfamily.ts', `${header}export default defineLandscape({ name: 'fam', params: { k: 2 }, build: () => ({ P: 1 }) });`);
    await rejectsWith(resolveLandscape(bad), /landscape module .*badfamily\.ts: field 'data' is missing/);
  });

  it('a .ts module that would load as CommonJS is refused with how to fix it; the same file as .mts loads', async () => {
    const cjsDir = await mkdtemp(join(tmpdir(), 'perturb-landscape-cjs-'));
    try {
      const ts = join(cjsDir, 'bowl.ts'), mts = join(cjsDir, 'bowl.mts');
      await writeFile(ts, `${header}export default defineLandscape(${good});\n`);
      await writeFile(mts, `${header}export default defineLandscape(${good});\n`);
      await rejectsWith(resolveLandscape(ts), /landscape module .*bowl\.ts would load as CommonJS .*: rename it to \.mts, or add \{ "type": "module" \} to a package\.json/);
      assert.equal((await resolveLandscape(mts)).name, 'bowl');
    } finally {
      await rm(cjsDir, { recursive: true, force: true });
    }
  });

  it('defineLandscape itself names the missing field', () => {
    assert.throws(() => defineLandscape({ name: 'x' } as never), (e: unknown) =>
      e instanceof InputError && e.message === `defineLandscape("x"): field 'P' is missing (expected a positive integer, the number of weights)`);
  });
});
