import type { HeteroGraph } from '../../src/features/hetero-graph';
import { ItemTally, type Csr } from './interactions';
import { evaluateRanking, type RankingReport, type Scorer } from './ranking-metrics';

/**
 * The serving score of the personal lists (HOME, friends' picks): the encoder's cosine
 * plus a social lift,
 *
 *   score(u, j) = base(u, j) + β · ln(1 + n(u, j))
 *
 * n(u, j) being u's friends who bought j, within the last `window` days when a window is
 * set. The synthetic world plants exactly this shape of influence (a friend's purchase
 * lifts the purchase logit by γ·ln(1 + n) while it stays in the feed), and the social
 * baseline (friends' purchases alone) beat the encoder alone on demo; β and the window
 * are chosen on validation ({@link selectSocialLift}).
 */

/** Visits, for user u, each item u's friends bought, with how many of them did (see interactions.ts friendsWhoBought). */
export type FriendCounter = (u: number, visit: (item: number, friends: number) => void) => void;

/**
 * The timed count: friends whose friendship started by t, who bought the item in
 * (t − windowDays, t] (windowDays null: at any time up to t), each friend once. Reads the
 * graph's `friend` and `purchased` relations (their times); an edge of unknown time counts.
 */
export function friendPurchasesWithin(g: Pick<HeteroGraph, 'relations' | 'nodes'>, o: { t: number; windowDays: number | null }): FriendCounter {
  const friend = g.relations.friend;
  const bought = g.relations.purchased;
  const tally = new ItemTally(g.nodes.item.ids.length);
  // seen[j] === stamp: the friend being read already counted j (a friend who bought j twice counts once).
  const seen = new Float64Array(g.nodes.item.ids.length);
  let stamp = 0;
  const from = o.windowDays === null ? Number.NEGATIVE_INFINITY : o.t - o.windowDays * 86_400_000;
  return (u, visit) => {
    if (!friend || !bought) return;
    for (let e = friend.offsets[u]!; e < friend.offsets[u + 1]!; e++) {
      if (friend.time[e]! > o.t) continue;
      const f = friend.targets[e]!;
      stamp++;
      for (let p = bought.offsets[f]!; p < bought.offsets[f + 1]!; p++) {
        const at = bought.time[p]!;
        if (at <= from || at > o.t) continue; // NaN (unknown) passes both
        const j = bought.targets[p]!;
        if (seen[j] === stamp) continue;
        seen[j] = stamp;
        tally.add(j);
      }
    }
    tally.flush(visit);
  };
}

export function socialBlendScorer(base: Scorer, counts: FriendCounter, beta: number, numItems: number): Scorer {
  if (!(beta >= 0)) throw new RangeError(`beta must be ≥ 0, got ${String(beta)}`);
  const lift = Float32Array.from({ length: 64 }, (_, n) => beta * Math.log1p(n));
  return (users, out) => {
    const scores = base(users, out);
    if (beta === 0) return scores;
    for (let b = 0; b < users.length; b++) {
      const row = b * numItems;
      counts(users[b]!, (j, n) => (scores[row + j]! += n < lift.length ? lift[n]! : beta * Math.log1p(n)));
    }
    return scores;
  };
}

/** β values tried: 0 is the encoder alone; a cosine gap of 0.1 is worth one friend's purchase at β ≈ 0.14. */
export const SOCIAL_BETAS: readonly number[] = [0, 0.05, 0.1, 0.2, 0.4, 0.8, 1.6];

/** Windows tried (days) where purchases are timed; null counts every purchase up to t. */
export const SOCIAL_WINDOWS: readonly (number | null)[] = [null, 180, 90, 60, 30, 14];

export interface SocialLiftSelection {
  /** The pair with the best validation Recall@20 (NDCG@20, then the smaller β, then the longer window, break ties). */
  selected: { beta: number; windowDays: number | null };
  rows: { beta: number; windowDays: number | null; valid: RankingReport }[];
}

/**
 * Chooses β and the window on validation: `base` scores the validation users with
 * embeddings that did not see the validation purchases, and each window's counter reads
 * only purchases a ranking at the validation point could know. β 0 is the base alone, the
 * same under every window, and is scored once. The test split is then read once with the
 * chosen pair.
 */
export function selectSocialLift(o: {
  base: Scorer; train: Csr; valid: Csr; numItems: number;
  counters: readonly { windowDays: number | null; counts: FriendCounter }[];
  betas?: readonly number[];
}): SocialLiftSelection {
  const betas = o.betas ?? SOCIAL_BETAS;
  const score = (scorer: Scorer) => evaluateRanking({ train: o.train, test: o.valid, scorer, ks: [10, 20] });
  const rows: SocialLiftSelection['rows'] = [];
  if (betas.includes(0)) rows.push({ beta: 0, windowDays: null, valid: score(o.base) });
  for (const c of o.counters) {
    for (const beta of betas) if (beta !== 0) rows.push({ beta, windowDays: c.windowDays, valid: score(socialBlendScorer(o.base, c.counts, beta, o.numItems)) });
  }
  const longer = (w: number | null) => (w === null ? Number.POSITIVE_INFINITY : w);
  const best = [...rows].sort((a, b) =>
    b.valid.recall[20]! - a.valid.recall[20]! || b.valid.ndcg[20]! - a.valid.ndcg[20]! || a.beta - b.beta || longer(b.windowDays) - longer(a.windowDays))[0]!;
  return { selected: { beta: best.beta, windowDays: best.windowDays }, rows };
}
