/**
 * @file A handler for src/parallel's executors (tests only): the brute-force embedding walk
 * (`bruteTimeSum`) for a list of cases, exactly as a test would call it in its own thread — so a
 * test of thousands of independent cases can spread them over worker threads.
 */
import type { Schedule } from '../core/index.ts';
import type { TimePattern } from '../theory/index.ts';
import { bruteTimeSum } from './embedding-walk.ts';

export interface BruteCase {
  pattern: TimePattern;
  schedule: Schedule;
  a: number[];
}

export default function (task: { cases: BruteCase[] }): number[] {
  return task.cases.map((c) => bruteTimeSum(c.pattern, c.schedule, c.a));
}

/** `bruteTimeSum` of every case, in order, on `threads` worker threads in tasks of `perTask` cases. */
export async function bruteTimeSums(cases: readonly BruteCase[], { threads = 2, perTask = 64 } = {}): Promise<number[]> {
  const { indexed, workerThreads } = await import('../parallel/index.ts');
  const count = Math.ceil(cases.length / perTask);
  const out: number[] = [];
  for await (const [, part] of workerThreads(threads).run<Record<string, never>, { cases: BruteCase[] }, number[]>({
    handler: new URL('./brute-runs.ts', import.meta.url),
    context: {},
    count,
    tasks: indexed(count, (k) => ({ cases: cases.slice(k * perTask, (k + 1) * perTask) })),
  })) out.push(...part);
  return out;
}
