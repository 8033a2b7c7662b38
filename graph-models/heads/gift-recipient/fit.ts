/**
 * Trains the gift-recipient head (model.ts) in TF.js: weighted binary cross-entropy on the
 * cloglog-with-offset output, Adam, mini-batches in a seeded order, early stopping on the
 * validation loss (the best epoch's weights are kept). Tensors live inside one step's
 * `tf.tidy`/`minimize` call plus the trainable variables, which `fitGiftHead` disposes.
 */
import * as tf from '@tensorflow/tfjs';
import { GIFT_FEATURES, GIFT_FEATURE_SCHEMA_VERSION } from '../../../src/features/gift-features';
import { SeededRandom } from '../../layers/seeded-random';
import { fitEpochs, standardize, type HeadEpochLog } from '../head-fit';
import type { ExampleSet } from './dataset';
import { GIFT_HEAD_FORMAT, GIFT_HEAD_FORMAT_VERSION, predictProbabilities, type GiftHeadWeights } from './model';

export interface FitGiftHeadOptions {
  /** Hidden units (default 16: ~600 weights, enough for the birthday × closeness interplay). */
  hidden?: number;
  /** Adam learning rate (default 0.003). */
  lr?: number;
  /** L2 on W1 and w2 (default 1e-4). */
  l2?: number;
  /** Maximum epochs (default 30) and patience on the validation loss (default 4). */
  epochs?: number;
  patience?: number;
  /** Rows per step (default 1024). */
  batchSize?: number;
  seed: number;
  /** Recorded in the weights (feature context at serving time). */
  interactionLogStart: number | null;
  windowDays: number;
  onEpoch?: (r: EpochLog) => void;
}

export type EpochLog = HeadEpochLog;

export interface FitGiftHeadResult {
  weights: GiftHeadWeights;
  history: EpochLog[];
  bestEpoch: number;
  ms: number;
}

/** Weighted mean binary cross-entropy of probabilities against labels (the validation criterion). */
export function weightedLogLoss(p: ArrayLike<number>, y: ArrayLike<number>, w: ArrayLike<number>): number {
  let s = 0;
  let sw = 0;
  for (let i = 0; i < p.length; i++) {
    const q = Math.min(1 - 1e-7, Math.max(1e-7, p[i]!));
    s -= w[i]! * (y[i]! > 0 ? Math.log(q) : Math.log1p(-q));
    sw += w[i]!;
  }
  return sw > 0 ? s / sw : NaN;
}

export function fitGiftHead(train: ExampleSet, valid: ExampleSet, o: FitGiftHeadOptions): FitGiftHeadResult {
  const t0 = performance.now();
  const F = GIFT_FEATURES.length;
  const H = o.hidden ?? 16;
  const lr = o.lr ?? 0.003;
  const l2 = o.l2 ?? 1e-4;
  const maxEpochs = o.epochs ?? 30;
  const patience = o.patience ?? 4;
  const batch = o.batchSize ?? 1024;
  if (train.n === 0) throw new Error('no training rows');

  // Weighted standardisation over the training rows (constant columns: σ = 1, W1 rows zeroed).
  const { mean, std, constant, xs } = standardize(train.x, train.n, F, train.weight);
  let sw = 0;
  let pos = 0;
  let winSum = 0;
  for (let i = 0; i < train.n; i++) {
    const wi = train.weight[i]!;
    sw += wi;
    pos += wi * train.y[i]!;
    winSum += wi * train.windowDays[i]!;
  }

  // Start at the base rate: e^b2 · mean window ≈ −ln(1 − positive share).
  const baseRate = Math.max(1e-6, pos / sw);
  const b2Init = Math.log(-Math.log1p(-Math.min(0.5, baseRate)) / (winSum / sw));
  // Inside tidy: the initial values are freed, the variables (which tidy never frees) stay.
  const [W1, b1, w2, b2] = tf.tidy(() => [
    tf.variable(tf.randomNormal([F, H], 0, Math.sqrt(2 / F), 'float32', o.seed), true),
    tf.variable(tf.zeros([H]), true),
    tf.variable(tf.randomNormal([H, 1], 0, Math.sqrt(1 / H) * 0.1, 'float32', o.seed + 1), true),
    tf.variable(tf.scalar(b2Init), true),
  ]) as [tf.Variable, tf.Variable, tf.Variable, tf.Variable];
  const vars = [W1, b1, w2, b2];
  const optimizer = tf.train.adam(lr);
  const rng = new SeededRandom(o.seed);

  const snapshot = (): GiftHeadWeights => ({
    format: GIFT_HEAD_FORMAT,
    formatVersion: GIFT_HEAD_FORMAT_VERSION,
    features: [...GIFT_FEATURES],
    featureSchemaVersion: GIFT_FEATURE_SCHEMA_VERSION,
    mean: Array.from(mean),
    std,
    hidden: H,
    w1: Array.from(W1.dataSync(), (v, i) => (constant[Math.floor(i / H)] ? 0 : v)),
    b1: Array.from(b1.dataSync()),
    w2: Array.from(w2.dataSync()),
    b2: b2.dataSync()[0]!,
    interactionLogStart: o.interactionLogStart,
    windowDays: o.windowDays,
  });

  const bx = new Float32Array(batch * F);
  const by = new Float32Array(batch);
  const bw = new Float32Array(batch);
  const blw = new Float32Array(batch);
  try {
    const { best, history, bestEpoch } = fitEpochs({
      n: train.n, batch, maxEpochs, patience, rng, snapshot, onEpoch: o.onEpoch,
      validLoss: (current, trainLoss) => (valid.n > 0 ? weightedLogLoss(predictRows(current, valid), valid.y, valid.weight) : trainLoss),
      step: (rows) => {
        const b = rows.length;
        for (let r = 0; r < b; r++) {
          const i = rows[r]!;
          bx.set(xs.subarray(i * F, (i + 1) * F), r * F);
          by[r] = train.y[i]!;
          bw[r] = train.weight[i]!;
          blw[r] = Math.log(train.windowDays[i]!);
        }
        const loss = optimizer.minimize(() => {
          const x = tf.tensor2d(bx.subarray(0, b * F), [b, F]);
          const y = tf.tensor1d(by.subarray(0, b));
          const w = tf.tensor1d(bw.subarray(0, b));
          const lw = tf.tensor1d(blw.subarray(0, b));
          const h = tf.relu(tf.add(tf.matMul(x, W1), b1));
          const eta = tf.add(tf.reshape(tf.matMul(h, w2), [b]), b2);
          const z = tf.clipByValue(tf.add(eta, lw), -20, 20);
          const ez = tf.exp(z);
          // log p = log(1 − e^{−e^z}) = log(−expm1(−e^z)); log(1 − p) = −e^z exactly.
          const logP = tf.log(tf.neg(tf.expm1(tf.neg(ez))));
          const ll = tf.add(tf.mul(y, logP), tf.mul(tf.sub(1, y), tf.neg(ez)));
          const nll = tf.div(tf.neg(tf.sum(tf.mul(w, ll))), tf.sum(w));
          const reg = tf.mul(l2, tf.add(tf.sum(tf.square(W1)), tf.sum(tf.square(w2))));
          return tf.add(nll, reg) as tf.Scalar;
        }, true, vars);
        const v = loss!.dataSync()[0]!;
        loss!.dispose();
        return v;
      },
    });
    return { weights: best, history, bestEpoch, ms: performance.now() - t0 };
  } finally {
    for (const v of vars) v.dispose();
    optimizer.dispose();
  }
}

/** Probabilities for every row of an example set, each at its own window. */
export function predictRows(m: GiftHeadWeights, ex: ExampleSet): Float64Array {
  const out = new Float64Array(ex.n);
  // Rows of one set usually share a window; score runs of equal windows together.
  for (let start = 0; start < ex.n; ) {
    let end = start + 1;
    while (end < ex.n && ex.windowDays[end] === ex.windowDays[start]) end++;
    const F = m.features.length;
    out.set(predictProbabilities(m, ex.x.subarray(start * F, end * F), end - start, ex.windowDays[start]!), start);
    start = end;
  }
  return out;
}
