/** @file Tests of the data set record helpers: samples and batches converted from bytes, drawing with replacement (uniform and weighted), byte scaling, class counts, the content digest. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError, rng, type Rng } from '../core/index.ts';
import { bytesToUnit, classCounts, datasetDigest, datasetFromBytes, drawWithReplacement, gatherImages, imageRange, imageSize, sample, type ImageDataset } from './dataset.ts';

function tiny(): ImageDataset {
  // 3 images of shape 2×1×2: byte = image·10 + index inside the image.
  const pixels = new Uint8Array(3 * 4).map((_, k) => Math.floor(k / 4) * 10 + (k % 4));
  return { name: 'tiny', count: 3, shape: [2, 1, 2], classes: 2, pixels, labels: Int32Array.from([1, 0, 1]) };
}

describe('sample', () => {
  it('returns image i as float64 byte/255 (a copy, not a view of the bytes) and its label', () => {
    const ds = tiny();
    assert.equal(imageSize(ds), 4);
    const s = sample(ds, 1);
    assert.ok(s.pixels instanceof Float64Array);
    assert.deepEqual(Array.from(s.pixels), [10 / 255, 11 / 255, 12 / 255, 13 / 255]);
    assert.equal(s.label, 0);
    s.pixels[0] = -1;
    assert.equal(ds.pixels[4], 10, 'the data set is untouched');
  });
  it('rejects an index outside [0, count) or not an integer', () => {
    const ds = tiny();
    for (const i of [-1, 3, 1.5, Number.NaN]) {
      assert.throws(() => sample(ds, i), (e: unknown) => e instanceof InputError && /expected an integer in \[0, 3\)/.test(e.message));
    }
  });
});

describe('gatherImages and imageRange', () => {
  it('gathers images in the order given, repeats allowed, as float64 with float64 labels', () => {
    const ds = tiny();
    const b = gatherImages(ds, [2, 0, 2]);
    assert.deepEqual(Array.from(b.pixels), [20, 21, 22, 23, 0, 1, 2, 3, 20, 21, 22, 23].map((v) => v / 255));
    assert.ok(b.labels instanceof Float64Array);
    assert.deepEqual(Array.from(b.labels), [1, 1, 1]);
  });
  it('writes into a given batch, and checks its lengths and the indices', () => {
    const ds = tiny();
    const out = { pixels: new Float64Array(4), labels: new Float64Array(1) };
    assert.equal(gatherImages(ds, Int32Array.of(1), out).pixels, out.pixels, 'written in place');
    assert.equal(out.pixels[3], 13 / 255);
    assert.throws(() => gatherImages(ds, [0, 1], out), /out holds 4 pixels and 1 labels, expected 8 and 2/);
    assert.throws(() => gatherImages(ds, [0, 3]), /gatherImages: indices\[1\] = 3 is not an image of data set 'tiny'/);
  });
  it('imageRange converts a contiguous range and checks its bounds', () => {
    const ds = tiny();
    const r = imageRange(ds, 1, 3);
    assert.deepEqual(Array.from(r.pixels), [10, 11, 12, 13, 20, 21, 22, 23].map((v) => v / 255));
    assert.deepEqual(Array.from(r.labels), [0, 1]);
    assert.equal(imageRange(ds, 2, 2).pixels.length, 0);
    assert.throws(() => imageRange(ds, 2, 4), /\[2, 4\) is not a range of data set 'tiny'/);
  });
});

/** An Rng whose uniform() returns `us` in turn (int is never called on the weighted path). */
const scripted = (us: number[]): Rng => {
  let j = 0;
  return { uniform: () => us[j++]!, int: () => assert.fail('int() called on the weighted path') } as unknown as Rng;
};

describe('drawWithReplacement', () => {
  it('uniform draws are r.int(count), in order: the stream decides every index', () => {
    const idx = drawWithReplacement(10, 6, rng(3));
    assert.ok(idx instanceof Int32Array);
    const r = rng(3);
    assert.deepEqual(Array.from(idx), Array.from({ length: 6 }, () => r.int(10)));
    assert.deepEqual(drawWithReplacement(10, 6, rng(3)), idx, 'seeded');
  });
  it('weighted draws invert the CDF: u·Σw falls in [cdf[i−1], cdf[i]) → i', () => {
    // weights 2, 1, 1 (unnormalized, Σ = 4): cdf 2, 3, 4; u·4 = 0, 1.96, 2, 2.96, 3, 3.996.
    const idx = drawWithReplacement(3, 6, scripted([0, 0.49, 0.5, 0.74, 0.75, 0.999]), [2, 1, 1]);
    assert.deepEqual(Array.from(idx), [0, 0, 1, 1, 2, 2]);
    // A zero weight is never drawn.
    assert.deepEqual(Array.from(drawWithReplacement(3, 3, scripted([0, 0.5, 0.99]), [0, 1, 0])), [1, 1, 1]);
  });
  it('repeats indices (with replacement) and n = 0 gives an empty array', () => {
    assert.deepEqual(Array.from(drawWithReplacement(5, 4, scripted([0.5, 0.5, 0.5, 0.5]), [1, 1, 1, 1, 1])), [2, 2, 2, 2]);
    assert.equal(drawWithReplacement(5, 0, rng(0)).length, 0);
  });
  it('rejects bad sizes, a non-Rng and bad weights, naming what was expected', () => {
    assert.throws(() => drawWithReplacement(0, 1, rng(0)), /drawWithReplacement: data set size 0 is not valid: expected an integer from 1/);
    assert.throws(() => drawWithReplacement(5, -1, rng(0)), /number of draws -1 is not valid: expected an integer ≥ 0/);
    assert.throws(() => drawWithReplacement(5, 1.5, rng(0)), InputError);
    assert.throws(() => drawWithReplacement(5, 1, (() => 0.5) as unknown as Rng), /r is function: expected an Rng/);
    assert.throws(() => drawWithReplacement(3, 1, rng(0), [1, 1]), /weights has 2 entries, expected 3/);
    assert.throws(() => drawWithReplacement(2, 1, rng(0), [1, -1]), /weights\[1\] = -1: expected a finite number ≥ 0/);
    assert.throws(() => drawWithReplacement(2, 1, rng(0), [1, Number.NaN]), /weights\[1\] = NaN/);
    assert.throws(() => drawWithReplacement(2, 1, rng(0), [0, 0]), /the weights sum to 0: expected a finite positive total/);
  });
});

describe('bytes to data set', () => {
  it('scales bytes by 1/255 exactly', () => {
    const u = bytesToUnit(Uint8Array.from([0, 1, 128, 255]));
    assert.deepEqual(Array.from(u), [0, 1 / 255, 128 / 255, 1]);
  });
  it('datasetFromBytes keeps the pixel bytes, widens labels and keeps the shape; classCounts counts labels', () => {
    const ds = datasetFromBytes('b', {
      count: 3, shape: [1, 1, 2], classes: 3, labels: Uint8Array.from([2, 0, 2]), pixels: Uint8Array.from([0, 255, 51, 102, 255, 0]),
    }, ['a', 'b', 'c']);
    assert.ok(ds.labels instanceof Int32Array);
    assert.ok(ds.pixels instanceof Uint8Array);
    assert.deepEqual(ds.shape, [1, 1, 2]);
    assert.deepEqual(Array.from(sample(ds, 1).pixels), [0.2, 0.4]);
    assert.deepEqual(classCounts(ds), [1, 0, 2]);
    assert.deepEqual(ds.classNames, ['a', 'b', 'c']);
  });
});

describe('datasetDigest', () => {
  it('is a sha256 of the images and labels: equal for equal content under any name, another for one pixel, one label or another shape', () => {
    const d = datasetDigest(tiny());
    assert.match(d, /^[0-9a-f]{64}$/);
    assert.equal(datasetDigest({ ...tiny(), name: 'renamed' }), d);
    const pixel = tiny();
    pixel.pixels[11] = 99;
    const label = tiny();
    label.labels[0] = 0;
    const shape: ImageDataset = { ...tiny(), shape: [1, 2, 2] };
    const classes: ImageDataset = { ...tiny(), classes: 3 };
    const all = [d, ...[pixel, label, shape, classes].map(datasetDigest)];
    assert.equal(new Set(all).size, all.length, 'each change gives another digest');
  });
});
