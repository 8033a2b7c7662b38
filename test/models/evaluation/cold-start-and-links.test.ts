import { coldItemMask, maskedScorer, restrictToItems } from '../../../graph-models/evaluation/cold-start';
import { csrFromPairs } from '../../../graph-models/evaluation/interactions';
import { linkAuc } from '../../../graph-models/evaluation/link-auc';

describe('cold-start items', () => {
  // 2 users, 4 items; train touches items 0 and 1 only.
  const train = csrFromPairs(2, 4, Int32Array.from([0, 1]), Int32Array.from([0, 1]));
  const test = csrFromPairs(2, 4, Int32Array.from([0, 0, 1]), Int32Array.from([1, 2, 3]));

  it('marks exactly the items without a training interaction', () => {
    expect(Array.from(coldItemMask(train))).toEqual([0, 0, 1, 1]);
  });

  it('keeps only the test pairs of cold items', () => {
    const r = restrictToItems(test, coldItemMask(train));
    expect(Array.from(r.offsets)).toEqual([0, 1, 2]);
    expect(Array.from(r.items)).toEqual([2, 3]);
  });

  it('masks every warm item to -Infinity and leaves cold items scored', () => {
    const s = maskedScorer((users) => Float32Array.from({ length: users.length * 4 }, (_, k) => k), coldItemMask(train))(Int32Array.from([0]));
    expect(Array.from(s)).toEqual([-Infinity, -Infinity, 2, 3]);
  });
});

describe('link AUC', () => {
  // Users on a line: 0 and 1 close, 2 far from both.
  const emb = Float32Array.from([1, 0, 0.9, 0.1, -1, 0]);
  it('is 1 when every recipient is closer to the sender than the friend drawn as a negative', () => {
    const r = linkAuc({ userEmb: emb, dim: 2, pairs: { src: Int32Array.from([0]), dst: Int32Array.from([1]) }, candidates: () => [1, 2], seed: 1 });
    expect(r).toEqual({ auc: 1, pairs: 1 });
  });
  it('is 0 when the negative is always closer, and skips senders with no other candidate', () => {
    const r = linkAuc({ userEmb: emb, dim: 2, pairs: { src: Int32Array.from([0, 2]), dst: Int32Array.from([2, 0]) }, candidates: (s) => (s === 0 ? [1, 2] : [0]), seed: 1 });
    expect(r).toEqual({ auc: 0, pairs: 1 });
  });
});
