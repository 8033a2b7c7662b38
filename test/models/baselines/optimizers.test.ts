import { createOptimizer } from '../../../graph-models/baselines/optimizers';

/** Two rows of dim 2; only row 0 has a gradient. */
const setup = () => ({ param: Float32Array.from([1, 1, 1, 1]), grad: Float32Array.from([0.5, -2, 0, 0]), touched: Int32Array.from([0]) });

describe('embedding optimizers', () => {
  it('sgd: θ − lr·g on touched rows, gradient rows zeroed', () => {
    const { param, grad, touched } = setup();
    createOptimizer('sgd', 2, 2, { learningRate: 0.1 }).apply(param, grad, touched, 1);
    expect(Array.from(param)).toEqual(Array.from(Float32Array.from([0.95, 1.2, 1, 1])));
    expect(Array.from(grad)).toEqual([0, 0, 0, 0]);
  });

  it('adagrad: first step moves each coordinate by lr·sign(g)', () => {
    const { param, grad, touched } = setup();
    createOptimizer('adagrad', 2, 2, { learningRate: 0.1 }).apply(param, grad, touched, 1);
    expect(param[0]).toBeCloseTo(0.9, 6);
    expect(param[1]).toBeCloseTo(1.1, 6);
  });

  it('adam: first step is lr·sign(g) (bias-corrected); dense Adam keeps moving an untouched row on momentum, lazy Adam does not', () => {
    for (const name of ['adam', 'lazy-adam'] as const) {
      const { param, grad, touched } = setup();
      const opt = createOptimizer(name, 2, 2, { learningRate: 0.01 });
      opt.apply(param, grad, touched, 1);
      expect(param[0]).toBeCloseTo(0.99, 6);
      expect(param[1]).toBeCloseTo(1.01, 6);
      // Step 2 with no gradient at all.
      opt.apply(param, grad, new Int32Array(0), 0);
      if (name === 'adam') {
        // m = 0.9·0.05, v = 0.999·0.00025 -> step (0.01/(1−0.81))·m / (√v/√(1−0.998001)) ≈ 0.00475
        const m = 0.9 * 0.05;
        const v = 0.999 * 0.001 * 0.25;
        const expected = 0.99 - ((0.01 / (1 - 0.81)) * m) / (Math.sqrt(v) / Math.sqrt(1 - 0.999 ** 2) + 1e-8);
        expect(param[0]).toBeCloseTo(expected, 6);
      } else {
        expect(param[0]).toBeCloseTo(0.99, 6);
      }
      expect(param[2]).toBe(1);
    }
  });

  it('rejects a non-positive learning rate', () => {
    expect(() => createOptimizer('adam', 1, 1, { learningRate: 0 })).toThrow('learningRate must be > 0, got 0');
  });
});
