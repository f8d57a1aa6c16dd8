/**
 * @file Public API of report: what perturb shows of its results — text renderers for every
 * command, readers of its own output files, and diagram drawings as files.
 */
export {
  renderDiagrams, diagramsJson, renderPrediction, predictionJson, renderStats, renderSimulation, renderCompare,
  renderLandscapeList, landscapeListJson, renderLandscapeSummary, renderCorollary, observableTitle, renderLandscapePrediction, landscapePredictionJson,
} from './text.ts';
export { readJson, readStats, readSimulation } from './read.ts';
export { svgFileName, writeDiagramDrawings } from './drawings.ts';
export type { PanelPoint, PanelSeries, PanelCheck, PanelResult, Verdict } from './panel.ts';
export { panelSpec, panelRows, panelCsv, renderPanelSvg, writePanelFiles, type PanelRow } from './plots.ts';
export { renderReportHtml, reportSummary, inRangeSummary, panelValues, writeReport, escapeHtml, inlineSvg, type ReportOptions } from './html.ts';
