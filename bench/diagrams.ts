/**
 * @file Speed of the diagram series (issue 3): order-3 predictions for SGD with N = 10^6 must
 * take under 1 s each; enumeration plus prediction at order 5 for N ≤ 1000 under 30 s. Counting
 * never walks the T steps (docs/theory.md §3), so N, T and E only enter through BigInt arithmetic.
 */
import { diagrams } from '../src/diagrams/index.ts';
import { describeSchedule, gd, type Quantity, type Schedule, sgd } from '../src/core/index.ts';
import { predict, type StatsFile } from '../src/theory/index.ts';

function statsUpTo(order: number): StatsFile {
  const values: Record<string, number> = {};
  for (let k = 0; k <= order; k++) for (const d of diagrams(k, 'train')) values[d.key] = 1 / (1 + d.aut); // any finite values
  return { values };
}

function seconds(f: () => void): number {
  const t0 = performance.now();
  f();
  return (performance.now() - t0) / 1000;
}

const fmt = (s: number) => `${s.toFixed(3)} s`;

export async function run(): Promise<void> {
  const rows: string[][] = [['case', 'time', 'limit', '']];
  const verdict = (t: number, limit: number) => (t < limit ? 'ok' : 'TOO SLOW');

  // Order 5 first, while the enumeration caches are cold: enumeration is part of the budget.
  let enumeration = 0;
  let stats5: StatsFile = { values: {} };
  enumeration = seconds(() => {
    for (let k = 0; k <= 5; k++) {
      diagrams(k, 'test');
      diagrams(k, 'train');
    }
    stats5 = statsUpTo(5);
  });
  rows.push(['order-5 enumeration of all test and train diagrams (cold)', fmt(enumeration), '', '']);
  let slowest5 = 0;
  const order5: Schedule[] = [sgd({ N: 1000, B: 1, E: 1 }), sgd({ N: 1000, B: 10, E: 5 }), sgd({ N: 1000, B: 10, E: 5, shuffle: 'reshuffle' }), sgd({ N: 1000, B: 1, E: 3, shuffle: 'reshuffle' }), gd({ N: 1000, T: 100 })];
  for (const schedule of order5) {
    for (const quantity of ['test', 'gap'] as Quantity[]) {
      const t = seconds(() => predict({ stats: stats5, schedule, order: 5, quantity, eta: [0.01] }));
      slowest5 = Math.max(slowest5, t);
      rows.push([`order-5 ${quantity} ${describeSchedule(schedule)}`, fmt(t), '', '']);
    }
  }
  rows.push(['order-5 enumeration + slowest prediction', fmt(enumeration + slowest5), '30 s', verdict(enumeration + slowest5, 30)]);

  const stats3 = statsUpTo(3);
  for (const B of [1, 32]) {
    for (const E of [1, 5]) {
      for (const shuffle of ['fixed', 'reshuffle'] as const) {
        for (const quantity of ['test', 'train', 'gap'] as Quantity[]) {
          const schedule = sgd({ N: 1e6, B, E, shuffle });
          const t = seconds(() => predict({ stats: stats3, schedule, order: 3, quantity, eta: [0.001] }));
          rows.push([`order-3 ${quantity} SGD N=1e6 B=${B} E=${E} ${shuffle}`, fmt(t), '1 s', verdict(t, 1)]);
        }
      }
    }
  }

  // For information: the highest supported order.
  const t6 = seconds(() => predict({ stats: statsUpTo(6), schedule: sgd({ N: 1000, B: 10, E: 5, shuffle: 'reshuffle' }), order: 6, quantity: 'gap' }));
  rows.push(['order-6 gap SGD N=1000 B=10 E=5 reshuffle (incl. enumeration)', fmt(t6), '', '']);

  const widths = rows[0]!.map((_, j) => Math.max(...rows.map((r) => r[j]!.length)));
  for (const r of rows) console.log(r.map((c, j) => c.padEnd(widths[j]!)).join('  ').trimEnd());
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
