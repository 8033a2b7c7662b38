import * as tf from '@tensorflow/tfjs';

/**
 * An optimiser's own variables as plain arrays (for Adam: the iteration count, then the
 * first and the second moment of every trained variable, in the order the variables were
 * first updated), so a checkpoint carries them and a resumed run takes the steps the
 * uninterrupted run would have taken. Without them a resume restarts Adam's moments at 0
 * and its bias correction at step 1: the first steps after it are full-size again.
 */
export interface OptimizerState {
  /** `[n]` TF.js's names (`iter`, then the variables' names; informative only). */
  readonly names: string[];
  readonly shapes: number[][];
  readonly values: Float32Array[];
}

/**
 * Sets an Adam optimiser's learning rate in place; its moments and step count stay. TF.js
 * reads the rate on every `applyGradients` but keeps the field protected, hence the cast.
 */
export function setAdamLearningRate(optimizer: tf.AdamOptimizer, lr: number): void {
  if (!(lr > 0)) throw new RangeError(`learning rate must be positive, got ${lr}`);
  (optimizer as unknown as { learningRate: number }).learningRate = lr;
}

/** Copies the optimiser's variables out (awaits their values). */
export async function saveOptimizerState(optimizer: tf.Optimizer): Promise<OptimizerState> {
  const weights = await optimizer.getWeights();
  const state = {
    names: weights.map((w) => w.name),
    shapes: weights.map((w) => [...w.tensor.shape]),
    values: weights.map((w) => Float32Array.from(w.tensor.dataSync())),
  };
  // `iter` is a scalar made for this call; the moments are the optimiser's live variables.
  for (const w of weights) if (w.name === 'iter') w.tensor.dispose();
  return state;
}

/**
 * Sets a fresh optimiser's variables (one that has taken no step: moments it already holds
 * are replaced, not freed) to a saved state. It must train the same variables in the same
 * order: TF.js's Adam pairs moments with variables by position.
 */
export async function restoreOptimizerState(optimizer: tf.Optimizer, state: OptimizerState): Promise<void> {
  const { names, shapes, values } = state;
  if (names.length !== shapes.length || names.length !== values.length) throw new RangeError(`optimizer state has ${names.length} names, ${shapes.length} shapes and ${values.length} arrays`);
  // `iter` is an int32 scalar; the moments are float32.
  const tensors = values.map((v, k) => (names[k] === 'iter' ? tf.scalar(v[0]!, 'int32') : tf.tensor(v, shapes[k]!)));
  try {
    await optimizer.setWeights(tensors.map((tensor, k) => ({ name: names[k]!, tensor })));
  } finally {
    tf.dispose(tensors);
  }
}
