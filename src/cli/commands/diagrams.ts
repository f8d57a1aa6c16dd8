/** @file `perturb diagrams`: list the diagrams of one order (docs/theory.md §2), as a table, JSON or SVG files. */
import type { Command } from 'commander';
import { MAX_ORDER } from '../../core/index.ts';
import { listDiagrams, type DiagramKind } from '../../diagrams/index.ts';
import { diagramsJson, renderDiagrams, writeDiagramDrawings } from '../../report/index.ts';
import { nonNegativeInt, oneOf } from '../options.ts';
import { print } from '../output.ts';

interface DiagramsOptions {
  order: number;
  quantity: DiagramKind;
  irreducible?: boolean;
  json?: boolean;
  svg?: string;
}

export function registerDiagrams(program: Command): void {
  program
    .command('diagrams')
    .description('list every diagram with D edges (a rooted tree with a partition of its nodes): key, edges, parts, |Aut|, label')
    .requiredOption('--order <D>', `number of edges, 0…${MAX_ORDER}`, nonNegativeInt)
    .option('--quantity <q>', 'test: the root is alone in its part; train: the root may share a part', oneOf('test', 'train'), 'test')
    .option('--irreducible', 'only irreducible diagrams (no one-child node alone in its part)')
    .option('--json', 'print [{ key, edges: [[parent, child], …], parts: [[…], …], aut, label, irreducible }, …] with node 0 the root')
    .option('--svg <dir>', 'also write one standalone SVG drawing per diagram into DIR')
    .action(async (o: DiagramsOptions) => {
      const list = listDiagrams({ order: o.order, quantity: o.quantity, irreducible: o.irreducible });
      const written = o.svg === undefined ? [] : writeDiagramDrawings(o.svg, list);
      if (o.json) {
        print(JSON.stringify(diagramsJson(list)) + '\n');
        return;
      }
      print(renderDiagrams(list, o));
      if (written.length > 0) print(`wrote ${written.length} SVG file${written.length === 1 ? '' : 's'} into ${o.svg}\n`);
    });
}
