/** @file Claims about drawings: standalone well-formed SVG, one node circle per node colored by part, one outline per part, root rightmost. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diagram, diagrams, diagramSvg } from './index.ts';

/** Tags balance (self-closing or matched), the only structure this SVG uses besides attributes. */
function wellFormed(svg: string): boolean {
  const stack: string[] = [];
  for (const m of svg.matchAll(/<(\/?)([a-zA-Z]+)[^>]*?(\/?)>/g)) {
    if (m[3] === '/') continue;
    if (m[1] === '/') {
      if (stack.pop() !== m[2]) return false;
    } else stack.push(m[2]!);
  }
  return stack.length === 0;
}

test('every diagram with ≤ 4 edges draws as standalone SVG: nodes colored by part, each part outlined, root rightmost', () => {
  for (let d = 0; d <= 4; d++) {
    for (const D of diagrams(d, 'train')) {
      const svg = diagramSvg(D);
      assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="[\d.]+" height="[\d.]+" viewBox="0 0 [\d.]+ [\d.]+">/);
      assert.ok(svg.trimEnd().endsWith('</svg>') && wellFormed(svg), D.key);
      assert.ok(svg.includes(`<title>${D.key}`));
      const nodes = [...svg.matchAll(/<circle class="node" data-node="(\d+)" data-part="(\d+)" cx="([\d.]+)" cy="([\d.]+)" r="[\d.]+" fill="(#[0-9a-f]{6})"/g)];
      assert.equal(nodes.length, D.parent.length, D.key);
      const parts = [...svg.matchAll(/class="part" data-part="(\d+)"/g)];
      assert.equal(parts.length, D.parts.length, D.key);
      // same part ⇔ same color (≤ 10 parts here, within the palette)
      for (const a of nodes) for (const b of nodes) assert.equal(a[2] === b[2], a[5] === b[5], D.key);
      for (const a of nodes) assert.equal(Number(a[2]), D.part[Number(a[1])]);
      const x = nodes.map((n) => Number(n[3]));
      const rootX = x[nodes.findIndex((n) => n[1] === '0')]!;
      assert.ok(x.every((xx, i) => nodes[i]![1] === '0' || xx < rootX), `${D.key}: root must be rightmost`);
      // every edge goes right, from child to parent
      for (const e of svg.matchAll(/<line class="edge" x1="([\d.]+)" y1="[\d.]+" x2="([\d.]+)"/g)) assert.ok(Number(e[1]) < Number(e[2]));
    }
  }
});

test('a part of several nodes is one rounded hull path through its nodes', () => {
  const hullOf = (key: string) => {
    const svg = diagramSvg(diagram(key));
    const m = /<path class="part" data-part="1" d="M([^"]+)Z"[^>]*stroke-linejoin="round"/.exec(svg);
    assert.ok(m, svg);
    return m[1]!.split('L');
  };
  // three leaves stacked in one column: the hull is the segment between the outer two
  assert.equal(hullOf('(01-02-03)(0-123)').length, 2);
  // two children of the root and a grandchild: a triangle
  assert.equal(hullOf('(01-02-13)(0-123)').length, 3);
});

type Point = [number, number];
const distanceToSegment = (p: Point, a: Point, b: Point): number => {
  const dx = b[0] - a[0], dy = b[1] - a[1];
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2));
  return Math.hypot(p[0] - a[0] - t * dx, p[1] - a[1] - t * dy);
};
/** Is p inside the polygon (even–odd rule)? */
const inside = (p: Point, poly: Point[]): boolean => {
  let c = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [xi, yi] = poly[i]!, [xj, yj] = poly[j]!;
    if (yi > p[1] !== yj > p[1] && p[0] < ((xj - xi) * (p[1] - yi)) / (yj - yi) + xi) c = !c;
  }
  return c;
};

/**
 * How far the painted band of each part stays from the nodes of the other parts, read from the
 * SVG itself: a part is a disc (one node), a filled hull (closed path, painted inside and a
 * stroke's half-width around), or open routes (fill none: the stroke's half-width around them).
 * Returns the smallest gap between a band and another part's node disc, with what it is.
 */
function closestIntrusion(svg: string): { gap: number; what: string } {
  const nodes = [...svg.matchAll(/<circle class="node" data-node="(\d+)" data-part="(\d+)" cx="([\d.-]+)" cy="([\d.-]+)" r="([\d.]+)"/g)]
    .map((m) => ({ node: m[1]!, part: m[2]!, at: [Number(m[3]), Number(m[4])] as Point, r: Number(m[5]) }));
  let best = { gap: Infinity, what: '' };
  const note = (gap: number, what: string) => {
    if (gap < best.gap) best = { gap, what };
  };
  for (const m of svg.matchAll(/<circle class="part" data-part="(\d+)" cx="([\d.-]+)" cy="([\d.-]+)" r="([\d.]+)"/g)) {
    const c: Point = [Number(m[2]), Number(m[3])];
    for (const n of nodes) if (n.part !== m[1]) note(Math.hypot(n.at[0] - c[0], n.at[1] - c[1]) - Number(m[4]) - n.r, `part ${m[1]}'s disc and node ${n.node}`);
  }
  for (const m of svg.matchAll(/<path class="part" data-part="(\d+)" d="([^"]+)" fill="([^"]+)"[^>]*stroke-width="([\d.]+)"/g)) {
    const half = Number(m[4]) / 2;
    const filled = m[3] !== 'none';
    const subpaths = m[2]!.split('M').filter(Boolean).map((sp) => ({
      closed: sp.trim().endsWith('Z'),
      points: sp.replace('Z', '').split('L').map((xy) => xy.split(',').map(Number) as Point),
    }));
    for (const n of nodes) {
      if (n.part === m[1]) continue;
      for (const sp of subpaths) {
        const pts = sp.points;
        const segs = pts.map((p, i) => [p, pts[(i + 1) % pts.length]!] as const).slice(0, sp.closed ? pts.length : pts.length - 1);
        let d = pts.length === 1 ? Math.hypot(n.at[0] - pts[0]![0], n.at[1] - pts[0]![1]) : Math.min(...segs.map(([a, b]) => distanceToSegment(n.at, a, b)));
        if (filled && sp.closed && pts.length > 2 && inside(n.at, pts)) d = 0;
        note(d - half - n.r, `part ${m[1]}'s band and node ${n.node}`);
      }
    }
  }
  return best;
}

test('a part’s band never touches a node of another part (every diagram with ≤ 4 edges)', () => {
  // The case: the chain 0–1–2–3 with nodes 1 and 3 on one row; a straight bar from 3 to 1 runs through 2.
  const first = closestIntrusion(diagramSvg(diagram('(01-12-23)(0-13-2)')));
  assert.ok(first.gap >= 0, `(01-12-23)(0-13-2): ${first.what} overlap by ${(-first.gap).toFixed(1)}`);
  for (let d = 0; d <= 4; d++) {
    for (const D of diagrams(d, 'train')) {
      const { gap, what } = closestIntrusion(diagramSvg(D));
      assert.ok(gap >= -0.2, `${D.key}: ${what} overlap by ${(-gap).toFixed(1)}`); // coordinates are written to 0.1
    }
  }
});
