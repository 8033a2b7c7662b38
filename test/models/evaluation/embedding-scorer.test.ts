import { dotProductScorer } from '../../../graph-models/evaluation/embedding-scorer';

describe('dotProductScorer', () => {
  // 6 users, 3 items, dim 2: enough users for one 4-user block plus a remainder.
  const userEmb = Float32Array.from([1, 0, 0, 1, 1, 1, 2, -1, 0.5, 0.5, -1, 3]);
  const itemEmb = Float32Array.from([1, 2, 3, 4, -1, 0]);
  const naive = (u: number) => [0, 1, 2].map((j) => userEmb[2 * u]! * itemEmb[2 * j]! + userEmb[2 * u + 1]! * itemEmb[2 * j + 1]!);

  it('computes e_u · e_j row-major for blocked and remainder users, in any order', () => {
    const users = Int32Array.from([5, 0, 3, 1, 2, 4]);
    const got = Array.from(dotProductScorer(userEmb, itemEmb, 2)(users));
    expect(got).toEqual(Array.from(Float32Array.from(Array.from(users).flatMap(naive))));
  });

  it('writes into the lent buffer', () => {
    const out = new Float32Array(3);
    expect(dotProductScorer(userEmb, itemEmb, 2)(Int32Array.from([2]), out)).toBe(out);
    expect(Array.from(out)).toEqual([3, 7, -1]);
  });

  it('rejects ragged tables and unknown users', () => {
    expect(() => dotProductScorer(userEmb, Float32Array.from([1, 2, 3]), 2)).toThrow('not whole rows of dim 2');
    expect(() => dotProductScorer(userEmb, itemEmb, 2)(Int32Array.from([6]))).toThrow('user 6 is outside 0..5');
  });
});
