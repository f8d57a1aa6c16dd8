/**
 * @file `simulate`: K paired trials of several optimizers at several learning rates on a
 * landscape, on an executor, aggregated in trial order, written to an output directory,
 * checkpointed and resumable — as three steps: plan (check the settings against the landscape
 * and the output directory), run (l(θ₀) once, then the trials in chunks), persist (the files).
 *
 * Trials are cut into chunks of consecutive indices (their size does not depend on the
 * executor); results come back in chunk order (src/parallel), so the files do not depend on
 * where the trials ran. While running, the directory holds `trials.jsonl.partial` (appended
 * chunk by chunk) and `checkpoint.json` (written atomically by `checkpointed`) with the
 * running sums and the byte length of the partial file at that point. Resuming truncates the
 * partial file to that length — dropping any lines written after the checkpoint — and goes on
 * with the next chunk, so no trial is lost or counted twice and the final files equal an
 * uninterrupted run's. At the end summary.json and summary.csv are written atomically, the
 * partial file is renamed to trials.jsonl, and the checkpoint removed.
 *
 * The l(θ₀) pass over a data set's atoms is remembered per landscape object in this process
 * (landscapes' rememberedAt) and kept on disk in the θ₀ cache (theta0-cache.ts) unless
 * `theta0Cache` is false; the result's `theta0Pass` says which gave it.
 */
import {
  closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, statfsSync, statSync, truncateSync, unlinkSync, writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { InputError, opt, optionError, positiveInt } from '../core/index.ts';
import { checkWritable, removeEmptyDirs, writeFileAtomic } from '../io/index.ts';
import {
  ATOM_LOSSES, ATOM_PASS_CHUNK, forgetAt, landscapeModules, referenced, rememberedAt, weightedAtomSum, type AtomLossPass, type Atoms, type Landscape, type LandscapeRef,
} from '../landscapes/index.ts';
import { checkpointed, checkResumable, executorFor, handlerUrl, indexed, removeCheckpoint, type Executor } from '../parallel/index.ts';
import { addTrial, diffSlots, emptyAggregate, summarize, type AggregateState } from './aggregate.ts';
import { resolveConfig, type SimConfig, type SimulationSpec } from './config.ts';
import { resultOf, summaryCsv, trialLines, type SimulationResult, type Theta0PassReport } from './output.ts';
import { readTheta0Cache, theta0CacheEntry, writeTheta0Cache } from './theta0-cache.ts';
import type { Theta0Context } from './theta0-worker.ts';
import type { SimContext, TrialsTask } from './worker.ts';

export interface SimulateOptions extends SimulationSpec {
  /** The landscape: a reference (spec and data options), or a landscape resolved in this process. */
  landscape: LandscapeRef | Landscape;
  /** Where chunks run (default: `workers` worker threads, or this thread for 0). */
  executor?: Executor;
  workers?: number;
  /** Output directory (trials.jsonl, summary.json, summary.csv); without it nothing is written. */
  out?: string;
  /** Continue the unfinished run in `out`. */
  resume?: boolean;
  /** Replace a finished run in `out` (otherwise refused). */
  force?: boolean;
  /** Things a person should know that are not errors (e.g. "no checkpoint: starting afresh"). */
  onNotice?: (message: string) => void;
  /** Trials per chunk (results do not depend on it; it sets the checkpoint granularity). */
  chunkSize?: number;
  /** Progress: trials done of the total (phase 'trials'), or atoms done for l(θ₀) (phase 'theta0'). */
  onProgress?: (done: number, total: number, phase: 'theta0' | 'trials') => void;
  /**
   * Keep l_a(θ₀) of every atom of a data set on disk, in `theta0/` of the data sets' cache
   * directory (the landscape reference's `cacheDir`, else PERTURB_CACHE, else ~/.cache/perturb),
   * so that a later run on the same landscape at the same θ₀ reads the exact float64s instead of
   * making the pass (default true). false: the cache is neither read nor written.
   */
  theta0Cache?: boolean;
}

export const FILES = {
  trials: 'trials.jsonl',
  summary: 'summary.json',
  csv: 'summary.csv',
  partial: 'trials.jsonl.partial',
  checkpoint: 'checkpoint.json',
} as const;

/** Atoms per chunk of the l(θ₀) pass (fixed, so its floating-point sum does not depend on the executor; the same cut as a population loss over many atoms). */
export const LOSS_CHUNK = ATOM_PASS_CHUNK;

const WHERE = 'simulate';

/** A checked run: the landscape, the configuration, the chunking and where its files go. */
interface Plan {
  ref: LandscapeRef;
  land: Landscape;
  config: SimConfig;
  chunk: number;
  chunks: number;
  path: ((f: keyof typeof FILES) => string) | null;
  /** The directories this run created for `out` (removed again, where empty, when bad input stops it). */
  madeDirs: string[];
  executor: Executor;
}

/** The checkpointed state: the running sums, and how far the partial file had been made durable. */
interface SimState {
  theta0Loss: number | null;
  bytes: number;
  aggregate: AggregateState;
}

async function plan(o: SimulateOptions): Promise<Plan | { finished: SimulationResult }> {
  if (o.resume && !o.out) throw new InputError(`${WHERE}: ${opt('resume')} needs ${opt('out')} (the checkpoint sits in the output directory)`);
  if (o.theta0Cache !== undefined && typeof o.theta0Cache !== 'boolean') throw optionError(WHERE, 'theta0Cache', `must be true or false, got ${typeof o.theta0Cache === 'string' ? `'${o.theta0Cache}'` : String(o.theta0Cache)}`);
  const { ref, land } = await referenced(o.landscape, WHERE);
  const config = resolveConfig(o, land);
  // The chunk size must not depend on the executor: a run may resume on another one.
  const chunk = o.chunkSize === undefined ? Math.min(64, Math.max(1, Math.ceil(config.trials / 64))) : positiveInt(WHERE, 'chunkSize', o.chunkSize);
  const path = o.out ? (f: keyof typeof FILES) => join(o.out!, FILES[f]) : null;
  const madeDirs: string[] = [];
  if (path) {
    try {
      const finished = checkOutput(o, config, path, madeDirs);
      if (finished) return { finished };
    } catch (err) {
      removeEmptyDirs(madeDirs);
      throw err;
    }
  }
  return { ref, land, config, chunk, chunks: Math.ceil(config.trials / chunk), path, madeDirs, executor: o.executor ?? executorFor(o.workers) };
}

/**
 * The output directory, checked before any work (recording in `madeDirs` the directories it
 * creates); the summary of a finished run there when asked to resume it, else null.
 */
function checkOutput(o: SimulateOptions, config: SimConfig, path: (f: keyof typeof FILES) => string, madeDirs: string[]): SimulationResult | null {
  // Every file the run writes, now: one that is a directory must not fail after hours of work.
  for (const f of Object.keys(FILES) as (keyof typeof FILES)[]) madeDirs.push(...checkWritable(path(f), `${opt('out')} file`));
  // Before l(θ₀)'s pass over the data, which may take seconds.
  checkResumable(WHERE, path('checkpoint'), !!o.resume);
  const finished = !existsSync(path('checkpoint')) && existsSync(path('summary'));
  if (finished && !o.resume && !o.force) {
    throw new InputError(`${WHERE}: ${o.out} holds a finished run; give ${opt('force')} to replace it, ${opt('resume')} to return it, or another ${opt('out')}`);
  }
  if (o.resume && !existsSync(path('checkpoint')) && !finished) o.onNotice?.(`${o.out} holds no checkpoint: starting afresh`);
  checkRoomFor(config, o.out!);
  if (!(o.resume && finished)) return null;
  // Already finished: the summary is the result, if it is this run's.
  const done = JSON.parse(readFileSync(path('summary'), 'utf8')) as SimulationResult;
  const want = resultOf(config, done.testLoss.theta0Loss ?? undefined, { summary: [], differences: [] });
  if (JSON.stringify([done.landscape, done.settings, done.testLoss.method]) !== JSON.stringify([want.landscape, want.settings, want.testLoss.method])) {
    throw new InputError(`${WHERE}: ${o.out} holds a finished run with different settings; remove it, or drop ${opt('resume')}`);
  }
  return done;
}

/**
 * l(θ₀) exactly: the closed form; or, where l is the weighted mean over the atoms, every
 * l_a(θ₀) (in fixed chunks on the executor) and their weighted sum in atom order — so neither
 * depends on where the chunks ran.
 */
async function theta0Pass(p: Plan, o: SimulateOptions): Promise<{ loss?: number; atomLosses?: Float64Array; report?: Theta0PassReport }> {
  const { land, config: c } = p;
  if (c.test.theta0 === 'run') return { loss: land.populationLoss!(land.init(c.initSeed)) };
  if (c.test.theta0 !== 'atoms') return {};
  const atoms = land.atoms!();
  const count = atoms.count;
  const theta0 = land.init(c.initSeed);
  o.onProgress?.(0, count, 'theta0');
  // Remembered per landscape object and θ₀ (in flight too): another run at the same θ₀ — the
  // next panel of a reproduce, or a population loss after it — gets the very same numbers
  // without the pass; and this run those of a population loss computed before it. Made here,
  // they come from the θ₀ cache on disk where it holds them.
  const mine: { pass?: CachedPass } = {};
  const pass = rememberedAt<AtomLossPass>(land, ATOM_LOSSES, theta0, () => {
    const box: CachedPass = {
      ready: cachedPass(p, o, atoms, theta0).then(({ losses, report }) => {
        box.report = report;
        return losses;
      }),
    };
    box.ready.then((losses) => (box.losses = losses), () => forgetAt(land, ATOM_LOSSES, theta0));
    return (mine.pass = box);
  });
  const atomLosses = await pass.ready;
  o.onProgress?.(count, count, 'theta0');
  const report = mine.pass?.report
    ?? { source: 'memory' as const, cacheFile: null, cache: 'not consulted: this process had l(θ₀) of each atom from an earlier pass at the same θ₀' };
  return { loss: weightedAtomSum(atoms, atomLosses), atomLosses, report };
}

/** A pass made by this run: the losses and, once they are there, where they came from. */
interface CachedPass extends AtomLossPass {
  report?: Theta0PassReport;
}

/** The θ₀ cache directories a run could not write to, each named once per process. */
const unwritable = new Set<string>();

/**
 * l_a(θ₀) of every atom: read from the θ₀ cache where it holds this very pass, else computed
 * on the executor and stored there. A cache that cannot be written does not fail the run: the
 * numbers are kept in memory, and `onNotice` hears of it once per directory and process.
 */
async function cachedPass(p: Plan, o: SimulateOptions, atoms: Atoms, theta0: Float64Array): Promise<{ losses: Float64Array; report: Theta0PassReport }> {
  const computed = async (cache: string) => ({ losses: await atomsPass(p, o, atoms.count), report: { source: 'computed' as const, cacheFile: null, cache } });
  if (o.theta0Cache === false) return computed('computed; the θ₀ cache is off');
  const entry = theta0CacheEntry(p.ref, p.land, atoms, theta0);
  if ('unkeyed' in entry) return computed(`computed; not cached: ${entry.unkeyed}`);
  const read = await readTheta0Cache(entry, atoms.count);
  if (read.ok) return { losses: read.losses, report: { source: 'cache', cacheFile: entry.file, cache: `read from ${entry.file}` } };
  if (read.why === 'corrupt') o.onNotice?.(`the θ₀ cache entry ${entry.file} ${read.reason}: computing l(θ₀) of each atom again, and rewriting it`);
  const { losses } = await computed('');
  try {
    writeTheta0Cache(entry, losses);
  } catch (err) {
    const why = `the θ₀ cache ${entry.dir} cannot be written (${(err as Error).message})`;
    if (!unwritable.has(entry.dir)) {
      unwritable.add(entry.dir);
      o.onNotice?.(`${why}: l(θ₀) of each atom is kept in memory only, and computed again by the next run`);
    }
    return { losses, report: { source: 'computed', cacheFile: null, cache: `computed; not stored: ${why}` } };
  }
  const before = read.why === 'missing' ? 'none was there' : `the one there ${read.reason}`;
  return { losses, report: { source: 'computed', cacheFile: entry.file, cache: `computed; stored in ${entry.file} (${before})` } };
}

async function atomsPass(p: Plan, o: SimulateOptions, count: number): Promise<Float64Array> {
  const atomLosses = new Float64Array(count);
  const parts = Math.ceil(count / LOSS_CHUNK);
  for await (const [i, part] of p.executor.run<Theta0Context, { start: number; end: number }, Float64Array>({
    handler: handlerUrl('./theta0-worker.ts', import.meta.url),
    context: { landscape: p.ref, initSeed: p.config.initSeed },
    modules: landscapeModules(p.ref),
    count: parts,
    tasks: indexed(parts, (k) => ({ start: k * LOSS_CHUNK, end: Math.min(count, (k + 1) * LOSS_CHUNK) })),
  })) {
    atomLosses.set(part, i * LOSS_CHUNK);
    if (i + 1 < parts) o.onProgress?.(Math.min(count, (i + 1) * LOSS_CHUNK), count, 'theta0');
  }
  return atomLosses;
}

/** The append-only log of trial lines: opened fresh, or truncated back to a checkpoint on resume. */
function trialsLog(path: ((f: keyof typeof FILES) => string) | null, out: string | undefined) {
  let fd: number | null = null;
  return {
    start(resumed: SimState | null) {
      if (!path) return;
      if (!resumed) {
        fd = openSync(path('partial'), 'w');
        return;
      }
      if (!existsSync(path('partial')) && existsSync(path('trials')) && statSync(path('trials')).size === resumed.bytes) {
        // Stopped after the log was renamed but before the checkpoint was removed: take the log back.
        renameSync(path('trials'), path('partial'));
      }
      if (!existsSync(path('partial'))) throw new InputError(`${WHERE}: ${out} has a checkpoint but no ${FILES.partial}; remove the directory and start again`);
      if (statSync(path('partial')).size < resumed.bytes) throw new InputError(`${WHERE}: ${path('partial')} is shorter than its checkpoint says; remove the directory and start again`);
      truncateSync(path('partial'), resumed.bytes);
      fd = openSync(path('partial'), 'a');
    },
    append(text: string): number {
      if (fd === null) return 0;
      const buf = Buffer.from(text, 'utf8');
      writeSync(fd, buf);
      return buf.length;
    },
    sync() {
      if (fd !== null) fsyncSync(fd);
    },
    close() {
      if (fd !== null) closeSync(fd);
      fd = null;
    },
    finish() {
      if (fd === null) return;
      fsyncSync(fd);
      closeSync(fd);
      fd = null;
      renameSync(path!('partial'), path!('trials'));
    },
  };
}

/**
 * Refuse a run whose trials.jsonl would not fit on the disk: one line per trial and cell, each
 * at least ~25 bytes per metric (a shortest number, a name, punctuation) — a lower bound, so
 * what is refused certainly would not fit.
 */
function checkRoomFor(c: SimConfig, out: string): void {
  const perTrial = c.cells.reduce((s, cell) => s + 40 + 25 * cell.metrics.length, 0);
  const need = c.trials * perTrial;
  const fs = statfsSync(out);
  const free = fs.bavail * fs.bsize;
  if (need > free) {
    throw optionError(WHERE, 'trials', `${c.trials} would write at least ${need.toExponential(1)} bytes of ${FILES.trials}, and ${out} has ${free.toExponential(1)} bytes free`);
  }
}

/** Remove what a fresh run wrote into `out` (and `out` itself when this run made it and it is empty). */
function discard(p: Plan): void {
  for (const f of ['partial', 'checkpoint'] as const) if (existsSync(p.path!(f))) unlinkSync(p.path!(f));
  removeEmptyDirs(p.madeDirs);
}

export async function simulate(o: SimulateOptions): Promise<SimulationResult> {
  const p = await plan(o);
  if ('finished' in p) return p.finished;
  const c = p.config;
  const pass = await theta0Pass(p, o);
  const l0 = pass.loss;
  const slots = diffSlots(c);
  const log = trialsLog(p.path, o.out);
  let started = false, resumed = false;
  const context: SimContext = {
    landscape: p.ref, config: c, ...(l0 !== undefined ? { theta0Loss: l0 } : {}), ...(pass.atomLosses ? { atomLosses: pass.atomLosses } : {}),
  };
  let state: SimState;
  try {
    ({ state } = await checkpointed<SimState, Float64Array>({
      where: WHERE,
      path: p.path ? p.path('checkpoint') : null,
      identity: JSON.stringify([c, p.chunk]),
      resume: !!o.resume,
      initial: () => ({ theta0Loss: l0 ?? null, bytes: 0, aggregate: emptyAggregate(c) }),
      restore: (s) => {
        // l(θ₀) is deterministic: recomputed, it must equal the checkpoint's.
        if (s.theta0Loss !== (l0 ?? null)) throw new InputError(`${WHERE}: l(θ₀) recomputed on resume differs from the checkpoint's (${l0} vs ${s.theta0Loss}); remove ${o.out} and start again`);
        log.start(s);
        started = resumed = true;
      },
      chunks: p.chunks,
      results: (from) => {
        if (!started) log.start(null);
        started = true;
        return p.executor.run<SimContext, TrialsTask, Float64Array>({
          handler: handlerUrl('./worker.ts', import.meta.url),
          context,
          modules: landscapeModules(p.ref),
          count: p.chunks - from,
          tasks: indexed(p.chunks - from, (k) => ({ start: (from + k) * p.chunk, end: Math.min(c.trials, (from + k + 1) * p.chunk) })),
        });
      },
      fold: (s, values, i) => {
        const start = i * p.chunk;
        const n = values.length / c.width;
        for (let k = 0; k < n; k++) addTrial(s.aggregate, slots, values, k * c.width);
        s.bytes += log.append(trialLines(c, start, values));
      },
      beforeSave: () => log.sync(),
      onProgress: (done) => o.onProgress?.(Math.min(c.trials, done * p.chunk), c.trials, 'trials'),
    }));
  } catch (err) {
    log.close();
    // Bad input (found by a trial) leaves nothing half-written; anything else (a crash, a kill)
    // leaves the checkpoint to resume from.
    if (err instanceof InputError && started && !resumed && p.path) discard(p);
    throw err;
  }
  const result = resultOf(c, l0, summarize(c, state.aggregate));
  if (p.path) {
    writeFileAtomic(p.path('summary'), JSON.stringify(result, null, 2) + '\n');
    writeFileAtomic(p.path('csv'), summaryCsv(result));
    log.finish();
    removeCheckpoint(p.path('checkpoint'));
  }
  // Where l(θ₀) came from is said to the caller, not written: the files do not depend on it.
  return pass.report ? { ...result, theta0Pass: pass.report } : result;
}
