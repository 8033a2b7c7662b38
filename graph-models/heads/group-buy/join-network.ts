import * as tf from '@tensorflow/tfjs';
import { writeArtifact } from '../../encoders/artifact-io';
import type { PlattParams } from './calibration';
import { HEAD_FORMAT, HEAD_FORMAT_VERSION, type HeadArtifactConfig } from './head-io';
import { GroupBuyHeadModel, type HeadWeights } from './head-model';

/**
 * Training side of the group-buy head (head-model.ts has the formula and the plain-number
 * forward pass that serves). The fill probability is the Poisson-binomial tail computed
 * inside the graph, so the group outcome (FILLED/EXPIRED) trains the per-invitee join
 * network end to end, next to a direct per-invitee join loss.
 */

/**
 * A batch of group snapshots (one group buy seen at one instant), padded to M pending
 * invitees per snapshot (slot s·M + m; padding rows are zero and masked out):
 *   x:      [S · M · F]  feature rows, row-major
 *   mask:   [S · M]      1 for a real invitee, 0 for padding
 *   joined: [S · M]      1 when that invitee joined after the instant (join loss label)
 *   ctx:    [S · C]      context columns per snapshot
 *   need:   [S]          participants still needed (≥ 1)
 *   label:  [S]          1 = FILLED, 0 = EXPIRED
 * Padding instead of a gather keeps the CPU backend off its slow segment-sum gradient.
 */
export interface TailBatch {
  x: Float32Array;
  mask: Float32Array;
  joined: Float32Array;
  ctx: Float32Array;
  snapshots: number;
  maxPending: number;
  need: Int32Array;
  label: Float32Array;
}

export interface JoinNetworkConfig {
  features: number;
  contextColumns: number;
  /** tanh units (small: a few hundred launches train it). */
  hidden: number;
  seed: number;
}

export interface FitOptions {
  lr: number;
  maxEpochs: number;
  /** Weight of the per-invitee join loss next to the group fill loss. */
  joinWeight: number;
  /** L2 penalty on every weight but the biases. */
  l2: number;
  evalEvery: number;
  /** Evaluations without a better validation loss before stopping. */
  patience: number;
}

export interface FitResult {
  bestEpoch: number;
  epochs: number;
  bestValidLoss: number;
  history: Array<{ epoch: number; trainLoss: number; validLoss: number }>;
  ms: number;
}

const CLIP = 1e-5;

export class JoinNetwork {
  private readonly vars: Record<'w1' | 'b1' | 'w2' | 'v' | 'b' | 'u' | 'c', tf.Variable>;

  constructor(readonly config: JoinNetworkConfig) {
    const { features: F, contextColumns: C, hidden: H, seed } = config;
    this.vars = tf.tidy(() => ({
      // Glorot-scaled init; the linear skip and the extra term start at zero (the tanh layer breaks symmetry).
      w1: tf.variable(tf.randomNormal([F, H], 0, Math.sqrt(2 / (F + H)), 'float32', seed), true),
      b1: tf.variable(tf.zeros([H]), true),
      w2: tf.variable(tf.randomNormal([H, 1], 0, Math.sqrt(1 / H), 'float32', seed + 1), true),
      v: tf.variable(tf.zeros([F, 1]), true),
      b: tf.variable(tf.fill([1], -1), true),
      u: tf.variable(tf.zeros([C, 1]), true),
      c: tf.variable(tf.fill([1], -2), true),
    }));
  }

  /** Join logits [R] for x [R, F]. */
  private logits(x: tf.Tensor2D): tf.Tensor1D {
    const { w1, b1, w2, v, b } = this.vars;
    return tf.tanh(x.matMul(w1).add(b1)).matMul(w2).add(x.matMul(v)).add(b).reshape([-1]) as tf.Tensor1D;
  }

  /** Fill probabilities [S] and join probabilities [R] of a batch (tensors inside the caller's tidy). */
  private forward(t: BatchTensors): { fill: tf.Tensor1D; join: tf.Tensor1D } {
    const join = tf.sigmoid(this.logits(t.x)).mul(t.mask) as tf.Tensor1D; // padding joins with probability 0
    const extra = tf.sigmoid(t.ctx.matMul(this.vars.u).add(this.vars.c)); // [S, 1]
    const q = tf.concat([join.reshape([t.S, t.M]), extra], 1); // [S, M + 1]
    // Count distribution with an absorbing top state K (see poisson-binomial.ts), one event at a time.
    let dist: tf.Tensor2D = tf.concat([tf.ones([t.S, 1]), tf.zeros([t.S, t.K])], 1);
    for (let m = 0; m <= t.M; m++) {
      const p = q.slice([0, m], [t.S, 1]);
      const stay = tf.concat([tf.sub(1, p).tile([1, t.K]), tf.ones([t.S, 1])], 1);
      const shifted = tf.concat([tf.zeros([t.S, 1]), dist.slice([0, 0], [t.S, t.K])], 1);
      dist = dist.mul(stay).add(shifted.mul(p));
    }
    return { fill: dist.mul(t.needMask).sum(1) as tf.Tensor1D, join };
  }

  /** Fill probabilities [S] of a batch as the training graph computes them (no calibration). */
  fillProbabilities(batch: TailBatch): Float32Array {
    const t = toTensors(batch);
    try {
      return tf.tidy(() => this.forward(t).fill.dataSync() as Float32Array);
    } finally {
      disposeTensors(t);
    }
  }

  private loss(t: BatchTensors, o: Pick<FitOptions, 'joinWeight' | 'l2'>): tf.Scalar {
    const { fill, join } = this.forward(t);
    const groupLoss = bce(fill, t.label);
    const joinLoss = t.R > 0 ? bce(join, t.joined, t.mask).mul(t.S * t.M / t.R) : tf.scalar(0);
    const { w1, w2, v, u } = this.vars;
    const l2 = tf.addN([w1, w2, v, u].map((w) => w.square().sum())).mul(o.l2);
    return groupLoss.add(joinLoss.mul(o.joinWeight)).add(l2) as tf.Scalar;
  }


  /**
   * Full-batch Adam on the training snapshots; the weights with the best validation loss
   * (group + weighted join log-loss, checked every `evalEvery` epochs) are kept.
   */
  fit(train: TailBatch, valid: TailBatch, o: FitOptions): FitResult {
    const t0 = performance.now();
    const tt = toTensors(train);
    const tv = toTensors(valid);
    const opt = tf.train.adam(o.lr);
    const varList = Object.values(this.vars);
    let best = { loss: Infinity, epoch: 0, weights: this.snapshot() };
    const history: FitResult['history'] = [];
    let sinceBest = 0;
    let epoch = 0;
    try {
      for (epoch = 1; epoch <= o.maxEpochs; epoch++) {
        const cost = opt.minimize(() => this.loss(tt, o), true, varList);
        const trainLoss = cost!.dataSync()[0]!;
        cost!.dispose();
        if (epoch % o.evalEvery !== 0 && epoch !== o.maxEpochs) continue;
        // Selection uses the training objective without the penalty: the join term adds a
        // row per invitee, far more signal than a few hundred group outcomes alone.
        const validLoss = tf.tidy(() => this.loss(tv, { joinWeight: o.joinWeight, l2: 0 }).dataSync()[0]!);
        history.push({ epoch, trainLoss, validLoss });
        if (validLoss < best.loss - 1e-6) {
          best = { loss: validLoss, epoch, weights: this.snapshot() };
          sinceBest = 0;
        } else if (++sinceBest >= o.patience) {
          break;
        }
      }
    } finally {
      disposeTensors(tt);
      disposeTensors(tv);
      opt.dispose();
    }
    this.restore(best.weights);
    return { bestEpoch: best.epoch, epochs: Math.min(epoch, o.maxEpochs), bestValidLoss: best.loss, history, ms: performance.now() - t0 };
  }

  /** The current weights as plain arrays (what serving runs). */
  snapshot(): HeadWeights {
    const { features, contextColumns, hidden } = this.config;
    const d = (k: keyof typeof this.vars) => Float32Array.from(this.vars[k].dataSync());
    return { features, contextColumns, hidden, w1: d('w1'), b1: d('b1'), w2: d('w2'), v: d('v'), b: d('b'), u: d('u'), c: d('c') };
  }

  private restore(w: HeadWeights): void {
    for (const k of Object.keys(this.vars) as Array<keyof typeof this.vars>) {
      const v = this.vars[k];
      tf.tidy(() => v.assign(tf.tensor(w[k], v.shape)));
    }
  }

  model(platt: PlattParams): GroupBuyHeadModel {
    return new GroupBuyHeadModel(this.snapshot(), platt);
  }

  dispose(): void {
    for (const v of Object.values(this.vars)) v.dispose();
  }
}

interface BatchTensors {
  x: tf.Tensor2D;
  mask: tf.Tensor1D;
  joined: tf.Tensor1D;
  ctx: tf.Tensor2D;
  needMask: tf.Tensor2D;
  label: tf.Tensor1D;
  R: number;
  S: number;
  M: number;
  K: number;
}

function toTensors(b: TailBatch): BatchTensors {
  const slots = b.snapshots * b.maxPending;
  const F = slots > 0 ? b.x.length / slots : 0;
  const C = b.snapshots > 0 ? b.ctx.length / b.snapshots : 0;
  const K = Math.max(1, ...Array.from(b.need));
  const mask = new Float32Array(b.snapshots * (K + 1));
  for (let s = 0; s < b.snapshots; s++) for (let j = b.need[s]!; j <= K; j++) mask[s * (K + 1) + j] = 1;
  return {
    x: tf.tensor2d(b.x, [slots, F]),
    mask: tf.tensor1d(b.mask),
    joined: tf.tensor1d(b.joined),
    ctx: tf.tensor2d(b.ctx, [b.snapshots, C]),
    needMask: tf.tensor2d(mask, [b.snapshots, K + 1]),
    label: tf.tensor1d(b.label),
    R: b.mask.reduce((n, m) => n + m, 0),
    S: b.snapshots,
    M: b.maxPending,
    K,
  };
}

function disposeTensors(t: BatchTensors): void {
  tf.dispose([t.x, t.mask, t.joined, t.ctx, t.needMask, t.label]);
}

/**
 * Mean binary cross-entropy of probabilities p against 0/1 labels y (p clipped away from 0
 * and 1); with `weights`, Σ w·bce / n (padding weighted 0; the caller rescales to the real count).
 */
function bce(p: tf.Tensor1D, y: tf.Tensor1D, weights?: tf.Tensor1D): tf.Scalar {
  const c = p.clipByValue(CLIP, 1 - CLIP);
  const each = tf.neg(y.mul(c.log()).add(tf.sub(1, y).mul(tf.sub(1, c).log())));
  return (weights ? each.mul(weights) : each).mean() as tf.Scalar;
}


/** Writes model.json + weights.bin (encoders/artifact-io.ts layout). */
export async function saveHead(dir: string, model: GroupBuyHeadModel, meta: { featureColumns: readonly string[]; featureVersion: number }): Promise<void> {
  const w = model.weights;
  const config: HeadArtifactConfig = { features: w.features, contextColumns: w.contextColumns, hidden: w.hidden, featureColumns: [...meta.featureColumns], featureVersion: meta.featureVersion, platt: model.platt };
  const named = [
    { name: 'w1', tensor: tf.tensor2d(w.w1, [w.features, w.hidden]) },
    { name: 'b1', tensor: tf.tensor1d(w.b1) },
    { name: 'w2', tensor: tf.tensor1d(w.w2) },
    { name: 'v', tensor: tf.tensor1d(w.v) },
    { name: 'b', tensor: tf.tensor1d(w.b) },
    { name: 'u', tensor: tf.tensor1d(w.u) },
    { name: 'c', tensor: tf.tensor1d(w.c) },
  ];
  try {
    await writeArtifact(dir, { format: HEAD_FORMAT, formatVersion: HEAD_FORMAT_VERSION, config }, named);
  } finally {
    tf.dispose(named.map((n) => n.tensor));
  }
}
