/** @file compare from code: a schedule object works as its kind with its sizes, and options beside it are refused. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sgd } from '../core/index.ts';
import { compare } from './index.ts';

const base = { landscape: { spec: 'gauss:h0=0.5' }, order: 2, eta: [0.05], trials: 200, workers: 0 } as const;

test('compare({ schedule: sgd({ … }) }) runs the same schedule as the kind with its options (it said "unknown optimizer [object Object]")', async () => {
  const a = await compare({ ...base, eta: [...base.eta], schedule: sgd({ N: 4, E: 2, shuffle: 'reshuffle' }) });
  const b = await compare({ ...base, eta: [...base.eta], schedule: 'sgd', N: 4, E: 2, shuffle: 'reshuffle' });
  assert.equal(a.schedule, 'SGD N=4 B=1 E=2 reshuffle (T=8)');
  assert.deepEqual(a, b);
  await assert.rejects(compare({ ...base, eta: [...base.eta], schedule: sgd({ N: 4 }), N: 4 }), /compare: `N` must not be given beside a schedule object/);
});
