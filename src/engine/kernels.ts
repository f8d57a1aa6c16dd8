/**
 * @file Elementwise loops over Float64Array slices (array, offset); the matrix products and
 * im2col are WebAssembly (scripts/simd-wat.ts).
 *
 * Each loop is generated as source text for its exact size and compiled once with
 * `new Function` (cached by its text). Why: V8 optimizes a function for the sizes and call
 * patterns it has seen; one shared loop serving every node is polymorphic and was measured up
 * to 1.7× slower than copies that each see one shape.
 */

type Kernel = (...args: never[]) => void;
const compiled = new Map<string, Kernel>();

function specialize<F extends Kernel>(params: string, body: string): F {
  const key = `${params}\n${body}`;
  let f = compiled.get(key);
  if (!f) {
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    f = new Function(...params.split(','), `"use strict";\n${body}`) as Kernel;
    compiled.set(key, f);
  }
  return f as F;
}

export type Mat3 = (a: Float64Array, ao: number, b: Float64Array, bo: number, z: Float64Array, zo: number) => void;

/** y[Y + kk] += alpha · x[X + kk] for kk < K, unrolled by 4. */
function axpySrc(K: number, alpha: string, x: string, X: string, y: string, Y: string): string {
  const K4 = K - (K % 4);
  let s = '';
  if (K4 > 0) {
    s += `for (let kk = 0; kk < ${K4}; kk += 4) {
  ${y}[${Y} + kk] += ${alpha} * ${x}[${X} + kk];
  ${y}[${Y} + kk + 1] += ${alpha} * ${x}[${X} + kk + 1];
  ${y}[${Y} + kk + 2] += ${alpha} * ${x}[${X} + kk + 2];
  ${y}[${Y} + kk + 3] += ${alpha} * ${x}[${X} + kk + 3];
}\n`;
  }
  for (let kk = K4; kk < K; kk++) s += `${y}[${Y} + ${kk}] += ${alpha} * ${x}[${X} + ${kk}];\n`;
  return s;
}

export type Product = (arrs: readonly Float64Array[], offs: readonly number[], z: Float64Array, zo: number) => void;

/** z (+)= Π_j arrs[j][offs[j] + i] for i < n, for a fixed number of factors. */
export function product(n: number, factors: number, acc: boolean): Product {
  const names = Array.from({ length: factors }, (_, j) => `a${j}`);
  const head = names.map((a, j) => `const ${a} = arrs[${j}], o${j} = offs[${j}];`).join('\n');
  const term = names.map((a, j) => `${a}[o${j} + i]`).join(' * ') || '1';
  return specialize<Product>('arrs,offs,z,zo', `${head}
for (let i = 0; i < ${n}; i++) z[zo + i] ${acc ? '+=' : '='} ${term};`);
}

export type Gather = (x: Float64Array, xo: number, map: Int32Array, z: Float64Array, zo: number) => void;

/** z[zo + i] (+)= x[xo + map[i]] for i < n. */
export function gather(n: number, acc: boolean): Gather {
  return specialize<Gather>('x,xo,map,z,zo', `for (let i = 0; i < ${n}; i++) z[zo + i] ${acc ? '+=' : '='} x[xo + map[i]];`);
}

/** x[xo + map[i]] += z[zo + i] for i < n (the transpose of a gather). */
export function scatterAdd(n: number): Gather {
  return specialize<Gather>('x,xo,map,z,zo', `for (let i = 0; i < ${n}; i++) x[xo + map[i]] += z[zo + i];`);
}

export type Axpy = (alpha: number, x: Float64Array, xo: number, y: Float64Array, yo: number) => void;

/** y[yo + i] += alpha · x[xo + i] for i < n. */
export function axpy(n: number): Axpy {
  return specialize<Axpy>('alpha,x,xo,y,yo', axpySrc(n, 'alpha', 'x', 'xo', 'y', 'yo'));
}

export type Scale = (c: number, x: Float64Array, xo: number, z: Float64Array, zo: number) => void;

/** z[zo + i] (+)= c · x[xo + i] for i < n. */
export function scaleInto(n: number, acc: boolean): Scale {
  return specialize<Scale>('c,x,xo,z,zo', `for (let i = 0; i < ${n}; i++) z[zo + i] ${acc ? '+=' : '='} c * x[xo + i];`);
}

/** z[zo + i] (+)= a[ao + i] · b[bo + i] for i < n. */
export function mul2(n: number, acc: boolean): Mat3 {
  return specialize<Mat3>('a,ao,b,bo,z,zo', `for (let i = 0; i < ${n}; i++) z[zo + i] ${acc ? '+=' : '='} a[ao + i] * b[bo + i];`);
}

export type Copy = (x: Float64Array, xo: number, z: Float64Array, zo: number) => void;

/** z[zo + i] (+)= x[xo + i] for i < n. */
export function copy(n: number, acc: boolean): Copy {
  return specialize<Copy>('x,xo,z,zo', `for (let i = 0; i < ${n}; i++) z[zo + i] ${acc ? '+=' : '='} x[xo + i];`);
}
