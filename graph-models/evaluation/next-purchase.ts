/**
 * "What does the user buy next, right after buying this?": the offline question behind the
 * CART and POST_PURCHASE surfaces. From a timed purchase relation, every pair of
 * consecutive purchases of one user inside the test window and at most `windowMs` apart
 * becomes an event (prev → next); a scorer ranks every item for the event, the items the
 * user owned before `next` excluded, and the event counts as a hit at K when `next` ranks
 * in the top K. One relevant item per event, so Recall@K is the hit rate and NDCG@K is
 * 1/log2(rank + 2) inside the top K.
 */

export interface NextPurchaseEvent {
  user: number;
  /** The item just bought (the cart / the purchase the surface follows). */
  prev: number;
  /** The item bought next: the one to find. */
  next: number;
  /** Items the user had bought before `next` (excluded from the ranking). */
  owned: Int32Array;
}

/** A timed user → item relation in CSR form (hetero-graph's `purchased`). */
export interface TimedPurchases {
  offsets: Int32Array;
  targets: Int32Array;
  time: Float64Array;
}

/**
 * Events from consecutive purchases (by time) of each user with `from < t_prev`,
 * `t_next ≤ to` and `t_next − t_prev ≤ windowMs`. A `next` the user had already bought
 * (a re-buy) or equal to `prev` is skipped: the question is what they discover next.
 */
export function nextPurchaseEvents(p: TimedPurchases, o: { from: number; to: number; windowMs: number }): NextPurchaseEvent[] {
  const out: NextPurchaseEvent[] = [];
  const numUsers = p.offsets.length - 1;
  for (let u = 0; u < numUsers; u++) {
    const edges: number[] = [];
    for (let e = p.offsets[u]!; e < p.offsets[u + 1]!; e++) if (Number.isFinite(p.time[e]!)) edges.push(e);
    edges.sort((a, b) => p.time[a]! - p.time[b]! || a - b);
    const owned = new Set<number>();
    for (let k = 0; k < edges.length; k++) {
      const e = edges[k]!;
      const item = p.targets[e]!;
      if (k > 0) {
        const before = edges[k - 1]!;
        const prev = p.targets[before]!;
        const gap = p.time[e]! - p.time[before]!;
        if (p.time[before]! > o.from && p.time[e]! <= o.to && gap <= o.windowMs && prev !== item && !owned.has(item)) {
          out.push({ user: u, prev, next: item, owned: Int32Array.from(owned) });
        }
      }
      owned.add(item);
    }
  }
  return out;
}

/** Scores every item for one event into `out` ([numItems]); higher is better. */
export type EventScorer = (e: NextPurchaseEvent, out: Float32Array) => void;

export interface NextPurchaseMetrics {
  events: number;
  /** Recall@K = hit rate at K (one relevant item per event). */
  recall: Record<number, number>;
  ndcg: Record<number, number>;
}

/**
 * Ranks `next` among all items not owned before it: its rank is the number of such items
 * scoring higher, ties counted against it when the other item's index is lower (the
 * evaluator's tie rule, so a constant scorer is not lucky).
 */
export function evaluateNextPurchase(events: readonly NextPurchaseEvent[], scorer: EventScorer, numItems: number, ks: readonly number[]): NextPurchaseMetrics {
  const scores = new Float32Array(numItems);
  const hits = ks.map(() => 0);
  const gains = ks.map(() => 0);
  for (const e of events) {
    scores.fill(0);
    scorer(e, scores);
    for (const j of e.owned) scores[j] = Number.NEGATIVE_INFINITY;
    const s = scores[e.next]!;
    let rank = 0;
    for (let j = 0; j < numItems; j++) {
      if (j === e.next) continue;
      const v = scores[j]!;
      if (v > s || (v === s && j < e.next)) rank++;
    }
    ks.forEach((k, i) => {
      if (rank < k) {
        hits[i]!++;
        gains[i]! += 1 / Math.log2(rank + 2);
      }
    });
  }
  const n = events.length;
  return {
    events: n,
    recall: Object.fromEntries(ks.map((k, i) => [k, n > 0 ? hits[i]! / n : NaN])),
    ndcg: Object.fromEntries(ks.map((k, i) => [k, n > 0 ? gains[i]! / n : NaN])),
  };
}

/**
 * Scores by the cosine of each item to a query mixing the user's embedding and the item
 * just bought: q = userWeight·ẑ_u + itemWeight·ẑ_prev (unit vectors). userWeight = itemWeight
 * is the CART surface's query (the L2-normalised mean of the cart and the user), itemWeight 0
 * HOME's and POST_PURCHASE's (the user's taste), userWeight 0 "similar to what they bought".
 * Item embeddings are the encoder's (unit length), so the dot product is the cosine.
 */
export function queryScorer(userEmb: Float32Array, itemEmb: Float32Array, dim: number, w: { user: number; item: number }): EventScorer {
  const q = new Float64Array(dim);
  const unit = (table: Float32Array, row: number, weight: number) => {
    let n = 0;
    for (let k = 0; k < dim; k++) n += table[row * dim + k]! ** 2;
    const s = n > 0 ? weight / Math.sqrt(n) : 0;
    for (let k = 0; k < dim; k++) q[k] += s * table[row * dim + k]!;
  };
  return (e, out) => {
    q.fill(0);
    unit(userEmb, e.user, w.user);
    unit(itemEmb, e.prev, w.item);
    for (let j = 0; j < out.length; j++) {
      let s = 0;
      for (let k = 0; k < dim; k++) s += q[k]! * itemEmb[j * dim + k]!;
      out[j] = s;
    }
  };
}

/**
 * Item weights tried for CART's query q = ẑ_user + w·ẑ_cart (see queryScorer): 0 is the
 * user's taste alone, 1 the equal mean served before this selection, 2 leans on the cart.
 */
export const CART_ITEM_WEIGHTS: readonly number[] = [0, 0.25, 0.5, 1, 2];

export interface CartWeightSelection {
  /** The weight with the best validation Recall@20 (NDCG@20, then the smaller weight, break ties). */
  selected: number;
  rows: { itemWeight: number; metrics: NextPurchaseMetrics }[];
}

/**
 * Chooses CART's item weight on validation events (embeddings as of the validation
 * period's start), so the test events are read once, with the chosen weight. With no
 * validation event it keeps 1 (the equal mean).
 */
export function selectCartItemWeight(
  events: readonly NextPurchaseEvent[], userEmb: Float32Array, itemEmb: Float32Array, dim: number, numItems: number, weights: readonly number[] = CART_ITEM_WEIGHTS,
): CartWeightSelection {
  const rows = weights.map((w) => ({ itemWeight: w, metrics: evaluateNextPurchase(events, queryScorer(userEmb, itemEmb, dim, { user: 1, item: w }), numItems, [10, 20]) }));
  if (events.length === 0) return { selected: 1, rows };
  const best = [...rows].sort((a, b) => b.metrics.recall[20]! - a.metrics.recall[20]! || b.metrics.ndcg[20]! - a.metrics.ndcg[20]! || a.itemWeight - b.itemWeight)[0]!;
  return { selected: best.itemWeight, rows };
}
