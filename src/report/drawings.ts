/** @file Diagram drawings as files: one standalone SVG per diagram, written atomically, named after its key. */
import { join } from 'node:path';
import { diagramSvg, type Diagram } from '../diagrams/index.ts';
import { writeFileAtomic } from '../io/index.ts';

/** A file name for a diagram: `D2_01-02_0-12.svg` for `(01-02)(0-12)`. */
export function svgFileName(d: Diagram): string {
  const [, edges, parts] = /^\((.*)\)\((.*)\)$/.exec(d.key)!;
  return `D${d.order}_${edges}_${parts}.svg`;
}

/** Write one SVG per diagram into `dir` (created if missing); returns the paths written. */
export function writeDiagramDrawings(dir: string, list: readonly Diagram[]): string[] {
  return list.map((d) => {
    const path = join(dir, svgFileName(d));
    writeFileAtomic(path, diagramSvg(d));
    return path;
  });
}
