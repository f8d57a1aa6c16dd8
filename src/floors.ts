/**
 * @file The floors of perturb, stated once: each folder under src/ is one concept whose
 * index.ts is its public API, and a folder's library code may import only folders on lower
 * floors, and only through their index.ts. src/floors.test.ts enforces both.
 *
 *   0  core                              the shared vocabulary: errors, checks, schedules,
 *                                        quantities, rng, linear algebra, moments, formats
 *   1  io                                files written atomically, directories made safely
 *   2  engine, diagrams, data            derivatives; combinatorics; data sets
 *   3  parallel, landscapes, theory      executors and resumable runs; loss landscapes; the series
 *   4  stats, optim                      diagram values at θ₀; optimizers
 *   5  sim, corollaries                  paired simulations, and compare; the paper's corollaries as calculators
 *   6  report                            renderers and readers of perturb's results
 *   7  reproduce                         the paper's panels computed as plain data (PanelResult)
 *   8  cli                               flags → library calls → text
 *
 * `testing` holds helpers for tests; only test files (and its own files) import it. Test
 * files may import any folder's index.ts, and their own folder's files. src/index.ts, the
 * package, re-exports the library and sits above every floor.
 */
export const FLOORS: Readonly<Record<string, number>> = Object.freeze({
  core: 0,
  io: 1,
  engine: 2,
  diagrams: 2,
  data: 2,
  parallel: 3,
  landscapes: 3,
  theory: 3,
  stats: 4,
  optim: 4,
  sim: 5,
  corollaries: 5,
  report: 6,
  reproduce: 7,
  cli: 8,
  testing: 9,
});
