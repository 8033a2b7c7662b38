/**
 * Hidden closeness of each friendship: how much two friends talk, play together and gift
 * each other. Log-normal (a few close friends, many acquaintances), higher inside a
 * community and with more common friends (embeddedness), diluted for users with many
 * friends (attention is finite), and 0 when one side blocked the other.
 */
import type { Population } from './population';
import type { Rng } from './prng';
import { degree, type SocialGraph } from './social-graph';

/** [E] closeness ≥ 0 per edge; mean ≈ 0.5 for an unblocked edge. */
export function generateCloseness(g: SocialGraph, pop: Pick<Population, 'community'>, rng: Rng): Float64Array {
  const c = new Float64Array(g.edgeCount);
  for (let e = 0; e < g.edgeCount; e++) {
    const a = g.ea[e];
    const b = g.eb[e];
    const base = rng.logNormal(-1.1, 1.0);
    if (g.blocked[e] === 1) continue;
    const sameCommunity = pop.community[a] === pop.community[b] ? 1.5 : 0.6;
    const embedded = 1 + 0.3 * Math.min(6, commonNeighbours(g, a, b, 6));
    const attention = 1 / Math.sqrt(1 + Math.sqrt(degree(g, a) * degree(g, b)) / 10);
    c[e] = base * sameCommunity * embedded * attention;
  }
  return c;
}

/**
 * |N(a) ∩ N(b)|, counted up to `cap`: scans the smaller row and binary-searches the larger,
 * so a hub costs O(min degree · log max degree) per edge, not O(max degree).
 */
export function commonNeighbours(g: SocialGraph, a: number, b: number, cap: number): number {
  const [small, large] = degree(g, a) <= degree(g, b) ? [a, b] : [b, a];
  let count = 0;
  for (let k = g.offsets[small]; k < g.offsets[small + 1] && count < cap; k++) {
    const w = g.nbr[k];
    let lo = g.offsets[large];
    let hi = g.offsets[large + 1] - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const x = g.nbr[mid];
      if (x === w) {
        count++;
        break;
      }
      if (x < w) lo = mid + 1;
      else hi = mid - 1;
    }
  }
  return count;
}
