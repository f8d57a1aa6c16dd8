/**
 * @file The paper's tanh convnet (docs/theory.md §5) written once with the engine, so every derivative
 * of every order comes from this one definition.
 *
 * conv 5×5 stride 2, 10 channels → tanh → conv 5×5 stride 2, 10 channels → tanh → flatten
 * (channel-major) → dense 10 → tanh → dense 10 classes → softmax cross-entropy; no padding.
 * θ holds raw parameters in the order w1 b1 w2 b2 w3 b3 w4 b4 (PyTorch layouts: conv weights
 * [Cout, Cin, 5, 5], dense [out, in]); each weight is multiplied by √(2/(fan_in + fan_out)) in
 * the forward pass (convs: fan = channels·25), biases are not, so standard normal raw
 * parameters are a Gaussian Xavier-Glorot initialization and a Euclidean step on θ is a step in
 * the "Xavier metric". Fashion-MNIST [1,28,28] gives P = 4490, CIFAR-10 [3,32,32] P = 5890.
 */
import { conv2d, dense, flatten, reshape, slice, softmaxCrossEntropy, tanh, scale, type LossFn, type Shape, type Tensor } from '../engine/index.ts';

export type ImageShape = readonly [number, number, number];

/** One block of the flat parameter vector. */
export interface ParamBlock {
  name: string;
  shape: number[];
  offset: number;
  size: number;
  /** Factor applied in the forward pass: √(2/(fan_in + fan_out)) for weights, 1 for biases. */
  scale: number;
}

export interface ConvnetModel {
  image: ImageShape;
  P: number;
  blocks: ParamBlock[];
  classes: number;
  /** Per-sample data: the image [C,H,W] and its integer label. */
  data: { x: Shape; label: Shape };
  loss: LossFn;
}

const CHANNELS = 10, HIDDEN = 10, CLASSES = 10, K = 5, STRIDE = 2;

export function convnetModel(image: ImageShape): ConvnetModel {
  const [c, h, w] = image;
  const out = (n: number) => Math.floor((n - K) / STRIDE) + 1;
  const h2 = out(out(h)), w2 = out(out(w));
  const flat = CHANNELS * h2 * w2;
  const specs: [string, number[], number][] = [
    ['w1', [CHANNELS, c, K, K], Math.sqrt(2 / (c * K * K + CHANNELS * K * K))],
    ['b1', [CHANNELS], 1],
    ['w2', [CHANNELS, CHANNELS, K, K], Math.sqrt(2 / (2 * CHANNELS * K * K))],
    ['b2', [CHANNELS], 1],
    ['w3', [HIDDEN, flat], Math.sqrt(2 / (flat + HIDDEN))],
    ['b3', [HIDDEN], 1],
    ['w4', [CLASSES, HIDDEN], Math.sqrt(2 / (HIDDEN + CLASSES))],
    ['b4', [CLASSES], 1],
  ];
  const blocks: ParamBlock[] = [];
  let offset = 0;
  for (const [name, shape, s] of specs) {
    const size = shape.reduce((a, b) => a * b, 1);
    blocks.push({ name, shape, offset, size, scale: s });
    offset += size;
  }
  const loss: LossFn = (theta, data) => {
    const p: Record<string, Tensor> = {};
    for (const b of blocks) {
      const raw = slice(theta, b.offset, b.shape);
      p[b.name] = b.scale === 1 ? raw : scale(raw, b.scale);
    }
    let a = tanh(conv2d(data.x!, p.w1!, { stride: STRIDE, bias: p.b1 }));
    a = tanh(conv2d(a, p.w2!, { stride: STRIDE, bias: p.b2 }));
    const hidden = tanh(dense(flatten(a), p.w3!, p.b3));
    const logits = dense(hidden, p.w4!, p.b4);
    return softmaxCrossEntropy(logits, reshape(data.label!, []));
  };
  return { image, P: offset, blocks, classes: CLASSES, data: { x: image, label: [] }, loss };
}
