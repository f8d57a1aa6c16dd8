/** @file Claims about `perturb landscapes` and `perturb landscape`: listings, exact summaries, a user module through the CLI, and exit code 2 with a message for bad input. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { spawnAsync } from '../../testing/index.ts';

const bin = fileURLToPath(new URL('../../../bin/perturb.js', import.meta.url));
const root = fileURLToPath(new URL('../../../', import.meta.url));
const env = { ...process.env };
delete env['PERTURB_CIFAR10'];
const run = (...args: string[]) => spawnAsync(process.execPath, [bin, ...args], { cwd: root, env });

describe('perturb landscapes', { concurrency: true }, () => {
  it('--json lists the 8 built-ins with P, data source, exact mode and parameters', async () => {
    const r = await run('landscapes', '--json');
    assert.equal(r.status, 0, r.stderr);
    const list = JSON.parse(r.stdout) as Array<{ name: string; P: number; exactMode: boolean; dataSource: string; params: Array<{ name: string; default: number }> }>;
    assert.deepEqual(list.map((l) => [l.name, l.P]), [
      ['gauss', 1], ['archimedes', 3], ['mean-estimation', 1], ['mean-estimation-l2', 2],
      ['fmnist-logistic', 7850], ['fmnist-convnet', 4490], ['cifar-logistic', 30730], ['cifar-convnet', 5890],
    ]);
    assert.ok(list.every((l) => l.exactMode === true && l.dataSource.length > 0));
    assert.deepEqual(list[2]!.params.map((p) => `${p.name}=${p.default}`), ['H=1', 'S=1', 'w0=0']);
  });
  it('prints a table by default', async () => {
    const r = await run('landscapes');
    assert.equal(r.status, 0);
    assert.match(r.stdout, /name\s+P\s+exact mode\s+parameters\s+data/);
    assert.match(r.stdout, /mean-estimation-l2\s+2\s+yes\s+H=1,S=1,w0=0,lambda0=0/);
  });
});

describe('perturb landscape', { concurrency: true }, () => {
  it('gauss --json: loss ½ exactly (closed form) and |G| = 0 over the quadrature atoms', async () => {
    const r = await run('landscape', 'gauss', '--json');
    assert.equal(r.status, 0, r.stderr);
    const s = JSON.parse(r.stdout);
    assert.equal(s.P, 1);
    assert.equal(s.loss.value, 0.5);
    assert.equal(s.loss.exact, true);
    assert.ok(s.gradNorm.value < 1e-15 && s.gradNorm.exact);
    assert.equal(s.atoms, 8);
    assert.ok(s.exact.some((e: string) => /8-node Gauss–Hermite/.test(e)));
  });
  it('loads the README example module with a parameter and prints exact loss and |G|', async () => {
    // θ₀ = (½, −½), a = 2: l = ¾ + (2/4)(½)⁴ = 0.78125; G = θ₀ − E x + aθ₀³e₁ = (0.5, −0.5) → |G| = √½.
    const r = await run('landscape', './examples/quartic.ts:a=2');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^quartic — /);
    assert.match(r.stdout, /loss at θ₀\s+0\.78125\s+\(exact: a pass over all 3 atoms\)/);
    assert.match(r.stdout, /\|G\| at θ₀\s+0\.707106781187\s+\(exact/);
  });
  it('--samples estimates with a standard error and says so', async () => {
    const r = await run('landscape', 'archimedes', '--samples', '500', '--json');
    assert.equal(r.status, 0, r.stderr);
    const s = JSON.parse(r.stdout);
    assert.equal(s.loss.exact, true, 'the closed form is still used for the loss');
    assert.equal(s.gradNorm.exact, false);
    assert.match(s.gradNorm.how, /estimated from 500 samples \(seed 0\)/);
  });
  it('bad input exits 2 with a message naming the problem', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['landscape', 'mean-estimation:H=oops'], /perturb: landscape mean-estimation: parameter H=oops is not valid: expected a number > 0; the parameters of mean-estimation are: H \(default 1/],
      [['landscape', 'nosuch'], /unknown landscape 'nosuch': expected one of gauss, archimedes/],
      [['landscape', 'cifar-convnet'], /CIFAR-10 was not found: .*--cifar10 DIR/],
      [['landscape', './examples/missing.ts'], /landscape module .\/examples\/missing\.ts was not found/],
      [['landscape', 'gauss', '--samples', '1'], /samples must be an integer ≥ 2/],
      [['landscape', 'gauss', '--init-seed', '-1'], /option '--init-seed <s>' argument '-1' is invalid/],
    ];
    const results = await Promise.all(cases.map(([args]) => run(...args)));
    cases.forEach(([args, re], i) => {
      const r = results[i]!;
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, re);
    });
  });
});
