/**
 * @file Claims about `summarizeLandscape`: a sampled |G| comes with a standard error that covers
 * a known |G|, and every pass over samples or atoms reports progress from 0 to its total.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
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
