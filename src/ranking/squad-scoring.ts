import { dot } from './item-scoring';

/**
 * How much a group would want an item together: the members' mean cosine with the item,
 * minus `spreadPenalty` times their standard deviation — an item only a few members would
 * want (high spread) ranks below one the whole squad likes about as much. Pure, so offline
 * evaluation scores squads with exactly the function serving uses.
 */
export function squadScore(memberVectors: readonly (readonly number[])[], item: readonly number[], spreadPenalty = 1): number | null {
  if (memberVectors.length === 0) return null;
  const cos = memberVectors.map((v) => dot(v, item));
  const mean = cos.reduce((s, x) => s + x, 0) / cos.length;
  const sd = Math.sqrt(cos.reduce((s, x) => s + (x - mean) ** 2, 0) / cos.length);
  return mean - spreadPenalty * sd;
}
