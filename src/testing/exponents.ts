/** @file Exponent vectors of monomials: shared by the polynomial landscape module and the tests (a light module, without the package). */

/** Exponent vectors of every monomial of total degree ≤ maxDeg in P variables. */
export function exponents(P: number, maxDeg: number): number[][] {
  const out: number[][] = [];
  const rec = (j: number, left: number, e: number[]) => {
    if (j === P) return void out.push([...e]);
    for (let k = 0; k <= left; k++) rec(j + 1, left - k, [...e, k]);
  };
  rec(0, maxDeg, []);
  return out;
}
