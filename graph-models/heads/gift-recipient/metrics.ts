/**
 * Per-sender ranking of friends, scored against who was actually gifted: Recall@K and
 * NDCG@K averaged uniformly over senders with at least one gifted friend (the same
 * definitions as graph-models/evaluation/ranking-metrics.ts, over a sender's candidate
 * friends instead of the item catalogue). Pure; ties rank the lower friend index first,
 * so a constant scorer is deterministic, not flattering.
 */
export interface GroupedRows {
  n: number;
  /** [n] group key (the sender); rows of one sender need not be contiguous. */
  sender: Int32Array;
  /** [n] candidate id within the group (the friend), the tie-break. */
  friend: Int32Array;
  /** [n] 0/1. */
  y: ArrayLike<number>;
}

export interface FriendRankingReport {
  /** Senders averaged over (≥ 1 gifted friend). */
  senders: number;
  recall: Record<number, number>;
  ndcg: Record<number, number>;
}

/** Rows of each sender, in first-seen order. */
export function groupBySender(rows: Pick<GroupedRows, 'n' | 'sender'>): number[][] {
  const groups = new Map<number, number[]>();
  for (let i = 0; i < rows.n; i++) {
    const s = rows.sender[i]!;
    const g = groups.get(s);
    if (g) g.push(i);
    else groups.set(s, [i]);
  }
  return [...groups.values()];
}

/** Row indices of one group, best first (score desc, then friend index asc; NaN last). */
export function rankGroup(rows: number[], scores: ArrayLike<number>, friend: Int32Array): number[] {
  const s = (i: number) => (Number.isNaN(scores[i]!) ? -Infinity : scores[i]!);
  return [...rows].sort((a, b) => s(b) - s(a) || friend[a]! - friend[b]!);
}

export function evaluateFriendRanking(rows: GroupedRows, scores: ArrayLike<number>, ks: readonly number[]): FriendRankingReport {
  const recall: Record<number, number> = Object.fromEntries(ks.map((k) => [k, 0]));
  const ndcg: Record<number, number> = Object.fromEntries(ks.map((k) => [k, 0]));
  let senders = 0;
  for (const g of groupBySender(rows)) {
    let positives = 0;
    for (const i of g) positives += rows.y[i]! > 0 ? 1 : 0;
    if (positives === 0) continue;
    senders++;
    const order = rankGroup(g, scores, rows.friend);
    for (const k of ks) {
      let hits = 0;
      let dcg = 0;
      for (let r = 0; r < Math.min(k, order.length); r++) {
        if (rows.y[order[r]!]! > 0) {
          hits++;
          dcg += 1 / Math.log2(r + 2);
        }
      }
      let idcg = 0;
      for (let r = 0; r < Math.min(k, positives); r++) idcg += 1 / Math.log2(r + 2);
      recall[k]! += hits / positives;
      ndcg[k]! += dcg / idcg;
    }
  }
  for (const k of ks) {
    recall[k] = senders > 0 ? recall[k]! / senders : NaN;
    ndcg[k] = senders > 0 ? ndcg[k]! / senders : NaN;
  }
  return { senders, recall, ndcg };
}
