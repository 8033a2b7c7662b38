import { itemCounts, type Csr } from '../evaluation/interactions';
import type { Scorer } from '../evaluation/ranking-metrics';

/**
 * Most-popular: every user gets the same scores, the item's train frequency (number of
 * users who have it). The floor every model must clear. Ties fall to the lower item index
 * (the evaluator's rule).
 */
export function mostPopularScorer(train: Csr): Scorer {
  const pop = Float32Array.from(itemCounts(train));
  const numItems = train.numItems;
  return (users, out) => {
    const scores = out ?? new Float32Array(users.length * numItems);
    for (let b = 0; b < users.length; b++) scores.set(pop, b * numItems);
    return scores;
  };
}
