/**
 * @file Plain data as text, exactly: what a job's context, tasks and results are made of (JSON
 * values and typed arrays) written so that reading it back gives the same values bit for bit.
 * Worker threads pass such data by structured clone; across machines it travels as this text.
 *
 * JSON alone is not exact for it: a typed array becomes an object of its elements, and NaN,
 * ±Infinity and −0 become null or 0 (a diverged trial's loss is Infinity). So typed arrays travel
 * as their bytes in base64 (little-endian, as every platform Node runs on), and those numbers as
 * tagged strings; every other number is JSON's shortest round-trip form, which is exact.
 */

const TYPED = 'perturb:typed';
const NUMBER = 'perturb:number';

const ARRAYS = {
  Float64Array, Float32Array, Int32Array, Uint32Array, Int16Array, Uint16Array, Int8Array, Uint8Array, Uint8ClampedArray,
} as const;
type ArrayName = keyof typeof ARRAYS;

function specialNumber(x: number): string | null {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (Object.is(x, -0)) return '-0';
  return null;
}

/** `value` as text that `decodePlain` turns back into equal values (typed arrays and all). */
export function encodePlain(value: unknown): string {
  return JSON.stringify(value, function (this: unknown, _key, v: unknown) {
    if (typeof v === 'number') {
      const s = specialNumber(v);
      return s === null ? v : { [NUMBER]: s };
    }
    if (ArrayBuffer.isView(v)) {
      const name = v.constructor.name;
      if (!(name in ARRAYS)) throw new TypeError(`encodePlain: a ${name} is not plain data (expected JSON values and typed arrays)`);
      return { [TYPED]: name, base64: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') };
    }
    if (typeof v === 'bigint' || typeof v === 'function' || typeof v === 'symbol') {
      throw new TypeError(`encodePlain: a ${typeof v} is not plain data (expected JSON values and typed arrays)`);
    }
    if (v instanceof Map || v instanceof Set || v instanceof Date) {
      throw new TypeError(`encodePlain: a ${v.constructor.name} is not plain data (expected JSON values and typed arrays)`);
    }
    return v;
  });
}

/** The values `encodePlain` wrote. */
export function decodePlain<T = unknown>(text: string): T {
  return JSON.parse(text, (_key, v: unknown) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return v;
    const r = v as Record<string, unknown>;
    if (typeof r[NUMBER] === 'string') return Number(r[NUMBER]);
    const name = r[TYPED];
    if (typeof name === 'string' && typeof r['base64'] === 'string') {
      const Ctor = ARRAYS[name as ArrayName];
      if (!Ctor) throw new TypeError(`decodePlain: unknown typed array ${name}`);
      const bytes = Buffer.from(r['base64'], 'base64');
      // Copied into a fresh, aligned buffer: Buffer's pool offset need not be a multiple of 8.
      const out = new Ctor(bytes.byteLength / Ctor.BYTES_PER_ELEMENT);
      new Uint8Array(out.buffer).set(bytes);
      return out;
    }
    return v;
  }) as T;
}
