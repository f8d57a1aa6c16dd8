/**
 * @file The θ₀ cache end to end, on a tiny synthetic image landscape (src/testing/tiny-images.ts,
 * 2,500 images, so the pass is two chunks): a second run at the same landscape and θ₀ reads
 * the cache — the pass's handler is not called — and writes the same bytes; another θ₀ misses;
 * a corrupt, torn or stale entry is never used but recomputed and rewritten; an edited module
 * makes its entry stale; a cache directory that cannot be written does not fail the run and is
 * named once; `theta0Cache: false` neither reads nor writes; a landscape made only in this
 * process is never cached. Every run is a fresh landscape object (so this process's own memory
 * of the pass, rememberedAt, cannot answer), and every cache directory is a temporary one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { imageLandscape, provideLandscape, resolveLandscape, type LandscapeRef } from '../landscapes/index.ts';
import { inThread, type Executor, type Job } from '../parallel/index.ts';
import { syntheticImages } from '../testing/index.ts';
import { FILES, simulate, THETA0_CACHE_DIR, type SimulateOptions, type SimulationResult } from './index.ts';

// Nothing here may reach ~/.cache: where a reference names no cacheDir, PERTURB_CACHE is this.
const envCache = mkdtempSync(join(tmpdir(), 'perturb-theta0-env-'));
process.env['PERTURB_CACHE'] = envCache;

const root = mkdtempSync(join(tmpdir(), 'perturb-theta0-'));
const TINY = new URL('../testing/tiny-images.ts', import.meta.url).pathname;
const SETTINGS = { optimizers: ['sgd' as const], eta: [0.1], N: 4, trials: 6, testPoints: 4, seed: 3 };

let dirs = 0;
const newDir = (what: string) => mkdtempSync(join(root, `${what}-${dirs++}-`));
const files = (d: string) => Object.fromEntries([FILES.trials, FILES.summary, FILES.csv].map((f) => [f, readFileSync(join(d, f), 'utf8')]));
const entries = (cacheDir: string) => (existsSync(join(cacheDir, THETA0_CACHE_DIR)) ? readdirSync(join(cacheDir, THETA0_CACHE_DIR)).sort() : []);

/** A fresh landscape object for `spec`, registered in this thread under a reference with `cacheDir`. */
async function fresh(spec: string, cacheDir?: string): Promise<LandscapeRef> {
  const land = await resolveLandscape(spec, cacheDir === undefined ? {} : { cacheDir });
  return provideLandscape(land, { spec: land.spec, ...(cacheDir === undefined ? {} : { cacheDir }) });
}

/** This thread, counting the jobs and tasks of the θ₀ pass's handler. */
function counting() {
  const inner = inThread();
  const n = { passes: 0, chunks: 0 };
  const executor: Executor = {
    description: 'this thread, counting θ₀ passes',
    async *run<C, T, R>(job: Job<C, T>): AsyncGenerator<[number, R]> {
      const theta0 = job.handler.pathname.endsWith('/theta0-worker.ts');
      if (theta0) n.passes++;
      for await (const r of inner.run<C, T, R>(job)) {
        if (theta0) n.chunks++;
        yield r;
      }
    },
  };
  return { executor, n };
}

interface Run {
  result: SimulationResult;
  out: string;
  passes: number;
  chunks: number;
  notices: string[];
}

/** One simulation into a new output directory, on a fresh landscape object. */
async function run(cacheDir: string | undefined, extra: Partial<SimulateOptions> & { spec?: string; initSeed?: number } = {}): Promise<Run> {
  const { spec = `${TINY}:count=2500`, ...rest } = extra;
  const { executor, n } = counting();
  const notices: string[] = [];
  const out = newDir('out');
  const result = await simulate({
    ...SETTINGS, landscape: await fresh(spec, cacheDir), executor, out, force: true, onNotice: (m) => notices.push(m), ...rest,
  });
  return { result, out, passes: n.passes, chunks: n.chunks, notices };
}

/** The files of a run that made the pass itself, without the cache: what every run must write. */
const reference = new Map<number, Record<string, string>>();
async function referenceFiles(initSeed = 0): Promise<Record<string, string>> {
  if (!reference.has(initSeed)) {
    const r = await run(newDir('none'), { theta0Cache: false, initSeed });
    assert.equal(r.passes, 1);
    reference.set(initSeed, files(r.out));
  }
  return reference.get(initSeed)!;
}

test('a second run at the same landscape and θ₀ reads the θ₀ cache: the pass does not run, and the files are the same bytes', async () => {
  const cache = newDir('cache');
  const first = await run(cache);
  assert.deepEqual([first.passes, first.chunks], [1, 2], 'the first run makes the pass, in two chunks');
  assert.equal(first.result.theta0Pass?.source, 'computed');
  const file = first.result.theta0Pass!.cacheFile!;
  assert.equal(join(file, '..'), join(cache, THETA0_CACHE_DIR), 'the entry sits in theta0/ of the cache directory');
  assert.match(file, /\/tiny-images\.[0-9a-f]{32}\.bin$/);
  assert.match(first.result.theta0Pass!.cache, /stored in .*\(none was there\)/);
  assert.deepEqual(entries(cache), [file.slice(file.lastIndexOf('/') + 1)], 'one file, and no temporary file left');
  assert.equal(statSync(file).size % 8, 0);

  const second = await run(cache);
  assert.deepEqual([second.passes, second.chunks], [0, 0], 'no pass: the handler never ran');
  assert.deepEqual(second.result.theta0Pass, { source: 'cache', cacheFile: file, cache: `read from ${file}` });
  assert.equal(second.result.testLoss.theta0Loss, first.result.testLoss.theta0Loss);
  assert.deepEqual(files(second.out), files(first.out), 'byte-identical files');
  assert.deepEqual(files(first.out), await referenceFiles(), 'the same as without the cache');
  assert.ok(!('theta0Pass' in JSON.parse(files(second.out)[FILES.summary]!)), 'summary.json does not say where l(θ₀) came from');
  assert.deepEqual(first.notices.concat(second.notices), []);

  // theta0Cache false: neither read nor written.
  const bytes = readFileSync(file), mtime = statSync(file).mtimeMs;
  const off = await run(cache, { theta0Cache: false });
  assert.equal(off.passes, 1, 'the pass runs');
  assert.deepEqual(off.result.theta0Pass, { source: 'computed', cacheFile: null, cache: 'computed; the θ₀ cache is off' });
  assert.deepEqual(files(off.out), files(first.out));
  assert.deepEqual(readFileSync(file), bytes);
  assert.equal(statSync(file).mtimeMs, mtime, 'the entry was not rewritten');
  await assert.rejects(run(cache, { theta0Cache: 'no' as unknown as boolean }), /simulate: `theta0Cache` must be true or false, got 'no'/);
});

test('another θ₀ misses: a changed init seed gets its own entry, and the first is still read', async () => {
  const cache = newDir('cache');
  const one = await run(cache, { initSeed: 1 });
  const two = await run(cache, { initSeed: 2 });
  assert.deepEqual([one.passes, two.passes], [1, 1], 'each θ₀ its own pass');
  assert.equal(two.result.theta0Pass?.source, 'computed');
  assert.notEqual(two.result.theta0Pass!.cacheFile, one.result.theta0Pass!.cacheFile);
  assert.notEqual(two.result.testLoss.theta0Loss, one.result.testLoss.theta0Loss);
  assert.equal(entries(cache).length, 2);
  const again = await run(cache, { initSeed: 1 });
  assert.equal(again.passes, 0);
  assert.equal(again.result.theta0Pass?.cacheFile, one.result.theta0Pass!.cacheFile);
  assert.deepEqual(files(again.out), files(one.out));
  assert.deepEqual(files(two.out), await referenceFiles(2));
});

test('a corrupt, torn or stale entry is never used: the pass runs again, the entry is rewritten, and the files are the same', async () => {
  const cache = newDir('cache');
  const good = await run(cache, { initSeed: 1 });
  const other = await run(cache, { initSeed: 2 });
  const file = good.result.theta0Pass!.cacheFile!;
  const bytes = readFileSync(file);
  const keyAt = 56, payloadAt = bytes.length - 8 * 2500;
  const edited = (f: (b: Buffer) => Buffer | void) => {
    const b = Buffer.from(bytes);
    return f(b) ?? b;
  };
  const cases: [string, Buffer, RegExp, boolean][] = [
    ['one bit of one l_a(θ₀) flipped', edited((b) => void (b[payloadAt + 8 * 1234 + 3]! ^= 1)), /fails its checksum/, true],
    ['the last value torn off', edited((b) => b.subarray(0, b.length - 8)), /torn or padded/, true],
    ['a byte more', edited((b) => Buffer.concat([b, Buffer.of(0)])), /torn or padded/, true],
    ['one byte of the key changed', edited((b) => void (b[keyAt + 10]! ^= 0x20)), /fails its checksum/, true],
    ['the count field changed', edited((b) => void b.writeUInt32LE(2499, 12)), /torn or padded/, true],
    ['not an entry at all', Buffer.from('hello'), /shorter than the 56-byte header/, true],
    ['the entry of another θ₀ in its place', readFileSync(other.result.theta0Pass!.cacheFile!), /made for another key \(its theta0 differ\)/, false],
    ['another format version', edited((b) => void b.writeUInt32LE(2, 8)), /is format 2, not 1/, false],
  ];
  for (const [what, content, reason, corrupt] of cases) {
    writeFileSync(file, content);
    const r = await run(cache, { initSeed: 1 });
    assert.equal(r.passes, 1, `${what}: the pass runs`);
    assert.equal(r.result.theta0Pass?.source, 'computed', what);
    assert.match(r.result.theta0Pass!.cache, reason, what);
    assert.deepEqual(files(r.out), files(good.out), `${what}: the same files`);
    assert.deepEqual(readFileSync(file), bytes, `${what}: rewritten as it was`);
    if (corrupt) assert.match(r.notices.join('\n'), new RegExp(`the θ₀ cache entry ${file} .*computing l\\(θ₀\\) of each atom again, and rewriting it`), what);
    else assert.deepEqual(r.notices, [], `${what}: stale is not news`);
  }
  assert.equal((await run(cache, { initSeed: 1 })).passes, 0, 'and read again afterwards');
});

test('the key follows the module: an edited landscape module makes its entry stale, and it is recomputed and overwritten in place', async () => {
  const cache = newDir('cache');
  const mod = join(newDir('module'), 'wrapped.mts');
  writeFileSync(mod, `export { default } from ${JSON.stringify(pathToFileURL(TINY).href)};\n// v1\n`);
  const spec = `${mod}:count=300`;
  const first = await run(cache, { spec });
  assert.equal(first.result.theta0Pass?.source, 'computed');
  assert.equal((await run(cache, { spec })).passes, 0);
  writeFileSync(mod, `export { default } from ${JSON.stringify(pathToFileURL(TINY).href)};\n// v2\n`);
  const edited = await run(cache, { spec });
  assert.equal(edited.passes, 1);
  assert.match(edited.result.theta0Pass!.cache, /made for another key \(its modules differ\)/);
  assert.equal(edited.result.theta0Pass!.cacheFile, first.result.theta0Pass!.cacheFile, 'one file per landscape and θ₀');
  assert.equal(entries(cache).length, 1);
  assert.equal((await run(cache, { spec })).passes, 0);
});

/** A directory no one can write to here: one made read-only, or (as root, whom modes do not stop) one under /proc. */
function readOnlyDir(): string {
  const d = newDir('readonly');
  chmodSync(d, 0o555);
  try {
    writeFileSync(join(d, 'probe'), '');
    rmSync(join(d, 'probe'));
    return '/proc/perturb-theta0-cache-test';
  } catch {
    return d;
  }
}

test('a cache directory that cannot be written does not fail the run: the pass is kept in memory, and the directory named once', async () => {
  const plainFile = join(newDir('file'), 'a-file');
  writeFileSync(plainFile, '');
  for (const cache of [readOnlyDir(), join(plainFile, 'cache')]) {
    const a = await run(cache);
    assert.equal(a.passes, 1, cache);
    assert.equal(a.result.theta0Pass?.source, 'computed');
    assert.equal(a.result.theta0Pass?.cacheFile, null);
    assert.match(a.result.theta0Pass!.cache, /^computed; not stored: the θ₀ cache .* cannot be written/);
    assert.equal(a.notices.length, 1, `${cache}: one notice`);
    assert.match(a.notices[0]!, new RegExp(`^the θ₀ cache ${join(cache, THETA0_CACHE_DIR)} cannot be written \\(.*\\): l\\(θ₀\\) of each atom is kept in memory only`));
    assert.deepEqual(files(a.out), await referenceFiles());
    const b = await run(cache);
    assert.equal(b.passes, 1);
    assert.deepEqual(b.notices, [], 'named once per process');
    assert.deepEqual(files(b.out), files(a.out));
    assert.deepEqual(entries(cache), []);
  }
});

test('runs at once on separate landscape objects, sharing one cache directory, both succeed and leave one whole entry', async () => {
  const cache = newDir('cache');
  const [a, b] = await Promise.all([run(cache), run(cache)]);
  assert.deepEqual(files(a.out), files(b.out));
  assert.equal(entries(cache).length, 1, 'one entry, no temporary files');
  const c = await run(cache);
  assert.equal(c.passes, 0);
  assert.deepEqual(files(c.out), files(a.out));
});

test('a landscape made only in this process is never cached: its spec cannot say which loss made the numbers', async () => {
  const land = imageLandscape('logistic', syntheticImages('tiny', 2500, [1, 2, 2], 1), { spec: 'tiny-in-process' });
  const r = await simulate({ ...SETTINGS, landscape: land, workers: 0 });
  assert.equal(r.theta0Pass?.source, 'computed');
  assert.equal(r.theta0Pass?.cacheFile, null);
  assert.match(r.theta0Pass!.cache, /not cached: landscape tiny-in-process exists only in this process/);
  assert.deepEqual(readdirSync(envCache), [], 'nothing written to the default cache directory');
  // literal atoms (a module's) name no content: nothing to key, nothing written
  const poly = await simulate({ ...SETTINGS, landscape: { spec: `${new URL('../testing/polynomial.ts', import.meta.url).pathname}:atoms=3` }, workers: 0 });
  assert.equal(poly.theta0Pass?.source, 'computed');
  assert.match(poly.theta0Pass!.cache, /not cached: its atoms do not name their content/);
  assert.deepEqual(readdirSync(envCache), []);
});
