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
