/**
 * @file A diagram as a standalone SVG string, drawn as the paper draws them: the root rightmost,
 * each node one step left of its parent, nodes colored by part and each part wrapped in a soft
 * band (a rounded hull: the hull polygon filled and stroked thick with round joins, at one
 * opacity so the overlap does not darken). A band never touches a node of another part: where
 * the hull would, the part's nodes are joined by routes around the other nodes instead. No browser.
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

type Point = [number, number];

/** Half-width of a part's band (its hull's stroke, its routes, the disc of a one-node part). */
const BAND = R + 9;
/** How far a band's centre line keeps from a node of another part: the band never touches its disc. */
const CLEAR = BAND + R;
/** Margin between the outermost band and the drawing's edge. */
const MARGIN = PAD - BAND;
/** Extra length a bend costs when choosing a route, so that of two clear routes the straighter wins. */
const BEND = 8;

/** Node positions: x by depth (root at the right), y by the order of leaves, parents centered on children. */
function treeLayout(d: Diagram): Point[] {
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

const distanceToSegment = (p: Point, a: Point, b: Point): number => {
  const dx = b[0] - a[0], dy = b[1] - a[1];
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2));
  return Math.hypot(p[0] - a[0] - t * dx, p[1] - a[1] - t * dy);
};

/** Is p strictly inside the convex counter-clockwise polygon h (≥ 3 vertices)? */
const insideConvex = (p: Point, h: readonly Point[]): boolean =>
  h.every((a, i) => {
    const b = h[(i + 1) % h.length]!;
    return (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]) > 0;
  });

/** The smallest distance from a polyline (or a polygon, `closed`, with its inside) to any of `others`. */
function clearance(path: readonly Point[], others: readonly Point[], closed = false): number {
  let best = Infinity;
  for (const p of others) {
    if (closed && path.length >= 3 && insideConvex(p, path)) return 0;
    if (path.length === 1) best = Math.min(best, Math.hypot(p[0] - path[0]![0], p[1] - path[0]![1]));
    const last = closed ? path.length : path.length - 1;
    for (let i = 0; i < last; i++) best = Math.min(best, distanceToSegment(p, path[i]!, path[(i + 1) % path.length]!));
  }
  return best;
}

const pathLength = (path: readonly Point[]) => path.slice(1).reduce((s, p, i) => s + Math.hypot(p[0] - path[i]![0], p[1] - path[i]![1]), 0);

/** Drop repeated points and the middle of three collinear ones. */
function simplify(path: readonly Point[]): Point[] {
  const out: Point[] = [];
  for (const p of path) {
    if (out.length > 0 && out[out.length - 1]![0] === p[0] && out[out.length - 1]![1] === p[1]) continue;
    if (out.length >= 2) {
      const a = out[out.length - 2]!, b = out[out.length - 1]!;
      if ((b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]) === 0) out.pop();
    }
    out.push(p);
  }
  return out;
}

/**
 * The shortest clear route from a to b: straight if that keeps CLEAR from every node in `others`,
 * else out to a gutter (the node-free vertical lines halfway between columns), along a lane (a
 * horizontal line), and in through a gutter beside b. The lane one row above the topmost node
 * (or below the lowest) is always clear: a stub to the gutter keeps DX/2 ≥ CLEAR from the next
 * column and DY ≥ CLEAR from the nodes of its own; so there is always a route.
 */
function route(a: Point, b: Point, others: readonly Point[], top: number, bottom: number): Point[] {
  if (clearance([a, b], others) >= CLEAR) return [a, b];
  const lanes = new Set<number>([a[1], b[1], top - DY, bottom + DY]);
  for (let y = top - DY; y <= bottom + DY; y += DY / 2) lanes.add(y);
  let best: { path: Point[]; cost: number } | null = null;
  for (const ga of [a[0] - DX / 2, a[0] + DX / 2]) {
    for (const gb of [b[0] - DX / 2, b[0] + DX / 2]) {
      for (const y of lanes) {
        const path = simplify([a, [ga, a[1]], [ga, y], [gb, y], [gb, b[1]], b]);
        const cost = pathLength(path) + BEND * (path.length - 2);
        if ((best === null || cost < best.cost) && clearance(path, others) >= CLEAR) best = { path, cost };
      }
    }
  }
  return best!.path;
}

/** How one part is painted: a disc (one node), its hull (when clear of the other nodes), or routes. */
type PartShape = { kind: 'disc'; at: Point } | { kind: 'hull'; points: Point[] } | { kind: 'routes'; paths: Point[][] };

/**
 * A part's shape: the rounded hull when it keeps clear of every other part's node; otherwise a
 * spanning tree of the part's nodes (Prim's, by route length) whose links are routes that do.
 */
function partShape(nodes: readonly number[], pos: readonly Point[]): PartShape {
  if (nodes.length === 1) return { kind: 'disc', at: pos[nodes[0]!]! };
  const others = pos.filter((_, v) => !nodes.includes(v));
  const h = hull(nodes.map((v) => pos[v]!));
  if (clearance(h, others, true) >= CLEAR) return { kind: 'hull', points: h };
  const ys = pos.map((p) => p[1]);
  const top = Math.min(...ys), bottom = Math.max(...ys);
  const links = new Map<string, Point[]>();
  const link = (u: number, v: number) => {
    const k = `${Math.min(u, v)},${Math.max(u, v)}`;
    if (!links.has(k)) links.set(k, route(pos[u]!, pos[v]!, others, top, bottom));
    return links.get(k)!;
  };
  const joined = [nodes[0]!];
  const paths: Point[][] = [];
  while (joined.length < nodes.length) {
    let best: { v: number; path: Point[]; cost: number } | null = null;
    for (const u of joined) {
      for (const v of nodes) {
        if (joined.includes(v)) continue;
        const path = link(u, v);
        const cost = pathLength(path) + BEND * (path.length - 2);
        if (best === null || cost < best.cost) best = { v, path, cost };
      }
    }
    joined.push(best!.v);
    paths.push(best!.path);
  }
  return { kind: 'routes', paths };
}

/** Node positions and part shapes, shifted so that every band sits MARGIN inside the drawing. */
function drawing(d: Diagram): { pos: Point[]; shapes: PartShape[]; width: number; height: number } {
  const base = treeLayout(d);
  const shapes = d.parts.map((nodes) => partShape(nodes, base));
  const all: Point[] = [...base, ...shapes.flatMap((s) => (s.kind === 'routes' ? s.paths.flat() : []))];
  const dx = Math.max(0, MARGIN + BAND - Math.min(...all.map((p) => p[0])));
  const dy = Math.max(0, MARGIN + BAND - Math.min(...all.map((p) => p[1])));
  const move = (p: Point): Point => [p[0] + dx, p[1] + dy];
  const pos = base.map(move);
  const moved: PartShape[] = shapes.map((s) =>
    s.kind === 'disc' ? { kind: 'disc', at: move(s.at) } : s.kind === 'hull' ? { kind: 'hull', points: s.points.map(move) } : { kind: 'routes', paths: s.paths.map((p) => p.map(move)) });
  return {
    pos,
    shapes: moved,
    width: Math.max(...all.map((p) => p[0])) + dx + BAND + MARGIN,
    height: Math.max(...all.map((p) => p[1])) + dy + BAND + MARGIN,
  };
}

/** Node positions as drawn: x by depth (root at the right), y by the order of leaves, parents centered on children. */
export function layout(d: Diagram): Array<[number, number]> {
  return drawing(d).pos;
}

export function diagramSvg(d: Diagram): string {
  const { pos, shapes, width, height } = drawing(d);
  const fmt = (x: number) => String(Math.round(x * 10) / 10);
  const pts = (ps: readonly Point[]) => ps.map((p) => `${fmt(p[0])},${fmt(p[1])}`).join('L');
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${fmt(width)}" height="${fmt(height)}" viewBox="0 0 ${fmt(width)} ${fmt(height)}">`);
  out.push(`<title>${esc(d.key)}${d.label ? ` ${esc(d.label)}` : ''}</title>`);
  shapes.forEach((shape, k) => {
    const color = PALETTE[k % PALETTE.length]!;
    const band = `stroke="${color}" opacity="0.3" stroke-width="${2 * BAND}" stroke-linejoin="round" stroke-linecap="round"`;
    if (shape.kind === 'disc') {
      out.push(`<circle class="part" data-part="${k}" cx="${fmt(shape.at[0])}" cy="${fmt(shape.at[1])}" r="${BAND}" fill="${color}" opacity="0.3"/>`);
    } else if (shape.kind === 'hull') {
      out.push(`<path class="part" data-part="${k}" d="M${pts(shape.points)}Z" fill="${color}" ${band}/>`);
    } else {
      // One path for all the routes, so where they overlap the opacity does not add up.
      out.push(`<path class="part" data-part="${k}" d="${shape.paths.map((p) => `M${pts(p)}`).join('')}" fill="none" ${band}/>`);
    }
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
