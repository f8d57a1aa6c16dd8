/** @file Schedules: the one rule for N, B, E, T and the shuffling, and its errors naming the option. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from './errors.ts';
import { asSchedule, gd, schedule, sgd } from './schedule.ts';

const refuses = (f: () => unknown, msg: RegExp) => assert.throws(f, (e: unknown) => e instanceof InputError && msg.test(e.message), String(msg));

test('bad schedules are InputErrors naming the option', () => {
  refuses(() => sgd({ N: 10, B: 3 }), /sgd: `B` must divide N \(got N = 10, B = 3\)/);
  refuses(() => sgd({ N: 0 }), /sgd: `N` must be a positive integer, got 0/);
  refuses(() => sgd({ N: -4, B: 2 }), /`N` must be a positive integer/);
  refuses(() => sgd({ N: 4, E: 0 }), /sgd: `E` must be a positive integer, got 0/);
  refuses(() => sgd({ N: 4, B: 1.5 }), /`B` must be a positive integer/);
  refuses(() => sgd({ N: 4, shuffle: 'sometimes' as never }), /`shuffle` must be one of fixed, reshuffle, got 'sometimes'/);
  refuses(() => gd({ N: 4, T: 0 }), /gd: `T` must be a positive integer, got 0/);
  refuses(() => gd({ N: 0, T: 3 }), /gd: `N` must be a positive integer/);
});

test('schedule(): SGD takes T, E, both when they agree, or neither; T alone must be whole epochs', () => {
  assert.deepEqual(schedule({ kind: 'sgd', N: 12, B: 3 }), sgd({ N: 12, B: 3, E: 1 }));
  assert.deepEqual(schedule({ kind: 'sgd', N: 12, B: 3, E: 2 }), sgd({ N: 12, B: 3, E: 2 }));
  assert.deepEqual(schedule({ kind: 'sgd', N: 12, B: 3, T: 8 }), sgd({ N: 12, B: 3, E: 2 })); // K = 4 steps per epoch
  assert.deepEqual(schedule({ kind: 'sgd', N: 12, B: 3, T: 8, E: 2, shuffle: 'reshuffle' }), sgd({ N: 12, B: 3, E: 2, shuffle: 'reshuffle' }));
  refuses(() => schedule({ kind: 'sgd', N: 12, B: 3, T: 6 }), /schedule: `T` 6 is not a whole number of SGD epochs of N\/B = 4 steps/);
  refuses(() => schedule({ kind: 'sgd', N: 12, B: 3, T: 8, E: 3 }), /schedule: `T` 8 and `E` 3 disagree: SGD runs T = E·N\/B = 12 steps/);
  refuses(() => schedule({ kind: 'sgd', N: 10, B: 3 }), /schedule: `B` must divide N/);
  refuses(() => schedule({ kind: 'sgd', N: 10, T: 0 }), /schedule: `T` must be a positive integer, got 0/);
});

test('schedule(): GD needs T and refuses what belongs to SGD', () => {
  assert.deepEqual(schedule({ kind: 'gd', N: 5, T: 7 }), gd({ N: 5, T: 7 }));
  refuses(() => schedule({ kind: 'gd', N: 5 }), /schedule: `T` is required for the gd schedule/);
  for (const [opt, extra] of [['B', { B: 5 }], ['E', { E: 2 }], ['shuffle', { shuffle: 'fixed' as const }]] as const) {
    refuses(() => schedule({ kind: 'gd', N: 5, T: 7, ...extra }), new RegExp(`schedule: \`${opt}\` applies to the sgd schedule only`));
  }
  refuses(() => schedule({ kind: 'adam' as never, N: 5 }), /schedule: `kind` must be one of sgd, gd, got 'adam'/);
});

test('asSchedule re-derives a schedule from plain data (K, T) and checks it', () => {
  const s = asSchedule(JSON.parse(JSON.stringify(sgd({ N: 6, B: 2, E: 3 }))));
  assert.deepEqual(s, sgd({ N: 6, B: 2, E: 3 }));
  assert.ok(Object.isFrozen(s));
  refuses(() => asSchedule({ kind: 'sgd', N: 6, B: 4, E: 1, shuffle: 'fixed' }), /`B` must divide N/);
  refuses(() => asSchedule(null), /expected a schedule object/);
});
