/**
 * @file Child processes for the tests, asynchronously, so that independent ones (the cases of a
 * "bad input exits 2" test, say) run side by side on the machine's cores instead of one after
 * another under spawnSync. `spawnAsync` is spawnSync's result as a promise; at most PROCESSES of
 * them run at once in a test process, however many are asked for, so `Promise.all` over a list
 * of cases is the way to use it — with the assertions made afterwards, in the list's order, so
 * they read exactly as they did.
 */
import { spawn, type SpawnOptions } from 'node:child_process';
import { availableParallelism } from 'node:os';

export interface Spawned {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** How many child processes run at once: one per core (a perturb command is mostly one busy thread), at least 2. */
export const PROCESSES = Math.max(2, availableParallelism());

let running = 0;
const waiting: Array<() => void> = [];

async function slot(): Promise<() => void> {
  if (running >= PROCESSES) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  return () => {
    running--;
    waiting.shift()?.();
  };
}

/** `spawnSync(cmd, args, { encoding: 'utf8', ...options })` as a promise (stdin closed, or `input` written to it), run when a slot is free. */
export async function spawnAsync(cmd: string, args: readonly string[], options: SpawnOptions & { input?: string } = {}): Promise<Spawned> {
  const { input, ...rest } = options;
  const release = await slot();
  try {
    return await new Promise<Spawned>((resolve, reject) => {
      const child = spawn(cmd, args, { ...rest, stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '', stderr = '';
      child.stdout!.setEncoding('utf8').on('data', (s: string) => (stdout += s));
      child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
      child.on('error', reject);
      child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr }));
      child.stdin!.on('error', () => {}); // a child that exits without reading its input
      child.stdin!.end(input);
    });
  } finally {
    release();
  }
}
