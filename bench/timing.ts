/** @file Timing helpers shared by the benchmarks: the same protocol as bench/torch_engine.py. */
import { textTable } from '../src/core/index.ts';

/**
 * Seconds per call: median over `reps` timed repetitions of `inner` calls each, `inner` chosen
 * so one repetition takes about `target` seconds, after warm-up (as torch_engine.py's timeit).
 */
export function timeit(fn: () => unknown, reps = 9, target = 0.15): number {
  for (let i = 0; i < 3; i++) fn();
  let t = performance.now();
  fn();
  const one = Math.max((performance.now() - t) / 1000, 1e-7);
  const inner = Math.max(1, Math.round(target / one));
  // a second warm-up at full length so the optimizing compiler has seen the loop
  for (let i = 0; i < inner; i++) fn();
  const samples: number[] = [];
  for (let r = 0; r < reps; r++) {
    t = performance.now();
    for (let i = 0; i < inner; i++) fn();
    samples.push((performance.now() - t) / 1000 / inner);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
}

export function fmtSeconds(s: number): string {
  if (s >= 1) return `${s.toFixed(2)} s`;
  if (s >= 1e-3) return `${(s * 1e3).toFixed(2)} ms`;
  return `${(s * 1e6).toFixed(1)} µs`;
}

/** Rows as an aligned text table under a header and a rule (core's table: one format everywhere). */
export function table(header: string[], rows: string[][]): string {
  const w = header.map((h, i) => Math.max([...h].length, ...rows.map((r) => [...r[i]!].length)));
  return textTable([header, w.map((n) => '-'.repeat(n)), ...rows], { left: 1 }).trimEnd();
}

/**
 * A simulate run's clock: pass `onProgress` to simulate, then read the steady-state trials per
 * second (trials delivered between 20% and 90% of the run: thread start-up before, the last
 * chunks' tail after) and the l(θ₀) pass's seconds (null when the run made none).
 */
export function simulationClock(trials: number) {
  const marks: [number, number][] = [];
  let t0 = 0, t1 = 0;
  return {
    onProgress: (done: number, _total: number, phase: string) => {
      const now = performance.now();
      if (phase === 'theta0') {
        if (t0 === 0) t0 = now;
        t1 = now;
      } else marks.push([now, done]);
    },
    trialsPerSecond(): number {
      const from = marks.find(([, d]) => d >= 0.2 * trials)!, to = marks.find(([, d]) => d >= 0.9 * trials)!;
      return ((to[1] - from[1]) * 1000) / (to[0] - from[0]);
    },
    theta0Seconds: (): number | null => (t0 === 0 ? null : (t1 - t0) / 1000),
  };
}
