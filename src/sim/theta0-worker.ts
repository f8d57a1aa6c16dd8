/** @file The handler of a simulation's pass over the atoms at θ₀: l_a(θ₀) for the atoms a ∈ [start, end). */
import { resolveRef, type LandscapeRef } from '../landscapes/index.ts';

export interface Theta0Context {
  landscape: LandscapeRef;
  initSeed: number;
}

export default async function (task: { start: number; end: number }, ctx: Theta0Context): Promise<Float64Array> {
  const land = await resolveRef(ctx.landscape);
  return land.program().values(land.init(ctx.initSeed), land.atoms!().batch(task.start, task.end));
}
