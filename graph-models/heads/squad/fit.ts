/**
 * Trains the squad head (model.ts) in TF.js with a sampled softmax: each group is one
 * (squad, bought item) positive and K items the squad could have bought instead (sampled
 * uniformly from its eligible items, the same candidate set the full-ranking evaluation
 * ranks), and the loss is the positive's negative log-probability among its group —
 * a listwise objective that ranks the bought item above the rest (Covington et al., "Deep
 * Neural Networks for YouTube Recommendations", RecSys 2016, §3.1; uniform negatives are an
 * unbiased sample of the full softmax's denominator up to a constant). Adam, mini-batches
 * in a seeded order, early stopping on held-out squads' loss (the best epoch's weights are
 * kept). Tensors live inside one step's `minimize` call plus the variables, disposed here.
 */
import * as tf from '@tensorflow/tfjs';
import { SQUAD_FEATURES, SQUAD_FEATURE_SCHEMA_VERSION } from '../../../src/features/squad-features';
import { SeededRandom } from '../../layers/seeded-random';
import { fitEpochs, standardize, type HeadEpochLog } from '../head-fit';
import { SQUAD_HEAD_FORMAT, SQUAD_HEAD_FORMAT_VERSION, squadHeadScores, type SquadHeadWeights, type SquadLabelKind } from './model';

/** Groups of candidate rows, the positive first in each group. */
export interface SquadExamples {
  /** Number of groups (positives). */
  groups: number;
  /** Rows per group: 1 positive + K negatives. */
  size: number;
  /** [groups · size · F] row-major features. */
  x: Float32Array;
  /** [groups] weight of each group (1 / the squad's positives in that window: squads count equally). */
  weight: Float32Array;
}

export interface FitSquadHeadOptions {
  /** Hidden units (default 8; 0 = linear). */
  hidden?: number;
  /** Adam learning rate (default 0.01). */
  lr?: number;
  /** L2 on the weights (default 1e-4). */
  l2?: number;
  /** Maximum epochs (default 60) and patience on the held-out loss (default 8). */
  epochs?: number;
  patience?: number;
  /** Groups per step (default 128). */
  batchSize?: number;
  seed: number;
  /** Recorded in the weights. */
  encoder: string;
  labels: SquadLabelKind;
  onEpoch?: (r: SquadEpochLog) => void;
}

export type SquadEpochLog = HeadEpochLog;

export interface FitSquadHeadResult {
  weights: SquadHeadWeights;
  history: SquadEpochLog[];
  bestEpoch: number;
  ms: number;
}

/** Weighted mean negative log-probability of each group's first row (the validation criterion). */
export function groupSoftmaxLoss(w: SquadHeadWeights, ex: SquadExamples): number {
  if (ex.groups === 0) return NaN;
  const s = squadHeadScores(w, ex.x, ex.groups * ex.size);
  let loss = 0;
  let sw = 0;
  for (let g = 0; g < ex.groups; g++) {
    const o = g * ex.size;
    let max = -Infinity;
    for (let r = 0; r < ex.size; r++) max = Math.max(max, s[o + r]!);
    let z = 0;
    for (let r = 0; r < ex.size; r++) z += Math.exp(s[o + r]! - max);
    loss += ex.weight[g]! * (max + Math.log(z) - s[o]!);
    sw += ex.weight[g]!;
  }
  return loss / sw;
}

export function fitSquadHead(train: SquadExamples, valid: SquadExamples, o: FitSquadHeadOptions): FitSquadHeadResult {
  const t0 = performance.now();
  const F = SQUAD_FEATURES.length;
  const H = o.hidden ?? 8;
  const lr = o.lr ?? 0.01;
  const l2 = o.l2 ?? 1e-4;
  const maxEpochs = o.epochs ?? 60;
  const patience = o.patience ?? 8;
  const batch = o.batchSize ?? 128;
  const S = train.size;
  if (train.groups === 0) throw new Error('no training groups: no squad bought anything in the training windows');
  if (valid.groups > 0 && valid.size !== S) throw new Error(`train and validation groups differ in size (${S} vs ${valid.size})`);

  // Standardisation over every training row (negatives dominate: the candidate distribution).
  // A column that never varied (no prices in an imported catalog) cannot be learnt: σ = 1, weights zeroed.
  const rows = train.groups * S;
  const { mean, std, constant, xs } = standardize(train.x, rows, F);

  const Hv = Math.max(1, H); // TF.js needs non-empty shapes; with H = 0 the hidden path is never used.
  const [wLin, W1, b1, w2] = tf.tidy(() => [
    tf.variable(tf.zeros([F, 1]), true),
    tf.variable(tf.randomNormal([F, Hv], 0, Math.sqrt(2 / F), 'float32', o.seed), true),
    tf.variable(tf.zeros([Hv]), true),
    tf.variable(tf.randomNormal([Hv, 1], 0, 0.1 / Math.sqrt(Hv), 'float32', o.seed + 1), true),
  ]) as [tf.Variable, tf.Variable, tf.Variable, tf.Variable];
  const vars = H > 0 ? [wLin, W1, b1, w2] : [wLin];
  const optimizer = tf.train.adam(lr);
  const rng = new SeededRandom(o.seed);

  const snapshot = (): SquadHeadWeights => ({
    format: SQUAD_HEAD_FORMAT,
    formatVersion: SQUAD_HEAD_FORMAT_VERSION,
    features: [...SQUAD_FEATURES],
    featureSchemaVersion: SQUAD_FEATURE_SCHEMA_VERSION,
    mean: Array.from(mean),
    std,
    hidden: H,
    wLin: Array.from(wLin.dataSync(), (v, k) => (constant[k] ? 0 : v)),
    w1: H > 0 ? Array.from(W1.dataSync(), (v, i) => (constant[Math.floor(i / H)] ? 0 : v)) : [],
    b1: H > 0 ? Array.from(b1.dataSync()) : [],
    w2: H > 0 ? Array.from(w2.dataSync()) : [],
    encoder: o.encoder,
    labels: o.labels,
  });

  const bx = new Float32Array(batch * S * F);
  const bw = new Float32Array(batch);
  try {
    const { best, history, bestEpoch } = fitEpochs({
      n: train.groups, batch, maxEpochs, patience, rng, snapshot, onEpoch: o.onEpoch,
      validLoss: (current, trainLoss) => (valid.groups > 0 ? groupSoftmaxLoss(current, valid) : trainLoss),
      step: (groups) => {
        const b = groups.length;
        for (let r = 0; r < b; r++) {
          const g = groups[r]!;
          bx.set(xs.subarray(g * S * F, (g + 1) * S * F), r * S * F);
          bw[r] = train.weight[g]!;
        }
        const loss = optimizer.minimize(() => {
          const x = tf.tensor2d(bx.subarray(0, b * S * F), [b * S, F]);
          const w = tf.tensor1d(bw.subarray(0, b));
          let sc = tf.matMul(x, wLin);
          if (H > 0) sc = tf.add(sc, tf.matMul(tf.relu(tf.add(tf.matMul(x, W1), b1)), w2));
          const logits = tf.reshape(sc, [b, S]);
          // −log softmax of column 0 (the positive) per group.
          const nll = tf.sub(tf.logSumExp(logits, 1), tf.reshape(tf.slice(logits, [0, 0], [b, 1]), [b]));
          const data = tf.div(tf.sum(tf.mul(w, nll)), tf.sum(w));
          const reg = tf.mul(l2, H > 0 ? tf.add(tf.sum(tf.square(wLin)), tf.add(tf.sum(tf.square(W1)), tf.sum(tf.square(w2)))) : tf.sum(tf.square(wLin)));
          return tf.add(data, reg) as tf.Scalar;
        }, true, vars);
        const v = loss!.dataSync()[0]!;
        loss!.dispose();
        return v;
      },
    });
    return { weights: best, history, bestEpoch, ms: performance.now() - t0 };
  } finally {
    for (const v of [wLin, W1, b1, w2]) v.dispose();
    optimizer.dispose();
  }
}
