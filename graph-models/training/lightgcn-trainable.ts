import * as tf from '@tensorflow/tfjs';
import { LightGcn, type LightGcnConfig } from '../encoders/lightgcn';
import { SeededRandom } from '../layers/seeded-random';
import type { Csr } from '../evaluation/interactions';
import { evaluateRanking } from '../evaluation/ranking-metrics';
import { setAdamLearningRate } from './optimizer-state';
import { trainableState } from './trainable-state';
import type { Trainable } from './fit-loop';

/** The training objective (lightgcn.ts' file comment): BPR with one negative per pair, or a sampled softmax. */
export type LightGcnLoss = { kind: 'bpr' } | { kind: 'softmax'; negatives: number; temperature: number };

export interface LightGcnTrainOptions {
  model: LightGcnConfig;
  loss: LightGcnLoss;
  /** Adam learning rate (LightGCN's code: 1e-3). */
  lr: number;
  /** Pairs per step (LightGCN's code: 2048). */
  batchSize: number;
  /** L2 on the batch's E^(0) rows (1e-4). */
  l2: number;
  seed: number;
  /** Validation metric cut-off (Recall@K on the validation split). */
  validK: number;
  checkpointDir: string | null;
  /** Recorded in checkpoints; a resume with different options is refused. */
  runOptions: Record<string, unknown>;
}

/**
 * LightGCN (or SocialLGN with `model.social`) as a Trainable for the fit loop:
 * epochs of nnz / batchSize steps (BPR or sampled softmax) with Adam, validated by Recall@K on the held-out
 * validation pairs with the training pairs excluded from ranking.
 */
export function lightGcnTrainable(
  train: Csr,
  valid: Csr,
  social: Csr | null,
  o: LightGcnTrainOptions,
): { trainable: Trainable; model: LightGcn; dispose: () => void } {
  const model = new LightGcn(o.model, {
    interactions: { offsets: train.offsets, targets: train.items },
    ...(social ? { social: { offsets: social.offsets, targets: social.items } } : {}),
  });
  const optimizer = tf.train.adam(o.lr);
  const nnz = train.items.length;
  const stepsPerEpoch = Math.max(1, Math.ceil(nnz / o.batchSize));
  let rng = new SeededRandom(o.seed);
  let rngEpoch = 0;
  const trainable: Trainable = {
    stepsPerEpoch,
    examplesPerStep: o.batchSize,
    step(epoch) {
      // One random stream per epoch (seed + epoch): a resumed run samples what the
      // uninterrupted run would have sampled from that epoch on.
      if (epoch !== rngEpoch) {
        rng = new SeededRandom(o.seed + epoch * 7919);
        rngEpoch = epoch;
      }
      const loss = o.loss;
      if (loss.kind === 'softmax') return model.trainStepSoftmax(optimizer, model.sampleSoftmaxBatch(o.batchSize, loss.negatives, rng), loss.temperature, o.l2);
      return model.trainStep(optimizer, model.sampleBatch(o.batchSize, rng), o.l2);
    },
    validate() {
      const r = evaluateRanking({ train, test: valid, scorer: (u, out) => model.scoreUsers(u, out), ks: [o.validK] });
      return r.recall[o.validK]!;
    },
    setLearningRateScale: (scale) => setAdamLearningRate(optimizer, o.lr * scale),
    ...trainableState(model, optimizer, o),
  };
  rng = new SeededRandom(o.seed);
  return {
    trainable,
    model,
    dispose: () => {
      optimizer.dispose();
      model.dispose();
    },
  };
}
