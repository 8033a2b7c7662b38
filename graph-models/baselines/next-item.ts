import { itemCounts, transpose, type Csr } from '../evaluation/interactions';
import type { EventScorer } from '../evaluation/next-purchase';

/**
 * Baselines for "what next, right after buying `prev`" (evaluation/next-purchase.ts), each
 * breaking ties by training popularity (a fraction below 1, so it never outranks the
 * primary signal):
 *   coPurchase: users in training who bought both prev and j ("bought together": what the
 *               CART surface's co-purchase source retrieves);
 *   sameGame:   j is an item of prev's game (what POST_PURCHASE's same-game source retrieves);
 *   popular:    training popularity alone.
 */
export function nextItemBaselines(train: Csr, itemGame: Int32Array): { coPurchase: EventScorer; sameGame: EventScorer; popular: EventScorer } {
  const pop = itemCounts(train);
  const maxPop = pop.reduce((m, x) => Math.max(m, x), 0);
  const tie = (j: number) => pop[j]! / (maxPop + 1);
  const byItem = transpose(train);
  return {
    popular: (_e, out) => {
      for (let j = 0; j < out.length; j++) out[j] = tie(j);
    },
    sameGame: (e, out) => {
      const g = itemGame[e.prev]!;
      for (let j = 0; j < out.length; j++) out[j] = (g >= 0 && itemGame[j] === g ? 1 : 0) + tie(j);
    },
    coPurchase: (e, out) => {
      for (let j = 0; j < out.length; j++) out[j] = tie(j);
      for (let a = byItem.offsets[e.prev]!; a < byItem.offsets[e.prev + 1]!; a++) {
        const v = byItem.items[a]!;
        for (let b = train.offsets[v]!; b < train.offsets[v + 1]!; b++) out[train.items[b]!]! += 1;
      }
    },
  };
}
