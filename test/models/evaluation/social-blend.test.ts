import { csrFromPairs } from '../../../graph-models/evaluation/interactions';
import type { Scorer } from '../../../graph-models/evaluation/ranking-metrics';
import { selectSocialBeta, socialBlendScorer } from '../../../graph-models/evaluation/social-blend';

/** A base scorer from a fixed [users x items] table. */
const table = (rows: number[][]): Scorer => (users, out) => {
  const n = rows[0]!.length;
  const s = out ?? new Float32Array(users.length * n);
  users.forEach((u, b) => s.set(rows[u]!, b * n));
  return s;
};

describe('social lift on top of the encoder', () => {
  // Users 0..3, items 0..3. User 0's friends: 1 and 2; both bought item 3, user 1 also item 2.
  const friends = csrFromPairs(4, 4, Int32Array.of(0, 0, 1, 2), Int32Array.of(1, 2, 0, 0));
  const train = csrFromPairs(4, 4, Int32Array.of(1, 1, 2, 3), Int32Array.of(3, 2, 3, 0));
  const base = table([[0.5, 0.4, 0.1, 0.0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]);

  it('adds β·ln(1 + friends who bought the item), nothing at β 0', () => {
    const s = socialBlendScorer(base, train, friends, 0.2)(Int32Array.of(0));
    expect(s[0]).toBeCloseTo(0.5, 6);
    expect(s[1]).toBeCloseTo(0.4, 6);
    expect(s[2]).toBeCloseTo(0.1 + 0.2 * Math.log(2), 6);
    expect(s[3]).toBeCloseTo(0.2 * Math.log(3), 6);
    expect(Array.from(socialBlendScorer(base, train, friends, 0)(Int32Array.of(0)))).toEqual(Array.from(base(Int32Array.of(0))));
    expect(() => socialBlendScorer(base, train, friends, -1)).toThrow(RangeError);
  });

  it('scores a batch of users independently (no count leaks from one user to the next)', () => {
    const scorer = socialBlendScorer(base, train, friends, 0.2);
    const both = scorer(Int32Array.of(0, 1));
    const alone = scorer(Int32Array.of(1));
    expect(Array.from(both.subarray(4))).toEqual(Array.from(alone));
  });

  it('picks the β under which the held-out purchases rank best', () => {
    // User 0 goes on to buy item 3 (two friends bought it): a large enough β finds it at rank 1.
    const valid = csrFromPairs(4, 4, Int32Array.of(0), Int32Array.of(3));
    const sel = selectSocialBeta({ base, train, valid, social: friends, betas: [0, 0.1, 1] });
    expect(sel.rows.map((r) => r.beta)).toEqual([0, 0.1, 1]);
    // Recall@20 ties (4 items); NDCG separates: only β 1 lifts item 3 above 0.5.
    expect(sel.selected).toBe(1);
    // Buying what the encoder ranks first: β 0, the smallest of the ties.
    expect(selectSocialBeta({ base, train, valid: csrFromPairs(4, 4, Int32Array.of(0), Int32Array.of(0)), social: friends, betas: [0, 0.1, 1] }).selected).toBe(0);
  });
});
