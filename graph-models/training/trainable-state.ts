import * as tf from '@tensorflow/tfjs';
import { writeCheckpoint } from './checkpoint';
import type { Trainable } from './fit-loop';
import { restoreOptimizerState, saveOptimizerState } from './optimizer-state';

/** A model whose weights are TF.js tensors, read and assigned in one fixed order. */
export interface WeightedModel {
  getWeights(): tf.Tensor[];
  setWeights(weights: readonly tf.Tensor[]): void;
}

/**
 * The state half of a {@link Trainable} for such a model and its optimiser: weight
 * snapshots and their restore, the optimiser's restore, and (with a checkpoint folder)
 * checkpoints of the weights, the best weights and the optimiser's state.
 */
export function trainableState(
  model: WeightedModel,
  optimizer: tf.Optimizer,
  o: { checkpointDir: string | null; runOptions: Record<string, unknown> },
): Pick<Trainable, 'snapshot' | 'restore' | 'restoreOptimizer' | 'checkpoint'> {
  const snapshot = (): Float32Array[] => model.getWeights().map((w) => (w.dataSync() as Float32Array).slice());
  const checkpointDir = o.checkpointDir;
  return {
    snapshot,
    restore(weights) {
      const shapes = model.getWeights().map((w) => w.shape);
      const tensors = weights.map((w, i) => tf.tensor(w, shapes[i]));
      model.setWeights(tensors);
      tf.dispose(tensors);
    },
    restoreOptimizer: (state) => restoreOptimizerState(optimizer, state),
    ...(checkpointDir
      ? {
          async checkpoint(state, best) {
            writeCheckpoint(checkpointDir, { state, current: snapshot(), best, options: o.runOptions, optimizer: await saveOptimizerState(optimizer) });
          },
        }
      : {}),
  };
}
