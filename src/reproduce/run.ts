/**
 * @file `reproduce`: run the chosen panels of a preset, each cached in OUT/panels/<id>.json with
 * the settings it ran under, so that `resume` after a kill redoes only unfinished panels and a
 * second run with the same settings reuses them; then render every panel (SVG, Vega-Lite JSON,
 * CSV, JSON) and the self-contained report OUT/index.html with OUT/summary.json.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, opt, provenance } from '../core/index.ts';
import { checkWritable, removeEmptyDirs, writeFileAtomic } from '../io/index.ts';
import { renderPanelSvg, writePanelFiles, writeReport, type PanelResult } from '../report/index.ts';
import { IMAGE_PANEL_IDS, IMAGE_PANELS, type ImagePanelId, type ImagePanelRunOptions } from './images.ts';
import { PANEL_IDS, PANELS, type PanelId } from './panels.ts';
import { PRESETS, type Preset } from './presets.ts';
import type { Executor } from '../parallel/index.ts';

export interface ReproduceOptions {
  /** Panels to run (default: all of the preset's). */
  panels?: readonly string[];
  preset?: Preset;
  out: string;
  workers?: number;
  /** Where the panels' trials and statistics draws run instead of `workers` threads (e.g. `redisQueue`). */
  executor?: Executor;
  /** Reuse finished panels' results in `out` (they are reused anyway when their settings match). */
  resume?: boolean;
  /** CIFAR-10's directory (else PERTURB_CIFAR10); without it the CIFAR-10 panels are notes. */
  cifar10?: string;
  /** Fashion-MNIST's cache directory. */
  cacheDir?: string;
  /** Panels done of the total (phase 'panels'), and trials within the current one (phase 'panel k/n <id>: <stage>'). */
  onProgress?: (done: number, total: number, phase: string) => void;
  onNotice?: (message: string) => void;
}

export interface ReproduceResult {
  readonly out: string;
  readonly preset: Preset;
  readonly panels: readonly PanelResult[];
  /** Panels taken from the cache in `out`. */
  readonly reused: readonly string[];
  readonly seconds: number;
}

const WHERE = 'reproduce';

/** Every panel: the artificial landscapes' (panels.ts), then the image landscapes' (images.ts). */
export const ALL_PANEL_IDS: readonly string[] = Object.freeze([...PANEL_IDS, ...IMAGE_PANEL_IDS]);

export async function reproduce(o: ReproduceOptions): Promise<ReproduceResult> {
  const started = performance.now();
  const preset = o.preset ?? 'demo';
  if (!PRESETS.includes(preset)) throw new InputError(`${WHERE}: ${opt('preset')} must be one of ${PRESETS.join(', ')}, got '${String(preset)}'`);
  const valid: readonly string[] = ALL_PANEL_IDS;
  // demo: the artificial landscapes only (minutes are for quick and paper)
  const chosen = o.panels && o.panels.length > 0 ? [...o.panels] : preset === 'demo' ? [...PANEL_IDS] : [...valid];
  const unknown = chosen.filter((p) => !valid.includes(p));
  if (unknown.length > 0) throw new InputError(`${WHERE}: unknown panel${unknown.length > 1 ? 's' : ''} ${unknown.map((p) => `'${p}'`).join(', ')}; the panels are ${valid.join(', ')}`);
  const made = [...checkWritable(join(o.out, 'index.html'), `${opt('out')} file`), ...checkWritable(join(o.out, 'panels', 'cache.json'), `${opt('out')} file`)];
  try {
    const panels: PanelResult[] = [];
    const reused: string[] = [];
    for (const [i, id] of chosen.entries()) {
      o.onProgress?.(i, chosen.length, 'panels');
      const def = id in PANELS ? PANELS[id as PanelId] : IMAGE_PANELS[id as ImagePanelId];
      // what a cached result depends on: the panel, the preset, this perturb, and whether CIFAR-10 was there
      const identity = JSON.stringify({ id, preset, perturb: provenance().version, cifar10: o.cifar10 ?? process.env['PERTURB_CIFAR10'] ?? null });
      const cache = join(o.out, 'panels', `${id}.json`);
      let result: PanelResult | null = null;
      if (existsSync(cache)) {
        try {
          const c = JSON.parse(readFileSync(cache, 'utf8')) as { identity: string; result: PanelResult };
          if (c.identity === identity) result = c.result;
        } catch {
          o.onNotice?.(`${cache} is unreadable: running ${id} again`);
        }
      }
      if (result) reused.push(id);
      else {
        const runOptions: ImagePanelRunOptions = {
          workers: o.workers, executor: o.executor, cifar10: o.cifar10, cacheDir: o.cacheDir,
          onProgress: (p) => o.onProgress?.(p.done, p.total, `panel ${i + 1}/${chosen.length} ${id}: ${p.stage}`),
        };
        result = await def.run(preset, runOptions);
        writeFileAtomic(cache, JSON.stringify({ identity, result }) + '\n');
      }
      panels.push(result);
    }
    o.onProgress?.(chosen.length, chosen.length, 'panels');
    const svgs = new Map<string, string>();
    for (const p of panels) {
      svgs.set(p.id, await renderPanelSvg(p));
      writePanelFiles(o.out, p);
    }
    const seconds = (performance.now() - started) / 1000;
    writeReport(o.out, panels, { title: 'perturb reproduce', preset, provenance: provenance(), svgs, diagramSvgs: new Map(), started: new Date(Date.now() - seconds * 1000).toISOString(), seconds });
    return { out: o.out, preset, panels, reused, seconds };
  } catch (err) {
    if (err instanceof InputError) removeEmptyDirs(made);
    throw err;
  }
}
