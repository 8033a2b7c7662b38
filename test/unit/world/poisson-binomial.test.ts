import { poissonBinomialTail } from '../../../src/world/poisson-binomial';

describe('poissonBinomialTail', () => {
  it('matches hand-computed values', () => {
    // Two coins p = 0.5, 0.2: P(X ≥ 1) = 1 − 0.5·0.8 = 0.6; P(X ≥ 2) = 0.1.
    expect(poissonBinomialTail([0.5, 0.2], 1)).toBeCloseTo(0.6, 12);
    expect(poissonBinomialTail([0.5, 0.2], 2)).toBeCloseTo(0.1, 12);
    // Three coins 0.5, 0.5, 0.5: P(X ≥ 2) = 4/8.
    expect(poissonBinomialTail([0.5, 0.5, 0.5], 2)).toBeCloseTo(0.5, 12);
  });

  it('handles the edges', () => {
    expect(poissonBinomialTail([], 0)).toBe(1);
    expect(poissonBinomialTail([0.3], 0)).toBe(1);
    expect(poissonBinomialTail([0.3, 0.9], 3)).toBe(0);
    expect(poissonBinomialTail([1, 1, 0], 2)).toBeCloseTo(1, 12);
  });

  it('equals the binomial tail when all p are equal', () => {
    // Binomial(5, 0.3): P(X ≥ 3) = Σ_{k=3..5} C(5,k) 0.3^k 0.7^(5−k).
    const expected = 10 * 0.3 ** 3 * 0.7 ** 2 + 5 * 0.3 ** 4 * 0.7 + 0.3 ** 5;
    expect(poissonBinomialTail([0.3, 0.3, 0.3, 0.3, 0.3], 3)).toBeCloseTo(expected, 12);
  });
});
