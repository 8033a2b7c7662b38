import type { SeededRandom } from '../layers/seeded-random';

/**
 * What every ranking head's fit shares: feature standardisation over the training rows and
 * the epoch loop (seeded shuffle, minibatches, early stopping on a validation loss with the
 * best weights kept). Each head keeps its own model, loss and batch filling.
 */

export interface Standardized {
  mean: number[];
  std: number[];
  /** Columns that never varied in training: σ = 1, and the head zeroes their weights. */
  constant: boolean[];
  /** The standardised rows, [n · F] row-major. */
  xs: Float32Array;
}

/**
 * Weighted mean and standard deviation per column of `x` ([n · F] row-major; weight 1 per
 * row when `weight` is absent). A column whose σ is below 1e-6 cannot be learnt (e.g. a
 * flag that is constant in one world): it gets σ = 1, so a different value at serving time
 * is ignored by its zeroed weights instead of blown up by a tiny σ.
 */
export function standardize(x: ArrayLike<number>, n: number, F: number, weight?: ArrayLike<number>): Standardized {
  const mean = new Float64Array(F);
  const sq = new Float64Array(F);
  let sw = 0;
  for (let i = 0; i < n; i++) {
    const wi = weight ? weight[i]! : 1;
    sw += wi;
    for (let k = 0; k < F; k++) mean[k]! += wi * x[i * F + k]!;
  }
  for (let k = 0; k < F; k++) mean[k]! /= sw;
  for (let i = 0; i < n; i++) {
    const wi = weight ? weight[i]! : 1;
    for (let k = 0; k < F; k++) {
      const d = x[i * F + k]! - mean[k]!;
      sq[k]! += wi * d * d;
    }
  }
  const constant = Array.from(sq, (s) => Math.sqrt(s / sw) < 1e-6);
  const std = Array.from(sq, (s, k) => (constant[k] ? 1 : Math.sqrt(s / sw)));
  const xs = new Float32Array(n * F);
  for (let i = 0; i < n; i++) for (let k = 0; k < F; k++) xs[i * F + k] = (x[i * F + k]! - mean[k]!) / std[k]!;
  return { mean: Array.from(mean), std, constant, xs };
}

export interface HeadEpochLog {
  epoch: number;
  trainLoss: number;
  validLoss: number;
  ms: number;
}

/**
 * The epoch loop: each epoch shuffles `0 … n−1` with the seeded generator (Fisher–Yates),
 * calls `step` on consecutive batches of indices (one optimiser step each, returning the
 * batch loss), then scores a snapshot on validation; the best snapshot is kept and training
 * stops after `patience` epochs without improvement.
 */
export function fitEpochs<W>(o: {
  n: number;
  batch: number;
  maxEpochs: number;
  patience: number;
  rng: Pick<SeededRandom, 'nextU32'>;
  step: (rows: Int32Array) => number;
  snapshot: () => W;
  /** Validation loss of a snapshot (lower is better); `trainLoss` is the epoch's mean batch loss. */
  validLoss: (w: W, trainLoss: number) => number;
  onEpoch?: (r: HeadEpochLog) => void;
}): { best: W; history: HeadEpochLog[]; bestEpoch: number } {
  const order = Int32Array.from({ length: o.n }, (_, i) => i);
  const history: HeadEpochLog[] = [];
  let best = o.snapshot();
  let bestLoss = Infinity;
  let bestEpoch = 0;
  for (let epoch = 1; epoch <= o.maxEpochs; epoch++) {
    const te = performance.now();
    for (let i = order.length - 1; i > 0; i--) {
      const j = o.rng.nextU32() % (i + 1);
      const tmp = order[i]!;
      order[i] = order[j]!;
      order[j] = tmp;
    }
    let lossSum = 0;
    let steps = 0;
    for (let start = 0; start < order.length; start += o.batch) {
      lossSum += o.step(order.subarray(start, Math.min(order.length, start + o.batch)));
      steps++;
    }
    const current = o.snapshot();
    const trainLoss = lossSum / steps;
    const validLoss = o.validLoss(current, trainLoss);
    const rec = { epoch, trainLoss, validLoss, ms: performance.now() - te };
    history.push(rec);
    o.onEpoch?.(rec);
    if (validLoss < bestLoss - 1e-6) {
      bestLoss = validLoss;
      best = current;
      bestEpoch = epoch;
    } else if (epoch - bestEpoch >= o.patience) break;
  }
  return { best, history, bestEpoch };
}
