/**
 * @file A diagram as a standalone SVG string, drawn as the paper draws them: the root rightmost,
 * each node one step left of its parent, nodes colored by part and each part wrapped in a soft
 * outline (a rounded hull: the hull polygon filled and stroked thick with round joins, at one
 * opacity so the overlap does not darken). No browser.
 */
import type { Diagram } from './diagram.ts';

const PALETTE = ['#d62728', '#2ca02c', '#1f77b4', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#bcbd22', '#7f7f7f'];
const DX = 56;
const DY = 40;
const R = 8;
const PAD = 26;

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Convex hull (Andrew's monotone chain) of a few points, counter-clockwise. */
function hull(points: Array<[number, number]>): Array<[number, number]> {
  const pts = [...new Map(points.map((p) => [`${p[0]},${p[1]}`, p])).values()].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  if (pts.length <= 2) return pts;
  const cross = (o: [number, number], a: [number, number], b: [number, number]) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const half = (list: Array<[number, number]>) => {
    const h: Array<[number, number]> = [];
    for (const p of list) {
      while (h.length >= 2 && cross(h[h.length - 2]!, h[h.length - 1]!, p) <= 0) h.pop();
      h.push(p);
    }
    h.pop();
    return h;
  };
  return [...half(pts), ...half([...pts].reverse())];
}

/** Node positions: x by depth (root at the right), y by the order of leaves, parents centered on children. */
export function layout(d: Diagram): Array<[number, number]> {
  const n = d.parent.length;
  const children: number[][] = d.parent.map(() => []);
  for (let v = 1; v < n; v++) children[d.parent[v]!]!.push(v);
  const depth = new Array<number>(n).fill(0);
  for (let v = 1; v < n; v++) depth[v] = depth[d.parent[v]!]! + 1; // parents precede children
  const maxDepth = Math.max(...depth);
  const y = new Array<number>(n).fill(0);
  let nextLeaf = 0;
  const place = (v: number): number => {
    const ch = children[v]!;
    y[v] = ch.length === 0 ? nextLeaf++ : ch.map(place).reduce((a, b) => a + b, 0) / ch.length;
    return y[v]!;
  };
  place(0);
  return y.map((yy, v) => [PAD + (maxDepth - depth[v]!) * DX, PAD + yy * DY]);
}

export function diagramSvg(d: Diagram): string {
  const pos = layout(d);
  const width = Math.max(...pos.map((p) => p[0])) + PAD;
  const height = Math.max(...pos.map((p) => p[1])) + PAD;
  const fmt = (x: number) => String(Math.round(x * 10) / 10);
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${fmt(width)}" height="${fmt(height)}" viewBox="0 0 ${fmt(width)} ${fmt(height)}">`);
  out.push(`<title>${esc(d.key)}${d.label ? ` ${esc(d.label)}` : ''}</title>`);
  d.parts.forEach((nodes, k) => {
    const color = PALETTE[k % PALETTE.length]!;
    const h = hull(nodes.map((v) => pos[v]!));
    if (h.length === 1) {
      out.push(`<circle class="part" data-part="${k}" cx="${fmt(h[0]![0])}" cy="${fmt(h[0]![1])}" r="${R + 9}" fill="${color}" opacity="0.3"/>`);
      return;
    }
    const path = `M${h.map((p) => `${fmt(p[0])},${fmt(p[1])}`).join('L')}Z`;
    out.push(
      `<path class="part" data-part="${k}" d="${path}" fill="${color}" stroke="${color}" opacity="0.3" stroke-width="${2 * R + 18}" stroke-linejoin="round" stroke-linecap="round"/>`,
    );
  });
  for (const [p, c] of d.edges) {
    out.push(`<line class="edge" x1="${fmt(pos[c]![0])}" y1="${fmt(pos[c]![1])}" x2="${fmt(pos[p]![0])}" y2="${fmt(pos[p]![1])}" stroke="#333" stroke-width="1.5"/>`);
  }
  pos.forEach(([x, y], v) => {
    const color = PALETTE[d.part[v]! % PALETTE.length]!;
    const ring = v === 0 ? ' stroke="#000" stroke-width="2"' : ' stroke="#fff" stroke-width="1"';
    out.push(`<circle class="node" data-node="${v}" data-part="${d.part[v]}" cx="${fmt(x)}" cy="${fmt(y)}" r="${R}" fill="${color}"${ring}/>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
