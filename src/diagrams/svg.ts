/** @file placeholder */
import type { Diagram } from './diagram.ts';
export function diagramSvg(d: Diagram): string { return d.key; }
