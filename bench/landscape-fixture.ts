/**
 * @file Make src/landscapes/fixtures/fmnist-convnet-reference.json: PyTorch float64's loss and
 * gradient of the `fmnist-convnet` landscape at θ₀ = init(1) on Fashion-MNIST image 12345
 * (needs /usr/bin/python3 with torch; the test that reads the fixture does not).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveLandscape } from '../src/landscapes/index.ts';

export const FIXTURE = fileURLToPath(new URL('../src/landscapes/fixtures/fmnist-convnet-reference.json', import.meta.url));
export const INIT_SEED = 1, IMAGE = 12345;

if (import.meta.url === `file://${process.argv[1]}`) {
  const land = await resolveLandscape('fmnist-convnet');
  const b = land.atoms!().gather([IMAGE]);
  const tmp = join(mkdtempSync(join(tmpdir(), 'perturb-fixture-')), 'in.json');
  writeFileSync(tmp, JSON.stringify({ initSeed: INIT_SEED, imageIndex: IMAGE, theta: [...land.init(INIT_SEED)], pixels: [...b.x!], label: b.label![0] }));
  execFileSync('/usr/bin/python3', [fileURLToPath(new URL('./torch_landscape_fixture.py', import.meta.url)), tmp, FIXTURE], { stdio: 'inherit' });
  console.log(`wrote ${FIXTURE}`);
}
