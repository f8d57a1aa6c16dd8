/**
 * @file Landscape specs: `NAME`, `NAME:key=value,key=value`, or a module path with the same
 * optional suffix (`./quartic.ts:a=2`). Parsing and checking parameter values against a
 * family's parameters, and writing the canonical spec back.
 */
import { InputError } from '../core/index.ts';
import type { ParamSpec } from './types.ts';

/** A spec split into its target (a name or a module path) and its raw `key=value` pairs. */
export interface ParsedSpec {
  kind: 'builtin' | 'module';
  target: string;
  /** The text after the ':' (empty when none). */
  paramText: string;
}

/** Module paths end in one of these extensions (before any `:params`). */
export const MODULE_EXTENSIONS = ['.ts', '.mts', '.js', '.mjs'] as const;

const MODULE_RE = /^(.*\.(?:ts|mts|js|mjs))(?::(.*))?$/s;

/** True when `spec` names a module file rather than a built-in. */
export function looksLikePath(spec: string): boolean {
  return /[/\\]/.test(spec) || spec.startsWith('.') || MODULE_RE.test(spec);
}

export function splitSpec(spec: string): ParsedSpec {
  if (typeof spec !== 'string' || spec.trim() === '') {
    throw new InputError(`landscape spec ${JSON.stringify(spec)} is empty: expected a built-in name (e.g. gauss, mean-estimation:H=0.5) or a path to a module (./my-landscape.ts)`);
  }
  if (looksLikePath(spec)) {
    const m = MODULE_RE.exec(spec);
    if (!m) {
      throw new InputError(`landscape module path '${spec}' does not end in ${MODULE_EXTENSIONS.join(', ')}: expected a TS or JS file, optionally followed by :key=value,…`);
    }
    return { kind: 'module', target: m[1]!, paramText: m[2] ?? '' };
  }
  const colon = spec.indexOf(':');
  return colon < 0
    ? { kind: 'builtin', target: spec, paramText: '' }
    : { kind: 'builtin', target: spec.slice(0, colon), paramText: spec.slice(colon + 1) };
}

/** The parameters of a family as text: `H (default 1: curvature), S (default 1: …)`. */
export function describeParams(specs: readonly ParamSpec[]): string {
  if (specs.length === 0) return 'none';
  return specs.map((p) => `${p.name} (default ${p.default}${p.description ? `: ${p.description}` : ''})`).join(', ');
}

const DOMAIN_TEXT: Record<NonNullable<ParamSpec['domain']>, string> = {
  real: 'a finite number',
  positive: 'a number > 0',
  nonnegative: 'a number ≥ 0',
  integer: 'an integer',
};

/**
 * Parse `key=value,key=value` against a family's parameters. InputError for an unknown key, a
 * malformed pair, a repeated key or a value outside the parameter's domain, each listing the
 * family's parameters with their defaults.
 */
export function parseParams(family: string, text: string, specs: readonly ParamSpec[]): Record<string, number> {
  const out: Record<string, number> = {};
  if (text === '') return out;
  const list = `the parameters of ${family} are: ${describeParams(specs)}`;
  for (const pair of text.split(',')) {
    const eq = pair.indexOf('=');
    const key = (eq < 0 ? pair : pair.slice(0, eq)).trim();
    const raw = eq < 0 ? '' : pair.slice(eq + 1).trim();
    if (eq < 0 || key === '' || raw === '') {
      throw new InputError(`landscape ${family}: malformed parameter '${pair}': expected key=value (e.g. ${specs[0]?.name ?? 'key'}=${specs[0]?.default ?? 1}); ${list}`);
    }
    const spec = specs.find((s) => s.name === key);
    if (!spec) throw new InputError(`landscape ${family}: unknown parameter '${key}'; ${list}`);
    if (key in out) throw new InputError(`landscape ${family}: parameter '${key}' is given twice; ${list}`);
    const v = Number(raw);
    const domain = spec.domain ?? 'real';
    const ok = Number.isFinite(v) &&
      (domain === 'real' || (domain === 'positive' && v > 0) || (domain === 'nonnegative' && v >= 0) || (domain === 'integer' && Number.isSafeInteger(v)));
    if (!ok) throw new InputError(`landscape ${family}: parameter ${key}=${raw} is not valid: expected ${DOMAIN_TEXT[domain]}; ${list}`);
    out[key] = v;
  }
  return out;
}

/** The canonical spec: the target, then every parameter in the family's order (defaults filled in). */
export function canonicalSpec(target: string, specs: readonly ParamSpec[], values: Record<string, number>): string {
  if (specs.length === 0) return target;
  return `${target}:${specs.map((s) => `${s.name}=${String(values[s.name] ?? s.default)}`).join(',')}`;
}
