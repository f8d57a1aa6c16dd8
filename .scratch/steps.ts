import { resolveLandscape } from '../src/landscapes/index.ts';
import { rng } from '../src/core/index.ts';
const land = await resolveLandscape('fmnist-convnet');
const theta = land.init(0);
const prog = land.program() as any;
const b = land.sample(rng(1), 32);
const ss = prog.samplesOf(b);
const withGrad = process.argv[2] === 'grad';
const ex = prog.executable(0, withGrad);
const acc: { name: string; t: number }[] = [];
const wrap = (arr: any[], tag: string) => arr.forEach((f, i) => { const rec = { name: `${tag}${i} ${(f.name || '?')} ${f.toString().replace(/\s+/g, ' ').slice(0, 70)}`, t: 0 }; acc.push(rec); arr[i] = () => { const t0 = performance.now(); f(); rec.t += performance.now() - t0; }; });
wrap(ex.forwardSample, 'F'); wrap(ex.backwardSample, 'B'); wrap(ex.backwardShared, 'BS');
const N = 4000;
ex.setTheta(theta, []);
for (let i = 0; i < N; i++) { ex.bindSample(b, i % 32); ex.run(); }
for (const r of acc) r.t = 0;
const t0 = performance.now();
for (let i = 0; i < N; i++) { ex.bindSample(b, i % 32); ex.run(); }
const tot = (performance.now() - t0) / N * 1000;
console.log(`${withGrad ? 'grad' : 'forward'}: ${tot.toFixed(1)} µs per sample (timer overhead included)`);
for (const r of acc) console.log((r.t / N * 1000).toFixed(2).padStart(7), 'µs', r.name);
