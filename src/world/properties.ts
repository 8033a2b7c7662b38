/**
 * Measurements over a world's rows, used by the tests to hold the generator to its
 * REQUIRED properties and by anyone checking an imported dataset looks "social enough".
 * They read only `GraphRows` (plus the truth for affinity), never generator internals.
 */
import type { GraphRows } from '../ingest/rows';
import { trueAffinity } from './oracle';
import { Rng } from './prng';
import type { WorldTruth } from './truth';

export interface DegreeStats {
  median: number;
  max: number;
  mean: number;
  /** max / median (Infinity when the median is 0). */
  ratioMaxToMedian: number;
}

/** Friend-degree statistics over all users (blocked friendships count: they are still edges). */
export function degreeStats(rows: Pick<GraphRows, 'users' | 'friendships'>): DegreeStats {
  const { deg } = adjacency(rows);
  const sorted = Float64Array.from(deg).sort();
  const n = sorted.length;
  if (n === 0) return { median: 0, max: 0, mean: 0, ratioMaxToMedian: NaN };
  const median = n % 2 === 1 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i];
  const max = sorted[n - 1];
  return { median, max, mean: sum / n, ratioMaxToMedian: median > 0 ? max / median : Infinity };
}

export interface ClusteringStats {
  /** Mean local clustering coefficient over all users (degree < 2 counts as 0, as networkx does). */
  average: number;
  /**
   * Expected clustering of a configuration-model graph with the same degree sequence:
   * (<k²> − <k>)² / (N <k>³) (Newman, "The structure and function of complex networks", 2003, eq. 3.4).
   */
  randomExpected: number;
  ratio: number;
}

export function clustering(rows: Pick<GraphRows, 'users' | 'friendships'>): ClusteringStats {
  const { n, deg, offsets, nbr } = adjacency(rows);
  const tri = triangles(n, deg, offsets, nbr);
  let sumC = 0;
  let k1 = 0;
  let k2 = 0;
  for (let u = 0; u < n; u++) {
    const k = deg[u];
    k1 += k;
    k2 += k * k;
    if (k >= 2) sumC += (2 * tri[u]) / (k * (k - 1));
  }
  const average = n > 0 ? sumC / n : 0;
  const m1 = k1 / n;
  const m2 = k2 / n;
  const randomExpected = m1 > 0 ? (m2 - m1) ** 2 / (n * m1 ** 3) : 0;
  return { average, randomExpected, ratio: randomExpected > 0 ? average / randomExpected : Infinity };
}

/**
 * Triangles through each node by the degree-ordered ("forward") algorithm: orient every
 * edge from lower to higher (degree, index) rank and intersect out-lists, O(E^1.5) even
 * with hubs (Schank & Wagner, "Finding, counting and listing all triangles in large graphs", 2005).
 */
function triangles(n: number, deg: Int32Array, offsets: Int32Array, nbr: Int32Array): Float64Array {
  const higher = (u: number, v: number) => deg[v] > deg[u] || (deg[v] === deg[u] && v > u);
  const outOff = new Int32Array(n + 1);
  for (let u = 0; u < n; u++) {
    let c = 0;
    for (let k = offsets[u]; k < offsets[u + 1]; k++) if (higher(u, nbr[k])) c++;
    outOff[u + 1] = outOff[u] + c;
  }
  const out = new Int32Array(outOff[n]);
  for (let u = 0, p = 0; u < n; u++) for (let k = offsets[u]; k < offsets[u + 1]; k++) if (higher(u, nbr[k])) out[p++] = nbr[k];
  const tri = new Float64Array(n);
  const mark = new Int32Array(n).fill(-1);
  for (let u = 0; u < n; u++) {
    for (let k = outOff[u]; k < outOff[u + 1]; k++) mark[out[k]] = u;
    for (let k = outOff[u]; k < outOff[u + 1]; k++) {
      const v = out[k];
      for (let j = outOff[v]; j < outOff[v + 1]; j++) {
        const w = out[j];
        if (mark[w] === u) {
          tri[u]++;
          tri[v]++;
          tri[w]++;
        }
      }
    }
  }
  return tri;
}

interface Adjacency {
  n: number;
  index: Map<string, number>;
  deg: Int32Array;
  offsets: Int32Array;
  nbr: Int32Array;
}

/** CSR adjacency over users; `keep` filters friendships (e.g. drop blocked ones). */
function adjacency(
  rows: Pick<GraphRows, 'users' | 'friendships'>,
  keep: (f: GraphRows['friendships'][number]) => boolean = () => true,
): Adjacency {
  const index = new Map<string, number>();
  rows.users.forEach((u, i) => index.set(u.id, i));
  const n = rows.users.length;
  const deg = new Int32Array(n);
  const kept = rows.friendships.filter(keep);
  const a = new Int32Array(kept.length);
  const b = new Int32Array(kept.length);
  kept.forEach((f, e) => {
    a[e] = userIndex(index, f.a);
    b[e] = userIndex(index, f.b);
    deg[a[e]]++;
    deg[b[e]]++;
  });
  const offsets = new Int32Array(n + 1);
  for (let u = 0; u < n; u++) offsets[u + 1] = offsets[u] + deg[u];
  const fill = offsets.slice(0, n);
  const nbr = new Int32Array(offsets[n]);
  for (let e = 0; e < kept.length; e++) {
    nbr[fill[a[e]]++] = b[e];
    nbr[fill[b[e]]++] = a[e];
  }
  return { n, index, deg, offsets, nbr };
}

function userIndex(index: Map<string, number>, id: string): number {
  const i = index.get(id);
  if (i === undefined) throw new RangeError(`friendship references unknown user "${id}"`);
  return i;
}

export interface SocialLiftOptions {
  /**
   * Above this many user–item pairs, a uniform random sample of this size is measured
   * (default 2M: all pairs up to ~10k users, 8+ supported deciles at 100k).
   */
  maxPairs?: number;
  /** Seed of that sample (default 1). */
  seed?: number;
  /** A decile counts only with at least this many pairs in each arm (default 100) … */
  minPairs?: number;
  /** … and at least this many purchases over both arms (default 30; fewer is noise, not signal). */
  minBuys?: number;
}

export interface DecileLift {
  /** 0 = lowest true affinity. */
  decile: number;
  pairsWithFriend: number;
  pairsWithoutFriend: number;
  pBuyWithFriend: number;
  pBuyWithoutFriend: number;
  /** pBuyWithFriend / pBuyWithoutFriend (Infinity when the latter is 0). */
  ratio: number;
  supported: boolean;
}

export interface SocialLift {
  pairs: number;
  sampled: boolean;
  deciles: DecileLift[];
  /** Smallest ratio over supported deciles (NaN when none is supported). */
  minRatio: number;
}

/**
 * Social influence, controlled for taste: user–item pairs are split into deciles of true
 * affinity (oracle.ts), and within each decile P(u bought i) is compared between pairs where
 * an unblocked friend bought i before u first did (or at all, if u never did) and pairs where
 * no friend did. Homophily alone cannot produce a lift within a decile, since affinity is held
 * fixed; the remaining lift is influence (plus item popularity, which friends also reveal).
 */
export function socialLift(
  rows: Pick<GraphRows, 'users' | 'items' | 'friendships' | 'purchases'>,
  truth: WorldTruth,
  options: SocialLiftOptions = {},
): SocialLift {
  const maxPairs = options.maxPairs ?? 2_000_000;
  const minPairs = options.minPairs ?? 100;
  const minBuys = options.minBuys ?? 30;
  const { n, index, offsets, nbr } = adjacency(rows, (f) => !f.blocked);
  const itemIndex = new Map<string, number>();
  rows.items.forEach((it, i) => itemIndex.set(it.id, i));
  const ni = rows.items.length;
  const firstBuy = new Map<number, number>();
  for (const p of rows.purchases) {
    const i = itemIndex.get(p.itemId);
    if (i === undefined) throw new RangeError(`purchase ${p.id} references unknown item "${p.itemId}"`);
    const key = userIndex(index, p.userId) * ni + i;
    const at = p.at ?? 0;
    const prev = firstBuy.get(key);
    if (prev === undefined || at < prev) firstBuy.set(key, at);
  }

  const total = n * ni;
  const sampled = total > maxPairs;
  const count = sampled ? maxPairs : total;
  const rng = new Rng(options.seed ?? 1);
  const affinity = new Float64Array(count);
  const bought = new Uint8Array(count);
  const exposed = new Uint8Array(count);
  for (let p = 0; p < count; p++) {
    const pair = sampled ? Math.floor(rng.uniform() * total) : p;
    const u = Math.floor(pair / ni);
    const i = pair - u * ni;
    affinity[p] = trueAffinity(truth, rows.users[u].id, rows.items[i].id);
    const own = firstBuy.get(u * ni + i) ?? Infinity;
    bought[p] = own < Infinity ? 1 : 0;
    for (let k = offsets[u]; k < offsets[u + 1]; k++) {
      const theirs = firstBuy.get(nbr[k] * ni + i);
      if (theirs !== undefined && theirs < own) {
        exposed[p] = 1;
        break;
      }
    }
  }

  const sorted = Float64Array.from(affinity).sort();
  const cuts: number[] = [];
  for (let d = 1; d < 10; d++) cuts.push(sorted[Math.floor((d * count) / 10)]);
  const tally = Array.from({ length: 10 }, () => ({ fPairs: 0, fBuys: 0, nPairs: 0, nBuys: 0 }));
  for (let p = 0; p < count; p++) {
    let d = 0;
    while (d < 9 && affinity[p] >= cuts[d]) d++;
    const t = tally[d];
    if (exposed[p] === 1) {
      t.fPairs++;
      t.fBuys += bought[p];
    } else {
      t.nPairs++;
      t.nBuys += bought[p];
    }
  }
  let minRatio = NaN;
  const deciles = tally.map((t, decile): DecileLift => {
    const pF = t.fPairs > 0 ? t.fBuys / t.fPairs : 0;
    const pN = t.nPairs > 0 ? t.nBuys / t.nPairs : 0;
    const ratio = pN > 0 ? pF / pN : pF > 0 ? Infinity : NaN;
    const supported = t.fPairs >= minPairs && t.nPairs >= minPairs && t.fBuys + t.nBuys >= minBuys;
    if (supported && !(ratio >= minRatio)) minRatio = ratio;
    return { decile, pairsWithFriend: t.fPairs, pairsWithoutFriend: t.nPairs, pBuyWithFriend: pF, pBuyWithoutFriend: pN, ratio, supported };
  });
  return { pairs: count, sampled, deciles, minRatio };
}
