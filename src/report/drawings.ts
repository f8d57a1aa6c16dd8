/** @file Diagram drawings as files: one standalone SVG per diagram, written atomically, named after its key, saying which perturb drew it. */
import { join } from 'node:path';
import { provenance } from '../core/index.ts';
import { diagramSvg, type Diagram } from '../diagrams/index.ts';
import { writeFileAtomic } from '../io/index.ts';

/** A file name for a diagram: `D2_01-02_0-12.svg` for `(01-02)(0-12)`. */
export function svgFileName(d: Diagram): string {
  const [, edges, parts] = /^\((.*)\)\((.*)\)$/.exec(d.key)!;
  return `D${d.order}_${edges}_${parts}.svg`;
}

/** A drawing as a file: the SVG with a comment just inside its root element naming the perturb that drew it (inside, so the file still opens with <svg). */
function svgFile(d: Diagram): string {
  const svg = diagramSvg(d);
  const at = svg.indexOf('>') + 1; // the end of the <svg …> start tag
  const { version, commit } = provenance();
  return `${svg.slice(0, at)}\n<!-- drawn by perturb ${version}${commit ? ` (commit ${commit})` : ''} -->${svg.slice(at)}`;
}

/** Write one SVG per diagram into `dir` (created if missing); returns the paths written. */
export function writeDiagramDrawings(dir: string, list: readonly Diagram[]): string[] {
  return list.map((d) => {
    const path = join(dir, svgFileName(d));
    writeFileAtomic(path, svgFile(d));
    return path;
  });
}
