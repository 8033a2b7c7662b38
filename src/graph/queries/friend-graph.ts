import type { GraphClient } from '../graph-client';
import { defineQuery } from './query';

/**
 * A dataset's friendships as plain typed arrays (CSR), for graph algorithms that must
 * not see the driver (community detection, samplers):
 * - `ids`: [n] user ids, sorted (UTF-16 code-unit order), so node i is `ids[i]` and the
 *   numbering depends only on the dataset's contents, not on store order;
 * - `offsets`: [n + 1], node i's neighbours are `neighbors[offsets[i] .. offsets[i + 1])`;
 * - `neighbors`: [2 · edges], each friendship under both endpoints, ascending per node,
 *   no self loops, no repeats (a pair stored in both directions counts once);
 * - `weights`: [2 · edges] parallel to `neighbors`: 1 + the number of INTERACTED rows
 *   (active days) between the pair, so a friendship counts even with no recorded
 *   activity; absent when read with `weights: false`.
 * Blocked friendships are left out.
 */
export interface FriendGraph {
  ids: string[];
  offsets: Int32Array;
  neighbors: Int32Array;
  weights?: Float32Array;
  /** Undirected edges (= neighbors.length / 2). */
  edges: number;
}

/*
 * Every statement pins the unique (dataset, id) index with a hint. Without it, on a
 * store whose statistics are stale or near empty (a fresh test server, a new dataset),
 * the planner prefers the per-label `dataset` index and filters on id: one seek per id
 * that reads the whole dataset, quadratic on 100k users. The hint costs nothing when
 * the planner would have chosen the index anyway. It is `INDEX SEEK`, as in every
 * statement under src/graph/queries: the plain `INDEX` hint still lets the planner scan
 * the whole index (every dataset's users) and filter, which it did in one CI run for
 * friendGraphEdges after other tests had filled and emptied datasets.
 */

/** Keyset page of a dataset's user ids: equality on dataset + range on id, one index seek. */
export const FRIEND_GRAPH_USERS = defineQuery(
  'friendGraphUsers',
  `MATCH (u:User) USING INDEX SEEK u:User(dataset, id)
   WHERE u.dataset = $ds AND u.id > $after
   RETURN u.id AS id ORDER BY u.id LIMIT toInteger($limit)`,
  { ds: 'demo', after: '', limit: 10_000 },
);

/**
 * Unblocked friendships stored from a page of users (each stored once, so reading the
 * outgoing side of every user reads each friendship once). The far end's dataset is
 * returned rather than matched: a `v.dataset = $ds` predicate invites the planner to
 * start from the dataset index on v; the loader never links datasets, and the caller
 * drops any such edge.
 */
export const FRIEND_GRAPH_EDGES = defineQuery(
  'friendGraphEdges',
  `UNWIND $ids AS id
   MATCH (u:User {dataset: $ds, id: id})-[f:FRIEND]->(v:User) USING INDEX SEEK u:User(dataset, id)
   WHERE NOT coalesce(f.blocked, false)
   RETURN u.id AS a, v.id AS b, v.dataset AS vds`,
  { ds: 'demo', ids: ['u1'] },
);

/** As FRIEND_GRAPH_EDGES, plus the pair's active days (INTERACTED rows, either direction). */
export const FRIEND_GRAPH_WEIGHTED_EDGES = defineQuery(
  'friendGraphWeightedEdges',
  `UNWIND $ids AS id
   MATCH (u:User {dataset: $ds, id: id})-[f:FRIEND]->(v:User) USING INDEX SEEK u:User(dataset, id)
   WHERE NOT coalesce(f.blocked, false)
   RETURN u.id AS a, v.id AS b, v.dataset AS vds, COUNT { (u)-[:INTERACTED]-(v) } AS days`,
  { ds: 'demo', ids: ['u1'] },
);

export interface ReadFriendGraphOptions {
  dataset: string;
  /** Weigh edges by interaction days (one extra expand per friendship). Default true. */
  weights?: boolean;
  /** Users per round trip (ids and edges alike). Default 5000. */
  batchSize?: number;
}

/**
 * Reads the friend graph page by page: first every user id (keyset pages), then the
 * friendships stored from each page of users. Each page is its own short read
 * transaction, so a 100k-user dataset never holds one transaction open past the
 * server's timeout; the price is that the pages are not one snapshot: a friendship whose
 * endpoint was created after the id pass is skipped. Run it on a loaded (READY) dataset.
 */
export async function readFriendGraph(graph: Pick<GraphClient, 'query'>, o: ReadFriendGraphOptions): Promise<FriendGraph> {
  const batch = o.batchSize ?? 5000;
  const weighted = o.weights ?? true;
  const ids: string[] = [];
  for (let after = ''; ; ) {
    const rows = await graph.query(FRIEND_GRAPH_USERS.cypher, { ds: o.dataset, after, limit: batch });
    for (const r of rows) ids.push(String(r.id));
    if (rows.length < batch) break;
    after = ids[ids.length - 1]!;
  }
  // Neo4j orders strings by code point, JS by UTF-16 unit; they differ only above the
  // BMP, but the numbering must not depend on that, so sort here.
  ids.sort();
  const index = new Map<string, number>();
  ids.forEach((id, i) => index.set(id, i));

  const edges = new EdgeBuffer(weighted);
  const statement = weighted ? FRIEND_GRAPH_WEIGHTED_EDGES : FRIEND_GRAPH_EDGES;
  for (let i = 0; i < ids.length; i += batch) {
    const rows = await graph.query(statement.cypher, { ds: o.dataset, ids: ids.slice(i, i + batch) });
    for (const r of rows) {
      if (r.vds !== o.dataset) continue;
      const a = index.get(String(r.a));
      const b = index.get(String(r.b));
      if (a === undefined || b === undefined) continue; // created after the id pass
      edges.push(a, b, weighted ? 1 + Number(r.days ?? 0) : 1);
    }
  }
  const csr = csrFromEdges(ids.length, edges.src(), edges.dst(), weighted ? edges.weight() : undefined);
  return { ids, ...csr };
}

/**
 * Builds the undirected CSR of `n` nodes from an edge list (`src[i]`–`dst[i]`, optional
 * weight `weight[i]`): drops self loops, lists each edge under both endpoints, sorts
 * neighbours ascending and merges repeats (a pair given twice, in either direction, is one
 * edge keeping the larger weight). Two stable counting sorts (by neighbour, then by node):
 * O(n + edges), no comparison sort.
 */
export function csrFromEdges(
  n: number,
  src: Int32Array,
  dst: Int32Array,
  weight?: Float32Array,
): { offsets: Int32Array; neighbors: Int32Array; weights?: Float32Array; edges: number } {
  if (src.length !== dst.length || (weight && weight.length !== src.length)) throw new RangeError('src, dst (and weight) must have the same length');
  const half = 2 * src.length;
  const hs = new Int32Array(half);
  const hd = new Int32Array(half);
  const hw = new Float32Array(half);
  let h = 0;
  for (let i = 0; i < src.length; i++) {
    const a = src[i];
    const b = dst[i];
    if (a < 0 || a >= n || b < 0 || b >= n) throw new RangeError(`edge ${i} (${a}, ${b}) has an endpoint outside 0..${n - 1}`);
    if (a === b) continue;
    const w = weight ? weight[i] : 1;
    hs[h] = a; hd[h] = b; hw[h++] = w;
    hs[h] = b; hd[h] = a; hw[h++] = w;
  }
  // Pass 1: order half-edges by neighbour; pass 2 (stable): by node. Result: node-major,
  // neighbour-ascending, so repeats sit next to each other.
  const byDst = countingOrder(hd, h, n, null);
  const byBoth = countingOrder(hs, h, n, byDst);
  const offsets = new Int32Array(n + 1);
  const neighbors = new Int32Array(h);
  const weights = new Float32Array(h);
  let p = 0;
  let prevA = -1;
  let prevB = -1;
  for (let i = 0; i < h; i++) {
    const e = byBoth[i];
    const a = hs[e];
    const b = hd[e];
    if (a === prevA && b === prevB) {
      weights[p - 1] = Math.max(weights[p - 1], hw[e]);
      continue;
    }
    neighbors[p] = b;
    weights[p] = hw[e];
    p++;
    offsets[a + 1] = p;
    prevA = a;
    prevB = b;
  }
  // Nodes without neighbours inherit the previous end.
  for (let v = 1; v <= n; v++) if (offsets[v] < offsets[v - 1]) offsets[v] = offsets[v - 1];
  const out = { offsets, neighbors: neighbors.slice(0, p), edges: p / 2 };
  return weight ? { ...out, weights: weights.slice(0, p) } : out;
}

/** Stable counting sort of positions 0..len-1 (or of `within`, in its order) by `key`. */
function countingOrder(key: Int32Array, len: number, n: number, within: Int32Array | null): Int32Array {
  const start = new Int32Array(n + 1);
  for (let i = 0; i < len; i++) start[key[i] + 1]++;
  for (let v = 0; v < n; v++) start[v + 1] += start[v];
  const out = new Int32Array(len);
  for (let i = 0; i < len; i++) {
    const e = within ? within[i] : i;
    out[start[key[e]]++] = e;
  }
  return out;
}

/** Growable edge list (typed arrays, doubling), so 300k edges never become 300k objects. */
class EdgeBuffer {
  private a: Int32Array = new Int32Array(1024);
  private b: Int32Array = new Int32Array(1024);
  private w: Float32Array;
  private n = 0;
  constructor(weighted: boolean) {
    this.w = new Float32Array(weighted ? 1024 : 0);
  }
  push(a: number, b: number, w: number): void {
    if (this.n === this.a.length) {
      this.a = grow(this.a);
      this.b = grow(this.b);
      if (this.w.length) this.w = growF(this.w);
    }
    this.a[this.n] = a;
    this.b[this.n] = b;
    if (this.w.length) this.w[this.n] = w;
    this.n++;
  }
  src(): Int32Array { return this.a.subarray(0, this.n); }
  dst(): Int32Array { return this.b.subarray(0, this.n); }
  weight(): Float32Array { return this.w.subarray(0, this.n); }
}

function grow(a: Int32Array): Int32Array {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}
function growF(a: Float32Array): Float32Array {
  const b = new Float32Array(a.length * 2);
  b.set(a);
  return b;
}
