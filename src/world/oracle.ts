/**
 * The planted purchase utility: what the generator actually used to decide purchases,
 * exposed so evaluation can build an oracle ranking (the best any model could do, up to
 * social influence and discounts, which are dynamic and not part of U).
 *
 *   U(u, i) = taste · ⟨taste_u, v_i⟩ + playsGame · [u plays game(i)] + appeal_i
 *             − s_u · ln(price_i / priceRefCents)
 *
 * The purchase simulation buys with probability σ(base + U + social + discount), so a
 * ranking by U is the oracle ranking for a user's organic purchases.
 */
import type { WorldTruth } from './truth';

export interface UtilityWeights {
  /** Weight on the taste–item dot product. */
  taste: number;
  /** Bonus when the user plays the item's game. */
  playsGame: number;
  /** Price at which the price term is zero; cheaper items get a bonus, dearer a penalty. */
  priceRefCents: number;
}

export const UTILITY_WEIGHTS: UtilityWeights = { taste: 1.6, playsGame: 1.0, priceRefCents: 999 };

/** U from its parts; the one formula both the generator and `trueAffinity` use. */
export function plantedUtility(
  w: UtilityWeights,
  tasteDot: number,
  playsGame: boolean,
  appeal: number,
  priceSensitivity: number,
  priceCents: number,
): number {
  return w.taste * tasteDot + (playsGame ? w.playsGame : 0) + appeal - priceSensitivity * Math.log(priceCents / w.priceRefCents);
}

/**
 * U(userId, itemId) from the truth file (uses the weights recorded in it, so an old truth
 * file keeps its own utility). Throws on an id the world doesn't have. Truth vectors are
 * rounded to 5 decimals, so this matches the generator's value to ~1e-4.
 */
export function trueAffinity(truth: WorldTruth, userId: string, itemId: string): number {
  const taste = truth.userTaste[userId];
  const vec = truth.itemVector[itemId];
  if (taste === undefined) throw new RangeError(`unknown user "${userId}"`);
  if (vec === undefined) throw new RangeError(`unknown item "${itemId}"`);
  let dot = 0;
  for (let k = 0; k < taste.length; k++) dot += taste[k] * vec[k];
  const game = truth.itemGame[itemId];
  const plays = game !== null && game !== undefined && (truth.userGames[userId] ?? []).includes(game);
  return plantedUtility(
    truth.utilityWeights, dot, plays, truth.itemAppeal[itemId] ?? 0,
    truth.userPriceSensitivity[userId] ?? 0, truth.itemPrice[itemId] ?? truth.utilityWeights.priceRefCents,
  );
}
