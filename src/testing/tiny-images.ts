/**
 * @file A tiny image landscape for tests: multinomial logistic regression on `count` synthetic
 * images (seeded bytes, src/data's format, `syntheticImages`) of 1×2×2 pixels, every image an
 * atom as in the built-in image landscapes — so its atoms name their content (`Atoms.digest`) —
 * with θ₀ drawn from the init seed (unlike fmnist-logistic's zero start). A module, so that
 * worker threads and other processes resolve it by path and the θ₀ cache can key it by its sha256.
 */
// Written as a user's module is: everything from the package's top level.
import { datasetAtoms, defineLandscape, logisticModel, split } from '../index.ts';
import { syntheticImages } from './index.ts';

export default defineLandscape({
  name: 'tiny-images',
  description: 'logistic regression on seeded synthetic 1×2×2 images, θ₀ from the init seed (tests)',
  params: {
    count: { default: 2500, description: 'number of images', domain: 'integer' },
    data: { default: 1, description: 'seed of the images', domain: 'integer' },
  },
  exactMode: true,
  build: ({ count, data }) => {
    const ds = syntheticImages('tiny-images', count, [1, 2, 2], data);
    const m = logisticModel(ds.shape);
    return {
      P: m.P,
      data: m.data,
      loss: m.loss,
      init: (seed: number) => split(seed, 0x74696e79).normals(new Float64Array(m.P)).map((v) => 0.1 * v),
      atoms: datasetAtoms(ds),
      exactness: {
        atoms: { method: `${count} synthetic images of weight 1/${count}`, exactFor: 'every expectation' },
        populationLoss: { method: 'atoms', cost: `${count} forward passes, one per image` },
      },
    };
  },
});
