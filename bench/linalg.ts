/** @file Speed of symmetricEigen (Householder tridiagonalization + implicit QL: EISPACK tred2/imtql2, Numerical Recipes §11.2–11.3) for n = 200 … 2000, with residuals and the extrapolation to P = 4,490. */
// Run alone: `npm run bench -- linalg`. Matrices are (B + Bᵀ)/2 with B standard normal (a fixed
// stream per n). Each size is timed over a few repetitions (the median is printed) on the wall
// clock and as this process's CPU time, which is the fairer number when other jobs share the
// cores; the load average is printed beside them. Baseline: numpy.linalg.eigh (LAPACK dsyevd,
// one BLAS thread) on the same sizes and distribution, if the `python3` on PATH has numpy;
// otherwise the output says there is none.
import { execFile } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { promisify } from 'node:util';
import { split, symmetricEigen } from '../src/core/index.ts';
import { fmtSeconds, table } from './timing.ts';

const SEED = 20240611;
const SIZES: [n: number, reps: number][] = [[200, 7], [500, 5], [1000, 3], [2000, 3]];
const P = 4490; // the Fashion-MNIST convnet's parameter count
/** Run n = P once only when the n³ extrapolation says it takes less than this. */
const P_BUDGET = 120;
/** Above this n the residuals are measured on sampled columns (the full products cost 2n³ in JS). */
const FULL_CHECK = 500;
const SAMPLED = 16;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');
const cpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

function randomSymmetric(n: number): Float64Array {
  const b = split(SEED, n).normals(new Float64Array(n * n));
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] = (b[i * n + j]! + b[j * n + i]!) / 2;
  return a;
}

/**
 * [reconstruction, orthogonality]: for n ≤ FULL_CHECK, ‖A − VΛVᵀ‖_F/‖A‖_F and ‖VᵀV − I‖_F; above,
 * max over SAMPLED columns j of ‖A v_j − λ_j v_j‖/‖A‖_F and of |v_jᵀ v_k − δ_jk| over all k.
 */
function residuals(a: Float64Array, n: number, values: Float64Array, v: Float64Array): [number, number] {
  let normA = 0;
  for (let i = 0; i < n * n; i++) normA += a[i]! * a[i]!;
  normA = Math.sqrt(normA);
  const full = n <= FULL_CHECK;
  const cols = full ? Array.from({ length: n }, (_, j) => j) : Array.from({ length: SAMPLED }, (_, t) => Math.round((t * (n - 1)) / (SAMPLED - 1)));
  // columns of V as rows of vt, so the products below run along contiguous memory
  const vt = new Float64Array(n * n);
  for (let r = 0; r < n; r++) for (let j = 0; j < n; j++) vt[j * n + r] = v[r * n + j]!;
  let rec2 = 0, recMax = 0, orth2 = 0, orthMax = 0;
  for (const j of cols) {
    const vj = vt.subarray(j * n, (j + 1) * n);
    let r2 = 0;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += a[i * n + k]! * vj[k]!;
      r2 += (s - values[j]! * vj[i]!) ** 2;
    }
    rec2 += r2;
    recMax = Math.max(recMax, Math.sqrt(r2));
    for (let k = 0; k < n; k++) {
      let s = 0;
      for (let r = 0; r < n; r++) s += vj[r]! * vt[k * n + r]!;
      const dev = s - (j === k ? 1 : 0);
      orth2 += dev * dev;
      orthMax = Math.max(orthMax, Math.abs(dev));
    }
  }
  // ‖A − VΛVᵀ‖_F = ‖AV − VΛ‖_F since V is orthogonal (to the accuracy being measured)
  return full ? [Math.sqrt(rec2) / normA, Math.sqrt(orth2)] : [recMax / normA, orthMax];
}

interface Timing {
  wall: number;
  cpu: number;
}

function timeEigen(a: Float64Array, n: number, reps: number): { t: Timing; last: ReturnType<typeof symmetricEigen> } {
  if (n <= FULL_CHECK) symmetricEigen(a, n); // warm-up at this size (the larger ones reuse the compiled loops)
  const wall: number[] = [], cpu: number[] = [];
  let last: ReturnType<typeof symmetricEigen> | undefined;
  for (let r = 0; r < reps; r++) {
    const w0 = performance.now(), c0 = cpuSeconds();
    last = symmetricEigen(a, n);
    wall.push((performance.now() - w0) / 1000);
    cpu.push(cpuSeconds() - c0);
  }
  return { t: { wall: median(wall), cpu: median(cpu) }, last: last! };
}

const run_ = promisify(execFile);

const NUMPY_SCRIPT = `
import json, sys, time
import numpy as np
out = {"numpy": np.__version__, "rows": []}
for n, reps in json.loads(sys.argv[1]):
    b = np.random.default_rng(n).standard_normal((n, n))
    a = (b + b.T) / 2
    np.linalg.eigh(a)
    ts, cs = [], []
    for _ in range(reps):
        t, c = time.perf_counter(), time.process_time()
        w, v = np.linalg.eigh(a)
        ts.append(time.perf_counter() - t); cs.append(time.process_time() - c)
    ts.sort(); cs.sort()
    out["rows"].append({"n": n, "wall": ts[len(ts) // 2], "cpu": cs[len(cs) // 2]})
print(json.dumps(out))
`;

/** numpy.linalg.eigh medians (wall and CPU) by n, or the reason there are none. */
async function numpyBaseline(): Promise<{ version: string; seconds: Map<number, Timing> } | string> {
  const env = { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
  try {
    await run_('python3', ['-c', 'import numpy'], { env, timeout: 60_000 });
  } catch {
    return 'no baseline: numpy (and PyTorch) are not installed for the python3 on PATH, so there is nothing to compare against';
  }
  const { stdout } = await run_('python3', ['-c', NUMPY_SCRIPT, JSON.stringify(SIZES)], { env, timeout: 20 * 60_000 });
  const out = JSON.parse(stdout.trim().split('\n').pop()!) as { numpy: string; rows: ({ n: number } & Timing)[] };
  return { version: out.numpy, seconds: new Map(out.rows.map((r) => [r.n, { wall: r.wall, cpu: r.cpu }])) };
}

export async function run(): Promise<void> {
  console.log(`symmetricEigen, one thread; ${availableParallelism()} cores, load average before: ${load()}`);
  const rows: string[][] = [];
  const measured: [number, Timing][] = [];
  for (const [n, reps] of SIZES) {
    const a = randomSymmetric(n);
    const before = load();
    const { t, last } = timeEigen(a, n, reps);
    const after = load();
    const [rec, orth] = residuals(a, n, last.values, last.vectors);
    measured.push([n, t]);
    rows.push([String(n), String(reps), fmtSeconds(t.wall), fmtSeconds(t.cpu), rec.toExponential(1), orth.toExponential(1), n <= FULL_CHECK ? 'full' : `${SAMPLED} columns`, `${before} → ${after}`]);
    console.log(`  n = ${n} done (${fmtSeconds(t.wall)})`);
  }
  console.log(table(['n', 'reps', 'median wall', 'median CPU', '‖A−VΛVᵀ‖/‖A‖', '‖VᵀV−I‖', 'residuals', 'load 1/5/15 min'], rows));

  // n³ extrapolation from the largest size (optimistic: at n = 4,490 the 161 MB matrix is far outside the caches)
  const [nMax, tMax] = measured[measured.length - 1]!;
  const factor = (P / nMax) ** 3;
  const estimate = { wall: tMax.wall * factor, cpu: tMax.cpu * factor };
  console.log(`n = ${P} (the convnet's P), n³ extrapolation from n = ${nMax}: ~${fmtSeconds(estimate.wall)} wall, ~${fmtSeconds(estimate.cpu)} CPU`);
  if (estimate.wall < P_BUDGET) {
    const a = randomSymmetric(P);
    const w0 = performance.now(), c0 = cpuSeconds();
    const { values, vectors } = symmetricEigen(a, P);
    const wall = (performance.now() - w0) / 1000, cpu = cpuSeconds() - c0;
    const [rec, orth] = residuals(a, P, values, vectors);
    console.log(`n = ${P}, single run: ${fmtSeconds(wall)} wall, ${fmtSeconds(cpu)} CPU; residuals (${SAMPLED} columns) ${rec.toExponential(1)}, ${orth.toExponential(1)}; load ${load()}`);
  } else {
    console.log(`  (not run: the estimate exceeds the ${P_BUDGET} s budget)`);
  }

  const base = await numpyBaseline();
  if (typeof base === 'string') {
    console.log(base);
    return;
  }
  console.log(`baseline: numpy ${base.version} numpy.linalg.eigh (LAPACK dsyevd, divide and conquer), one BLAS thread, same sizes and distribution; load ${load()}`);
  console.log(table(['n', 'numpy wall', 'numpy CPU', 'symmetricEigen CPU', 'CPU ratio'], measured.map(([n, t]) => {
    const s = base.seconds.get(n)!;
    return [String(n), fmtSeconds(s.wall), fmtSeconds(s.cpu), fmtSeconds(t.cpu), `${(t.cpu / s.cpu).toFixed(1)}× numpy`];
  })));
}
