/** @file `perturb diagrams`: list the diagrams of one order (THEORY §2), as a table, JSON or SVG files. */
import type { Command } from 'commander';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../core/index.ts';
import { diagramSvg, diagrams, type Diagram } from '../../diagrams/index.ts';
import { nonNegativeInt, oneOf } from '../options.ts';

/** Highest order the listing accepts: order 7 already enumerates ~200k train-loss diagrams. */
export const MAX_LIST_ORDER = 7;

interface DiagramsOptions {
  order: number;
  quantity: 'test' | 'train';
  irreducible?: boolean;
  json?: boolean;
  svg?: string;
}

/** A file name for a diagram: `D2_01-02_0-12.svg` for `(01-02)(0-12)`. */
export function svgFileName(d: Diagram): string {
  const [, edges, parts] = /^\((.*)\)\((.*)\)$/.exec(d.key)!;
  return `D${d.order}_${edges}_${parts}.svg`;
}

/** Write via a temporary file and rename, so a reader never sees half a file. */
function writeAtomic(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

function pad(cells: string[][]): string {
  const widths = cells[0]!.map((_, j) => Math.max(...cells.map((row) => [...row[j]!].length)));
  return cells.map((row) => row.map((c, j) => c + ' '.repeat(widths[j]! - [...c].length)).join('  ').trimEnd()).join('\n') + '\n';
}

export function registerDiagrams(program: Command): void {
  program
    .command('diagrams')
    .description('list every diagram with D edges (a rooted tree with a partition of its nodes): key, edges, parts, |Aut|, label')
    .requiredOption('--order <D>', `number of edges, 0…${MAX_LIST_ORDER}`, nonNegativeInt)
    .option('--quantity <q>', 'test: the root is alone in its part; train: the root may share a part', oneOf('test', 'train'), 'test')
    .option('--irreducible', 'only irreducible diagrams (no one-child node alone in its part)')
    .option('--json', 'print [{ key, edges: [[parent, child], …], parts: [[…], …], aut, label, irreducible }, …] with node 0 the root')
    .option('--svg <dir>', 'also write one standalone SVG drawing per diagram into DIR')
    .action(async (opts: DiagramsOptions) => {
      if (opts.order > MAX_LIST_ORDER) {
        throw new InputError(`--order: ${opts.order} is beyond the supported ${MAX_LIST_ORDER} (the listing would take minutes)`);
      }
      const list = diagrams(opts.order, opts.quantity).filter((d) => !opts.irreducible || d.irreducible);
      const written: string[] = [];
      if (opts.svg !== undefined) {
        try {
          mkdirSync(opts.svg, { recursive: true });
          for (const d of list) {
            const path = join(opts.svg, svgFileName(d));
            writeAtomic(path, diagramSvg(d));
            written.push(path);
          }
        } catch (err) {
          throw new InputError(`--svg: cannot write into '${opts.svg}': ${(err as Error).message}`);
        }
      }
      if (opts.json) {
        const rows = list.map((d) => ({ key: d.key, edges: d.edges, parts: d.parts, aut: d.aut, label: d.label, irreducible: d.irreducible }));
        process.stdout.write(JSON.stringify(rows) + '\n');
        return;
      }
      const table = [['key', 'edges', 'parts', '|Aut|', 'irreducible', 'label']];
      for (const d of list) {
        table.push([d.key, String(d.order), String(d.parts.length), String(d.aut), d.irreducible ? 'yes' : 'no', d.label || '—']);
      }
      process.stdout.write(pad(table));
      process.stdout.write(`${list.length} ${opts.quantity}-loss diagram${list.length === 1 ? '' : 's'} with ${opts.order} edge${opts.order === 1 ? '' : 's'}${opts.irreducible ? ' (irreducible only)' : ''}\n`);
      if (written.length > 0) process.stdout.write(`wrote ${written.length} SVG file${written.length === 1 ? '' : 's'} into ${opts.svg}\n`);
    });
}
