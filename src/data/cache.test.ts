/** @file Tests of the binary image cache: round trip, atomic write, and detection of truncated, corrupt or foreign files. */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { InputError } from '../core/index.ts';
import { CACHE_HEADER_BYTES, decodeImageCache, readImageCache, resolveCacheDir, writeImageCache, type RawImages } from './cache.ts';

function images(): RawImages {
  const count = 5;
  const pixels = new Uint8Array(count * 2 * 3 * 4).map((_, k) => (k * 37) % 256);
  return { source: 'test@1', count, shape: [2, 3, 4], classes: 3, labels: Uint8Array.from([0, 1, 2, 1, 0]), pixels };
}

let dir = '';
before(async () => { dir = await mkdtemp(join(tmpdir(), 'perturb-cache-test-')); });
after(async () => { await rm(dir, { recursive: true, force: true }); });

describe('image cache', () => {
  it('round-trips and leaves no temporary file behind', async () => {
    const file = join(dir, 'sub', 'a.bin');
    await writeImageCache(file, images());
    assert.deepEqual(await readdir(join(dir, 'sub')), ['a.bin']);
    const bytes = await readFile(file);
    assert.equal(bytes.length, CACHE_HEADER_BYTES + 5 + 5 * 24);
    const r = await readImageCache(file);
    assert.ok(r.ok);
    assert.equal(r.images.source, 'test@1');
    assert.deepEqual(r.images.shape, [2, 3, 4]);
    assert.equal(r.images.classes, 3);
    assert.deepEqual(Array.from(r.images.labels), [0, 1, 2, 1, 0]);
    assert.deepEqual(Array.from(r.images.pixels), Array.from(images().pixels));
  });
  it('overwrites an existing file atomically (rename over it)', async () => {
    const file = join(dir, 'b.bin');
    await writeFile(file, 'old junk');
    await writeImageCache(file, images());
    assert.ok((await readImageCache(file)).ok);
  });
  it('reports a missing file as missing', async () => {
    const r = await readImageCache(join(dir, 'nope.bin'));
    assert.equal(r.ok, false);
    assert.ok(!r.ok && r.missing);
  });
  it('detects truncation, padding, a flipped byte, a wrong magic and a wrong version', async () => {
    const file = join(dir, 'c.bin');
    await writeImageCache(file, images());
    const good = await readFile(file);
    const cases: Array<[string, Uint8Array, RegExp]> = [
      ['truncated', good.subarray(0, good.length - 1), /expected 189 .*truncated/],
      ['header only, cut', good.subarray(0, 10), /shorter than the 64-byte header/],
      ['padded', Buffer.concat([good, Buffer.from([0])]), /truncated or padded/],
      ['flipped pixel', (() => { const b = Buffer.from(good); b[b.length - 3]! ^= 1; return b; })(), /checksum mismatch/],
      ['flipped label', (() => { const b = Buffer.from(good); b[CACHE_HEADER_BYTES]! ^= 4; return b; })(), /checksum mismatch/],
      ['magic', (() => { const b = Buffer.from(good); b[0] = 0x58; return b; })(), /magic/],
      ['version', (() => { const b = Buffer.from(good); b[8] = 99; return b; })(), /version 99, expected 1/],
      ['empty', new Uint8Array(0), /0 bytes/],
    ];
    for (const [what, bytes, re] of cases) {
      const r = decodeImageCache(bytes);
      assert.equal(r.ok, false, what);
      assert.ok(!r.ok && !r.missing && re.test(r.reason), `${what}: ${!r.ok ? r.reason : ''}`);
    }
  });
  it('refuses to write inconsistent images', async () => {
    const bad = { ...images(), labels: new Uint8Array(4) };
    await assert.rejects(writeImageCache(join(dir, 'd.bin'), bad), (e: unknown) => e instanceof InputError && /expected count = 5/.test(e.message));
  });
  it('resolves the cache directory: option, then PERTURB_CACHE, then ~/.cache/perturb', () => {
    assert.equal(resolveCacheDir('/x', { PERTURB_CACHE: '/y' }), '/x');
    assert.equal(resolveCacheDir(undefined, { PERTURB_CACHE: '/y' }), '/y');
    assert.equal(resolveCacheDir(undefined, {}), join(homedir(), '.cache', 'perturb'));
    assert.throws(() => resolveCacheDir(''), InputError);
  });
});
