/**
 * @file Fixed-seed inputs for the docs/theory.md §5 convnet, identical in TypeScript and in Python
 * (bench/torch_engine.py, `convnet_inputs`), so perturb's tests can compare against the committed
 * PyTorch fixture bench/fixtures/convnet-reference.json without running Python.
 *
 * Stream: one splitmix64 generator over 64-bit unsigned integers (state starts at the seed;
 * each draw adds 0x9E3779B97F4A7C15 to the state and mixes it with shifts 30/27/31 and the
 * multipliers 0xBF58476D1CE4E5B9, 0x94D049BB133111EB).
 *   uniform = (x >> 11) · 2^−53  (exact in float64, in [0, 1), bit-identical in both languages)
 *   normal  = sqrt(−2 ln(1 − u1)) · cos(2π u2) from two consecutive uniforms u1, u2
 *             (Box–Muller cosine branch; may differ from Python by an ulp of the libm)
 * Draw order, all from the same stream:
 *   1. theta[0..P)  normals
 *   2. u[0..P)      normals
 *   3. v[0..P)      normals
 *   4. images[0..batch·C·H·W) uniforms, sample-major, then C, H, W (pixels in [0, 1))
 *   5. labels[0..batch) = floor(10 · uniform)
 *
 * The parameter layout (`convnetLayout`) is the order of the single flat θ that both the
 * PyTorch reference and perturb's engine use.
 */
import { readFileSync } from 'node:fs';

const MASK64 = (1n << 64n) - 1n;

/** splitmix64 over BigInt, with float64 uniform and standard-normal draws. */
export class SplitMix64 {
  private state: bigint;

  constructor(seed: number | bigint) {
    this.state = BigInt(seed) & MASK64;
  }

  nextU64(): bigint {
    this.state = (this.state + 0x9e3779b97f4a7c15n) & MASK64;
    let z = this.state;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
    return z ^ (z >> 31n);
  }

  /** (x >> 11) · 2^−53, in [0, 1). */
  uniform(): number {
    return Number(this.nextU64() >> 11n) * 2 ** -53;
  }

  /** Box–Muller (cosine branch) from two consecutive uniforms; 1 − u1 avoids log 0. */
  normal(): number {
    const u1 = this.uniform();
    const u2 = this.uniform();
    return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
  }
}

/** Image shape [C, H, W]. */
export type ImageShape = readonly [number, number, number];

export const FMNIST_IMAGE: ImageShape = [1, 28, 28];
export const CIFAR_IMAGE: ImageShape = [3, 32, 32];

/** One parameter block of the flat θ. `scale` multiplies the raw block in the forward pass. */
export interface ParamBlock {
  name: 'w1' | 'b1' | 'w2' | 'b2' | 'w3' | 'b3' | 'w4' | 'b4';
  /** Convs: [Cout, Cin, kH, kW]; dense: [out, in]; biases: [n]. */
  shape: number[];
  offset: number;
  size: number;
  /** √(2/(fan_in + fan_out)) for weights (convs: fan = C·k·k), 1 for biases. */
  scale: number;
}

export interface ConvnetLayout {
  image: ImageShape;
  /** Total parameter count: 4490 for [1,28,28], 5890 for [3,32,32]. */
  P: number;
  blocks: ParamBlock[];
  /** Activation shapes: after conv1 [10,H1,W1], after conv2 [10,H2,W2], flattened size. */
  conv1Out: [number, number, number];
  conv2Out: [number, number, number];
  flat: number;
}

/**
 * The docs/theory.md §5 convnet: conv 5×5 stride 2 (10 ch) → tanh → conv 5×5 stride 2 (10 ch) → tanh →
 * flatten (C-major) → dense 10 → tanh → dense 10 → softmax cross-entropy. No padding.
 * Blocks in θ order: w1 b1 w2 b2 w3 b3 w4 b4.
 */
export function convnetLayout(image: ImageShape = FMNIST_IMAGE): ConvnetLayout {
  const [c, h, w] = image;
  const out = (n: number) => Math.floor((n - 5) / 2) + 1;
  const h1 = out(h), w1 = out(w);
  const h2 = out(h1), w2 = out(w1);
  const flat = 10 * h2 * w2;
  const specs: [ParamBlock['name'], number[], number][] = [
    ['w1', [10, c, 5, 5], Math.sqrt(2 / (c * 25 + 10 * 25))],
    ['b1', [10], 1],
    ['w2', [10, 10, 5, 5], Math.sqrt(2 / (10 * 25 + 10 * 25))],
    ['b2', [10], 1],
    ['w3', [10, flat], Math.sqrt(2 / (flat + 10))],
    ['b3', [10], 1],
    ['w4', [10, 10], Math.sqrt(2 / (10 + 10))],
    ['b4', [10], 1],
  ];
  const blocks: ParamBlock[] = [];
  let offset = 0;
  for (const [name, shape, scale] of specs) {
    const size = shape.reduce((a, b) => a * b, 1);
    blocks.push({ name, shape, offset, size, scale });
    offset += size;
  }
  return { image, P: offset, blocks, conv1Out: [10, h1, w1], conv2Out: [10, h2, w2], flat };
}

export const CONVNET_FMNIST: ConvnetLayout = convnetLayout(FMNIST_IMAGE);
export const CONVNET_CIFAR: ConvnetLayout = convnetLayout(CIFAR_IMAGE);

export interface ConvnetInputs {
  theta: Float64Array;
  u: Float64Array;
  v: Float64Array;
  /** batch·C·H·W pixels in [0, 1), sample-major then C, H, W. */
  images: Float64Array;
  /** batch labels in 0..9. */
  labels: Int32Array;
}

/** Fixed-seed inputs; the stream order is documented at the top of this file. */
export function convnetInputs(
  seed: number = 1,
  batch: number = 64,
  image: ImageShape = FMNIST_IMAGE,
  P: number = 4490,
): ConvnetInputs {
  const r = new SplitMix64(seed);
  const normals = (n: number) => {
    const a = new Float64Array(n);
    for (let i = 0; i < n; i++) a[i] = r.normal();
    return a;
  };
  const theta = normals(P);
  const u = normals(P);
  const v = normals(P);
  const images = new Float64Array(batch * image[0] * image[1] * image[2]);
  for (let i = 0; i < images.length; i++) images[i] = r.uniform();
  const labels = new Int32Array(batch);
  for (let i = 0; i < batch; i++) labels[i] = Math.floor(r.uniform() * 10);
  return { theta, u, v, images, labels };
}

/** The decoded PyTorch fixture (bench/fixtures/convnet-reference.json). */
export interface ConvnetReference {
  torch: string;
  generator: { seed: number; batch: number; image: [number, number, number]; P: number; stream: string };
  layout: { name: string; shape: number[]; offset: number; scale: number }[];
  inputsCheck: { theta: number[]; u: number[]; v: number[]; images: number[]; labels: number[] };
  /** Index of the single sample in the batch (0) and its label. */
  sample: number;
  label: number;
  /** Single-sample loss l(θ), ∇l(θ), ∇²l(θ)·u, ∇(D²l(θ)[u,v]). */
  loss: number;
  grad: Float64Array;
  hvp: Float64Array;
  gradD2: Float64Array;
  /** Scalars Dl[u] = ∇l·u, D²l[u,v] = (∇²l·u)·v, D³l[u,v,u] = ∇(D²l[u,v])·u. */
  D1u: number;
  D2uv: number;
  D3uvu: number;
  /** Mean loss over the whole batch, its gradient and its HVP with u. */
  meanLoss: number;
  meanGrad: Float64Array;
  meanHvp: Float64Array;
  /** Relative errors of the script's own finite-difference cross-checks. */
  fdRelErrors: Record<string, number>;
}

/** Default location of the fixture, resolved from this file. */
export const REFERENCE_PATH = new URL('./fixtures/convnet-reference.json', import.meta.url);

function decodeF64(b64: string, field: string): Float64Array {
  const bytes = Buffer.from(b64, 'base64');
  if (bytes.length % 8 !== 0) throw new Error(`fixture field ${field}: ${bytes.length} bytes is not a whole number of float64`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float64Array(bytes.length / 8);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat64(8 * i, true);
  return out;
}

/** Read the fixture and decode its base64 little-endian float64 vectors. */
export function readReference(path: string | URL = REFERENCE_PATH): ConvnetReference {
  const raw = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  const vectors = ['grad', 'hvp', 'gradD2', 'meanGrad', 'meanHvp'] as const;
  const ref = { ...raw } as Record<string, unknown>;
  const P = (raw.generator as { P: number }).P;
  for (const k of vectors) {
    if (typeof raw[k] !== 'string') throw new Error(`fixture ${String(path)}: field ${k} missing`);
    const a = decodeF64(raw[k] as string, k);
    if (a.length !== P) throw new Error(`fixture field ${k}: length ${a.length}, expected P = ${P}`);
    ref[k] = a;
  }
  return ref as unknown as ConvnetReference;
}

/**
 * Throw unless `convnetInputs` with the fixture's seed and shapes reproduces the fixture's
 * `inputsCheck` (uniforms and labels exactly; normals to 1e-14 relative, allowing libm ulps)
 * and `convnetLayout` reproduces its parameter layout.
 */
export function verifyInputsCheck(ref: ConvnetReference): void {
  const g = ref.generator;
  const got = convnetInputs(g.seed, g.batch, g.image, g.P);
  const problems: string[] = [];
  const cmp = (name: keyof ConvnetReference['inputsCheck'], a: ArrayLike<number>, tol: number) => {
    const want = ref.inputsCheck[name];
    for (let i = 0; i < want.length; i++) {
      const w = want[i]!, x = a[i]!;
      if (!(Math.abs(x - w) <= tol * Math.max(1, Math.abs(w)))) problems.push(`${name}[${i}] = ${x}, fixture ${w}`);
    }
  };
  cmp('theta', got.theta, 1e-14);
  cmp('u', got.u, 1e-14);
  cmp('v', got.v, 1e-14);
  cmp('images', got.images, 0);
  cmp('labels', got.labels, 0);
  const layout = convnetLayout(g.image);
  if (layout.P !== g.P) problems.push(`layout P = ${layout.P}, fixture ${g.P}`);
  ref.layout.forEach((b, i) => {
    const m = layout.blocks[i];
    if (
      !m || m.name !== b.name || m.offset !== b.offset || m.shape.join(',') !== b.shape.join(',') ||
      Math.abs(m.scale - b.scale) > 1e-15 * b.scale
    ) problems.push(`layout block ${i}: ${JSON.stringify(m)} vs fixture ${JSON.stringify(b)}`);
  });
  if (problems.length) throw new Error(`convnetInputs does not reproduce the fixture's inputs: ${problems.join('; ')}`);
}
