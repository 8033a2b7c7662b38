import { itemKnnScorer } from '../../../graph-models/baselines/item-knn';
import { mostPopularScorer } from '../../../graph-models/baselines/most-popular';
import { formatSplitShift, heldOutPopularity, measureSplitShift } from '../../../graph-models/baselines/split-shift';
import { csrFromPairs, type Csr } from '../../../graph-models/evaluation/interactions';
import { evaluateRanking } from '../../../graph-models/evaluation/ranking-metrics';

const csr = (numUsers: number, numItems: number, pairs: [number, number][]): Csr =>
  csrFromPairs(numUsers, numItems, Int32Array.from(pairs.map((p) => p[0])), Int32Array.from(pairs.map((p) => p[1])));

/**
 * 30 users, 100 items: items 0–3 are popular (most users have them), 4–99 niche (each
 * user two of them, by a fixed pattern; more items than K = 20, so ranking matters). Validation holds out niche pairs, test popular ones:
 * a test that leans to popular items, as gowalla's does.
 */
function leaningWorld(): { train: Csr; valid: Csr; trainAll: Csr; test: Csr } {
  const U = 30;
  const I = 100;
  const train: [number, number][] = [];
  const valid: [number, number][] = [];
  const test: [number, number][] = [];
  for (let u = 0; u < U; u++) {
    for (let i = 0; i < 4; i++) {
      if ((u + i) % 5 === 0) continue; // nobody has every popular item
      (u % 3 === 0 && i === u % 4 ? test : train).push([u, i]);
    }
    const a = 4 + ((u * 3) % 96);
    const b = 4 + ((u * 7 + 50) % 96);
    train.push([u, a]);
    (u % 2 === 0 ? valid : train).push([u, b === a ? 4 + ((a - 3) % 96) : b]);
  }
  const trainAllPairs = [...train, ...valid];
  return { train: csr(U, I, train), valid: csr(U, I, valid), trainAll: csr(U, I, trainAllPairs), test: csr(U, I, test) };
}

describe('heldOutPopularity', () => {
  it('averages each held-out pair’s item count in train, per 10,000 train pairs', () => {
    // train: item 0 held by 3 users, item 1 by 1 (4 pairs); held out: items 0 and 1 once each.
    const train = csr(4, 3, [[0, 0], [1, 0], [2, 0], [3, 1]]);
    const held = csr(4, 3, [[3, 0], [0, 1]]);
    expect(heldOutPopularity(held, train)).toBeCloseTo(((3 + 1) / 2) * 10_000 / 4, 10);
  });

  it('is NaN without held-out pairs', () => {
    expect(heldOutPopularity(csr(2, 2, []), csr(2, 2, [[0, 0]]))).toBeNaN();
  });
});

describe('measureSplitShift', () => {
  it('scores each baseline on validation (fitted on train) and on test (fitted on all of train)', () => {
    const w = leaningWorld();
    const s = measureSplitShift(w);
    expect(s.rows.map((r) => r.name)).toEqual(['most-popular', 'item-knn', 'user-knn']);
    const pop = s.rows[0]!;
    expect(pop.valid).toEqual(evaluateRanking({ train: w.train, test: w.valid, scorer: mostPopularScorer(w.train), ks: [20] }));
    expect(pop.test).toEqual(evaluateRanking({ train: w.trainAll, test: w.test, scorer: mostPopularScorer(w.trainAll), ks: [20] }));
    const knn = s.rows[1]!;
    expect(knn.test).toEqual(evaluateRanking({ train: w.trainAll, test: w.test, scorer: itemKnnScorer(w.trainAll), ks: [20] }));
    for (const r of s.rows) expect(r.recallRatio).toBeCloseTo(r.test.recall[20]! / r.valid.recall[20]!, 12);
  });

  it('takes the test side from figures the caller already measured, and still scores validation', () => {
    const w = leaningWorld();
    const fresh = measureSplitShift(w);
    const given = { users: 1, recall: { 20: 0.5 }, ndcg: { 20: 0.25 }, precision: { 20: 0.1 } };
    const s = measureSplitShift(w, { 'item-knn': given });
    expect(s.rows[1]!.test).toBe(given);
    expect(s.rows[1]!.recallRatio).toBeCloseTo(0.5 / fresh.rows[1]!.valid.recall[20]!, 12);
    expect(s.rows[1]!.valid).toEqual(fresh.rows[1]!.valid);
    expect(s.rows[0]).toEqual(fresh.rows[0]);
  });

  it('shows a test split that leans to popular items: higher held-out popularity, most-popular gaining on test', () => {
    const s = measureSplitShift(leaningWorld());
    expect(s.heldOutPopularity.test).toBeGreaterThan(2 * s.heldOutPopularity.valid);
    expect(s.rows[0]!.recallRatio).toBeGreaterThan(1.5);
  });

  it('formats one paragraph with every baseline’s two figures and ratio', () => {
    const text = formatSplitShift(measureSplitShift(leaningWorld()));
    for (const name of ['most-popular', 'item-knn', 'user-knn']) expect(text).toContain(name);
    expect(text).toMatch(/most-popular \d\.\d{4} → \d\.\d{4} \(×\d+\.\d{2}\)/);
  });
});
