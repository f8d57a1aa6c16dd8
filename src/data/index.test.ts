/** @file Tests of the data module's public API: datasetByName and the exports. */
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { InputError } from '../core/index.ts';
import * as data from './index.ts';

describe('data API', () => {
  it('rejects an unknown data set name, listing the known ones', async () => {
    await assert.rejects(data.datasetByName('mnist' as data.DatasetName), (e: unknown) =>
      e instanceof InputError && /unknown data set "mnist": expected one of fmnist, cifar10/.test(e.message));
  });
  it('exports the loaders and helpers', () => {
    assert.deepEqual([...data.DATASET_NAMES], ['fmnist', 'cifar10']);
    for (const f of ['loadFashionMnist', 'loadCifar10', 'datasetByName', 'sample', 'drawWithReplacement', 'classCounts'] as const) {
      assert.equal(typeof data[f], 'function', f);
    }
  });
  it('datasetByName reports a missing CIFAR-10 as InputError', async () => {
    await assert.rejects(data.datasetByName('cifar10', { dir: '/nonexistent/perturb-cifar' }), (e: unknown) =>
      e instanceof InputError && /CIFAR-10 was not found at \/nonexistent\/perturb-cifar/.test(e.message));
  });
  it('datasetByName loads Fashion-MNIST through the given cache directory', async () => {
    const cacheDir = join(tmpdir(), 'perturb-test-fmnist-cache'); // shared with fmnist.test.ts
    const ds = await data.datasetByName('fmnist', { cacheDir });
    assert.equal(ds.name, 'fmnist');
    assert.equal(ds.count, 70_000);
    assert.deepEqual(ds.shape, [1, 28, 28]);
  });
});
