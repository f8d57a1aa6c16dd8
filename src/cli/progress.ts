/**
 * @file Progress bars with ETA on stderr for long runs (cli-progress). On a terminal a bar
 * redraws in place; otherwise (logs, CI) it prints a line at most every 5 seconds. A run of
 * several phases (a pass over the data, then trials) gets one bar per phase.
 */
import cliProgress from 'cli-progress';

export interface Progress {
  update(done: number): void;
  stop(): void;
}

export function progressBar(label: string, total: number, opts: { quiet?: boolean; start?: number; unit?: string } = {}): Progress {
  if (opts.quiet) return { update() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: `${label} [{bar}] {percentage}% | {value}/{total}${opts.unit ? ` ${opts.unit}` : ''} | ETA {eta_formatted} | {duration_formatted}`,
      noTTYOutput: !process.stderr.isTTY,
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
 * phase changes; `labels` names each phase's bar (the phase itself where none is given).
 */
export function phasedProgress(labels: Record<string, string>, quiet = false): { onProgress: (done: number, total: number, phase: string) => void; stop: () => void } {
  let bar: Progress | null = null;
  let phase: string | null = null;
  return {
    onProgress(done, total, p) {
      if (quiet) return;
      if (p !== phase) {
        bar?.stop();
        phase = p;
        bar = progressBar(labels[p] ?? p, total, { start: done });
      }
      bar!.update(done);
    },
    stop() {
      bar?.stop();
      bar = null;
    },
  };
}
