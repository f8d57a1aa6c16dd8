/**
 * @file Simulated SDE agrees with the SDE's η-series (docs/theory.md §8): `simulate` with
 * optimizer 'sde' on GAUSS (exact noise: its 8 Gauss–Hermite atoms give G and C exactly) against
 * Σ multiplier·uvalue·η^d from `sdeSeriesTerms`, with the diagram values exact over the atoms.
 *
 * Small η and T (ηHT = 0.2): the order-6 series is within ~1e-6 of its limit (orders 5 and 6
 * differ by 1.6e-6 at η = 0.02, T = 20, B = 1), an order of magnitude below the simulation's
 * standard error (~1e-5), while order 2 is 10–14 standard errors off — the higher orders matter.
 * Euler–Maruyama's own bias is O(ηH/substeps) relative; it is computed below for the OU part of
 * the problem (variance of h, exact vs Euler–Maruyama with the same substeps) and asserted to be
 * under a tenth of the standard error (8 substeps: ~0.08 se). Fixed seeds; ~13 s on one core, run on two.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveLandscape } from '../landscapes/index.ts';
import { sdeSchedule } from '../core/index.ts';
import { rationals } from '../diagrams/index.ts';
import { sdeSeriesTerms } from '../theory/index.ts';
import { exactValues } from '../stats/index.ts';
import { simulate } from './index.ts';

test('GAUSS: simulated SDE test-loss increase agrees with the SDE η-series at order 6 within 3 standard errors (η = 0.02, T = 20, B = 1, 2)', async () => {
  const land = await resolveLandscape('gauss');
  const theta0 = land.init();
  const eta = 0.02, T = 20, substeps = 8;
  const H = 0.5, C = 0.5; // GAUSS at h = 0 (docs/theory.md §5)
  for (const [B, seed, trials] of [[1, 1, 10_000], [2, 2, 6_000]] as const) {
    // On 2 worker threads (GAUSS by reference, resolved in each): the trials depend only on (seed, index), as on 0.
    const r = await simulate({ landscape: { spec: 'gauss' }, optimizers: ['sde'], eta: [eta], N: 1, T, B, trials, seed, workers: 2, sdeSubsteps: substeps });
    const x = r.summary.find((s) => s.optimizer === 'sde' && s.metric === 'test-increase')!;
    assert.ok(x.mean !== null && x.stderr !== null);
    const memo = new Map<number, number>();
    const series = (order: number): number => memo.get(order) ?? memo.set(order, seriesAt(order)).get(order)!;
    const seriesAt = (order: number) => {
      const terms = sdeSeriesTerms(sdeSchedule({ T, B }), order, 'test');
      const vals = exactValues(land, theta0, terms.map((t) => t.diagram));
      // minus the order-0 term l(θ₀): the increase
      return terms.reduce((s, t, i) => s + (t.diagram.order === 0 ? 0 : rationals.toNumber(t.multiplier) * vals[i]! * eta ** t.diagram.order), 0);
    };
    const z = [2, 3, 4, 5, 6].map((o) => (x.mean! - series(o)) / x.stderr!);
    // Euler–Maruyama vs exact for dh = −a h dt + σ dW (a = ηH, σ² = η²C/B per unit step time),
    // over T units in T·substeps steps of δ: the increase ≈ Var(h)/4 near the minimum.
    const a = eta * H, s2 = (eta * eta * C) / B, d = 1 / substeps, n = T * substeps;
    const exactVar = (s2 * (1 - Math.exp(-2 * a * T))) / (2 * a);
    const emVar = (s2 * d * (1 - (1 - a * d) ** (2 * n))) / (1 - (1 - a * d) ** 2);
    const emBias = Math.abs(emVar - exactVar) / 4;
    console.log(
      `  B=${B}: increase ${x.mean.toExponential(4)} ± ${x.stderr.toExponential(2)}; series order 6 ${series(6).toExponential(4)}; ` +
        `z at orders 2–6: ${z.map((v) => v.toFixed(2)).join(', ')}; Euler–Maruyama bias ≈ ${emBias.toExponential(1)} (${(emBias / x.stderr).toFixed(3)} se)`,
    );
    assert.ok(emBias < x.stderr / 10, `Euler–Maruyama bias ${emBias} not far below the standard error ${x.stderr}: more substeps`);
    assert.ok(Math.abs(z[4]!) < 3, `simulated ${x.mean} ± ${x.stderr} vs order-6 series ${series(6)}`);
    assert.ok(Math.abs(z[0]!) > 5, 'order 2 alone is resolved as wrong (the test has power)');
  }
});
