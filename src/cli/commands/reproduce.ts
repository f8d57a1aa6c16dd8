/**
 * @file `perturb reproduce [PANEL …]`: the paper's experiments as panels — statistics,
 * predictions and paired simulations — into one self-contained HTML report with the SVG, Vega-Lite
 * JSON, CSV and JSON behind every plot, and summary.json (src/reproduce). Finished panels are
 * cached in --out, so a rerun (or --resume after Ctrl-C) redoes only what is missing.
 */
import type { Command } from 'commander';
import { formatNumber, textTable } from '../../core/index.ts';
import { resolveCifar10Dir } from '../../data/index.ts';
import { inRangeSummary, panelValues } from '../../report/index.ts';
import { ALL_PANEL_IDS, PRESETS, reproduce, type Preset, type ReproduceResult } from '../../reproduce/index.ts';
import { executorFromFlags, queueFlags, type QueueFlags } from '../executor.ts';
import { nonNegativeInt, oneOf } from '../options.ts';
import { phasedProgress, resumeOnInterrupt } from '../progress.ts';
import { print, warn } from '../output.ts';

interface ReproduceCli extends QueueFlags {
  preset: Preset;
  out: string;
  cifar10?: string;
  cacheDir?: string;
  workers?: number;
  resume?: boolean;
  values?: boolean;
  json?: boolean;
  quiet?: boolean;
}

export function registerReproduce(program: Command): void {
  const cmd = program
    .command('reproduce')
    .argument('[panels...]', `panels to run (default: the preset's — demo: the artificial landscapes; quick, paper: all): ${ALL_PANEL_IDS.join(', ')}`)
    .description('reproduce the paper’s experiments: predictions beside paired simulations, one HTML report with plots, tables, diagrams and a verdict per claim')
    .option('--preset <name>', `${PRESETS.join(', ')}: demo (artificial landscapes, about a minute), quick, paper (the paper’s trial counts)`, oneOf(...PRESETS), 'demo')
    .option('--out <dir>', 'report directory: index.html, summary.json, and per panel .svg, .vl.json, .csv, .json', 'perturb-report')
    .option('--cifar10 <dir>', 'CIFAR-10 binary batches (or set PERTURB_CIFAR10); without them the CIFAR-10 panels are notes')
    .option('--cache-dir <dir>', 'cache directory for Fashion-MNIST (default: PERTURB_CACHE or ~/.cache/perturb)')
    .option('--workers <w>', 'worker threads (default: all cores; 0 runs in this thread)', nonNegativeInt)
    .option('--resume', 'reuse the finished panels in --out (a rerun with the same settings does so anyway)')
    .option('--values', 'also print every panel’s values with standard errors, side by side (as the report’s values tables)')
    .option('--quiet', 'no progress bar')
    .option('--json', 'print summary.json’s per-panel verdicts as JSON')
    .action(async (panels: string[], o: ReproduceCli) => {
      if (o.cifar10 !== undefined) await resolveCifar10Dir(o.cifar10); // a wrong directory fails now, not after an hour
      const executor = await executorFromFlags(o, 'reproduce');
      const bar = phasedProgress({ panels: 'reproduce (panels)' }, o.quiet);
      const release = resumeOnInterrupt(o.out, bar.stop);
      let r: ReproduceResult;
      try {
        r = await reproduce({
          panels, preset: o.preset, out: o.out, workers: o.workers, executor, resume: o.resume, cifar10: o.cifar10, cacheDir: o.cacheDir,
          onProgress: (done, total, phase) => bar.onProgress(done, total, phase),
          onNotice: (m) => warn(`perturb: ${m}\n`),
        });
      } finally {
        bar.stop();
        release();
      }
      const summary = r.panels.map(inRangeSummary);
      if (o.json) {
        print(JSON.stringify({ out: r.out, preset: r.preset, seconds: r.seconds, reused: r.reused, panels: r.panels.map((p, i) => ({ id: p.id, verdict: p.verdict, ...summary[i]! })) }, null, 2) + '\n');
        return;
      }
      print(textTable([
        ['panel', 'verdict', 'points in range', 'worst |z|', ''],
        ...r.panels.map((p, i) => {
          const s = summary[i]!;
          return [p.id, p.verdict, `${s.inRange} / ${s.total}`, s.worstZ === null ? '—' : s.worstZ.toFixed(2), r.reused.includes(p.id) ? '(reused)' : ''];
        }),
      ]));
      if (o.values) {
        for (const p of r.panels) {
          const v = panelValues(p);
          if (v.rows.length === 0) continue;
          print(`\n${p.id}: ${p.y.label}\n`);
          print(textTable([[...(v.facets ? ['facet'] : []), p.x.label, ...v.names], ...v.rows.map((row) => [...(v.facets ? [row.facet ?? ''] : []), formatNumber(row.x), ...row.cells])], { indent: '  ' }));
        }
        print('\n');
      }
      print(`preset ${r.preset}, ${formatNumber(r.seconds)} s; report: ${r.out}/index.html\n`);
    });
  queueFlags(cmd);
}
