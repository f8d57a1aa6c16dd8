/**
 * @file `npm run bench -- reproduce`: the wall time of `perturb reproduce --preset demo` (every
 * panel of the demo, all cores) beside the issue's limit of 2 minutes on this 2-core machine —
 * timing belongs here, not in npm test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reproduce } from '../src/reproduce/index.ts';

export async function run(): Promise<void> {
  const out = mkdtempSync(join(tmpdir(), 'perturb-bench-reproduce-'));
  try {
    const t0 = performance.now();
    let last = t0;
    const r = await reproduce({ preset: 'demo', out, onProgress: (done, total, phase) => {
      if (phase !== 'panels') return;
      const now = performance.now();
      if (done > 0) console.log(`  panel ${done}/${total} done (${((now - last) / 1000).toFixed(1)} s)`);
      last = now;
    } });
    const s = (performance.now() - t0) / 1000;
    console.log(`reproduce --preset demo: ${r.panels.map((p) => `${p.id} ${p.verdict}`).join(', ')}`);
    console.log(`  total ${s.toFixed(1)} s — limit 120 s ${s < 120 ? 'ok' : 'TOO SLOW'}`);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
