/**
 * @file A panel of `perturb reproduce` (issue 12) as plain data: what was predicted and what was
 * measured, with intervals, and the verdict. `src/reproduce` computes panels; this folder renders
 * them (Vega-Lite → SVG, the HTML report) and writes the CSV/JSON behind every plot.
 */

/** One point of a curve: x, y and, where there is one, the standard error and a 95% interval. */
export interface PanelPoint {
  readonly x: number;
  readonly y: number;
  readonly stderr?: number;
  /** Interval drawn as a band (predictions) or error bar (measurements). */
  readonly lo?: number;
  readonly hi?: number;
}

export interface PanelSeries {
  /** Legend name, e.g. 'SGD (measured)', 'order 2', 're-summed order 3'. */
  readonly name: string;
  readonly kind: 'measured' | 'predicted' | 'reference';
  readonly points: readonly PanelPoint[];
  /** Optional facet (one small plot per value), e.g. 'init seed 1' or 'T = 10'. */
  readonly facet?: string;
}

export type Verdict = 'agrees' | 'disagrees' | 'outside the theory’s range' | 'not run';

/** One comparison behind the verdict: measured vs predicted at one x, with its z-score. */
export interface PanelCheck {
  readonly x: number;
  readonly facet?: string;
  readonly measured: number;
  readonly measuredStderr: number;
  readonly predicted: number;
  readonly predictedStderr: number;
  readonly z: number;
  /** Whether this point is inside the theory's range (small ηT, near a minimum, …). */
  readonly inRange: boolean;
}

export interface PanelResult {
  /** The panel's name on the command line, e.g. 'archimedes'. */
  readonly id: string;
  readonly title: string;
  /** The paper's claim this panel tests, one sentence. */
  readonly claim: string;
  readonly x: { readonly label: string; readonly log?: boolean };
  readonly y: { readonly label: string; readonly log?: boolean };
  readonly series: readonly PanelSeries[];
  readonly checks: readonly PanelCheck[];
  readonly verdict: Verdict;
  /** The rule the verdict was computed by, in words (e.g. '|z| ≤ 3 at every in-range point'). */
  readonly rule: string;
  /** Settings, seeds and trial counts, for summary.json. */
  readonly settings: Readonly<Record<string, unknown>>;
  /** Canonical keys of the diagrams whose values feed the predictions (drawn in the report). */
  readonly diagrams: readonly string[];
  /** A note shown instead of (or beside) the plot, e.g. how to enable a CIFAR-10 panel. */
  readonly note?: string;
}
