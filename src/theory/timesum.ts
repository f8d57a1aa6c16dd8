/**
 * @file The time sums of the re-summed series (THEORY §7, docs/theory.md §9). In an eigenbasis
 * of H every edge e of a cumulant diagram carries one eigen-index μ_e and its propagator is the
 * scalar a_e^{t_p − t_c − 1}, a_e = 1 − ηλ_{μ_e}. What is left of a diagram's embedding sum for a
 * fixed tuple μ is a pure sum over the times of its non-root ("timed") nodes,
 *
 *   S(μ) = Σ_{t_v ∈ [0,T)} Π_edges [t_c < t_p] a_e^{t_p − t_c − 1} · Π_parts Ω_p(times of the part),
 *
 * root at time T, where Ω_p is the part's row count divided by B^{m_p} (m_p its timed nodes):
 * parts may share rows (cumulant form), so the row sums factorize over parts.
 *
 * S is computed by a dynamic program over time whose state is the set of placed nodes
 * (children are placed at earlier steps than their parents) plus what the schedule needs to
 * remember about partially placed parts. Everything is vectorized over a list of μ tuples:
 * each edge gives one Float64Array of ηλ values, one entry per tuple. Time-homogeneous stretches
 * use the step's transfer matrix raised to a power by squaring, so the cost grows like log T.
 */
import { InputError, opt, type Schedule } from '../core/index.ts';

/**
 * The time-and-row structure of a diagram: its timed (non-root) nodes with their parents
 * (−1: the root, at time T) and parts. The train-loss root is untimed but takes a row in its
 * part (`rootPart`), which adds the factor 1/N.
 */
export interface TimePattern {
  /** parent[v]: another timed node, or −1 for the root. Children must precede nothing in particular. */
  readonly parent: readonly number[];
  /** part[v]: a part id (any integers) of timed node v. */
  readonly part: readonly number[];
  /** The part id holding the train-loss root, if the root takes a row (train loss). */
  readonly rootPart?: number;
}

export interface TimeSumOptions {
  /** Propagators exp(−nηλ) and time integrals instead of (1 − ηλ)^n and sums (paper's Remark 2). */
  continuous?: boolean;
  /** T → ∞ (homogeneous schedules only: GD, one-epoch SGD). */
  longTime?: boolean;
}

/** S per tuple; with longTime, S = offset + velocity·T asymptotically (velocity null if none grows). */
export interface TimeSum {
  readonly value: Float64Array;
  readonly velocity: Float64Array | null;
}

/** How the schedule constrains the times of a part with two or more timed nodes. */
export type Regime = 'free' | 'sameStep' | 'epoch' | 'slot';

/** Parts with ≥ 2 timed nodes: the only ones whose times the schedule constrains. */
function multiParts(p: TimePattern): Map<number, number[]> {
  const byPart = new Map<number, number[]>();
  p.part.forEach((id, v) => byPart.set(id, [...(byPart.get(id) ?? []), v]));
  for (const [id, nodes] of [...byPart]) if (nodes.length < 2) byPart.delete(id);
  return byPart;
}

/**
 * The schedule's rule for parts with ≥ 2 timed nodes (docs/theory.md §9):
 * - free: every row is in every batch (K = 1, e.g. GD), or there is no such part;
 * - sameStep: one epoch, a row is in one batch only: the part's nodes share one step;
 * - epoch (reshuffle, E ≥ 2): within each epoch the part's nodes share one step, and each
 *   epoch the part uses costs 1/K (the row's slot is uniform per epoch);
 * - slot (fixed, E ≥ 2): all the part's nodes sit at one slot t mod K.
 */
export function regimeOf(p: TimePattern, s: Schedule): Regime {
  if (s.K === 1 || multiParts(p).size === 0) return 'free';
  if (s.E === 1) return 'sameStep';
  return s.shuffle === 'reshuffle' ? 'epoch' : 'slot';
}

/**
 * Π_p Ω_p except the per-epoch 1/K of the `epoch` regime (which the program supplies): a part
 * with m timed nodes has B rows (one batch) if its times fit the schedule, so Ω = B^{1−m};
 * under reshuffle with E ≥ 2 its N rows are each present with probability K^{−#epochs}, so
 * N·B^{−m} here. The train root's part divides by N (the root's row n is uniform in [0, N));
 * a root alone (m = 0) contributes 1. `N` may be Infinity (long-time SGD: fresh rows).
 */
export function rowConstant(p: TimePattern, s: Schedule, N: number = s.N): number {
  const counts = new Map<number, number>();
  for (const id of p.part) counts.set(id, (counts.get(id) ?? 0) + 1);
  if (p.rootPart !== undefined && !counts.has(p.rootPart)) counts.set(p.rootPart, 0);
  let c = 1;
  for (const [id, m] of counts) {
    if (m === 0) continue;
    const isRoot = id === p.rootPart;
    if (s.shuffle === 'reshuffle' && s.E >= 2 && s.K > 1 && m >= 2) c *= (isRoot ? 1 : N) * s.B ** -m;
    else c *= s.B ** (1 - m) / (isRoot ? N : 1);
  }
  return c;
}

/**
 * Groups of timed nodes whose time sums are independent: the sum factorizes over the root's
 * subtrees unless a constrained part (≥ 2 timed nodes, regime ≠ free) spans several of them.
 * Returns lists of timed nodes.
 */
export function componentsOf(p: TimePattern, s: Schedule): number[][] {
  const n = p.parent.length;
  const top = (v: number): number => (p.parent[v] === -1 ? v : top(p.parent[v]!));
  const rep = Array.from({ length: n }, (_, v) => top(v));
  const find = (v: number): number => (rep[v] === v ? v : (rep[v] = find(rep[v]!)));
  if (regimeOf(p, s) !== 'free') {
    for (const nodes of multiParts(p).values()) for (const v of nodes.slice(1)) rep[find(v)] = find(nodes[0]!);
  }
  const groups = new Map<number, number[]>();
  for (let v = 0; v < n; v++) groups.set(find(v), [...(groups.get(find(v)) ?? []), v]);
  return [...groups.values()];
}

// ---- vectorized small matrices: ns×ns entries, each a Float64Array over tuples (null = 0) ----

type VMat = (Float64Array | null)[];

function vmatMul(A: VMat, B: VMat, ns: number, L: number): VMat {
  const C: VMat = new Array(ns * ns).fill(null);
  for (let i = 0; i < ns; i++) {
    for (let j = 0; j < ns; j++) {
      const a = A[i * ns + j];
      if (!a) continue;
      for (let k = 0; k < ns; k++) {
        const b = B[j * ns + k];
        if (!b) continue;
        const c = (C[i * ns + k] ??= new Float64Array(L));
        for (let x = 0; x < L; x++) c[x]! += a[x]! * b[x]!;
      }
    }
  }
  return C;
}

function vmatIdentity(ns: number, L: number): VMat {
  const I: VMat = new Array(ns * ns).fill(null);
  for (let i = 0; i < ns; i++) I[i * ns + i] = new Float64Array(L).fill(1);
  return I;
}

function vmatPow(A: VMat, n: number, ns: number, L: number): VMat {
  let result: VMat | null = null;
  let base = A;
  for (let k = n; k > 0; k = Math.floor(k / 2)) {
    if (k % 2 === 1) result = result ? vmatMul(result, base, ns, L) : base;
    if (k > 1) base = vmatMul(base, base, ns, L);
  }
  return result ?? vmatIdentity(ns, L);
}

/** exp(A) by scaling and squaring with a Taylor polynomial (‖A/2^s‖ ≤ 1/2, 24 terms). */
function vmatExp(A: VMat, ns: number, L: number): VMat {
  let norm = 0;
  for (let i = 0; i < ns; i++) {
    let row = 0;
    for (let j = 0; j < ns; j++) {
      const a = A[i * ns + j];
      if (a) row += a.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
    }
    norm = Math.max(norm, row);
  }
  const s = norm > 0.5 ? Math.ceil(Math.log2(norm / 0.5)) : 0;
  const scale = 2 ** -s;
  const Y: VMat = A.map((a) => (a ? a.map((x) => x * scale) : null));
  // Horner: E = I + Y(I + Y/2(I + Y/3(…)))
  let E = vmatIdentity(ns, L);
  for (let k = 24; k >= 1; k--) {
    const YE = vmatMul(Y, E, ns, L);
    E = vmatIdentity(ns, L);
    YE.forEach((a, idx) => {
      if (!a) return;
      const e = (E[idx] ??= new Float64Array(L));
      for (let x = 0; x < L; x++) e[x]! += a[x]! / k;
    });
  }
  for (let k = 0; k < s; k++) E = vmatMul(E, E, ns, L);
  return E;
}

// ---- the state space and the one-step matrices ----

interface State {
  mask: number;
  /** Bit q: multi part q placed a node this epoch and is still incomplete (epoch regime). */
  flags: number;
}

interface Program {
  states: State[];
  index: Map<string, number>;
  full: number;
}

const stateKey = (s: State) => `${s.mask}:${s.flags}`;

/** Everything one step or one instant may do, as a list of moves (from, to, scalar factor, placed set). */
interface Move {
  from: number;
  to: number;
  factor: number;
  placed: number;
}

/**
 * The moves of one step from each state. Discrete: place any set X of ready nodes (children
 * placed at earlier steps) obeying the regime. Continuous: one "group" per move (a single node, or a part's
 * same-time group), since unrelated nodes meet at one instant with probability 0. (The slot
 * regime's off-slot steps drop the moves that place a multi part; see timeSumProgram.)
 */
function movesOf(p: TimePattern, regime: Regime, s: Schedule, continuous: boolean): { prog: Program; moves: Move[] } {
  const n = p.parent.length;
  const multi = [...multiParts(p).entries()];
  const multiOf = new Int32Array(n).fill(-1);
  multi.forEach(([, nodes], q) => nodes.forEach((v) => (multiOf[v] = q)));
  const childMask = new Int32Array(n);
  p.parent.forEach((par, v) => {
    if (par >= 0) childMask[par]! |= 1 << v;
  });
  const partMask = multi.map(([, nodes]) => nodes.reduce((m, v) => m | (1 << v), 0));
  const full = (1 << n) - 1;

  const states: State[] = [{ mask: 0, flags: 0 }];
  const index = new Map<string, number>([[stateKey(states[0]!), 0]]);
  const moves: Move[] = [];
  for (let i = 0; i < states.length; i++) {
    const { mask, flags } = states[i]!;
    const ready: number[] = [];
    for (let v = 0; v < n; v++) if (!(mask & (1 << v)) && (childMask[v]! & mask) === childMask[v]) ready.push(v);
    const readyMask = ready.reduce((m, v) => m | (1 << v), 0);
    for (let X = readyMask; ; X = (X - 1) & readyMask) {
      const ok = X !== 0 || !continuous; // continuous: the "stay" move is the diagonal, not a placement
      let factor = 1;
      let newFlags = flags;
      let valid = ok;
      if (continuous && X !== 0) {
        // one group: a single non-multi node, or nodes of one multi part
        const qs = new Set<number>();
        let singles = 0;
        for (let v = 0; v < n; v++) if (X & (1 << v)) multiOf[v]! >= 0 ? qs.add(multiOf[v]!) : singles++;
        if (!((singles === 1 && qs.size === 0) || (singles === 0 && qs.size === 1))) valid = false;
        if (valid && qs.size === 1 && regime === 'free') valid = X === (X & -X); // free: nodes one at a time
      }
      if (valid) {
        multi.forEach((_, q) => {
          const inX = X & partMask[q]!;
          if (regime === 'free' || inX === 0) return;
          if (regime === 'sameStep') {
            if (inX !== partMask[q]) valid = false; // all the part's nodes at this one step
          } else if (regime === 'epoch') {
            if (flags & (1 << q)) valid = false; // the part already used this epoch's step
            else {
              factor /= s.K;
              if (((mask | X) & partMask[q]!) !== partMask[q]) newFlags |= 1 << q;
            }
          }
        });
      }
      if (valid) {
        const to: State = { mask: mask | X, flags: newFlags };
        // a flagged state's unflagged twin is where the epoch boundary takes it
        const twin: State = { mask: mask | X, flags: 0 };
        for (const st of newFlags ? [twin, to] : [to]) {
          if (!index.has(stateKey(st))) {
            index.set(stateKey(st), states.length);
            states.push(st);
          }
        }
        moves.push({ from: i, to: index.get(stateKey(to))!, factor, placed: X });
      }
      if (X === 0) break;
    }
  }
  const fullIdx = index.get(stateKey({ mask: full, flags: 0 })) ?? -1;
  return { prog: { states, index, full: fullIdx }, moves };
}

/** Edges (by child) whose child is in `before` and whose parent is not in `after`: they decay this step. */
function frontier(p: TimePattern, before: number, after: number): number[] {
  const out: number[] = [];
  p.parent.forEach((par, v) => {
    if (before & (1 << v) && (par < 0 || !(after & (1 << par)))) out.push(v);
  });
  return out;
}

/** Build a step (discrete) or generator (continuous) matrix over a state list shared by the calls. */
function stepMatrix(p: TimePattern, prog: Program, moves: Move[], decay: readonly Float64Array[], L: number, continuous: boolean): VMat {
  const ns = prog.states.length;
  const M: VMat = new Array(ns * ns).fill(null);
  const add = (i: number, j: number, arr: Float64Array) => {
    const m = M[i * ns + j];
    if (m) for (let x = 0; x < L; x++) m[x]! += arr[x]!;
    else M[i * ns + j] = arr;
  };
  for (const mv of moves) {
    const before = prog.states[mv.from]!.mask;
    const w = new Float64Array(L).fill(mv.factor);
    if (!continuous) {
      for (const e of frontier(p, before, before | mv.placed)) {
        const d = decay[e]!;
        for (let x = 0; x < L; x++) w[x]! *= 1 - d[x]!;
      }
    }
    add(mv.from, mv.to, w);
  }
  if (continuous) {
    for (let i = 0; i < ns; i++) {
      const mask = prog.states[i]!.mask;
      const edges = frontier(p, mask, mask);
      if (edges.length === 0) continue;
      const q = new Float64Array(L);
      for (const e of edges) for (let x = 0; x < L; x++) q[x]! -= decay[e]![x]!;
      add(i, i, q);
    }
  }
  return M;
}

/** Row 0 of a matrix, column `full`: the program's answer. */
const answer = (M: VMat, ns: number, full: number, L: number) => (full >= 0 ? (M[full] ?? new Float64Array(L)) : new Float64Array(L));

/**
 * Long time (T → ∞) on a homogeneous program: x[∅] = 1 and x[c] = Σ_{c′≺c} x[c′]M[c′,c]/(1 − M[c,c])
 * (continuous: M − I → Q). The final state may have M = 1 (every edge into the root flat): the
 * sum then grows like velocity·T + offset, velocity = the inflow Σ x[c′]M[c′,full] and offset
 * = Σ_t (inflow_t − velocity) = Σ_{c′} w[c′]M[c′,full] with w = Σ_t (x_t − x_∞) (a second
 * triangular solve). An intermediate state with M = 1 would grow faster than linearly: NaN.
 */
function longTimeSum(M: VMat, prog: Program, L: number, continuous: boolean): TimeSum {
  const ns = prog.states.length;
  const order = prog.states.map((_, i) => i).sort((a, b) => popcount(prog.states[a]!.mask) - popcount(prog.states[b]!.mask));
  const diag = (i: number) => M[i * ns + i];
  const x: (Float64Array | null)[] = new Array(ns).fill(null);
  const w: (Float64Array | null)[] = new Array(ns).fill(null);
  const value = new Float64Array(L);
  let velocity: Float64Array | null = null;
  for (const c of order) {
    if (c === 0) {
      x[0] = new Float64Array(L).fill(1);
      continue;
    }
    const inflow = new Float64Array(L);
    const winflow = new Float64Array(L);
    for (let c2 = 0; c2 < ns; c2++) {
      const m = M[c2 * ns + c];
      if (c2 === c || !m || !x[c2]) continue;
      for (let k = 0; k < L; k++) {
        inflow[k]! += x[c2]![k]! * m[k]!;
        if (w[c2]) winflow[k]! += w[c2]![k]! * m[k]!;
      }
    }
    const d = diag(c);
    const xc = new Float64Array(L);
    const wc = new Float64Array(L);
    for (let k = 0; k < L; k++) {
      // the decay per step (discrete 1 − M, continuous −Q) of this state's frontier
      const rate = continuous ? -(d ? d[k]! : 0) : 1 - (d ? d[k]! : 0);
      if (rate === 0) {
        if (c !== prog.full) xc[k] = inflow[k] === 0 ? 0 : NaN;
        else {
          velocity ??= new Float64Array(L);
          velocity[k] = inflow[k]!;
          value[k] = winflow[k]!;
        }
        continue;
      }
      xc[k] = inflow[k]! / rate;
      wc[k] = (winflow[k]! - xc[k]!) / rate;
      if (c === prog.full) value[k] = xc[k]!;
    }
    x[c] = xc;
    w[c] = wc;
  }
  return { value, velocity };
}

const popcount = (m: number) => {
  let c = 0;
  for (; m; m &= m - 1) c++;
  return c;
};

/**
 * The time sum of one component (or a whole pattern), without the row constant: the dynamic
 * program over T steps. `decay[v]` holds ηλ of the edge above timed node v, one entry per tuple.
 */
export function timeSumProgram(p: TimePattern, s: Schedule, decay: readonly Float64Array[], o: TimeSumOptions = {}): TimeSum {
  const L = decay[0]?.length ?? 1;
  const continuous = o.continuous ?? false;
  const regime = regimeOf(p, s);
  if (p.parent.length === 0) return { value: new Float64Array(L).fill(1), velocity: null };
  if (o.longTime) {
    if (regime === 'epoch' || regime === 'slot') throw new InputError(`timeSum: ${opt('longTime')} needs GD or one epoch of SGD (E = 1)`);
    const { prog, moves } = movesOf(p, regime, s, continuous);
    return longTimeSum(stepMatrix(p, prog, moves, decay, L, continuous), prog, L, continuous);
  }
  const run = (prog: Program, M: VMat, steps: number): VMat =>
    continuous ? vmatExp(M.map((a) => (a ? a.map((x) => x * steps) : null)), prog.states.length, L) : vmatPow(M, steps, prog.states.length, L);

  if (regime === 'free' || regime === 'sameStep') {
    const { prog, moves } = movesOf(p, regime, s, continuous);
    const ns = prog.states.length;
    return { value: answer(run(prog, stepMatrix(p, prog, moves, decay, L, continuous), s.T), ns, prog.full, L), velocity: null };
  }
  if (regime === 'epoch') {
    // one epoch of K homogeneous steps, then every part's "used this epoch" flag resets
    const { prog, moves } = movesOf(p, regime, s, continuous);
    const ns = prog.states.length;
    const epoch = run(prog, stepMatrix(p, prog, moves, decay, L, continuous), s.K);
    const reset: VMat = new Array(ns * ns).fill(null);
    prog.states.forEach((st, i) => {
      const j = prog.index.get(stateKey({ mask: st.mask, flags: 0 }));
      if (j === undefined) throw new Error('timeSum: a flagged state without its unflagged twin');
      reset[i * ns + j] = new Float64Array(L).fill(1);
    });
    return { value: answer(vmatPow(vmatMul(epoch, reset, ns, L), s.E, ns, L), ns, prog.full, L), velocity: null };
  }
  // slot (fixed, E ≥ 2): the multi part's nodes all sit at one slot σ. With A the step that
  // forbids the part and D the step that allows it, the program is Σ_σ (A^σ D A^{K−1−σ})^E
  // = Σ_σ A^σ G A^{K−1−σ}, G = (D A^{K−1})^{E−1} D, the upper-right block of [[A, G], [0, A]]^K.
  if (continuous) throw new InputError(`timeSum: ${opt('continuous')} is not defined for fixed shuffling with E ≥ 2 on a part with several timed nodes`);
  if (multiParts(p).size > 1) throw new InputError('timeSum: fixed shuffling with E ≥ 2 supports one part with several timed nodes (diagrams with ≤ 3 edges)');
  const both = movesOf(p, regime, s, false);
  const prog = both.prog;
  const ns = prog.states.length;
  const D = stepMatrix(p, prog, both.moves, decay, L, false);
  // A: the same states, every move except placing the multi part's nodes
  const multiMask = [...multiParts(p).values()].flat().reduce((m, v) => m | (1 << v), 0);
  const Afull = stepMatrix(p, prog, both.moves.filter((mv) => (mv.placed & multiMask) === 0), decay, L, false);
  const Ak1 = vmatPow(Afull, s.K - 1, ns, L);
  const G = vmatMul(vmatPow(vmatMul(D, Ak1, ns, L), s.E - 1, ns, L), D, ns, L);
  const big: VMat = new Array(4 * ns * ns).fill(null);
  for (let i = 0; i < ns; i++)
    for (let j = 0; j < ns; j++) {
      big[i * 2 * ns + j] = Afull[i * ns + j] ?? null;
      big[(i + ns) * 2 * ns + j + ns] = Afull[i * ns + j] ?? null;
      big[i * 2 * ns + j + ns] = G[i * ns + j] ?? null;
    }
  const P = vmatPow(big, s.K, 2 * ns, L);
  return { value: prog.full >= 0 ? (P[ns + prog.full] ?? new Float64Array(L)) : new Float64Array(L), velocity: null };
}

/**
 * S(μ) for every tuple: the row constant times the product of the components' programs
 * (docs/theory.md §9). `decay[v]`: ηλ on the edge above timed node v, per tuple. `N` overrides
 * the schedule's N in the row constant (Infinity for long-time SGD).
 */
export function timeSum(p: TimePattern, s: Schedule, decay: readonly Float64Array[], o: TimeSumOptions = {}, N: number = s.N): TimeSum {
  const L = decay[0]?.length ?? 1;
  const c = rowConstant(p, s, N);
  const parts = componentsOf(p, s).map((nodes) => timeSumProgram(restrict(p, nodes), s, nodes.map((v) => decay[v]!), o));
  return combine(parts, L, c);
}

/** Π of components' sums (each offset + velocity·T): the offset product and the first-order velocity. */
export function combine(parts: readonly TimeSum[], L: number, c: number): TimeSum {
  const value = new Float64Array(L).fill(c);
  let velocity: Float64Array | null = null;
  for (const t of parts) {
    if (t.velocity) {
      const v = new Float64Array(L);
      for (let x = 0; x < L; x++) {
        if (velocity && velocity[x] !== 0 && t.velocity[x] !== 0) v[x] = NaN; // two growing factors: T²
        else v[x] = (velocity ? velocity[x]! * t.value[x]! : 0) + value[x]! * t.velocity[x]!;
      }
      velocity = v;
    } else if (velocity) for (let x = 0; x < L; x++) velocity[x]! *= t.value[x]!;
    for (let x = 0; x < L; x++) value[x]! *= t.value[x]!;
  }
  return { value, velocity };
}

/** The pattern on a subset of its timed nodes (a component), renumbered 0…k−1 in the given order. */
export function restrict(p: TimePattern, nodes: readonly number[]): TimePattern {
  const idx = new Map(nodes.map((v, i) => [v, i]));
  return {
    parent: nodes.map((v) => (p.parent[v]! < 0 ? -1 : idx.get(p.parent[v]!)!)),
    part: nodes.map((v) => p.part[v]!),
    ...(p.rootPart !== undefined ? { rootPart: p.rootPart } : {}),
  };
}
