import { resolveLandscape } from '../src/landscapes/index.ts';
import { rng } from '../src/core/index.ts';
const land = await resolveLandscape('fmnist-convnet');
const theta = land.init(0);
const prog = land.program();
const b32 = land.sample(rng(1), 32);
const t = performance.now();
for (let i = 0; i < 3000; i++) prog.values(theta, b32);
console.log(((performance.now() - t) / 3000 / 32 * 1000).toFixed(1), 'µs/sample');
