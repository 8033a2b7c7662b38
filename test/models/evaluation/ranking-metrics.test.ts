import fc from 'fast-check';
import { csrFromPairs, type Csr } from '../../../graph-models/evaluation/interactions';
import { evaluateRanking, evaluateSubset, type Scorer } from '../../../graph-models/evaluation/ranking-metrics';
import { referenceRanking } from './reference-ranking';

const csr = (numUsers: number, numItems: number, pairs: [number, number][]): Csr =>
  csrFromPairs(numUsers, numItems, Int32Array.from(pairs, (p) => p[0]), Int32Array.from(pairs, (p) => p[1]));

/** A scorer from a fixed [numUsers][numItems] table; returns a fresh copy so the evaluator's -Infinity writes never leak back. */
const tableScorer = (table: number[][]): Scorer => (users) => Float32Array.from(Array.from(users).flatMap((u) => table[u]!));

const LOG2_3 = Math.log2(3);
const LOG2_5 = Math.log2(5);

describe('evaluateRanking: hand-checked', () => {
  // 5 items. User 0: train {0}, test {2, 4}, scores descend with the index, so after
  // dropping item 0 the ranking is 1, 2, 3, 4: hits at ranks 1 (item 2) and 3 (item 4).
  // User 1: no train, test {0}, all scores tied -> ranking 0, 1, 2...: hit at rank 0.
  // User 2: no test items -> not a test user.
  const train = csr(3, 5, [[0, 0], [2, 1]]);
  const test = csr(3, 5, [[0, 2], [0, 4], [1, 0]]);
  const scorer = tableScorer([[5, 4, 3, 2, 1], [7, 7, 7, 7, 7], [1, 2, 3, 4, 5]]);

  it('computes Recall, Precision and NDCG per the README protocol', () => {
    const r = evaluateRanking({ train, test, scorer, ks: [2, 4] });
    expect(r.users).toBe(2);
    // user 0 @2: one hit (rank 1) of 2 test items; IDCG over min(2, 2) = 1 + 1/log2 3.
    const u0n2 = 1 / LOG2_3 / (1 + 1 / LOG2_3);
    // user 0 @4: hits at ranks 1 and 3; IDCG still over 2 items.
    const u0n4 = (1 / LOG2_3 + 1 / LOG2_5) / (1 + 1 / LOG2_3);
    expect(r.recall[2]).toBeCloseTo((0.5 + 1) / 2, 12);
    expect(r.precision[2]).toBeCloseTo((1 / 2 + 1 / 2) / 2, 12);
    expect(r.ndcg[2]).toBeCloseTo((u0n2 + 1) / 2, 12);
    expect(r.recall[4]).toBeCloseTo((1 + 1) / 2, 12);
    expect(r.precision[4]).toBeCloseTo((2 / 4 + 1 / 4) / 2, 12);
    expect(r.ndcg[4]).toBeCloseTo((u0n4 + 1) / 2, 12);
    expect(u0n2).toBeCloseTo(0.386853, 6);
    expect(u0n4).toBeCloseTo(0.650921, 6);
  });

  it('excludes train items: a scorer that loves the train item still ranks it nowhere', () => {
    // Item 0 is user 0's train item and the top score; were it counted, item 2 would drop to rank 2.
    const r = evaluateRanking({ train, test, scorer, ks: [1] });
    expect(r.recall[1]).toBeCloseTo((0 + 1) / 2, 12); // user 0's top-1 is item 1, a miss
    const noTrain = csr(3, 5, []);
    const r2 = evaluateRanking({ train: noTrain, test, scorer, ks: [3] });
    // Without exclusion user 0 ranks 0, 1, 2: one hit at rank 2.
    expect(r2.recall[3]).toBeCloseTo((0.5 + 1) / 2, 12);
    expect(r2.ndcg[3]).toBeCloseTo((1 / 2 / (1 + 1 / LOG2_3) + 1) / 2, 12);
  });

  it('breaks ties by lower item index, whatever the batch size', () => {
    const t = csr(1, 6, [[0, 3]]);
    const flat = tableScorer([[1, 1, 1, 1, 1, 1]]);
    expect(evaluateRanking({ train: csr(1, 6, []), test: t, scorer: flat, ks: [3] }).recall[3]).toBe(0); // top-3 = 0, 1, 2
    expect(evaluateRanking({ train: csr(1, 6, []), test: t, scorer: flat, ks: [4] }).ndcg[4]).toBeCloseTo(1 / Math.log2(5), 12); // rank 3
    // Item 3 tied with item 5 at the top: 3 wins.
    const r = evaluateRanking({ train: csr(1, 6, []), test: t, scorer: tableScorer([[0, 0, 0, 9, 0, 9]]), ks: [1] });
    expect(r.recall[1]).toBe(1);
    for (const batchSize of [1, 2, 3, 100]) {
      expect(evaluateRanking({ train, test, scorer, ks: [2, 4], batchSize })).toEqual(evaluateRanking({ train, test, scorer, ks: [2, 4] }));
    }
  });

  it('never ranks NaN or -Infinity, so fewer than K eligible items still divide precision by K', () => {
    const t = csr(1, 4, [[0, 2]]);
    const r = evaluateRanking({ train: csr(1, 4, [[0, 0]]), test: t, scorer: tableScorer([[1, NaN, 0.5, -Infinity]]), ks: [3] });
    expect(r.recall[3]).toBe(1);
    expect(r.precision[3]).toBeCloseTo(1 / 3, 12);
    expect(r.ndcg[3]).toBe(1);
  });

  it('counts a test item that leaked into train in |T| although it cannot be ranked', () => {
    const r = evaluateRanking({ train: csr(1, 3, [[0, 1]]), test: csr(1, 3, [[0, 1], [0, 2]]), scorer: tableScorer([[0, 5, 9]]), ks: [1] });
    expect(r.recall[1]).toBe(0.5);
    expect(r.ndcg[1]).toBe(1); // ideal DCG over min(1, 2) = 1 position, and rank 0 is a hit
  });

  it('restricts to a subset (cold-start slices) and reports per-user values', () => {
    const r = evaluateSubset([1, 2, 1], { train, test, scorer, ks: [2] });
    expect(r.users).toBe(1); // user 2 has no test items; duplicates ignored
    expect(r.recall[2]).toBe(1);
    const full = evaluateRanking({ train, test, scorer, ks: [2], perUser: true });
    expect(Array.from(full.perUser!.users)).toEqual([0, 1]);
    expect(Array.from(full.perUser!.recall[2]!)).toEqual([0.5, 1]);
  });

  it('rejects bad input with messages that echo the value', () => {
    expect(() => evaluateRanking({ train, test, scorer, ks: [0] })).toThrow('positive integer, got 0');
    expect(() => evaluateRanking({ train, test, scorer, ks: [] })).toThrow('at least one');
    expect(() => evaluateRanking({ train: csr(3, 4, []), test, scorer, ks: [1] })).toThrow('share one index space');
    expect(() => evaluateRanking({ train, test, scorer: () => new Float32Array(3), ks: [1] })).toThrow('got Float32Array(3)');
    expect(() => evaluateSubset([7], { train, test, scorer, ks: [1] })).toThrow('subset user 7');
  });

  it('writes into the lent buffer when the scorer uses it', () => {
    const seen: number[] = [];
    const lending: Scorer = (users, out) => {
      seen.push(out?.length ?? -1);
      const s = out!;
      for (let b = 0; b < users.length; b++) s.set([5, 4, 3, 2, 1], b * 5);
      return s;
    };
    const r = evaluateRanking({ train, test, scorer: lending, ks: [2], batchSize: 1 });
    expect(seen).toEqual([5, 5]);
    expect(r.recall[2]).toBeCloseTo((0.5 + 1) / 2, 12); // user 0 as above; user 1 ranks item 0 first
  });
});

describe('evaluateRanking: properties', () => {
  const arbCase = fc
    .record({ numUsers: fc.integer({ min: 1, max: 6 }), numItems: fc.integer({ min: 1, max: 12 }) })
    .chain(({ numUsers, numItems }) =>
      fc.record({
        numUsers: fc.constant(numUsers),
        numItems: fc.constant(numItems),
        train: fc.array(fc.tuple(fc.nat(numUsers - 1), fc.nat(numItems - 1)), { maxLength: 3 * numUsers }),
        test: fc.array(fc.tuple(fc.nat(numUsers - 1), fc.nat(numItems - 1)), { maxLength: 3 * numUsers }),
        // Few distinct values so ties are common.
        scores: fc.array(fc.array(fc.integer({ min: 0, max: 3 }), { minLength: numItems, maxLength: numItems }), { minLength: numUsers, maxLength: numUsers }),
        ks: fc.uniqueArray(fc.integer({ min: 1, max: 15 }), { minLength: 1, maxLength: 3 }),
        batchSize: fc.integer({ min: 1, max: 7 }),
      }),
    );

  it('matches the full-sort oracle, stays in range, and is deterministic', () => {
    fc.assert(
      fc.property(arbCase, (c) => {
        const train = csr(c.numUsers, c.numItems, c.train);
        const test = csr(c.numUsers, c.numItems, c.test);
        const scorer = tableScorer(c.scores);
        const r = evaluateRanking({ train, test, scorer, ks: c.ks, batchSize: c.batchSize });
        const ref = referenceRanking(train, test, (u) => Float32Array.from(c.scores[u]!), c.ks);
        expect(r.users).toBe(ref.users);
        c.ks.forEach((k, ki) => {
          if (ref.users === 0) {
            expect(r.recall[k]).toBeNaN();
            return;
          }
          expect(r.recall[k]).toBeCloseTo(ref.recall[ki]!, 10);
          expect(r.ndcg[k]).toBeCloseTo(ref.ndcg[ki]!, 10);
          expect(r.precision[k]).toBeCloseTo(ref.precision[ki]!, 10);
          for (const v of [r.recall[k]!, r.ndcg[k]!, r.precision[k]!]) {
            expect(v).toBeGreaterThanOrEqual(0);
            expect(v).toBeLessThanOrEqual(1 + 1e-12);
          }
        });
        expect(evaluateRanking({ train, test, scorer, ks: c.ks })).toEqual(r);
      }),
      { numRuns: 400, seed: 20261126 },
    );
  });

  it('a perfect scorer gets Recall 1 and NDCG 1 whenever |test| ≤ K', () => {
    fc.assert(
      fc.property(arbCase, (c) => {
        const train = csr(c.numUsers, c.numItems, c.train);
        const test = csr(c.numUsers, c.numItems, c.test);
        const oracle: Scorer = (users) => {
          const s = new Float32Array(users.length * c.numItems);
          users.forEach((u, b) => {
            for (let k = test.offsets[u]!; k < test.offsets[u + 1]!; k++) s[b * c.numItems + test.items[k]!] = 1;
          });
          return s;
        };
        const K = 12; // ≥ numItems ≥ any |test|
        const r = evaluateRanking({ train, test, scorer: oracle, ks: [K] });
        // Test items that leaked into train cannot be ranked; without leaks the score is perfect.
        let leak = false;
        for (let u = 0; u < c.numUsers; u++) {
          const tr = new Set(train.items.subarray(train.offsets[u], train.offsets[u + 1]));
          for (let k = test.offsets[u]!; k < test.offsets[u + 1]!; k++) if (tr.has(test.items[k]!)) leak = true;
        }
        if (r.users > 0 && !leak) {
          expect(r.recall[K]).toBe(1);
          expect(r.ndcg[K]).toBeCloseTo(1, 12);
        }
      }),
      { numRuns: 300, seed: 7 },
    );
  });
});
