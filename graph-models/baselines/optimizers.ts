/**
 * Hand-written optimizers for embedding tables stored as Float32Array [rows, dim]
 * (row-major). Gradients arrive dense-shaped but sparse in practice: only the rows listed
 * in `touched` are non-zero, and `apply` zeroes exactly those rows afterwards, so the
 * gradient buffer is all-zero again for the next step.
 *
 * - `sgd`:       θ ← θ − lr·g. Sparse (touched rows only), exact.
 * - `adagrad`:   G ← G + g²; θ ← θ − lr·g/(√G + ε) (Duchi et al., JMLR 2011). Sparse and
 *                exact: a zero gradient changes neither G nor θ.
 * - `adam`:      torch.optim.Adam semantics (Kingma & Ba, ICLR 2015, Alg. 1, weight
 *                decay 0): m ← β1·m + (1−β1)·g; v ← β2·v + (1−β2)·g²;
 *                θ ← θ − (lr/(1−β1^t))·m/(√v/√(1−β2^t) + ε), over EVERY row on every step,
 *                because untouched rows still move on their momentum. This is what a PyTorch
 *                nn.Embedding + Adam reference does; cost O(rows·dim) per step.
 * - `lazy-adam`: the same update on the touched rows only (TF Addons LazyAdam): O(batch·dim)
 *                per step, for catalogues where dense Adam is too slow (gowalla).
 */
export type OptimizerName = 'sgd' | 'adagrad' | 'adam' | 'lazy-adam';

export interface OptimizerOptions {
  learningRate: number;
  /** Adam β1; default 0.9 (the paper's and PyTorch's). */
  beta1?: number;
  /** Adam β2; default 0.999. */
  beta2?: number;
  /** Denominator guard; default 1e-8 (Adam, PyTorch) and 1e-10 (Adagrad, PyTorch). */
  epsilon?: number;
}

export interface EmbeddingOptimizer {
  /**
   * One step on `param` [rows, dim] with gradient `grad` (same shape), whose non-zero rows
   * are `touched[0 .. nTouched)` (distinct). Zeroes those gradient rows.
   */
  apply(param: Float32Array, grad: Float32Array, touched: Int32Array, nTouched: number): void;
}

export function createOptimizer(name: OptimizerName, rows: number, dim: number, opts: OptimizerOptions): EmbeddingOptimizer {
  const lr = opts.learningRate;
  if (!(lr > 0)) throw new RangeError(`learningRate must be > 0, got ${String(lr)}`);
  switch (name) {
    case 'sgd':
      return {
        apply(param, grad, touched, nTouched) {
          for (let t = 0; t < nTouched; t++) {
            const o = touched[t] * dim;
            for (let k = o; k < o + dim; k++) {
              param[k] -= lr * grad[k];
              grad[k] = 0;
            }
          }
        },
      };
    case 'adagrad': {
      const eps = opts.epsilon ?? 1e-10;
      const acc = new Float32Array(rows * dim);
      return {
        apply(param, grad, touched, nTouched) {
          for (let t = 0; t < nTouched; t++) {
            const o = touched[t] * dim;
            for (let k = o; k < o + dim; k++) {
              const g = grad[k];
              acc[k] += g * g;
              param[k] -= (lr * g) / (Math.sqrt(acc[k]) + eps);
              grad[k] = 0;
            }
          }
        },
      };
    }
    case 'adam':
    case 'lazy-adam': {
      const b1 = opts.beta1 ?? 0.9;
      const b2 = opts.beta2 ?? 0.999;
      const eps = opts.epsilon ?? 1e-8;
      const m = new Float32Array(rows * dim);
      const v = new Float32Array(rows * dim);
      let step = 0;
      const lazy = name === 'lazy-adam';
      return {
        apply(param, grad, touched, nTouched) {
          step++;
          const stepSize = lr / (1 - Math.pow(b1, step));
          const invSqrtBc2 = 1 / Math.sqrt(1 - Math.pow(b2, step));
          if (lazy) {
            for (let t = 0; t < nTouched; t++) adamRange(param, grad, m, v, touched[t] * dim, touched[t] * dim + dim, b1, b2, eps, stepSize, invSqrtBc2);
          } else {
            adamRange(param, grad, m, v, 0, rows * dim, b1, b2, eps, stepSize, invSqrtBc2);
          }
          for (let t = 0; t < nTouched; t++) grad.fill(0, touched[t] * dim, touched[t] * dim + dim);
        },
      };
    }
  }
}

/** One Adam step on param[from..to) (a monomorphic top-level loop, so V8 optimises it well). */
function adamRange(
  param: Float32Array,
  grad: Float32Array,
  m: Float32Array,
  v: Float32Array,
  from: number,
  to: number,
  b1: number,
  b2: number,
  eps: number,
  stepSize: number,
  invSqrtBc2: number,
): void {
  const c1 = 1 - b1;
  const c2 = 1 - b2;
  for (let k = from; k < to; k++) {
    const g = grad[k];
    const mk = b1 * m[k] + c1 * g;
    const vk = b2 * v[k] + c2 * g * g;
    m[k] = mk;
    v[k] = vk;
    param[k] -= (stepSize * mk) / (Math.sqrt(vk) * invSqrtBc2 + eps);
  }
}
