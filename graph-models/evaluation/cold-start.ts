import { csrFromPairs, itemCounts, type Csr } from './interactions';
import type { Scorer } from './ranking-metrics';

/**
 * Cold-start items: items with no interaction in training (new drops). Evaluated apart,
 * as the issue asks: the test pairs whose item is cold, ranked among the cold items only
 * (everything else masked out), so an inductive encoder that embeds an item from its
 * features and neighbours is measured where a transductive model or popularity has nothing.
 */
export function coldItemMask(trainAll: Csr): Uint8Array {
  return Uint8Array.from(itemCounts(trainAll), (c) => (c === 0 ? 1 : 0));
}

/** The test pairs whose item is in `keep`. */
export function restrictToItems(test: Csr, keep: Uint8Array): Csr {
  const users: number[] = [];
  const items: number[] = [];
  for (let u = 0; u < test.numUsers; u++) {
    for (let e = test.offsets[u]!; e < test.offsets[u + 1]!; e++) {
      const i = test.items[e]!;
      if (keep[i]) {
        users.push(u);
        items.push(i);
      }
    }
  }
  return csrFromPairs(test.numUsers, test.numItems, Int32Array.from(users), Int32Array.from(items));
}

/** A scorer that ranks only the items in `keep` (the rest score −∞). */
export function maskedScorer(scorer: Scorer, keep: Uint8Array): Scorer {
  return (users, out) => {
    const scores = scorer(users, out);
    const n = keep.length;
    for (let b = 0; b < users.length; b++) {
      const base = b * n;
      for (let j = 0; j < n; j++) if (!keep[j]) scores[base + j] = Number.NEGATIVE_INFINITY;
    }
    return scores;
  };
}
