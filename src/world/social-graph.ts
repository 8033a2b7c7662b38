/**
 * The friendship graph, grown by a community-biased Holme–Kim process (Holme & Kim,
 * "Growing scale-free networks with tunable clustering", Phys. Rev. E 65, 026107, 2002):
 * users arrive in `createdAt` order; each makes m links, the first by preferential
 * attachment (PA), each further one by triad formation (a friend of the previous
 * target) with probability `triadProbability`, else by PA again.
 *
 * Two departures from the paper, both for realism and both tunable:
 * - PA draws inside the newcomer's community with probability `communityBias`
 *   (communities → clustering and homophily);
 * - attachment is slightly superlinear (∝ k^alpha, alpha > 1, by rejection against the
 *   current maximum degree), and m varies per user (log-normal), which together give the
 *   heavy hubs a platform's social graph has (max degree ≫ median).
 *
 * Memory is O(N + E): adjacency lists while growing, then CSR. No step is O(N²).
 */
import { DAY_MS } from '../clock/clock';
import type { FriendshipRow } from '../ingest/rows';
import type { Population } from './population';
import type { Rng } from './prng';

export interface SocialGraphOptions {
  /** Median links a newcomer makes (m is log-normal around it). */
  medianLinks: number;
  /** Log-normal spread of m. */
  linkSpread: number;
  /** Holme–Kim P_t. */
  triadProbability: number;
  /** Share of PA draws restricted to the newcomer's community. */
  communityBias: number;
  /** PA ∝ degree^alpha. */
  alpha: number;
  /** Share of links made later than the newcomer's arrival (friends met over time). */
  lateLinkShare: number;
  /** Share of friendships one side has blocked. */
  blockedShare: number;
}

export const DEFAULT_SOCIAL_GRAPH_OPTIONS: SocialGraphOptions = {
  medianLinks: 2.2,
  linkSpread: 0.75,
  triadProbability: 0.9,
  communityBias: 0.8,
  alpha: 1.25,
  lateLinkShare: 0.3,
  blockedShare: 0.015,
};

/**
 * Undirected graph over user indices. Edge e joins `ea[e]` (the newer user) and `eb[e]`.
 * CSR: the neighbours of u are `nbr[offsets[u] .. offsets[u+1])`, ascending, and
 * `nbrEdge` holds the matching edge index.
 */
export interface SocialGraph {
  n: number;
  edgeCount: number;
  ea: Int32Array;
  eb: Int32Array;
  /** [E] epoch ms the friendship started. */
  since: Float64Array;
  /** [E] 1 when one side blocked the other. */
  blocked: Uint8Array;
  /** [E] user index of the blocker, -1 when not blocked. */
  blockedBy: Int32Array;
  offsets: Int32Array;
  nbr: Int32Array;
  nbrEdge: Int32Array;
}

export function growSocialGraph(
  pop: Pick<Population, 'n' | 'community' | 'communityCount' | 'createdAt'>,
  cutoffMs: number,
  rng: Rng,
  options: Partial<SocialGraphOptions> = {},
): SocialGraph {
  const o = { ...DEFAULT_SOCIAL_GRAPH_OPTIONS, ...options };
  const n = pop.n;
  const links = new Int32Array(n);
  let capacity = 0;
  const m0 = Math.min(n, 4);
  for (let u = m0; u < n; u++) {
    const m = Math.round(rng.logNormal(Math.log(o.medianLinks), o.linkSpread));
    links[u] = Math.max(1, Math.min(m, 60, u));
    capacity += links[u];
  }
  capacity += (m0 * (m0 - 1)) / 2;

  const adj: number[][] = new Array<number[]>(n);
  for (let u = 0; u < n; u++) adj[u] = [];
  const deg = new Int32Array(n);
  let maxDeg = 1;
  const endpoints = new Int32Array(2 * capacity);
  let endpointCount = 0;
  const communityEndpoints: number[][] = [];
  for (let c = 0; c < pop.communityCount; c++) communityEndpoints.push([]);
  const ea = new Int32Array(capacity);
  const eb = new Int32Array(capacity);
  let edgeCount = 0;

  const isLinked = (u: number, v: number): boolean => {
    const a = adj[u];
    for (let k = 0; k < a.length; k++) if (a[k] === v) return true;
    return false;
  };
  const link = (u: number, v: number): void => {
    adj[u].push(v);
    adj[v].push(u);
    deg[u]++;
    deg[v]++;
    if (deg[u] > maxDeg) maxDeg = deg[u];
    if (deg[v] > maxDeg) maxDeg = deg[v];
    endpoints[endpointCount++] = u;
    endpoints[endpointCount++] = v;
    communityEndpoints[pop.community[u]].push(u);
    communityEndpoints[pop.community[v]].push(v);
    ea[edgeCount] = u;
    eb[edgeCount] = v;
    edgeCount++;
  };
  // Draws ∝ degree^alpha from an endpoint list (each node appears deg times, so a uniform
  // draw is ∝ degree; the rejection step adds the extra degree^(alpha-1)).
  const preferential = (u: number, pool: ArrayLike<number>, poolSize: number): number => {
    if (poolSize === 0) return -1;
    for (let tries = 0; tries < 64; tries++) {
      const v = pool[rng.int(poolSize)];
      if (v === u || isLinked(u, v)) continue;
      if (o.alpha === 1 || rng.uniform() < (deg[v] / maxDeg) ** (o.alpha - 1)) return v;
    }
    return -1;
  };

  for (let u = 0; u < m0; u++) for (let v = 0; v < u; v++) link(u, v);
  for (let u = m0; u < n; u++) {
    const own = communityEndpoints[pop.community[u]];
    const pa = (): number => {
      const v = rng.uniform() < o.communityBias ? preferential(u, own, own.length) : -1;
      return v >= 0 ? v : preferential(u, endpoints, endpointCount);
    };
    let last = pa();
    if (last < 0) continue;
    link(u, last);
    for (let j = 1; j < (links[u]); j++) {
      let next = -1;
      if (rng.uniform() < o.triadProbability) {
        const around = adj[last];
        for (let tries = 0; tries < 8 && next < 0; tries++) {
          const w = around[rng.int(around.length)];
          if (w !== u && !isLinked(u, w)) next = w;
        }
      }
      if (next < 0) next = pa();
      if (next < 0) break;
      link(u, next);
      last = next;
    }
  }

  // Times: links form shortly after the newer user arrives, or (lateLinkShare) at some
  // later point, as friends are met over the year.
  const since = new Float64Array(edgeCount);
  const blocked = new Uint8Array(edgeCount);
  const blockedBy = new Int32Array(edgeCount).fill(-1);
  for (let e = 0; e < edgeCount; e++) {
    const a = ea[e];
    const b = eb[e];
    const newer = Math.max(pop.createdAt[a], pop.createdAt[b]);
    const t = rng.uniform() < o.lateLinkShare
      ? newer + rng.uniform() * (cutoffMs - newer)
      : newer + rng.exponential(2 * DAY_MS);
    since[e] = Math.floor(Math.min(cutoffMs, t));
    if (rng.uniform() < o.blockedShare) {
      blocked[e] = 1;
      blockedBy[e] = rng.bernoulli(0.5) ? a : b;
    }
  }
  return toCsr(n, edgeCount, ea.slice(0, edgeCount), eb.slice(0, edgeCount), since, blocked, blockedBy);
}

function toCsr(
  n: number, edgeCount: number, ea: Int32Array, eb: Int32Array,
  since: Float64Array, blocked: Uint8Array, blockedBy: Int32Array,
): SocialGraph {
  const offsets = new Int32Array(n + 1);
  for (let e = 0; e < edgeCount; e++) {
    offsets[ea[e] + 1]++;
    offsets[eb[e] + 1]++;
  }
  for (let u = 0; u < n; u++) offsets[u + 1] = (offsets[u + 1]) + (offsets[u]);
  // Sort each row by neighbour through one Float64 key per slot: neighbour * E + edge.
  const keys = new Float64Array(2 * edgeCount);
  const fill = offsets.slice(0, n);
  for (let e = 0; e < edgeCount; e++) {
    const a = ea[e];
    const b = eb[e];
    keys[fill[a]++] = b * edgeCount + e;
    keys[fill[b]++] = a * edgeCount + e;
  }
  const nbr = new Int32Array(2 * edgeCount);
  const nbrEdge = new Int32Array(2 * edgeCount);
  for (let u = 0; u < n; u++) {
    const row = keys.subarray(offsets[u], offsets[u + 1]);
    row.sort();
    for (let k = 0; k < row.length; k++) {
      const key = row[k];
      const v = Math.floor(key / edgeCount);
      nbr[offsets[u] + k] = v;
      nbrEdge[offsets[u] + k] = key - v * edgeCount;
    }
  }
  return { n, edgeCount, ea, eb, since, blocked, blockedBy, offsets, nbr, nbrEdge };
}

export function degree(g: SocialGraph, u: number): number {
  return g.offsets[u + 1] - g.offsets[u];
}

/** The edge index joining u and v, or -1 (binary search in u's sorted row). */
export function edgeBetween(g: SocialGraph, u: number, v: number): number {
  let lo = g.offsets[u];
  let hi = g.offsets[u + 1] - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const w = g.nbr[mid];
    if (w === v) return g.nbrEdge[mid];
    if (w < v) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

export function friendshipRows(g: SocialGraph, ids: readonly string[]): FriendshipRow[] {
  const rows: FriendshipRow[] = new Array<FriendshipRow>(g.edgeCount);
  for (let e = 0; e < g.edgeCount; e++) {
    const by = g.blockedBy[e];
    rows[e] = {
      a: ids[g.ea[e]] as string,
      b: ids[g.eb[e]] as string,
      since: g.since[e],
      blocked: g.blocked[e] === 1,
      blockedBy: by >= 0 ? (ids[by] as string) : null,
    };
  }
  return rows;
}
