/**
 * @file Numbers and tables as text, the same way everywhere: three precisions with a meaning
 * each — an estimate or a measurement (6 significant digits), an exact value (12), a standard
 * error (2) — and one plain-text table.
 */

/** Significant digits of a measured or estimated value (beyond them the noise speaks). */
export const VALUE_DIGITS = 6;
/** Significant digits of an exact value (closed forms, exact modes, series coefficients). */
export const EXACT_DIGITS = 12;
/** Significant digits of a standard error. */
export const STDERR_DIGITS = 2;

/** `x` to `digits` significant digits, without trailing zeros; null as an en dash. */
export function formatNumber(x: number | null | undefined, digits = VALUE_DIGITS): string {
  if (x === null || x === undefined) return '–';
  if (!Number.isFinite(x)) return String(x);
  return String(Number(x.toPrecision(digits)));
}

export const formatExact = (x: number | null | undefined): string => formatNumber(x, EXACT_DIGITS);
export const formatStderr = (x: number | null | undefined): string => formatNumber(x, STDERR_DIGITS);

/** How small an exact value may be, relative to its scale, and still be rounding: |x| ≤ ZERO_TOLERANCE · scale. */
export const ZERO_TOLERANCE = 1e-12;

/** Is `x` zero up to rounding at `scale`? (An exact 0 is; at scale 0 only 0 is.) */
export const zeroUpToRounding = (x: number, scale: number): boolean => Number.isFinite(x) && Math.abs(x) <= ZERO_TOLERANCE * Math.abs(scale);

export interface ExactFormat {
  /** formatExact(x), or '0' when x is zero up to rounding at `scale`. */
  format(x: number, scale: number): string;
  /** One line stating the tolerance, `values below 1e-12 × <scale> are shown as 0`, if a nonzero value was; else ''. */
  note(scale: string, indent?: string): string;
}

/**
 * Exact values (closed forms, exact modes, series coefficients from them) as one output shows
 * them: to EXACT_DIGITS, except that a value zero up to rounding at its scale — |G| = 4.4e-16
 * beside a loss of 0.5 — is shown as 0, since its digits are rounding, not a property of the
 * landscape. Estimates are not for this: their noise is stated by their standard error.
 * One per output, so that its `note` states the tolerance once.
 */
export function exactFormat(): ExactFormat {
  let zeroed = false;
  return {
    format(x, scale) {
      if (x !== 0 && zeroUpToRounding(x, scale)) {
        zeroed = true;
        return '0';
      }
      return formatExact(x);
    },
    note: (scale, indent = '') => (zeroed ? `${indent}values below ${ZERO_TOLERANCE} × ${scale} are shown as 0 (zero up to rounding)\n` : ''),
  };
}

export interface TableOptions {
  /** Columns aligned left (default: every column); the others are aligned right. */
  left?: number;
  /** Put before every line (default none). */
  indent?: string;
}

/**
 * Rows of cells as aligned text, one line each, widths counted in code points (θ, η and ±
 * count one). The first row is usually the header.
 */
export function textTable(rows: readonly (readonly string[])[], o: TableOptions = {}): string {
  if (rows.length === 0) return '';
  const width = (s: string) => [...s].length;
  // Loops, not Math.max(...rows): a listing of 250,000 diagrams would overflow the call stack.
  let cols = 0;
  for (const r of rows) cols = Math.max(cols, r.length);
  const w = new Array<number>(cols).fill(0);
  for (const r of rows) for (let j = 0; j < cols; j++) w[j] = Math.max(w[j]!, width(r[j] ?? ''));
  const left = o.left ?? cols;
  const line = (r: readonly string[]) =>
    (o.indent ?? '') +
    w.map((wj, j) => {
      const c = r[j] ?? '';
      const pad = ' '.repeat(wj - width(c));
      return j < left ? c + pad : pad + c;
    }).join('  ').trimEnd();
  let out = '';
  for (const r of rows) out += line(r) + '\n';
  return out;
}
