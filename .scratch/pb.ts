import { resolveLandscape } from '../src/landscapes/index.ts';
import { split, standardErrors } from '../src/core/index.ts';
import { sampleChunk } from '../src/stats/index.ts';
import { neededDiagrams } from '../src/theory/index.ts';
const land = await resolveLandscape('fmnist-convnet');
const theta = land.init(1);
const ds = neededDiagrams(3, 'test');
const Bs = process.argv.slice(2).map(Number);
const res: Record<number, number[]> = {};
for (const B of Bs) {
  sampleChunk(land, theta, ds, split(1, 999), 3, true, B);
  const t = performance.now();
  const n = Math.max(40, Math.round(400 / B));
  const m = sampleChunk(land, theta, ds, split(1, B), n, true, B);
  const sec = (performance.now() - t) / 1000;
  const se = standardErrors(m);
  res[B] = se.map((e) => e * e * sec);
  console.log(`B=${B}: ${n} draws in ${sec.toFixed(2)} s, ${(n / sec).toFixed(1)} draws/s`);
}
for (let k = 0; k < ds.length; k++) console.log(ds[k]!.key.padEnd(26), Bs.map((B) => (res[B]![k]! / res[Bs[0]!]![k]!).toFixed(3).padStart(8)).join(''));
