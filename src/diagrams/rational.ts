/** @file Exact rationals over BigInt: the multipliers of diagram values outgrow 2^53 (T^5 at N = 10^6). */

/** A reduced fraction num/den with den > 0. Plain immutable data; use the functions below. */
export interface Rational {
  readonly num: bigint;
  readonly den: bigint;
}

const abs = (a: bigint): bigint => (a < 0n ? -a : a);

function gcd(a: bigint, b: bigint): bigint {
  a = abs(a);
  b = abs(b);
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/** The fraction num/den in lowest terms; throws RangeError on a zero denominator (a bug, not input). */
export function rational(num: bigint | number, den: bigint | number = 1n): Rational {
  let n = BigInt(num);
  let d = BigInt(den);
  if (d === 0n) throw new RangeError('rational: zero denominator');
  if (d < 0n) {
    n = -n;
    d = -d;
  }
  const g = gcd(n, d);
  return g > 1n ? { num: n / g, den: d / g } : { num: n, den: d };
}

export const ZERO: Rational = { num: 0n, den: 1n };
export const ONE: Rational = { num: 1n, den: 1n };

export const add = (a: Rational, b: Rational): Rational =>
  a.den === b.den ? rational(a.num + b.num, a.den) : rational(a.num * b.den + b.num * a.den, a.den * b.den);
export const sub = (a: Rational, b: Rational): Rational => add(a, neg(b));
export const mul = (a: Rational, b: Rational): Rational => rational(a.num * b.num, a.den * b.den);
export const div = (a: Rational, b: Rational): Rational => rational(a.num * b.den, a.den * b.num);
export const neg = (a: Rational): Rational => ({ num: -a.num, den: a.den });
export const isZero = (a: Rational): boolean => a.num === 0n;
export const equals = (a: Rational, b: Rational): boolean => a.num === b.num && a.den === b.den;
export const compare = (a: Rational, b: Rational): number => {
  const x = a.num * b.den - b.num * a.den;
  return x < 0n ? -1 : x > 0n ? 1 : 0;
};

function bitLength(a: bigint): number {
  return a === 0n ? 0 : a.toString(2).length;
}

/**
 * The nearest float, also when numerator and denominator each overflow a double
 * (Number(num) / Number(den) would give Infinity / Infinity): divide after scaling both to ~62 bits.
 */
export function toNumber(a: Rational): number {
  if (a.num === 0n) return 0;
  const n = abs(a.num);
  const shift = bitLength(n) - bitLength(a.den) - 62;
  const q = shift >= 0 ? n / (a.den << BigInt(shift)) : (n << BigInt(-shift)) / a.den;
  const v = Number(q) * 2 ** shift;
  return a.num < 0n ? -v : v;
}

/** `p/q`, or `p` when q = 1. */
export function toString(a: Rational): string {
  return a.den === 1n ? a.num.toString() : `${a.num}/${a.den}`;
}

/** Falling factorial (n)_k = n (n−1) … (n−k+1); 0 when k > n ≥ 0. */
export function falling(n: bigint, k: number): bigint {
  let r = 1n;
  for (let i = 0; i < k; i++) r *= n - BigInt(i);
  return r;
}

/** Binomial coefficient C(n, k) for n ≥ 0 (0 when k > n). */
export function binomial(n: bigint, k: number): bigint {
  if (k < 0 || BigInt(k) > n) return 0n;
  let r = 1n;
  for (let i = 0; i < k; i++) r = (r * (n - BigInt(i))) / BigInt(i + 1);
  return r;
}
