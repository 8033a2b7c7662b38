import fc from 'fast-check';
import { TopK } from '../../../graph-models/evaluation/top-k';

describe('TopK', () => {
  it('returns best first, lower index first on ties, skipping NaN and -Infinity', () => {
    const out = new Int32Array(4);
    const n = new TopK(4).select(Float32Array.from([1, 3, NaN, 3, -Infinity, 2, Infinity]), 0, 7, out);
    expect(n).toBe(4);
    expect(Array.from(out)).toEqual([6, 1, 3, 5]);
  });

  it('reads only the requested window and reports how many were eligible', () => {
    const out = new Int32Array(3).fill(-1);
    expect(new TopK(3).select(Float32Array.from([9, 9, -Infinity, 1, 9]), 2, 2, out)).toBe(1);
    expect(out[0]).toBe(1); // column 1 of the window = position 3
  });

  it('agrees with a full stable sort on random rows', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constant(-Infinity), fc.constant(NaN)), { maxLength: 60 }), fc.integer({ min: 1, max: 20 }), (xs, k) => {
        const scores = Float32Array.from(xs);
        const out = new Int32Array(k);
        const n = new TopK(k).select(scores, 0, scores.length, out);
        const want = [...scores.keys()]
          .filter((j) => scores[j]! > -Infinity)
          .sort((a, b) => scores[b]! - scores[a]! || a - b)
          .slice(0, k);
        expect(Array.from(out.subarray(0, n))).toEqual(want);
      }),
      { numRuns: 500, seed: 5 },
    );
  });
});
