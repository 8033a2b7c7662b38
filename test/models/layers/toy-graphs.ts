/**
 * Small hand-made graphs for the model tests (not a test file itself).
 */
import { csrFromEdges, reverseRelation } from '../../../graph-models/layers/graph-types';
import type { CsrRelation, HeteroCsrGraph, NodeFeatures, RelationType } from '../../../graph-models/layers/graph-types';
import { SeededRandom } from '../../../graph-models/layers/seeded-random';

export const PURCHASED: RelationType = { srcType: 'user', relation: 'purchased', dstType: 'item' };
export const REV_PURCHASED: RelationType = { srcType: 'item', relation: 'rev_purchased', dstType: 'user' };
export const FRIEND: RelationType = { srcType: 'user', relation: 'friend', dstType: 'user' };

/**
 * The 4-node graph: users u0, u1 and items i0, i1.
 *
 *     u0 —purchased→ i0, u0 —purchased→ i1, u1 —purchased→ i1   (and the reverse edges)
 *     u0 —friend— u1                                            (both directions)
 *
 * With `isolatedUser`, a third user u2 with no edge at all (a brand-new sign-up).
 */
export function fourNodeGraph(options: { isolatedUser?: boolean } = {}): HeteroCsrGraph {
  const numUsers = options.isolatedUser ? 3 : 2;
  const purchased: CsrRelation = { ...PURCHASED, ...csrFromEdges(numUsers, [0, 0, 1], [0, 1, 1]) };
  return {
    numNodes: { user: numUsers, item: 2 },
    relations: [
      purchased,
      reverseRelation(purchased, 2),
      { ...FRIEND, ...csrFromEdges(numUsers, [0, 1], [1, 0]) },
    ],
  };
}

/** `x_user = [[1, 2], [3, 4] (, [5, 6])]`, `x_item = [[10, 20], [30, 40]]`. */
export function fourNodeFeatures(options: { isolatedUser?: boolean } = {}): Record<string, NodeFeatures> {
  return {
    user: { data: Float32Array.from(options.isolatedUser ? [1, 2, 3, 4, 5, 6] : [1, 2, 3, 4]), dim: 2 },
    item: { data: Float32Array.from([10, 20, 30, 40]), dim: 2 },
  };
}

/**
 * Two taste communities: users `0 … U/2-1` buy only items `0 … I/2-1`, the others only
 * the other half; each user buys `perUser` distinct items of its half, drawn with `seed`.
 * Friendships stay inside a community. Features are noisy community indicators.
 */
export function communityGraph(options: { users: number; items: number; perUser: number; seed: number; featureNoise?: number }): {
  graph: HeteroCsrGraph;
  features: Record<string, NodeFeatures>;
  pairs: { users: Int32Array; items: Int32Array };
} {
  const { users: U, items: I, perUser, seed } = options;
  const rng = new SeededRandom(seed);
  const half = (n: number, c: number): [number, number] => (c === 0 ? [0, Math.floor(n / 2)] : [Math.floor(n / 2), n]);
  const community = (u: number): number => (u < U / 2 ? 0 : 1);
  const src: number[] = [];
  const dst: number[] = [];
  for (let u = 0; u < U; u++) {
    const [lo, hi] = half(I, community(u));
    const chosen = new Set<number>();
    while (chosen.size < Math.min(perUser, hi - lo)) chosen.add(lo + rng.nextInt(hi - lo));
    for (const i of [...chosen].sort((a, b) => a - b)) {
      src.push(u);
      dst.push(i);
    }
  }
  const fsrc: number[] = [];
  const fdst: number[] = [];
  for (let u = 0; u < U; u++) {
    const [lo, hi] = half(U, community(u));
    const v = lo + rng.nextInt(hi - lo);
    if (v !== u) {
      fsrc.push(u, v);
      fdst.push(v, u);
    }
  }
  const purchased: CsrRelation = { ...PURCHASED, ...csrFromEdges(U, src, dst) };
  const noise = options.featureNoise ?? 0.5;
  const feats = (n: number, of: (k: number) => number): NodeFeatures => {
    const data = new Float32Array(n * 4);
    for (let k = 0; k < n; k++) {
      data[k * 4 + of(k)] = 1;
      for (let j = 0; j < 4; j++) data[k * 4 + j]! += noise * (rng.nextFloat() - 0.5);
    }
    return { data, dim: 4 };
  };
  return {
    graph: {
      numNodes: { user: U, item: I },
      relations: [purchased, reverseRelation(purchased, I), { ...FRIEND, ...csrFromEdges(U, fsrc, fdst) }],
    },
    features: { user: feats(U, (u) => community(u)), item: feats(I, (i) => 2 + (i < I / 2 ? 0 : 1)) },
    pairs: { users: Int32Array.from(src), items: Int32Array.from(dst) },
  };
}
