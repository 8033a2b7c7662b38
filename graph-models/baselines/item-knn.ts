import { itemCounts, transpose, type Csr } from '../evaluation/interactions';
import type { Scorer } from '../evaluation/ranking-metrics';

export interface ItemKnnOptions {
  /**
   * Neighbours kept per item. 100 is a common default for top-N item-kNN
   * (Deshpande & Karypis 2004 tune k in 10..50 on small catalogues; Dacrema et al.,
   * RecSys 2019 search 5..1000): enough to cover a user's taste without letting the long
   * tail of weak co-occurrences add noise.
   */
  k?: number;
}

/** Item-item neighbourhoods as a CSR: row i = i's top-k neighbours (ascending index) with weights. */
export interface ItemNeighbours {
  numItems: number;
  /** [numItems + 1] */
  offsets: Int32Array;
  /** [nnz] neighbour item indices */
  neighbours: Int32Array;
  /** [nnz] cosine similarities in (0, 1] */
  weights: Float32Array;
}

const DEFAULT_K = 100;

/**
 * Cosine similarity between items' binary user vectors,
 *   sim(i, j) = |U_i ∩ U_j| / sqrt(|U_i| · |U_j|),
 * keeping each item's k most similar other items (ties: lower index). Co-occurrence counts
 * come from one pass per item over its users' rows into a dense accumulator, so the cost
 * is Σ_u |I_u|² additions and O(numItems) memory beyond the output; no item×item matrix.
 */
export function itemNeighbours(train: Csr, opts: ItemKnnOptions = {}): ItemNeighbours {
  const k = opts.k ?? DEFAULT_K;
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be a positive integer, got ${String(k)}`);
  const numItems = train.numItems;
  const byItem = transpose(train);
  const pop = itemCounts(train);
  const co = new Float64Array(numItems);
  const touched = new Int32Array(numItems);
  const offsets = new Int32Array(numItems + 1);
  const nbrChunks: Int32Array[] = [];
  const wChunks: Float32Array[] = [];
  const candScore = new Float64Array(numItems);
  const candIdx = new Int32Array(numItems);
  const heap = new NeighbourHeap(k);

  for (let i = 0; i < numItems; i++) {
    let nTouched = 0;
    for (let a = byItem.offsets[i]; a < byItem.offsets[i + 1]; a++) {
      const u = byItem.items[a];
      for (let b = train.offsets[u]; b < train.offsets[u + 1]; b++) {
        const j = train.items[b];
        if (co[j] === 0) touched[nTouched++] = j;
        co[j]++;
      }
    }
    let nCand = 0;
    for (let t = 0; t < nTouched; t++) {
      const j = touched[t];
      if (j !== i) {
        candIdx[nCand] = j;
        candScore[nCand++] = co[j] / Math.sqrt(pop[i] * pop[j]);
      }
      co[j] = 0;
    }
    const kept = heap.selectInto(candIdx, candScore, nCand);
    offsets[i + 1] = offsets[i] + kept.idx.length;
    nbrChunks.push(kept.idx);
    wChunks.push(kept.weight);
  }
  const neighbours = new Int32Array(offsets[numItems]);
  const weights = new Float32Array(offsets[numItems]);
  for (let i = 0; i < numItems; i++) {
    neighbours.set(nbrChunks[i], offsets[i]);
    weights.set(wChunks[i], offsets[i]);
  }
  return { numItems, offsets, neighbours, weights };
}

/**
 * Item-based top-N recommendation (Sarwar et al., WWW 2001; Deshpande & Karypis, TOIS 2004):
 *   score(u, j) = Σ_{i ∈ I_u, j ∈ N_k(i)} sim(i, j)
 * summed over the user's train items i whose k-neighbourhood contains j. A user with no
 * train items scores 0 everywhere (the evaluator then ranks by item index; pair with
 * most-popular for cold start). Cost per user Σ_{i ∈ I_u} k plus one row clear.
 */
export function itemKnnScorer(train: Csr, opts: ItemKnnOptions = {}): Scorer {
  return itemKnnScorerFrom(train, itemNeighbours(train, opts));
}

/** The scorer over precomputed neighbourhoods (to reuse them across k-sweeps or runs). */
export function itemKnnScorerFrom(train: Csr, nb: ItemNeighbours): Scorer {
  const numItems = train.numItems;
  if (nb.numItems !== numItems) throw new RangeError(`neighbourhoods cover ${nb.numItems} items, train has ${numItems}`);
  return (users, out) => {
    const scores = out ?? new Float32Array(users.length * numItems);
    scores.fill(0, 0, users.length * numItems);
    for (let b = 0; b < users.length; b++) {
      const u = users[b];
      const base = b * numItems;
      for (let a = train.offsets[u]; a < train.offsets[u + 1]; a++) {
        const i = train.items[a];
        for (let e = nb.offsets[i]; e < nb.offsets[i + 1]; e++) scores[base + nb.neighbours[e]] += nb.weights[e];
      }
    }
    return scores;
  };
}

/** Keeps the k best (score desc, index asc) candidates; emits them sorted by index for a tidy CSR. */
class NeighbourHeap {
  private readonly idx: Int32Array;
  private readonly score: Float64Array;
  constructor(private readonly k: number) {
    this.idx = new Int32Array(k);
    this.score = new Float64Array(k);
  }

  selectInto(candIdx: Int32Array, candScore: Float64Array, n: number): { idx: Int32Array; weight: Float32Array } {
    if (n <= this.k) {
      const order = Int32Array.from({ length: n }, (_, t) => t).sort((a, b) => candIdx[a] - candIdx[b]);
      return { idx: Int32Array.from(order, (t) => candIdx[t]), weight: Float32Array.from(order, (t) => candScore[t]) };
    }
    let size = 0;
    const worse = (s1: number, i1: number, s2: number, i2: number) => s1 < s2 || (s1 === s2 && i1 > i2);
    for (let t = 0; t < n; t++) {
      const s = candScore[t];
      const j = candIdx[t];
      if (size < this.k) {
        let pos = size++;
        while (pos > 0) {
          const parent = (pos - 1) >> 1;
          if (worse(s, j, this.score[parent], this.idx[parent])) {
            this.idx[pos] = this.idx[parent];
            this.score[pos] = this.score[parent];
            pos = parent;
          } else break;
        }
        this.idx[pos] = j;
        this.score[pos] = s;
      } else if (worse(this.score[0], this.idx[0], s, j)) {
        let pos = 0;
        for (;;) {
          const l = 2 * pos + 1;
          if (l >= size) break;
          let c = l;
          if (l + 1 < size && worse(this.score[l + 1], this.idx[l + 1], this.score[l], this.idx[l])) c = l + 1;
          if (worse(this.score[c], this.idx[c], s, j)) {
            this.idx[pos] = this.idx[c];
            this.score[pos] = this.score[c];
            pos = c;
          } else break;
        }
        this.idx[pos] = j;
        this.score[pos] = s;
      }
    }
    const order = Int32Array.from({ length: size }, (_, t) => t).sort((a, b) => this.idx[a] - this.idx[b]);
    return { idx: Int32Array.from(order, (t) => this.idx[t]), weight: Float32Array.from(order, (t) => this.score[t]) };
  }
}
