/**
 * @file Speed of the re-summed series (issue 11): order 3 with P ≤ 10 and T = 10⁴ must take
 * under 1 s; order 2 with P = 1000 (a quadratic landscape with a dense Hessian) under 10 s.
 * Also: ARCHIMEDES's drift, re-summed (discrete and continuous) against a 400-trial simulation.
 * Run: npm run bench -- resum
 */
import { gd, rng, sgd, describeSchedule, type Schedule } from '../src/core/index.ts';
import { quadraticTensors, resum, tensorsFromSamples, type LandscapeTensors } from '../src/theory/index.ts';

function seconds(f: () => void): number {
  const t0 = performance.now();
  f();
  return (performance.now() - t0) / 1000;
}

/** Random per-atom derivative tensors (symmetry is not needed for timing), a positive-definite mean Hessian. */
function randomTensors(P: number, atoms: number, seed: number): LandscapeTensors {
  const r = rng(seed);
  const derivs = [0, 1, 2, 3].map((k) => Array.from({ length: atoms }, () => r.normals(new Float64Array(P ** k))));
  for (const h of derivs[2]!) for (let i = 0; i < P; i++) for (let j = 0; j < P; j++) h[i * P + j] = i === j ? 1 + i / P : 0.01 * ((i + j) % 3);
  return tensorsFromSamples({ P, maxDegree: 3, exact: true, weights: new Float64Array(atoms).fill(1 / atoms), derivs });
}

function dense(P: number, seed: number): LandscapeTensors {
  const r = rng(seed);
  const A = r.normals(new Float64Array(P * P));
  const H = new Float64Array(P * P);
  for (let i = 0; i < P; i++) for (let j = 0; j < P; j++) {
    let s = 0;
    for (let k = 0; k < P; k++) s += A[i * P + k]! * A[j * P + k]!;
    H[i * P + j] = s / P + (i === j ? 0.1 : 0);
  }
  const xi = [0, 1, 2].map(() => r.normals(new Float64Array(P)));
  return quadraticTensors({ P, G: r.normals(new Float64Array(P)), H, noise: { weights: Float64Array.of(0.2, 0.3, 0.5), xi } });
}

export async function run(): Promise<void> {
  const rows: string[] = [];
  const fmt = (s: number) => `${s.toFixed(3)} s`;
  for (const P of process.env.BENCH_SKIP3 ? [] : [5, 10]) {
    const t = randomTensors(P, 4, P);
    for (const s of [gd({ N: 100, T: 10_000 }), sgd({ N: 10_000, B: 1, E: 1 }), sgd({ N: 1000, B: 10, E: 10, shuffle: 'reshuffle' })] as Schedule[]) {
      const cold = seconds(() => resum({ tensors: t, schedule: s, order: 3, observable: 'test', eta: [0.01, 0.1] }));
      const warm = seconds(() => resum({ tensors: t, schedule: s, order: 3, observable: 'test', eta: [0.01, 0.1] }));
      rows.push(`order 3 test, P = ${P}, ${describeSchedule(s)}: ${fmt(cold)} cold (tensors built), ${fmt(warm)} warm — limit 1 s ${warm < 1 ? 'ok' : 'TOO SLOW'}`);
    }
    const s = gd({ N: 100, T: 10_000 });
    const cold = seconds(() => resum({ tensors: t, schedule: s, order: 3, observable: 'gap', eta: [0.01, 0.1] }));
    const warm = seconds(() => resum({ tensors: t, schedule: s, order: 3, observable: 'gap', eta: [0.01, 0.1] }));
    rows.push(`order 3 gap (train diagrams, P^6 cumulants), P = ${P}, ${describeSchedule(s)}: ${fmt(cold)} cold (cumulant tensors built), ${fmt(warm)} warm — limit 1 s ${warm < 1 ? 'ok' : 'TOO SLOW'}`);
    console.log(rows.slice(-4).join('\n'));
  }
  {
    const P = 1000;
    const t = dense(P, 1);
    for (const s of [gd({ N: 100, T: 10_000 }), sgd({ N: 10_000, B: 1, E: 1 })] as Schedule[]) {
      for (const observable of ['test', 'gap'] as const) {
        const time = seconds(() => resum({ tensors: t, schedule: s, order: 2, observable, eta: [0.01, 0.1] }));
        console.log(`order 2 ${observable}, P = ${P} dense H, ${describeSchedule(s)}: ${fmt(time)} — limit 10 s ${time < 10 ? 'ok' : 'TOO SLOW'}`);
      }
    }
  }

  await drift();
}

/** ARCHIMEDES at T = 10⁴: simulated E[z_T] beside R_3 (discrete), its continuous form and η²/6·T. */
async function drift(): Promise<void> {
  const { measureTensors } = await import('../src/stats/index.ts');
  const { simulate } = await import('../src/sim/index.ts');
  const T = 10_000, etas = [0.02, 0.05, 0.1];
  const m = await measureTensors({ landscape: { spec: 'archimedes' }, degree: 3, exact: true });
  const t0 = performance.now();
  const sim = await simulate({ landscape: { spec: 'archimedes' }, optimizers: ['sgd'], eta: etas, N: T, T, trials: 400, seed: 7 });
  console.log(`ARCHIMEDES, SGD batch 1, T = 10⁴, 400 trials (${((performance.now() - t0) / 1000).toFixed(1)} s on all cores): E[z_T]`);
  for (const eta of etas) {
    const z = sim.summary.find((r) => r.metric === 'z' && r.eta === eta)!;
    const disc = resum({ tensors: m.tensors, schedule: sgd({ N: T, B: 1 }), order: 3, observable: { coordinate: 2 }, eta: [eta] }).values[0]!.value;
    const cont = resum({ tensors: m.tensors, schedule: sgd({ N: T, B: 1 }), order: 3, observable: { coordinate: 2 }, eta: [eta], continuous: true }).values[0]!.value;
    const lead = (eta * eta * T) / 6;
    const zs = (x: number) => ((z.mean! - x) / z.stderr!).toFixed(2);
    console.log(`  η = ${eta}: simulated ${z.mean!.toPrecision(6)} ± ${z.stderr!.toPrecision(2)}; R_3 discrete ${disc.toPrecision(6)} (${zs(disc)} se), continuous ${cont.toPrecision(6)} (${zs(cont)} se), η²T/6 ${lead.toPrecision(6)} (${zs(lead)} se)`);
  }
}
