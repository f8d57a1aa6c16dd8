/**
 * @file `simulate`: K paired trials of several optimizers at several learning rates on a
 * landscape, over worker threads, aggregated in trial order, written to an output directory,
 * checkpointed and resumable.
 *
 * Trials are cut into chunks of consecutive indices; each chunk runs on any thread and its
 * results come back in chunk order (src/parallel), so the files do not depend on the number of
 * threads. While running, the directory holds `trials.jsonl.partial` (appended chunk by chunk)
 * and `checkpoint.json` (written atomically after the first chunk, every 2 s and at the end)
 * with the number of finished trials, the byte length of the partial file at that point and the
 * running sums. `resume` truncates the partial file to that length — dropping any lines written
 * after the checkpoint — and continues with the next trial, so no trial is lost or counted
 * twice and the final files equal an uninterrupted run's. At the end summary.json and
 * summary.csv are written atomically, the partial file is renamed to trials.jsonl, and the
 * checkpoint removed.
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, statSync, truncateSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../core/index.ts';
import { checkWritable, writeFileAtomic } from '../io/index.ts';
import { resolveLandscape, type Landscape } from '../landscapes/index.ts';
import { mapChunks } from '../parallel/index.ts';
import { addTrial, diffSlots, emptyAggregate, summarize, type AggregateState } from './aggregate.ts';
import { resolveConfig, type SimConfig, type SimulationSpec } from './config.ts';
import { resultOf, summaryCsv, trialLines, type SimulationResult } from './output.ts';
import { provideLandscape, type SimTask } from './worker.ts';

export interface SimulateOptions extends SimulationSpec {
  /** Landscape spec (built-in name with parameters, or a module path). */
  landscape: string;
  /** Options for resolving the landscape in each thread (data locations). */
  landscapeOptions?: Record<string, string | undefined>;
  /** The landscape, already resolved (else resolved here). Worker threads resolve `source.spec`. */
  source?: Landscape;
  /** Worker threads; 0 runs in this thread (default: all cores). */
  workers?: number;
  /** Output directory (trials.jsonl, summary.json, summary.csv); without it nothing is written. */
  out?: string;
  /** Continue the unfinished run in `out`. */
  resume?: boolean;
  /** Trials per chunk (results do not depend on it; it sets the checkpoint granularity). */
  chunkSize?: number;
  /** Progress: trials done of the total (phase 'trials'), or atoms done for l(θ₀) (phase 'theta0'). */
  onProgress?: (done: number, total: number, phase: 'theta0' | 'trials') => void;
}

export const FILES = {
  trials: 'trials.jsonl',
  summary: 'summary.json',
  csv: 'summary.csv',
  partial: 'trials.jsonl.partial',
  checkpoint: 'checkpoint.json',
} as const;

/** Atoms per chunk of the l(θ₀) pass (fixed, so its floating-point sum does not depend on the threads). */
export const LOSS_CHUNK = 2048;

interface Checkpoint {
  config: string;
  theta0Loss: number | null;
  trialsDone: number;
  bytes: number;
  aggregate: AggregateState;
}

/**
 * l(θ₀) exactly: the closed form; or, where l is the weighted mean over the atoms, every
 * l_a(θ₀) (in fixed chunks over the threads, onto a SharedArrayBuffer that trial tasks then share)
 * and their weighted sum in atom order — so neither depends on the number of threads.
 */
async function theta0Pass(land: Landscape, c: SimConfig, o: SimulateOptions): Promise<{ loss: number; atomLosses?: Float64Array }> {
  const theta0 = land.init(c.initSeed);
  if (c.test.theta0 !== 'atoms') return { loss: land.populationLoss!(theta0) };
  const atoms = land.atoms!();
  const count = atoms.count;
  const atomLosses = new Float64Array(new SharedArrayBuffer(count * 8));
  const tasks: SimTask[] = [];
  for (let s = 0; s < count; s += LOSS_CHUNK) {
    tasks.push({ kind: 'loss', landscape: land.spec, landscapeOptions: o.landscapeOptions ?? {}, initSeed: c.initSeed, start: s, end: Math.min(count, s + LOSS_CHUNK) });
  }
  o.onProgress?.(0, count, 'theta0');
  for await (const [i, part] of mapChunks<SimTask, Float64Array>({ worker: new URL('./worker.ts', import.meta.url), tasks, workers: o.workers })) {
    const t = tasks[i]!;
    atomLosses.set(part, t.start);
    o.onProgress?.(t.end, count, 'theta0');
  }
  let loss = 0;
  for (let a = 0; a < count; a++) loss += atoms.weights[a]! * atomLosses[a]!;
  return { loss, atomLosses };
}

export async function simulate(o: SimulateOptions): Promise<SimulationResult> {
  const landscapeOptions = o.landscapeOptions ?? {};
  const land = o.source ?? (await resolveLandscape(o.landscape, landscapeOptions));
  const c = resolveConfig(o, land);
  provideLandscape(land.spec, landscapeOptions, land);
  const configKey = JSON.stringify(c);
  const slots = diffSlots(c);
  if (o.resume && !o.out) throw new InputError('simulate: --resume needs --out (the checkpoint sits in the output directory)');
  const path = (f: keyof typeof FILES) => join(o.out!, FILES[f]);
  if (o.out) checkWritable(path('summary'), '--out');

  let state: Checkpoint | null = null;
  if (o.out && existsSync(path('checkpoint'))) {
    if (!o.resume) throw new InputError(`simulate: ${o.out} holds an unfinished run (${FILES.checkpoint}); continue it with --resume, or remove the directory`);
    const saved = JSON.parse(readFileSync(path('checkpoint'), 'utf8')) as Checkpoint;
    if (saved.config !== configKey) {
      throw new InputError(`simulate: the checkpoint in ${o.out} belongs to a different run (landscape, optimizers, learning rates, schedule, trials or seeds differ); remove it or drop --resume`);
    }
    state = saved;
  } else if (o.out && o.resume && existsSync(path('summary'))) {
    // Already finished: the summary is the result, if it is this run's.
    const done = JSON.parse(readFileSync(path('summary'), 'utf8')) as SimulationResult;
    const want = resultOf(c, done.testLoss.theta0Loss ?? undefined, { summary: [], differences: [] });
    if (JSON.stringify([done.landscape, done.settings, done.testLoss.method]) !== JSON.stringify([want.landscape, want.settings, want.testLoss.method])) {
      throw new InputError(`simulate: ${o.out} holds a finished run with different settings; remove it or drop --resume`);
    }
    return done;
  }

  // l(θ₀) once per run (recomputed on resume where the per-atom losses are needed: it is deterministic)
  const pass = c.test.theta0 === 'atoms' || (c.test.theta0 === 'run' && !state) ? await theta0Pass(land, c, o) : null;
  const l0 = state ? (state.theta0Loss ?? undefined) : pass?.loss;
  if (state && pass && pass.loss !== l0) throw new InputError(`simulate: l(θ₀) recomputed on resume differs from the checkpoint's (${pass.loss} vs ${l0}); remove ${o.out} and start again`);
  const atomLosses = pass?.atomLosses;
  let trialsDone = state?.trialsDone ?? 0;
  let bytes = state?.bytes ?? 0;
  const agg = state?.aggregate ?? emptyAggregate(c);

  let fd: number | null = null;
  if (o.out) {
    if (state) {
      if (!existsSync(path('partial'))) {
        if (!(trialsDone === c.trials && existsSync(path('trials')) && statSync(path('trials')).size === bytes)) {
          throw new InputError(`simulate: ${o.out} has a checkpoint but no ${FILES.partial}; remove the directory and start again`);
        }
      } else {
        if (statSync(path('partial')).size < bytes) throw new InputError(`simulate: ${path('partial')} is shorter than its checkpoint says; remove the directory and start again`);
        truncateSync(path('partial'), bytes);
        fd = openSync(path('partial'), 'a');
      }
    } else {
      fd = openSync(path('partial'), 'w');
    }
  }
  const saveCheckpoint = () => {
    if (fd === null) return;
    fsyncSync(fd);
    const ck: Checkpoint = { config: configKey, theta0Loss: l0 ?? null, trialsDone, bytes, aggregate: agg };
    writeFileAtomic(path('checkpoint'), JSON.stringify(ck));
  };

  const workers = o.workers;
  const chunk = o.chunkSize ?? Math.min(64, Math.max(1, Math.ceil(c.trials / (16 * Math.max(1, workers ?? 1)))));
  const tasks: SimTask[] = [];
  for (let s = trialsDone; s < c.trials; s += chunk) {
    tasks.push({
      kind: 'trials', config: c, landscapeOptions, ...(l0 !== undefined ? { theta0Loss: l0 } : {}), ...(atomLosses ? { atomLosses } : {}),
      start: s, end: Math.min(c.trials, s + chunk),
    });
  }
  o.onProgress?.(trialsDone, c.trials, 'trials');
  let lastSave = -Infinity;
  try {
    for await (const [i, values] of mapChunks<SimTask, Float64Array>({ worker: new URL('./worker.ts', import.meta.url), tasks, workers })) {
      const t = tasks[i]!;
      const n = t.end - t.start;
      for (let k = 0; k < n; k++) addTrial(agg, slots, values, k * c.width);
      if (fd !== null) {
        const text = trialLines(c, t.start, values);
        const buf = Buffer.from(text, 'utf8');
        writeSync(fd, buf);
        bytes += buf.length;
      }
      trialsDone = t.end;
      o.onProgress?.(trialsDone, c.trials, 'trials');
      if (performance.now() - lastSave > 2000 || trialsDone === c.trials) {
        saveCheckpoint();
        lastSave = performance.now();
      }
    }
  } catch (err) {
    if (fd !== null) closeSync(fd);
    throw err;
  }

  const result = resultOf(c, l0, summarize(c, agg));
  if (o.out) {
    writeFileAtomic(path('summary'), JSON.stringify(result, null, 2) + '\n');
    writeFileAtomic(path('csv'), summaryCsv(result));
    if (fd !== null) {
      fsyncSync(fd);
      closeSync(fd);
      renameSync(path('partial'), path('trials'));
    }
    if (existsSync(path('checkpoint'))) unlinkSync(path('checkpoint'));
  }
  return result;
}
