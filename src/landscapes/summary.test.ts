/**
 * @file Claims about `summarizeLandscape`: a sampled |G| comes with a standard error that covers
 * a known |G|, and every pass over samples or atoms reports progress from 0 to its total.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { syntheticImages } from '../testing/index.ts';
import { imageLandscape } from './images.ts';
import { resolveLandscape } from './resolve.ts';
import { summarizeLandscape } from './summary.ts';

describe('sampled summary: |G| with a standard error', () => {
  it('mean-estimation at w0 = 0.5 (G = H·w0 = 0.5, C = S² = 1): the standard error is about √(C/S) and 95% intervals cover in 90–99% of 200 seeds', async () => {
    // g_x = Hw + Sx, so Ĝ's error is S·x̄ and |Ĝ| ≈ |G| + x̄: se ≈ S/√n = 1/√400 = 0.05.
    const land = await resolveLandscape('mean-estimation:w0=0.5');
    let hit = 0;
    const ses: number[] = [];
    for (let seed = 0; seed < 200; seed++) {
      const { gradNorm } = summarizeLandscape(land, { samples: 400, seed });
      assert.equal(gradNorm.exact, false);
      assert.ok(typeof gradNorm.stderr === 'number' && gradNorm.stderr > 0, `seed ${seed}: stderr ${gradNorm.stderr}`);
      ses.push(gradNorm.stderr);
      if (Math.abs(gradNorm.value - 0.5) <= 1.96 * gradNorm.stderr) hit++;
    }
    const meanSe = ses.reduce((a, b) => a + b, 0) / ses.length;
    console.log(`  mean stderr ${meanSe.toFixed(4)} (√(C/S) = 0.05), coverage ${hit}/200`);
    assert.ok(meanSe > 0.04 && meanSe < 0.06, `mean stderr ${meanSe}`);
    assert.ok(hit >= 180 && hit <= 198, `coverage ${hit}/200`);
  });

  it('mean-estimation-l2 (P = 2, G = ((H + λ)w, ½w²) = (0.6, 0.125) at w = 0.5, λ = 0.2): the standard error has the order of √(C/S)', async () => {
    // Only G's first coordinate is noisy (C = S² there): se(|G|) ≈ (G₁/|G|)·S/√n = 0.979·0.05.
    const land = await resolveLandscape('mean-estimation-l2:w0=0.5,lambda0=0.2');
    const { gradNorm } = summarizeLandscape(land, { samples: 400, seed: 3 });
    assert.ok(gradNorm.stderr! > 0.03 && gradNorm.stderr! < 0.07, `stderr ${gradNorm.stderr}`);
    assert.ok(Math.abs(gradNorm.value - Math.hypot(0.6, 0.125)) < 4 * gradNorm.stderr!);
    assert.match(gradNorm.how, /jackknife standard error over 32 blocks/);
    // Fewer than 4 samples leave fewer than 2 blocks of 2: no standard error, and it says why.
    const tiny = summarizeLandscape(land, { samples: 3 }).gradNorm;
    assert.equal(tiny.stderr, null);
    assert.match(tiny.how, /no standard error from fewer than 4 samples/);
  });
});

describe('progress of a summary', () => {
  // The convnet on 2,000 synthetic 28×28 images: an exact pass is 2,000 forward and backward
  // passes (about a second), like fmnist-convnet's 70,000 in miniature.
  const land = imageLandscape('convnet', syntheticImages('synthetic', 2000, [1, 28, 28], 5), { spec: 'synthetic-convnet' });

  /** The calls' counts: from 0 (before any work) to the total, never decreasing, in steps of at most 1% of it. */
  function assertSteady(calls: Array<[number, number]>, total: number): void {
    assert.deepEqual(calls[0], [0, total], 'the first call comes before any work');
    assert.deepEqual(calls.at(-1), [total, total]);
    for (let i = 1; i < calls.length; i++) {
      assert.equal(calls[i]![1], total);
      assert.ok(calls[i]![0] >= calls[i - 1]![0], `count fell from ${calls[i - 1]![0]} to ${calls[i]![0]}`);
      assert.ok(calls[i]![0] - calls[i - 1]![0] <= Math.ceil(total / 100), `a step of ${calls[i]![0] - calls[i - 1]![0]} of ${total}`);
    }
  }

  it('an exact pass over the atoms reports from 0 to the number of atoms, at least every 1% of them', () => {
    const calls: Array<[number, number]> = [];
    const s = summarizeLandscape(land, { onProgress: (d, t) => calls.push([d, t]) });
    assert.equal(s.gradNorm.exact, true);
    assertSteady(calls, 2000);
  });

  it('a sampled summary reports from 0 to the number of samples, at least every 1% of them', () => {
    const calls: Array<[number, number]> = [];
    summarizeLandscape(land, { samples: 700, onProgress: (d, t) => calls.push([d, t]) });
    assertSteady(calls, 700);
  });
});
