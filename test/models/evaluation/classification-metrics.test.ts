import fc from 'fast-check';
import { auc, calibration } from '../../../graph-models/evaluation/classification-metrics';

describe('auc (Mann–Whitney with ties)', () => {
  it('is 1 for perfect separation, 0 for perfect inversion', () => {
    expect(auc([3, 4], [1, 2])).toBe(1);
    expect(auc([1, 2], [3, 4])).toBe(0);
  });

  it('counts ties as ½: all-equal scores give 0.5, as does a constant scorer', () => {
    expect(auc([1, 1, 1], [1, 1])).toBe(0.5);
    expect(auc([0.7], [0.7])).toBe(0.5);
  });

  it('matches a hand count: pos {3, 2}, neg {2, 1} -> pairs (3>2)(3>1)(2=2)(2>1) = 3.5 / 4', () => {
    expect(auc([3, 2], [2, 1])).toBe(0.875);
  });

  it('equals the pairwise definition P(pos > neg) + ½ P(pos = neg) on random inputs', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 30 }), fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 30 }), (pos, neg) => {
        let wins = 0;
        for (const p of pos) for (const n of neg) wins += p > n ? 1 : p === n ? 0.5 : 0;
        expect(auc(pos, neg)).toBeCloseTo(wins / (pos.length * neg.length), 12);
        expect(auc(neg, pos)).toBeCloseTo(1 - wins / (pos.length * neg.length), 12);
      }),
      { numRuns: 300, seed: 11 },
    );
  });

  it('handles infinities and rejects NaN; an empty side is undefined (NaN)', () => {
    expect(auc([Infinity, Infinity], [-Infinity, Infinity])).toBe(0.75);
    expect(() => auc([NaN], [1])).toThrow('NaN');
    expect(auc([], [1])).toBeNaN();
  });
});

describe('calibration', () => {
  it('a perfectly calibrated toy has ECE 0 and the textbook Brier score', () => {
    // p = 0.25 on four cases with one positive, p = 0.75 on four with three.
    const probs = [0.25, 0.25, 0.25, 0.25, 0.75, 0.75, 0.75, 0.75];
    const labels = [1, 0, 0, 0, 1, 1, 1, 0];
    const c = calibration(probs, labels);
    expect(c.ece).toBeCloseTo(0, 12);
    expect(c.brier).toBeCloseTo(0.1875, 12); // each case contributes 0.75²·¼ + 0.25²·¾ = 0.1875 on average
    expect(c.bins[2]).toEqual({ lo: 0.2, hi: 0.3, count: 4, meanProb: 0.25, fracPositive: 0.25 });
    expect(c.bins[7]!.count).toBe(4);
    expect(c.bins[0]!.meanProb).toBeNaN();
  });

  it('measures over-confidence: p = 0.9 where only half are positive -> ECE 0.4', () => {
    const c = calibration([0.9, 0.9, 0.9, 0.9], [1, 0, 1, 0]);
    expect(c.ece).toBeCloseTo(0.4, 12);
    expect(c.brier).toBeCloseTo((0.01 + 0.81) / 2, 12);
  });

  it('puts p = 1 in the last bin and honours the bin count', () => {
    const c = calibration([1, 0, 0.5], [1, 0, 1], 2);
    expect(c.bins.map((b) => b.count)).toEqual([1, 2]);
    expect(c.bins[1]!.meanProb).toBe(0.75);
  });

  it('rejects probabilities outside [0, 1], non-binary labels and mismatched lengths', () => {
    expect(() => calibration([1.2], [1])).toThrow('1.2, outside [0, 1]');
    expect(() => calibration([0.2], [2])).toThrow('label #0 is 2');
    expect(() => calibration([0.2], [])).toThrow('same length');
  });
});
