import { friendsWhoBought, type Csr } from './interactions';
import { evaluateRanking, type RankingReport, type Scorer } from './ranking-metrics';

/**
 * The serving score of the personal lists (HOME, friends' picks): the encoder's cosine
 * plus a social lift,
 *
 *   score(u, j) = base(u, j) + β · ln(1 + |{f ∈ F(u) : j ∈ I_f}|)
 *
 * the count being u's friends who bought j. The synthetic world plants exactly this shape
 * of influence (a friend's purchase lifts the purchase logit by γ·ln(1 + n)), and the
 * social baseline (friends' purchases alone) beat the encoder alone on demo; β weighs the
 * two and is chosen on validation ({@link selectSocialBeta}).
 *
 *   social: Csr [numUsers x numUsers] of friendships; train: the purchases friends are read from.
 */
export function socialBlendScorer(base: Scorer, train: Csr, social: Csr, beta: number): Scorer {
  if (!(beta >= 0)) throw new RangeError(`beta must be ≥ 0, got ${String(beta)}`);
  const numItems = train.numItems;
  const lift = Float32Array.from({ length: 64 }, (_, n) => beta * Math.log1p(n));
  const counts = friendsWhoBought(train, social);
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
export const SOCIAL_BETAS: readonly number[] = [0, 0.05, 0.1, 0.2, 0.4, 0.8];

export interface SocialBetaSelection {
  /** The β with the best validation Recall@20 (NDCG@20, then the smaller β, break ties). */
  selected: number;
  rows: { beta: number; valid: RankingReport }[];
}

/**
 * Chooses β on the validation interactions, with the base scores of embeddings that did
 * not see them and friends' purchases from `train` only; the test split is then read
 * once with the chosen β.
 */
export function selectSocialBeta(o: { base: Scorer; train: Csr; valid: Csr; social: Csr; betas?: readonly number[] }): SocialBetaSelection {
  const rows = (o.betas ?? SOCIAL_BETAS).map((beta) => ({
    beta,
    valid: evaluateRanking({ train: o.train, test: o.valid, scorer: socialBlendScorer(o.base, o.train, o.social, beta), ks: [10, 20] }),
  }));
  const best = [...rows].sort((a, b) => b.valid.recall[20]! - a.valid.recall[20]! || b.valid.ndcg[20]! - a.valid.ndcg[20]! || a.beta - b.beta)[0]!;
  return { selected: best.beta, rows };
}
