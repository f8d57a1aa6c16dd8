/** @file A panel's numbers as text: every series point with its standard error, then the checks and the verdict. */
import type { PanelResult } from '../report/index.ts';

const num = (x: number | undefined) => (x === undefined ? '' : Number.isFinite(x) ? x.toPrecision(4) : String(x));

export function formatPanel(r: PanelResult): string {
  const lines = [`${r.id}: ${r.title}`, `  ${r.x.label} → ${r.y.label}`];
  for (const s of r.series) {
    lines.push(`  ${s.facet ? `[${s.facet}] ` : ''}${s.name} (${s.kind})`);
    for (const p of s.points) lines.push(`    ${num(p.x).padStart(10)}  ${num(p.y).padStart(11)}${p.stderr !== undefined ? ` ± ${num(p.stderr)}` : ''}`);
  }
  lines.push('  checks (x, facet, measured ± se, predicted ± se, z, in range):');
  for (const c of r.checks) lines.push(`    ${num(c.x).padStart(10)}  ${(c.facet ?? '').padEnd(18)} ${num(c.measured)} ± ${num(c.measuredStderr)}  ${num(c.predicted)} ± ${num(c.predictedStderr)}  z = ${c.z.toFixed(2)}  ${c.inRange ? 'in range' : 'outside'}`);
  lines.push(`  verdict: ${r.verdict}`);
  return lines.join('\n');
}
