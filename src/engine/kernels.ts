/**
 * @file The JavaScript loops left beside the WebAssembly kernels (scripts/simd-wat.ts): gathers
 * through index maps, copying a sample's data into the heap, and Faà di Bruno products of more
 * than three factors.
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

/**
 * Runs of equal consecutive entries of `map` as (start, end, entry) triples, or null when they
 * are short (under 4 on average), where scatterAdd's plain loop is as fast.
 */
export function mapRuns(map: Int32Array): Int32Array | null {
  const runs: number[] = [];
  for (let i = 0; i < map.length; ) {
    let j = i + 1;
    while (j < map.length && map[j] === map[i]) j++;
    runs.push(i, j, map[i]!);
    i = j;
  }
  return runs.length / 3 > map.length / 4 ? null : Int32Array.from(runs);
}

/**
 * scatterAdd for a map given as its runs (mapRuns): each run is summed in a register, starting
 * from x's entry and adding z's in index order — scatterAdd's additions in scatterAdd's order, so
 * the same bits — without the store and reload per element whose dependency chain made the
 * transpose of a 1,440-entry bias broadcast take 5 µs.
 */
export function scatterAddRuns(runs: Int32Array): Gather {
  return specialize<Gather>('x,xo,runs,z,zo', `for (let r = 0; r < ${runs.length}; r += 3) {
  const t = xo + runs[r + 2], end = zo + runs[r + 1];
  let s = x[t];
  for (let i = zo + runs[r]; i < end; i++) s += z[i];
  x[t] = s;
}`);
}

export type Copy = (x: Float64Array, xo: number, z: Float64Array, zo: number) => void;

/** z[zo + i] (+)= x[xo + i] for i < n. */
export function copy(n: number, acc: boolean): Copy {
  return specialize<Copy>('x,xo,z,zo', `for (let i = 0; i < ${n}; i++) z[zo + i] ${acc ? '+=' : '='} x[xo + i];`);
}
