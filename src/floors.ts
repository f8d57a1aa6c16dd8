/**
 * @file The floors of perturb, stated once: each folder under src/ is one concept whose
 * index.ts is its public API, and a folder's library code may import only folders on lower
 * floors, and only through their index.ts. src/floors.test.ts enforces both.
 *
 *   0  core                              the shared vocabulary: errors, checks, schedules,
 *                                        quantities, rng, linear algebra, moments, formats
 *   1  io, engine, diagrams, data        files; derivatives; combinatorics; data sets
 *   2  parallel, landscapes, theory      executors and resumable runs; loss landscapes; the series
 *   3  stats, optim                      diagram values at θ₀; optimizers
 *   4  sim                               paired simulations, and compare
 *   5  report                            renderers and readers of perturb's results
 *   6  cli                               flags → library calls → text
 *
 * `testing` holds helpers for tests; only test files (and its own files) import it. Test
 * files may import any folder's index.ts, and their own folder's files. src/index.ts, the
 * package, re-exports the library and sits above every floor.
 */
export const FLOORS: Readonly<Record<string, number>> = Object.freeze({
  core: 0,
  io: 1,
  engine: 1,
  diagrams: 1,
  data: 1,
  parallel: 2,
  landscapes: 2,
  theory: 2,
  stats: 3,
  optim: 3,
  sim: 4,
  report: 5,
  cli: 6,
  testing: 7,
});
