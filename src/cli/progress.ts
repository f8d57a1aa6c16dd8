/**
 * @file Progress bars with ETA on stderr for long runs (cli-progress). On a terminal a bar
 * redraws in place; otherwise (logs, CI) it prints a line at most every 5 seconds. A run of
 * several phases (a pass over the data, then trials) gets one bar per phase.
 */
import cliProgress from 'cli-progress';
import { warn } from './output.ts';

export interface Progress {
  update(done: number): void;
  stop(): void;
}

/**
 * Seconds as the bar shows them; before the rate is known cli-progress passes 'INF' or 'NULL'
 * (which its own formatter cut to "NF"): shown as "–".
 */
export function formatSeconds(t: unknown): string {
  if (typeof t !== 'number' || !Number.isFinite(t)) return '–';
  const s = Math.round(t);
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}

export function progressBar(label: string, total: number, opts: { quiet?: boolean; start?: number; unit?: string } = {}): Progress {
  if (opts.quiet) return { update() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: `${label} [{bar}] {percentage}% | {value}/{total}${opts.unit ? ` ${opts.unit}` : ''} | ETA {eta_formatted} | {duration_formatted}`,
      noTTYOutput: !process.stderr.isTTY,
      formatTime: formatSeconds,
      notTTYSchedule: 5000,
      hideCursor: false,
      etaBuffer: 20,
    },
    cliProgress.Presets.legacy,
  );
  bar.start(total, opts.start ?? 0);
  return {
    update: (done) => bar.update(done),
    stop: () => bar.stop(),
  };
}

/**
 * A callback `(done, total, phase)` for library progress that starts a new bar whenever the
 * phase changes; `labels` names each phase's bar (the phase itself where none is given). A bar
 * appears only once its phase has lasted a second, so quick runs print nothing.
 */
export function phasedProgress(labels: Record<string, string>, quiet = false, delayMs = 1000): { onProgress: (done: number, total: number, phase: string) => void; stop: () => void } {
  let bar: Progress | null = null;
  let phase: string | null = null;
  let since = 0;
  return {
    onProgress(done, total, p) {
      if (quiet) return;
      if (p !== phase) {
        bar?.stop();
        bar = null;
        phase = p;
        since = performance.now();
      }
      if (!bar && performance.now() - since >= delayMs) bar = progressBar(labels[p] ?? p, total, { start: done });
      bar?.update(done);
    },
    stop() {
      bar?.stop();
      bar = null;
    },
  };
}

/**
 * While a resumable run goes, Ctrl-C ends it with how to go on: the checkpoint keeps every
 * finished chunk (the work since the last save is redone, never counted twice). Returns a
 * function that removes the handler.
 */
export function resumeOnInterrupt(out: string | undefined, stop: () => void): () => void {
  if (!out) return () => {};
  const args = process.argv.slice(2).map((a) => (/^[\w./:=,@%+-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`));
  if (!args.includes('--resume')) args.push('--resume');
  const handler = () => {
    stop();
    warn(`\nperturb: interrupted; finished work is checkpointed in ${out}. Continue with:\n  perturb ${args.join(' ')}\n`);
    process.exit(130);
  };
  process.once('SIGINT', handler);
  return () => process.off('SIGINT', handler);
}
