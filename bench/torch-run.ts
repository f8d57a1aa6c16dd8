/**
 * @file Run the PyTorch float64 benchmark (bench/torch_engine.py) from Node. Needs Debian's
 * /usr/bin/python3 with python3-torch; callers check `torchAvailable()` first and skip otherwise.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const PYTHON = '/usr/bin/python3';
export const TORCH_SCRIPT = fileURLToPath(new URL('./torch_engine.py', import.meta.url));

export interface TorchBenchRow {
  name: string;
  /** Seconds per call (median over timed repetitions, one thread, float64). */
  seconds: number;
}

export interface TorchBench {
  torch: string;
  rows: TorchBenchRow[];
}

/** True when `/usr/bin/python3 -c 'import torch'` succeeds. */
export async function torchAvailable(): Promise<boolean> {
  try {
    await run(PYTHON, ['-c', 'import torch'], { timeout: 60_000 });
    return true;
  } catch {
    return false;
  }
}

/**
 * `/usr/bin/python3 bench/torch_engine.py bench ...args` (e.g. ['--shape', 'fmnist', '--reps', '9']);
 * returns the JSON it prints on stdout. Its per-row progress goes to stderr and is dropped.
 */
export async function runTorchBench(args: string[]): Promise<TorchBench> {
  const { stdout } = await run(PYTHON, [TORCH_SCRIPT, 'bench', ...args], {
    timeout: 10 * 60_000,
    maxBuffer: 1 << 20,
  });
  const line = stdout.trim().split('\n').pop() ?? '';
  let out: unknown;
  try {
    out = JSON.parse(line);
  } catch {
    throw new Error(`torch_engine.py bench printed no JSON: ${stdout.slice(0, 500)}`);
  }
  const o = out as Partial<TorchBench>;
  if (typeof o.torch !== 'string' || !Array.isArray(o.rows)) {
    throw new Error(`torch_engine.py bench: unexpected output ${line.slice(0, 500)}`);
  }
  return { torch: o.torch, rows: o.rows.map((r) => ({ name: String(r.name), seconds: Number(r.seconds) })) };
}
