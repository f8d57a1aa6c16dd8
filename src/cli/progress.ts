/**
 * @file A progress bar with ETA on stderr for long runs (cli-progress). On a terminal it
 * redraws in place; otherwise (logs, CI) it prints a line at most every 5 seconds.
 */
import cliProgress from 'cli-progress';

export interface Progress {
  update(done: number): void;
  stop(): void;
}

export function progressBar(label: string, total: number, opts: { quiet?: boolean; start?: number } = {}): Progress {
  if (opts.quiet) return { update() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: `${label} [{bar}] {percentage}% | {value}/{total} | ETA {eta_formatted} | {duration_formatted}`,
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
