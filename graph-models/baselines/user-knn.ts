import { transpose, type Csr } from '../evaluation/interactions';
import type { Scorer } from '../evaluation/ranking-metrics';
import { itemNeighbours, type ItemNeighbours } from './item-knn';

export interface UserKnnOptions {
  /**
   * Neighbours kept per user. 50 is in the middle of the range top-N user-kNN is usually
   * tuned over (Dacrema et al., RecSys 2019 search 5..1000): on a few thousand users a
   * larger k mostly re-adds the popular items every neighbourhood shares.
   */
  k?: number;
}

export const USER_KNN_DEFAULT_K = 50;

/**
 * User-based collaborative filtering: u's k most similar users by cosine between binary
 * item vectors, sim(u, v) = |I_u ∩ I_v| / sqrt(|I_u| · |I_v|), and
 *
 *   score(u, j) = Σ_{v ∈ N_k(u), j ∈ I_v} sim(u, v).
 *
 * The neighbourhoods are item-kNN's computed on the transposed matrix (users as the
 * "items" whose vectors are compared), so both share one tested similarity routine.
 * Where item-kNN spreads a user's own items to similar items, this reads what similar
 * listeners have: a taste signal that works on the whole profile at once.
 */
export function userNeighbours(train: Csr, opts: UserKnnOptions = {}): ItemNeighbours {
  return itemNeighbours(transpose(train), { k: opts.k ?? USER_KNN_DEFAULT_K });
}

export function userKnnScorer(train: Csr, opts: UserKnnOptions = {}): Scorer {
  const nb = userNeighbours(train, opts);
  const numItems = train.numItems;
  return (users, out) => {
    const scores = out ?? new Float32Array(users.length * numItems);
    scores.fill(0, 0, users.length * numItems);
    for (let b = 0; b < users.length; b++) {
      const u = users[b]!;
      const base = b * numItems;
      for (let e = nb.offsets[u]!; e < nb.offsets[u + 1]!; e++) {
        const v = nb.neighbours[e]!;
        const w = nb.weights[e]!;
        for (let a = train.offsets[v]!; a < train.offsets[v + 1]!; a++) scores[base + train.items[a]!] += w;
      }
    }
    return scores;
  };
}
