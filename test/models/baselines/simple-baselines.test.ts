import { csrFromPairs, type Csr } from '../../../graph-models/evaluation/interactions';
import { itemKnnScorer, itemNeighbours } from '../../../graph-models/baselines/item-knn';
import { mostPopularScorer } from '../../../graph-models/baselines/most-popular';
import { socialScorer } from '../../../graph-models/baselines/social';
import { userKnnScorer, userNeighbours } from '../../../graph-models/baselines/user-knn';
import { symmetricGraph } from '../../../graph-models/evaluation/read-split';

const csr = (numUsers: number, numItems: number, pairs: [number, number][]): Csr =>
  csrFromPairs(numUsers, numItems, Int32Array.from(pairs, (p) => p[0]), Int32Array.from(pairs, (p) => p[1]));

// 4 users x 4 items:  u0 {0,1}  u1 {0,1,2}  u2 {1,2}  u3 {3}
const train = csr(4, 4, [[0, 0], [0, 1], [1, 0], [1, 1], [1, 2], [2, 1], [2, 2], [3, 3]]);

describe('most-popular', () => {
  it('scores every user with the train item counts, into the lent buffer when given', () => {
    const scorer = mostPopularScorer(train);
    expect(Array.from(scorer(Int32Array.from([2, 0])))).toEqual([2, 3, 2, 1, 2, 3, 2, 1]);
    const out = new Float32Array(4);
    expect(scorer(Int32Array.from([3]), out)).toBe(out);
  });
});

describe('item-kNN', () => {
  // Item user-sets: 0 {0,1}, 1 {0,1,2}, 2 {1,2}, 3 {3}.
  // cos(0,1) = 2/√6, cos(0,2) = 1/2, cos(1,2) = 2/√6, item 3 co-occurs with nothing.
  const c01 = 2 / Math.sqrt(6);
  it('keeps cosine neighbours per item, without self-similarity', () => {
    const nb = itemNeighbours(train, { k: 5 });
    expect(Array.from(nb.offsets)).toEqual([0, 2, 4, 6, 6]);
    expect(Array.from(nb.neighbours)).toEqual([1, 2, 0, 2, 0, 1]);
    expect(Array.from(nb.weights)).toEqual(Array.from(Float32Array.from([c01, 0.5, c01, c01, 0.5, c01])));
  });

  it('truncates to the k most similar (ties to the lower index)', () => {
    const nb = itemNeighbours(train, { k: 1 });
    expect(Array.from(nb.neighbours)).toEqual([1, 0, 1]); // item 1's two neighbours tie at 2/√6: item 0 wins
  });

  it('scores an item by the summed similarity to the user\'s train items', () => {
    const s = itemKnnScorer(train, { k: 5 })(Int32Array.from([0, 3]));
    // u0 has {0, 1}: item 0 gets sim(1,0); item 1 gets sim(0,1); item 2 gets sim(0,2) + sim(1,2).
    expect(s[0]).toBeCloseTo(c01, 6);
    expect(s[1]).toBeCloseTo(c01, 6);
    expect(s[2]).toBeCloseTo(0.5 + c01, 6);
    expect(s[3]).toBe(0);
    expect(Array.from(s.subarray(4))).toEqual([0, 0, 0, 0]); // u3's item has no neighbours
  });

  it('clears a reused buffer before accumulating', () => {
    const out = new Float32Array(4).fill(99);
    expect(Array.from(itemKnnScorer(train)(Int32Array.from([3]), out))).toEqual([0, 0, 0, 0]);
  });
});

describe('social (friends\' purchases)', () => {
  // Friendships 0-1, 0-2; u3 has none.
  const social = symmetricGraph(4, Int32Array.from([0, 0]), Int32Array.from([1, 2]));
  it('counts friends who have the item, popularity breaking ties, most-popular without friends', () => {
    const s = socialScorer(train, social)(Int32Array.from([0, 3]));
    const pop = [2, 3, 2, 1].map((p) => p / 4); // maxPop 3 -> fractions p / 4 < 1
    // u0's friends u1 {0,1,2} and u2 {1,2}: counts 1, 2, 2, 0.
    expect(Array.from(s.subarray(0, 4))).toEqual(Array.from(Float32Array.from([1 + pop[0]!, 2 + pop[1]!, 2 + pop[2]!, pop[3]!])));
    expect(Array.from(s.subarray(4))).toEqual(Array.from(Float32Array.from(pop)));
  });

  it('rejects a social graph of the wrong size', () => {
    expect(() => socialScorer(train, symmetricGraph(3, Int32Array.from([0]), Int32Array.from([1])))).toThrow('must be 4 x 4 users');
  });
});

describe('user-kNN', () => {
  // User item-sets: u0 {0,1}, u1 {0,1,2}, u2 {1,2}, u3 {3}.
  // cos(u0,u1) = 2/√6, cos(u0,u2) = 1/2, cos(u1,u2) = 2/√6, u3 shares nothing.
  const c01 = 2 / Math.sqrt(6);
  it('keeps cosine neighbours per user, without self-similarity', () => {
    const nb = userNeighbours(train, { k: 5 });
    expect(Array.from(nb.offsets)).toEqual([0, 2, 4, 6, 6]);
    expect(Array.from(nb.neighbours)).toEqual([1, 2, 0, 2, 0, 1]);
    expect(Array.from(nb.weights)).toEqual(Array.from(Float32Array.from([c01, 0.5, c01, c01, 0.5, c01])));
  });

  it('scores an item by the summed similarity of the neighbours who have it', () => {
    const s = userKnnScorer(train, { k: 5 })(Int32Array.from([0, 3]));
    // u0's neighbours u1 {0,1,2} (c01) and u2 {1,2} (1/2).
    expect(s[0]).toBeCloseTo(c01, 6);
    expect(s[1]).toBeCloseTo(c01 + 0.5, 6);
    expect(s[2]).toBeCloseTo(c01 + 0.5, 6);
    expect(s[3]).toBe(0);
    expect(Array.from(s.subarray(4))).toEqual([0, 0, 0, 0]); // u3 has no neighbours
  });

  it('keeps only the k most similar users', () => {
    const s = userKnnScorer(train, { k: 1 })(Int32Array.from([0]));
    expect(Array.from(s)).toEqual(Array.from(Float32Array.from([c01, c01, c01, 0]))); // u1 only
  });

  it('clears a reused buffer before accumulating', () => {
    const out = new Float32Array(4).fill(99);
    expect(Array.from(userKnnScorer(train)(Int32Array.from([3]), out))).toEqual([0, 0, 0, 0]);
  });
});
