import { friendsWhoBought, itemCounts, type Csr } from '../evaluation/interactions';
import type { Scorer } from '../evaluation/ranking-metrics';

/**
 * Friends' purchases: score(u, j) = |{f ∈ F(u) : j ∈ I_f}|, the number of u's friends who
 * have j in train, with item popularity as the tie-break:
 *   score = friendCount + pop_j / (maxPop + 1)        (the fraction is < 1, so never reorders counts)
 * A user without friends (or whose friends have nothing) therefore gets most-popular. The
 * Float32 result keeps ≥ 13 bits for the fraction while counts stay below 1,024; beyond
 * that close popularities may tie and fall to the lower index.
 *
 *   social: Csr [numUsers x numUsers], symmetric (see read-split.ts `symmetricGraph`).
 */
export function socialScorer(train: Csr, social: Csr): Scorer {
  if (social.numUsers !== train.numUsers || social.numItems !== train.numUsers) {
    throw new RangeError(`social graph must be ${train.numUsers} x ${train.numUsers} users, got ${social.numUsers} x ${social.numItems}`);
  }
  const numItems = train.numItems;
  const pop = itemCounts(train);
  let maxPop = 0;
  for (let j = 0; j < numItems; j++) if (pop[j] > maxPop) maxPop = pop[j];
  const prior = Float32Array.from(pop, (p) => p / (maxPop + 1));
  const counts = friendsWhoBought(train, social);
  return (users, out) => {
    const scores = out ?? new Float32Array(users.length * numItems);
    for (let b = 0; b < users.length; b++) {
      const base = b * numItems;
      scores.set(prior, base);
      counts(users[b], (j, n) => (scores[base + j] += n));
    }
    return scores;
  };
}
