/**
 * A dataset's graph as plain typed arrays: the contract between the export stage and the
 * models. Node types have dense indices 0..n-1 (in `ids` order, sorted by id); each
 * relation is a CSR from its source type to its destination type, with optional
 * per-edge attributes aligned to `targets`.
 *
 *   offsets: [numSrc + 1]   edges of source s are targets[offsets[s] .. offsets[s+1])
 *   targets: [numEdges]     destination indices, ascending within a source
 *   time:    [numEdges]     epoch ms, NaN when unknown
 */
import { sortStrings } from './sort-strings';

export type NodeType = 'user' | 'item' | 'game' | 'guild';

export interface NodeSet {
  ids: string[];
  index: Map<string, number>;
}

export interface Relation {
  name: string;
  src: NodeType;
  dst: NodeType;
  offsets: Int32Array;
  targets: Int32Array;
  /** When the edge happened (purchase time, friendship start…); NaN = unknown. */
  time: Float64Array;
  /** Extra numeric attributes per edge (e.g. interaction counts), NaN = unknown. */
  attrs: Record<string, Float64Array>;
  /** Published split of imported interactions: 0 none, 1 train, 2 test. */
  split: Uint8Array | null;
}

export interface HeteroGraph {
  dataset: string;
  nodes: Record<NodeType, NodeSet>;
  /** By relation name: purchased, wishlisted, friend (symmetric), played, memberOf, forGame, interacted (symmetric). */
  relations: Record<string, Relation>;
  /** Node attributes the feature stage reads, by type and property, aligned to `ids`. */
  nodeProps: Record<NodeType, Record<string, unknown[]>>;
}

export const SPLIT_NONE = 0;
export const SPLIT_TRAIN = 1;
export const SPLIT_TEST = 2;

export function nodeSet(ids: readonly string[]): NodeSet {
  const sorted = sortStrings(ids);
  const index = new Map<string, number>();
  for (let i = 0; i < sorted.length; i++) index.set(sorted[i]!, i);
  return { ids: sorted, index };
}

/**
 * Builds a CSR from edge lists (src/dst indices and aligned attributes), sorting edges by
 * (src, dst, original order). Duplicate (src, dst) pairs are kept (a user can buy a
 * consumable twice); callers that want sets dedupe with `uniquePairs`.
 */
export function buildRelation(
  name: string,
  srcType: NodeType,
  dstType: NodeType,
  numSrc: number,
  src: Int32Array,
  dst: Int32Array,
  time: Float64Array,
  attrs: Record<string, Float64Array> = {},
  split: Uint8Array | null = null,
): Relation {
  const m = src.length;
  const order = new Int32Array(m);
  for (let i = 0; i < m; i++) order[i] = i;
  // Edges that arrive sorted keep their order (the same result: ties keep the original
  // order anyway) without the comparator sort, which was a sixth of building a refresh's
  // neighbourhood graph (~35k edges, CPU profile in bench/README.md).
  if (!sortedBySrcDst(src, dst)) order.sort((a, b) => src[a]! - src[b]! || dst[a]! - dst[b]! || a - b);
  const offsets = new Int32Array(numSrc + 1);
  for (let i = 0; i < m; i++) offsets[src[i]! + 1]!++;
  for (let s = 0; s < numSrc; s++) offsets[s + 1]! += offsets[s]!;
  const targets = new Int32Array(m);
  const t = new Float64Array(m);
  const outAttrs: Record<string, Float64Array> = Object.fromEntries(Object.keys(attrs).map((k) => [k, new Float64Array(m)]));
  const outSplit = split ? new Uint8Array(m) : null;
  for (let i = 0; i < m; i++) {
    const e = order[i]!;
    targets[i] = dst[e]!;
    t[i] = time[e]!;
    for (const k of Object.keys(attrs)) outAttrs[k]![i] = attrs[k]![e]!;
    if (outSplit && split) outSplit[i] = split[e]!;
  }
  return { name, src: srcType, dst: dstType, offsets, targets, time: t, attrs: outAttrs, split: outSplit };
}

/** True when the (src, dst) pairs are in non-decreasing order. */
export function sortedBySrcDst(src: Int32Array, dst: Int32Array): boolean {
  for (let i = 1; i < src.length; i++) {
    const ds = src[i]! - src[i - 1]!;
    if (ds < 0 || (ds === 0 && dst[i]! < dst[i - 1]!)) return false;
  }
  return true;
}

/** The same relation restricted to edges that pass `keep(edgeIndex)`. */
export function filterRelation(r: Relation, keep: (e: number) => boolean): Relation {
  const numSrc = r.offsets.length - 1;
  const offsets = new Int32Array(numSrc + 1);
  const idx: number[] = [];
  for (let s = 0; s < numSrc; s++) {
    for (let e = r.offsets[s]!; e < r.offsets[s + 1]!; e++) if (keep(e)) idx.push(e);
    offsets[s + 1] = idx.length;
  }
  const pick = <T extends Float64Array | Int32Array | Uint8Array>(a: T, make: (n: number) => T): T => {
    const out = make(idx.length);
    idx.forEach((e, i) => (out[i] = a[e]!));
    return out;
  };
  return {
    ...r,
    offsets,
    targets: pick(r.targets, (n) => new Int32Array(n)),
    time: pick(r.time, (n) => new Float64Array(n)),
    attrs: Object.fromEntries(Object.entries(r.attrs).map(([k, a]) => [k, pick(a, (n) => new Float64Array(n))])),
    split: r.split ? pick(r.split, (n) => new Uint8Array(n)) : null,
  };
}

/** Out-degree of every source node. */
export function degrees(r: Relation): Int32Array {
  const n = r.offsets.length - 1;
  const d = new Int32Array(n);
  for (let s = 0; s < n; s++) d[s] = r.offsets[s + 1]! - r.offsets[s]!;
  return d;
}

/** The graph as it was at time t: every timed edge after t removed (unknown times are kept). */
export function graphAsOf(g: HeteroGraph, t: number): HeteroGraph {
  const relations: Record<string, Relation> = {};
  for (const [name, r] of Object.entries(g.relations)) relations[name] = filterRelation(r, (e) => !(r.time[e]! > t));
  return { ...g, relations };
}
