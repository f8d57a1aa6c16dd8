/** @file The library API of perturb: everything the CLI does is one call away from here. */
export * from './core/index.ts';
export * as io from './io/index.ts';
export * from './engine/index.ts';
export * from './diagrams/index.ts';
export * from './theory/index.ts';
export * from './landscapes/index.ts';
export * from './parallel/index.ts';
export * from './stats/index.ts';
export * as optim from './optim/index.ts';
export * as sim from './sim/index.ts';
export * from './corollaries/index.ts';
export { reproduce, PANELS, PANEL_IDS, PRESETS, type Preset, type PanelId, type ReproduceOptions, type ReproduceResult } from './reproduce/index.ts';
export * as report from './report/index.ts';
export * as cli from './cli/index.ts';
