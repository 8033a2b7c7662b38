import type { Csr } from '../../../graph-models/evaluation/interactions';

/**
 * The protocol written the slow, obvious way (full sort per user), as the oracle the fast
 * evaluator is checked against in property tests. Not exported to production code.
 */
export function referenceRanking(train: Csr, test: Csr, scores: (u: number) => Float32Array, ks: number[]): { users: number; recall: number[]; ndcg: number[]; precision: number[] } {
  const recall = ks.map(() => 0);
  const ndcg = ks.map(() => 0);
  const precision = ks.map(() => 0);
  let users = 0;
  for (let u = 0; u < test.numUsers; u++) {
    const t = new Set(test.items.subarray(test.offsets[u], test.offsets[u + 1]));
    if (t.size === 0) continue;
    users++;
    const tr = new Set(train.items.subarray(train.offsets[u], train.offsets[u + 1]));
    const s = scores(u);
    const ranked = [...Array(train.numItems).keys()]
      .filter((j) => !tr.has(j) && !Number.isNaN(s[j]) && s[j] !== -Infinity)
      .sort((a, b) => (s[b] > s[a] ? 1 : s[b] < s[a] ? -1 : a - b));
    ks.forEach((k, ki) => {
      const top = ranked.slice(0, k);
      let hits = 0;
      let dcg = 0;
      top.forEach((j, r) => {
        if (t.has(j)) {
          hits++;
          dcg += 1 / Math.log2(r + 2);
        }
      });
      let idcg = 0;
      for (let r = 0; r < Math.min(k, t.size); r++) idcg += 1 / Math.log2(r + 2);
      recall[ki] += hits / t.size;
      precision[ki] += hits / k;
      ndcg[ki] += dcg / idcg;
    });
  }
  return { users, recall: recall.map((x) => x / users), ndcg: ndcg.map((x) => x / users), precision: precision.map((x) => x / users) };
}
