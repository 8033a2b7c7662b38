/**
 * Friend-group detection on an undirected graph: seeded label propagation, then squads.
 *
 * Label propagation follows Raghavan, Albert & Kumara, "Near linear time algorithm to
 * detect community structures in large-scale networks", Phys. Rev. E 76, 036106 (2007):
 * every node starts in its own community; in each sweep (nodes in a fresh random order,
 * updates applied at once, i.e. asynchronously) a node adopts the label carrying the
 * largest total edge weight among its neighbours,
 *
 *     label(v) ← argmax_l  Σ_{u ∈ N(v), label(u) = l} w(u, v),
 *
 * keeping its own label when that is among the maxima and otherwise breaking ties
 * uniformly at random. It stops when a sweep changes nothing (every node then holds a
 * maximal label: the paper's stopping rule) or after `maxIterations` sweeps. One sweep
 * is O(|E|), so 100k nodes / 300k edges take tens of milliseconds per sweep.
 *
 * Communities found that way are sized by the graph's structure, not by what a friend
 * group is, so `squadsFromCommunities` reshapes them: split them into connected pieces,
 * re-run propagation on the induced subgraph of pieces above `maxSize` (recursively, up
 * to `maxDepth`), then carve every piece into dense cores of `minSize..maxSize` by greedy
 * peeling. Everything is a function of (graph, seed): no clock, no I/O, no `Math.random`.
 */
import { Rng } from '../world/prng';

/**
 * An undirected graph in compressed sparse row form (nodes are 0..n-1):
 * - `offsets`: [n + 1], non-decreasing, `offsets[0] = 0`; node v's neighbours are
 *   `neighbors[offsets[v] .. offsets[v + 1])`;
 * - `neighbors`: [2 · edges], each undirected edge listed under both endpoints;
 * - `weights`: [2 · edges], parallel to `neighbors`, finite and > 0, equal in both
 *   directions; absent means every edge weighs 1.
 * Self loops and repeated neighbours are not expected (`csrFromEdges` in the graph layer
 * never produces them); if present they simply count as extra weight.
 */
export interface CsrGraph {
  offsets: Int32Array;
  neighbors: Int32Array;
  weights?: Float32Array;
}

export interface LabelPropagationOptions {
  /** Any safe integer; the same graph and seed give the same labels. */
  seed: number;
  /** Sweep cap; real graphs settle in 5–15 sweeps. Default 30. */
  maxIterations?: number;
}

export interface LabelPropagationResult {
  /** [n]: community of each node, dense 0..communities-1, numbered by first node. */
  labels: Int32Array;
  communities: number;
  /** Sweeps run. */
  iterations: number;
  /** False when `maxIterations` stopped it before a sweep without changes. */
  converged: boolean;
}

export const DEFAULT_MAX_ITERATIONS = 30;

/** Label propagation (Raghavan et al. 2007), seeded; see the module comment. */
export function propagateLabels(g: CsrGraph, o: LabelPropagationOptions): LabelPropagationResult {
  const n = checkCsr(g);
  const maxIterations = o.maxIterations ?? DEFAULT_MAX_ITERATIONS;
  if (!Number.isInteger(maxIterations) || maxIterations < 1) throw new RangeError(`maxIterations must be an integer ≥ 1, got ${String(maxIterations)}`);
  const rng = Rng.derive(o.seed, 'label-propagation');
  const { offsets, neighbors, weights } = g;
  const labels = new Int32Array(n);
  const order = new Int32Array(n);
  for (let v = 0; v < n; v++) labels[v] = order[v] = v;
  // Per-label weight accumulator indexed by label (labels stay in 0..n-1), plus the list
  // of labels touched for the current node so that resetting it costs O(degree), not O(n).
  const acc = new Float64Array(n);
  const touched = new Int32Array(maxDegree(offsets, n));

  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations) {
    iterations++;
    shuffle(order, rng);
    let changed = 0;
    for (let i = 0; i < n; i++) {
      const v = order[i];
      const start = offsets[v];
      const end = offsets[v + 1];
      if (start === end) continue;
      let nt = 0;
      for (let k = start; k < end; k++) {
        const l = labels[neighbors[k]];
        if (acc[l] === 0) touched[nt++] = l;
        acc[l] += weights ? weights[k] : 1;
      }
      let best = -1;
      let bestW = 0;
      let ties = 0;
      for (let t = 0; t < nt; t++) {
        const l = touched[t];
        const w = acc[l];
        if (w > bestW) {
          best = l;
          bestW = w;
          ties = 1;
        } else if (w === bestW && rng.int(++ties) === 0) {
          best = l; // reservoir sampling: each of the tied labels is kept with probability 1/ties
        }
      }
      const own = labels[v];
      if (acc[own] !== bestW) {
        labels[v] = best;
        changed++;
      }
      for (let t = 0; t < nt; t++) acc[touched[t]] = 0;
    }
    if (changed === 0) {
      converged = true;
      break;
    }
  }
  const dense = densify(labels);
  return { labels: dense.labels, communities: dense.count, iterations, converged };
}

export interface SquadOptions {
  /** Any safe integer; seeds the propagation re-runs inside large communities. */
  seed: number;
  /** Smallest squad (≥ 2). Default 3. */
  minSize?: number;
  /** Largest squad (≥ minSize). Default 12. */
  maxSize?: number;
  /** Levels of propagation re-runs inside too-large communities before peeling. Default 3. */
  maxDepth?: number;
  /**
   * A peeled core grows by the outside node linked to the most members, and only while
   * that node is linked to at least this share of the current members (so a core is
   * dense, not a chain). Default 0.5.
   */
  minLinkShare?: number;
  maxIterations?: number;
}

export const DEFAULT_MIN_SQUAD = 3;
export const DEFAULT_MAX_SQUAD = 12;
export const DEFAULT_MAX_DEPTH = 3;
export const DEFAULT_MIN_LINK_SHARE = 0.5;

/**
 * Turns communities into squads. Contract:
 * - every squad has `minSize..maxSize` distinct nodes of `g`, sorted ascending;
 * - squads are disjoint; nodes in no squad are simply left out (isolated users, pairs,
 *   the loose fringe of a community);
 * - every squad is dense and connected: in the order members joined it, each one is
 *   linked to at least `minLinkShare` of those before it (and to at least one);
 * - every squad lies within one community of `labels` (split further, never merged);
 * - squads are ordered by their smallest member;
 * - the result is a function of (g, labels, options): same inputs, same squads.
 *
 * How: each community is split into connected pieces; pieces below `minSize` are
 * dropped. A piece above `maxSize` is re-run through label propagation on its induced
 * subgraph (seed derived from `seed`, the depth and the piece), recursing into the parts
 * while it splits and `maxDepth` allows. Every piece that ends there is carved into dense
 * cores (`denseCores`): a clique comes out whole, a sparse piece loses its fringe. The
 * carving is what makes squads friend groups rather than just communities: propagation
 * alone happily keeps trees and chains (on the synthetic world, ~40% of member pairs
 * linked without it, ~75% with it).
 */
export function squadsFromCommunities(g: CsrGraph, labels: Int32Array, o: SquadOptions): Int32Array[] {
  const n = checkCsr(g);
  if (labels.length !== n) throw new RangeError(`labels must have one entry per node (${n}), got ${labels.length}`);
  const minSize = o.minSize ?? DEFAULT_MIN_SQUAD;
  const maxSize = o.maxSize ?? DEFAULT_MAX_SQUAD;
  const maxDepth = o.maxDepth ?? DEFAULT_MAX_DEPTH;
  const share = o.minLinkShare ?? DEFAULT_MIN_LINK_SHARE;
  if (!Number.isInteger(minSize) || minSize < 2) throw new RangeError(`minSize must be an integer ≥ 2, got ${String(minSize)}`);
  if (!Number.isInteger(maxSize) || maxSize < minSize) throw new RangeError(`maxSize must be an integer ≥ minSize (${minSize}), got ${String(maxSize)}`);
  if (!Number.isInteger(maxDepth) || maxDepth < 0) throw new RangeError(`maxDepth must be an integer ≥ 0, got ${String(maxDepth)}`);
  if (!(share >= 0 && share <= 1)) throw new RangeError(`minLinkShare must be in [0, 1], got ${String(share)}`);

  const squads: Int32Array[] = [];
  // global -> local index while an induced subgraph is built; -1 elsewhere (reset after use).
  const scratch = new Int32Array(n).fill(-1);

  const visit = (members: Int32Array, depth: number): void => {
    if (members.length < minSize) return;
    const sub = inducedSubgraph(g, members, scratch);
    if (members.length > maxSize && depth < maxDepth) {
      const seed = Rng.derive(o.seed, `split/${depth}/${members[0]}/${members.length}`).nextU32();
      const lp = propagateLabels(sub, { seed, ...(o.maxIterations ? { maxIterations: o.maxIterations } : {}) });
      const parts = groupsOf(sub, lp.labels);
      if (parts.length > 1) {
        for (const part of parts) visit(toGlobal(part, members), depth + 1);
        return;
      }
    }
    for (const core of denseCores(sub, { minSize, maxSize, minLinkShare: share })) squads.push(toGlobal(core, members));
  };

  for (const piece of groupsOf(g, labels)) visit(piece, 0);
  squads.sort((a, b) => a[0] - b[0]);
  return squads;
}

/**
 * Greedy peeling of a graph into dense cores of `minSize..maxSize` nodes. Seeds are taken
 * in order of weighted degree (strongest first, ties by index); a core grows from its
 * seed by the unplaced neighbour with the most links into the core (then the most weight,
 * then the lowest index), as long as that node links to ≥ `minLinkShare` of the core.
 * A core that stays below `minSize` is released and its seed is not tried again. Returns
 * disjoint cores, each sorted ascending, connected, in the order they were carved.
 * Cost: O(Σ over cores of maxSize · |neighbourhood of the core|).
 */
export function denseCores(g: CsrGraph, o: { minSize: number; maxSize: number; minLinkShare: number }): Int32Array[] {
  const n = checkCsr(g);
  const { offsets, neighbors, weights } = g;
  const strength = new Float64Array(n);
  for (let v = 0; v < n; v++) {
    let s = 0;
    for (let k = offsets[v]; k < offsets[v + 1]; k++) s += weights ? weights[k] : 1;
    strength[v] = s;
  }
  const seeds = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => strength[b] - strength[a] || a - b);
  const placed = new Uint8Array(n);
  const inCore = new Uint8Array(n);
  const links = new Int32Array(n);
  const score = new Float64Array(n);
  const touched: number[] = [];
  const cores: Int32Array[] = [];

  const absorb = (v: number) => {
    inCore[v] = 1;
    for (let k = offsets[v]; k < offsets[v + 1]; k++) {
      const w = neighbors[k];
      if (placed[w] || inCore[w]) continue;
      if (links[w] === 0) touched.push(w);
      links[w]++;
      score[w] += weights ? weights[k] : 1;
    }
  };

  for (const seed of seeds) {
    if (placed[seed]) continue;
    const core = [seed];
    absorb(seed);
    while (core.length < o.maxSize) {
      const need = Math.max(1, Math.ceil(core.length * o.minLinkShare));
      let best = -1;
      for (const w of touched) {
        if (inCore[w] || links[w] < need) continue;
        if (best < 0 || links[w] > links[best] || (links[w] === links[best] && (score[w] > score[best] || (score[w] === score[best] && w < best)))) best = w;
      }
      if (best < 0) break;
      core.push(best);
      absorb(best);
    }
    for (const v of core) inCore[v] = 0;
    if (core.length >= o.minSize) {
      for (const v of core) placed[v] = 1;
      cores.push(Int32Array.from(core).sort());
    }
    for (const w of touched) {
      links[w] = 0;
      score[w] = 0;
    }
    touched.length = 0;
  }
  return cores;
}

/**
 * The connected pieces of each label class: nodes grouped by (label, connected component
 * of the subgraph induced by that label), each group sorted ascending, groups ordered by
 * their smallest node. O(n + |E|).
 */
export function groupsOf(g: CsrGraph, labels: Int32Array): Int32Array[] {
  const n = g.offsets.length - 1;
  const comp = new Int32Array(n).fill(-1);
  const queue = new Int32Array(n);
  let count = 0;
  for (let s = 0; s < n; s++) {
    if (comp[s] !== -1) continue;
    const c = count++;
    const l = labels[s];
    comp[s] = c;
    let head = 0;
    let tail = 0;
    queue[tail++] = s;
    while (head < tail) {
      const v = queue[head++];
      for (let k = g.offsets[v]; k < g.offsets[v + 1]; k++) {
        const w = g.neighbors[k];
        if (comp[w] === -1 && labels[w] === l) {
          comp[w] = c;
          queue[tail++] = w;
        }
      }
    }
  }
  return bucket(comp, count);
}

/** The subgraph induced by `members` (ascending global ids), node i standing for members[i]. */
export function inducedSubgraph(g: CsrGraph, members: Int32Array, scratch: Int32Array = new Int32Array(g.offsets.length - 1).fill(-1)): CsrGraph {
  const m = members.length;
  for (let i = 0; i < m; i++) scratch[members[i]] = i;
  const offsets = new Int32Array(m + 1);
  for (let i = 0; i < m; i++) {
    const v = members[i];
    let d = 0;
    for (let k = g.offsets[v]; k < g.offsets[v + 1]; k++) if (scratch[g.neighbors[k]] >= 0) d++;
    offsets[i + 1] = offsets[i] + d;
  }
  const neighbors = new Int32Array(offsets[m]);
  const weights = g.weights ? new Float32Array(offsets[m]) : undefined;
  for (let i = 0, p = 0; i < m; i++) {
    const v = members[i];
    for (let k = g.offsets[v]; k < g.offsets[v + 1]; k++) {
      const local = scratch[g.neighbors[k]];
      if (local < 0) continue;
      neighbors[p] = local;
      if (weights) weights[p] = g.weights![k];
      p++;
    }
  }
  for (let i = 0; i < m; i++) scratch[members[i]] = -1;
  return weights ? { offsets, neighbors, weights } : { offsets, neighbors };
}

/** Validates the CSR shape (O(n + |E|)) and returns the node count. */
function checkCsr(g: CsrGraph): number {
  const { offsets, neighbors, weights } = g;
  if (offsets.length < 1 || offsets[0] !== 0) throw new RangeError('offsets must have n + 1 entries starting at 0');
  const n = offsets.length - 1;
  if (offsets[n] !== neighbors.length) throw new RangeError(`offsets[n] (${offsets[n]}) must equal neighbors.length (${neighbors.length})`);
  for (let v = 0; v < n; v++) if (offsets[v + 1] < offsets[v]) throw new RangeError(`offsets must be non-decreasing (at node ${v})`);
  for (let k = 0; k < neighbors.length; k++) {
    const w = neighbors[k];
    if (w < 0 || w >= n) throw new RangeError(`neighbors[${k}] = ${w} is not a node (0..${n - 1})`);
  }
  if (weights) {
    if (weights.length !== neighbors.length) throw new RangeError(`weights must parallel neighbors (${neighbors.length}), got ${weights.length}`);
    for (let k = 0; k < weights.length; k++) {
      const w = weights[k];
      if (!(w > 0 && Number.isFinite(w))) throw new RangeError(`weights[${k}] = ${w} must be finite and > 0`);
    }
  }
  return n;
}

function maxDegree(offsets: Int32Array, n: number): number {
  let d = 0;
  for (let v = 0; v < n; v++) d = Math.max(d, offsets[v + 1] - offsets[v]);
  return d;
}

/** Fisher–Yates on a typed array with the seeded stream. */
function shuffle(a: Int32Array, rng: Rng): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
}

/** Renumbers labels 0..count-1 in order of their first node. */
function densify(labels: Int32Array): { labels: Int32Array; count: number } {
  const map = new Int32Array(labels.length).fill(-1);
  const out = new Int32Array(labels.length);
  let count = 0;
  for (let v = 0; v < labels.length; v++) {
    const l = labels[v];
    if (map[l] === -1) map[l] = count++;
    out[v] = map[l];
  }
  return { labels: out, count };
}

/** Nodes grouped by dense label (0..count-1), each group ascending, groups in label order. */
function bucket(labels: Int32Array, count: number): Int32Array[] {
  const sizes = new Int32Array(count);
  for (let v = 0; v < labels.length; v++) sizes[labels[v]]++;
  const groups = Array.from(sizes, (s) => new Int32Array(s));
  const fill = new Int32Array(count);
  for (let v = 0; v < labels.length; v++) {
    const l = labels[v];
    groups[l][fill[l]++] = v;
  }
  return groups;
}

function toGlobal(local: Int32Array, members: Int32Array): Int32Array {
  const out = new Int32Array(local.length);
  for (let i = 0; i < local.length; i++) out[i] = members[local[i]];
  return out;
}
