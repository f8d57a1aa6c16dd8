/**
 * @file Seeded random numbers: `rng(seed)` and independent streams `split(seed, i, …)`, with
 * uniform, normal and integer draws. Nothing in perturb uses Math.random.
 *
 * Generator: xoshiro128** 1.1 (Blackman & Vigna, https://prng.di.unimi.it/xoshiro128starstar.c):
 * 128 bits of state in four 32-bit words, period 2^128 − 1, passes BigCrush, and needs only
 * 32-bit integer arithmetic (Math.imul), so it is fast in JavaScript without BigInt.
 *
 * Seeding and streams: a stream is named by a 64-bit *key*. `rng(seed)` has key mix(seed);
 * `split(seed, i, j)` has key mix(mix(mix(seed) ⊕ mix(i + γ)) ⊕ mix(j + γ))… where mix is
 * splitmix64's finalizer and γ = 0x9E3779B97F4A7C15 (https://prng.di.unimi.it/splitmix64.c).
 * The four state words are the first two outputs of a splitmix64 generator started at the key
 * (the seeding the xoshiro authors recommend). A stream depends only on its seed and path, never
 * on what was drawn before, so trial i of a simulation sees the same numbers on any worker.
 * Distinct paths give distinct keys except with probability ~2^−64 per pair; xoshiro streams
 * started from unrelated states do not overlap in practice (2^128 period).
 *
 * Draws:
 * - `uniform()`: 53 random bits · 2^−53, in [0, 1), from two 32-bit outputs (27 + 26 bits).
 * - `normal()`: Box–Muller, sqrt(−2 ln(1 − u₁))·cos(2π u₂); the sine branch of the same pair is
 *   kept for the next call, so draws come two per pair of uniforms.
 * - `int(n)`: uniform on {0, …, n−1} for n ≤ 2^53, unbiased (bit mask and rejection).
 */
import { InputError } from './errors.ts';

/** A seed: a safe integer (negative ones are taken modulo 2^64) or a bigint. */
export type Seed = number | bigint;

export interface Rng {
  /** The 64-bit key that names this stream (see `split`). */
  readonly key: bigint;
  /** A uniform number in [0, 1) with 53 random bits. */
  uniform(): number;
  /** A standard normal number. */
  normal(): number;
  /** A uniform integer in [0, n), n a positive safe integer. */
  int(n: number): number;
  /** 32 random bits as an unsigned integer. */
  uint32(): number;
  /** Fill `out` with standard normals (returns `out`). */
  normals(out: Float64Array): Float64Array;
  /** The child stream `i` of this stream: independent of it and of its other children, and not advancing it. */
  split(i: Seed): Rng;
}

const MASK64 = (1n << 64n) - 1n;
const GAMMA = 0x9e3779b97f4a7c15n;

/** splitmix64's output function (a bijection on 64-bit integers). */
function mix64(z: bigint): bigint {
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return z ^ (z >> 31n);
}

function seed64(what: string, seed: Seed): bigint {
  if (typeof seed === 'bigint') return BigInt.asUintN(64, seed);
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) {
    throw new InputError(`${what}: the seed must be a safe integer or a bigint, got ${String(seed)}`);
  }
  return BigInt.asUintN(64, BigInt(seed));
}

/** The key of child `i` of the stream with key `key`. */
function childKey(key: bigint, i: Seed): bigint {
  return mix64(key ^ mix64((seed64('split', i) + GAMMA) & MASK64));
}

const rotl = (x: number, k: number) => (x << k) | (x >>> (32 - k));
const TWO_PI = 2 * Math.PI;

class Xoshiro128 implements Rng {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private spare = Number.NaN;

  constructor(readonly key: bigint) {
    // Two splitmix64 outputs from state `key` give the four 32-bit words.
    const a = mix64((key + GAMMA) & MASK64), b = mix64((key + 2n * GAMMA) & MASK64);
    this.s0 = Number(a & 0xffffffffn) | 0;
    this.s1 = Number(a >> 32n) | 0;
    this.s2 = Number(b & 0xffffffffn) | 0;
    this.s3 = Number(b >> 32n) | 0;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1; // the one forbidden state
  }

  uint32(): number {
    const s0 = this.s0, s1 = this.s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= s0;
    this.s3 ^= s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  uniform(): number {
    const hi = this.uint32() >>> 5, lo = this.uint32() >>> 6; // 27 + 26 bits
    return (hi * 67108864 + lo) * 1.1102230246251565e-16; // (hi·2^26 + lo)·2^−53
  }

  normal(): number {
    const s = this.spare;
    if (s === s) {
      this.spare = Number.NaN;
      return s;
    }
    const r = Math.sqrt(-2 * Math.log(1 - this.uniform()));
    const a = TWO_PI * this.uniform();
    this.spare = r * Math.sin(a);
    return r * Math.cos(a);
  }

  normals(out: Float64Array): Float64Array {
    for (let i = 0; i < out.length; i++) out[i] = this.normal();
    return out;
  }

  int(n: number): number {
    if (!Number.isSafeInteger(n) || n < 1) throw new InputError(`rng.int: n must be a positive safe integer, got ${n}`);
    if (n <= 0x100000000) {
      if (n === 0x100000000) return this.uint32();
      const mask = n === 1 ? 0 : 0xffffffff >>> Math.clz32(n - 1);
      for (;;) {
        const x = (this.uint32() & mask) >>> 0;
        if (x < n) return x;
      }
    }
    // n > 2^32: 53-bit draws masked to the next power of two, with rejection.
    const bits = Math.ceil(Math.log2(n));
    const scale = 2 ** (53 - bits);
    for (;;) {
      const x = Math.floor(this.uniform() * 9007199254740992 / scale);
      if (x < n) return x;
    }
  }

  split(i: Seed): Rng {
    return new Xoshiro128(childKey(this.key, i));
  }
}

/** The stream named by `seed`. */
export function rng(seed: Seed): Rng {
  return new Xoshiro128(mix64(seed64('rng', seed)));
}

/** The independent stream at `path` below `seed`: `split(s, i, j)` = `rng(s).split(i).split(j)`. */
export function split(seed: Seed, ...path: Seed[]): Rng {
  let key = mix64(seed64('split', seed));
  for (const i of path) key = childKey(key, i);
  return new Xoshiro128(key);
}
