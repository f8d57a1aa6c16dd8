/** @file Public API of reproduce: the paper's panels on its artificial landscapes, computed as PanelResult (issue 12). */
export { PANELS, PANEL_IDS, type PanelDefinition, type PanelId, type PanelRunOptions } from './panels.ts';
export { PRESETS, TRIALS, trialsFor, type Preset, type PresetCounts } from './presets.ts';
export { check, plainInRange, resummedInRange, verdictOf, zScore, RULE, Z_MAX, PLAIN_RHO } from './verdict.ts';
export { reproduce, ALL_PANEL_IDS, type ReproduceOptions, type ReproduceResult } from './run.ts';
export { IMAGE_PANELS, IMAGE_PANEL_IDS, type ImagePanelId, type ImagePanelDefinition, type ImagePanelRunOptions } from './images.ts';
