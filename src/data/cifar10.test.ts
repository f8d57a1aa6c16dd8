/** @file Tests of the CIFAR-10 reader on small batch files generated in the official binary format (1 label byte + 1024 red + 1024 green + 1024 blue, each 32×32 row-major). */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { InputError } from '../core/index.ts';
import { CIFAR10_CLASSES, CIFAR10_FILES, CIFAR10_RECORD_BYTES, loadCifar10, resolveCifar10Dir } from './cifar10.ts';
import { classCounts, sample } from './dataset.ts';
import { datasetByName } from './index.ts';

const PER_FILE = 3;
/** The byte stored for file f, record r, channel c, row y, column x: distinct enough to catch any mix-up. */
const byteAt = (f: number, r: number, c: number, y: number, x: number) => (f * 101 + r * 53 + c * 31 + y * 7 + x * 3) % 256;
const labelAt = (f: number, r: number) => (f * PER_FILE + r) % 10;

/** One batch file's bytes, written record by record exactly as the official format lays them out. */
function batch(f: number): Uint8Array {
  const bytes = new Uint8Array(PER_FILE * CIFAR10_RECORD_BYTES);
  let at = 0;
  for (let r = 0; r < PER_FILE; r++) {
    bytes[at++] = labelAt(f, r);
    for (let c = 0; c < 3; c++) for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) bytes[at++] = byteAt(f, r, c, y, x);
  }
  assert.equal(at, bytes.length);
  return bytes;
}

let root = '';
let parent = '';
let binDir = '';
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'perturb-cifar-test-'));
  parent = join(root, 'download');
  binDir = join(parent, 'cifar-10-batches-bin');
  await mkdir(binDir, { recursive: true });
  await Promise.all(CIFAR10_FILES.map((name, f) => writeFile(join(binDir, name), batch(f))));
  await writeFile(join(binDir, 'batches.meta.txt'), CIFAR10_CLASSES.join('\n'));
});
after(async () => { await rm(root, { recursive: true, force: true }); });

async function copyTo(name: string, change?: (f: number, bytes: Uint8Array) => Uint8Array | undefined): Promise<string> {
  const dir = join(root, name);
  await mkdir(dir);
  for (let f = 0; f < CIFAR10_FILES.length; f++) {
    const bytes = change ? change(f, batch(f)) : batch(f);
    if (bytes) await writeFile(join(dir, CIFAR10_FILES[f]!), bytes);
  }
  return dir;
}

describe('loadCifar10', () => {
  it('reads every batch in order with the value at (image, channel, row, column) right: bytes kept, samples /255', async () => {
    const ds = await loadCifar10({ dir: binDir });
    assert.equal(ds.name, 'cifar10');
    assert.equal(ds.count, 6 * PER_FILE);
    assert.deepEqual(ds.shape, [3, 32, 32]);
    assert.equal(ds.classes, 10);
    assert.equal(ds.pixels.length, ds.count * 3072);
    assert.deepEqual(ds.classNames, CIFAR10_CLASSES);
    // image i = file ⌊i/3⌋ (data_batch_1..5, then test_batch), record i mod 3.
    const positions: Array<[number, number, number, number]> = [
      [0, 0, 0, 0], [0, 0, 0, 31], [0, 0, 31, 0], [1, 1, 5, 7], [2, 2, 31, 31], [4, 0, 16, 9],
      [8, 1, 0, 30], [14, 2, 12, 3], [15, 0, 1, 1], [17, 2, 31, 31], [17, 1, 20, 11],
    ];
    for (const [i, c, y, x] of positions) {
      const f = Math.floor(i / PER_FILE), r = i % PER_FILE;
      const want = byteAt(f, r, c, y, x) / 255;
      assert.equal(sample(ds, i).pixels[c * 1024 + y * 32 + x], want, `image ${i} channel ${c} row ${y} column ${x}`);
      assert.equal(ds.pixels[i * 3072 + c * 1024 + y * 32 + x], byteAt(f, r, c, y, x), 'the stored byte');
    }
    for (let i = 0; i < ds.count; i++) assert.equal(ds.labels[i], labelAt(Math.floor(i / PER_FILE), i % PER_FILE), `label ${i}`);
    assert.deepEqual(classCounts(ds), [2, 2, 2, 2, 2, 2, 2, 2, 1, 1]);
    assert.ok(ds.pixels instanceof Uint8Array);
  });

  it('accepts the parent directory holding cifar-10-batches-bin/, and PERTURB_CIFAR10', async () => {
    assert.equal(await resolveCifar10Dir(parent, {}), resolve(binDir));
    assert.equal(await resolveCifar10Dir(undefined, { PERTURB_CIFAR10: parent }), resolve(binDir));
    assert.equal(await resolveCifar10Dir(binDir, { PERTURB_CIFAR10: '/nowhere' }), resolve(binDir), 'the option wins');
    const saved = process.env['PERTURB_CIFAR10'];
    process.env['PERTURB_CIFAR10'] = parent;
    try {
      assert.equal((await loadCifar10()).count, 18);
      assert.equal((await datasetByName('cifar10')).count, 18);
    } finally {
      if (saved === undefined) delete process.env['PERTURB_CIFAR10'];
      else process.env['PERTURB_CIFAR10'] = saved;
    }
    assert.equal((await loadCifar10({ dir: parent })).pixels[3072 + 1024], byteAt(0, 1, 1, 0, 0));
  });

  it('when absent, says where it looked, where to get it and which flag or variable to use', async () => {
    const missing = join(root, 'no-such-dir');
    await assert.rejects(loadCifar10({ dir: missing }), (e: unknown) => {
      assert.ok(e instanceof InputError);
      assert.match(e.message, /CIFAR-10 was not found at /);
      assert.ok(e.message.includes(resolve(missing)) && e.message.includes(join(resolve(missing), 'cifar-10-batches-bin')), e.message);
      assert.ok(e.message.includes('https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz'), e.message);
      assert.match(e.message, /unpack/);
      assert.match(e.message, /`cifar10` DIR/);
      assert.match(e.message, /PERTURB_CIFAR10/);
      return true;
    });
    await assert.rejects(resolveCifar10Dir(undefined, {}), (e: unknown) =>
      e instanceof InputError && /no directory was given/.test(e.message) && /`cifar10` DIR/.test(e.message) && /cifar-10-binary\.tar\.gz/.test(e.message));
  });

  it('names the batch files that are missing from an incomplete directory', async () => {
    const dir = await copyTo('incomplete', (f, b) => (f === 2 || f === 5 ? undefined : b));
    await assert.rejects(loadCifar10({ dir }), (e: unknown) =>
      e instanceof InputError && /is incomplete: missing data_batch_3\.bin, test_batch\.bin/.test(e.message));
  });

  it('names a file whose size is not a multiple of 3073 bytes', async () => {
    const dir = await copyTo('truncated', (f, b) => (f === 3 ? b.subarray(0, b.length - 5) : b));
    await assert.rejects(loadCifar10({ dir }), (e: unknown) =>
      e instanceof InputError && e.message.includes(join(dir, 'data_batch_4.bin')) && /9214 bytes, not a positive multiple of the 3073-byte record/.test(e.message));
    const empty = await copyTo('empty', (f, b) => (f === 0 ? new Uint8Array(0) : b));
    await assert.rejects(loadCifar10({ dir: empty }), (e: unknown) => e instanceof InputError && /data_batch_1\.bin is 0 bytes/.test(e.message));
  });

  it('names the file and record of a label outside 0..9', async () => {
    const dir = await copyTo('badlabel', (f, b) => { if (f === 5) b[2 * CIFAR10_RECORD_BYTES] = 42; return b; });
    await assert.rejects(loadCifar10({ dir }), (e: unknown) =>
      e instanceof InputError && e.message.includes('test_batch.bin') && /record 2 has label 42, expected 0\.\.9/.test(e.message));
  });

  it('treats a plain file given as the directory as not found', async () => {
    const file = join(root, 'a-file');
    await writeFile(file, 'x');
    await assert.rejects(loadCifar10({ dir: file }), (e: unknown) => e instanceof InputError && /was not found/.test(e.message));
    await unlink(file);
  });
});
