/** @file Claims about `initDependsOnSeed`: whether θ₀ changes with the init seed, read from init(0), init(1), init(2). */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { mul, reshape } from '../engine/index.ts';
import { syntheticImages } from '../testing/index.ts';
import { defineLandscape, imageLandscape, initDependsOnSeed, resolveLandscape, type Landscape } from './index.ts';

const line = (init: ArrayLike<number> | ((seed: number) => ArrayLike<number>)) =>
  defineLandscape({ name: 'line', P: 2, data: { x: [] }, loss: (t, { x }) => mul(reshape(t, [2]), x!), init, atoms: { values: { x: [1] } } })
    .create({}, { spec: 'line' }) as Landscape;

it('the Gaussian built-ins and logistic regression start from a fixed θ₀; the convnet from a seeded one', async () => {
  for (const spec of ['gauss', 'archimedes', 'mean-estimation:w0=3', 'mean-estimation-l2']) assert.equal(initDependsOnSeed(await resolveLandscape(spec)), false, spec);
  const images = syntheticImages('synthetic', 4, [1, 28, 28], 1);
  assert.equal(initDependsOnSeed(imageLandscape('logistic', images, { spec: 'l' })), false);
  assert.equal(initDependsOnSeed(imageLandscape('convnet', images, { spec: 'c' })), true);
});

it('an init function that ignores its seed is fixed; one that reads it is not', () => {
  assert.equal(initDependsOnSeed(line([0.5, -1])), false);
  assert.equal(initDependsOnSeed(line(() => [0.5, -1])), false);
  assert.equal(initDependsOnSeed(line((seed) => [0.5, seed])), true);
  // Only one coordinate of one seed need differ:
  assert.equal(initDependsOnSeed(line((seed) => [0.5, seed === 2 ? 1 : 0])), true);
  // −0 and 0 are the same start.
  assert.equal(initDependsOnSeed(line((seed) => [seed === 1 ? -0 : 0, 1])), false);
});
