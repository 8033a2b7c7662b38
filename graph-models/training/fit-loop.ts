import type { OptimizerState } from './optimizer-state';

/**
 * The shape of every training run: epochs of optimiser steps, a validation metric every
 * `evalEvery` epochs, early stopping on it (best weights kept), checkpoints so a run can
 * stop at a time budget and `--resume` later, and progress reported through a callback.
 * Model-agnostic: the model is reached through the `Trainable` functions.
 */
export interface Trainable {
  /** One optimiser step; returns the batch loss. */
  step(epoch: number, batch: number): number;
  /** Steps in one epoch. */
  stepsPerEpoch: number;
  /** Edges (training examples) seen per step, for edges/s. */
  examplesPerStep: number;
  /** The validation metric, higher is better (e.g. Recall@20 on the validation split). */
  validate(): number;
  /** A copy of the current weights (restored when a later epoch is worse). */
  snapshot(): Float32Array[];
  restore(weights: Float32Array[]): void;
  /** Writes a resumable checkpoint: the current weights, the optimiser's state, the best weights so far and the loop state. */
  checkpoint?(state: LoopState, best: Float32Array[] | null): Promise<void>;
  /** Restores the optimiser's state from a checkpoint (before the first step of a resumed run). */
  restoreOptimizer?(state: OptimizerState): Promise<void>;
  /** Sets the learning rate to `scale` × the run's rate (its moments stay); needed for `lrDecay`. */
  setLearningRateScale?(scale: number): void;
}

export interface LoopState {
  epoch: number;
  bestEpoch: number;
  bestMetric: number;
  evalsWithoutGain: number;
  history: EpochRecord[];
  /**
   * The learning rate's multiplier after plateau decays (`FitOptions.lrDecay`); absent =
   * 1 (checkpoints written before decays existed have none).
   */
  lrScale?: number;
}

export interface EpochRecord {
  epoch: number;
  loss: number;
  metric: number | null;
  ms: number;
  /** The learning rate's multiplier this epoch trained at; recorded when the run decays it (or resumed a decayed one). */
  lrScale?: number;
}

/** What `onEpoch` reports. */
export type EpochEvent = EpochRecord & { best: number; bestEpoch: number; decayedTo?: number };

export interface FitOptions {
  maxEpochs: number;
  evalEvery: number;
  /** Stop after this many evaluations without a better metric. */
  patience: number;
  /** Stop (after checkpointing) once this much wall time has passed; 0 = no budget. */
  timeBudgetMs: number;
  /**
   * Multiply the learning rate by `factor` after every `afterEvals` evaluations in a row
   * without a better metric (a gain resets the count; early stopping still counts all of
   * them, so set `patience` above `afterEvals`). The usual remedy when a rate large enough
   * to train fast levels off in the noise of its own steps (gowalla at lr 0.005 after ~100
   * epochs). Needs the trainable's `setLearningRateScale`. The multiplier is loop state: a
   * resumed run trains at it.
   */
  lrDecay?: { factor: number; afterEvals: number };
  /** State restored from a checkpoint (`--resume`). */
  resumeFrom?: LoopState & { best: Float32Array[] | null };
  /** After each epoch; `decayedTo`: the learning rate's new multiplier, when this epoch's evaluation decayed it. */
  onEpoch?: (r: EpochEvent) => void;
  /**
   * Per optimiser step; `stepsPerEpoch` and `maxEpochs` are this run's (a refit's epochs are
   * longer than the selection run's, and it runs only the selected number of them).
   */
  onStep?: (epoch: number, step: number, loss: number, examplesPerSec: number, stepsPerEpoch: number, maxEpochs: number) => void;
  now?: () => number;
}

/** Training time of every epoch the state records, across resumed runs (an epoch's time includes its validation). */
export function trainingMs(state: LoopState): number {
  return state.history.reduce((t, h) => t + h.ms, 0);
}

export interface FitResult {
  state: LoopState;
  /** Why the loop ended. */
  stopped: 'converged' | 'max-epochs' | 'time-budget';
}

export async function fit(model: Trainable, o: FitOptions): Promise<FitResult> {
  const now = o.now ?? (() => performance.now());
  const t0 = now();
  const state: LoopState = o.resumeFrom
    ? { epoch: o.resumeFrom.epoch, bestEpoch: o.resumeFrom.bestEpoch, bestMetric: o.resumeFrom.bestMetric, evalsWithoutGain: o.resumeFrom.evalsWithoutGain, history: [...o.resumeFrom.history] }
    : { epoch: 0, bestEpoch: -1, bestMetric: -Infinity, evalsWithoutGain: 0, history: [] };
  const decay = o.lrDecay;
  if (decay && !(decay.factor > 0 && decay.factor < 1 && Number.isInteger(decay.afterEvals) && decay.afterEvals >= 1)) {
    throw new RangeError(`lrDecay needs 0 < factor < 1 and a positive integer afterEvals, got ${JSON.stringify(decay)}`);
  }
  // The multiplier lives in the state only (recorded per epoch, checkpointed); absent for a
  // run that neither decays nor resumed a decayed one.
  const resumedScale = o.resumeFrom?.lrScale ?? 1;
  if ((decay || resumedScale !== 1) && !model.setLearningRateScale) throw new Error('this trainable cannot change its learning rate (no setLearningRateScale)');
  if (resumedScale !== 1) model.setLearningRateScale!(resumedScale);
  if (decay || resumedScale !== 1) state.lrScale = resumedScale;
  let best: Float32Array[] | null = o.resumeFrom?.best ?? null;
  let stopped: FitResult['stopped'] = 'max-epochs';
  // A run resumed after it converged trains no further epoch (its best weights are final).
  if (state.evalsWithoutGain >= o.patience) stopped = 'converged';
  while (stopped !== 'converged' && state.epoch < o.maxEpochs) {
    const e0 = now();
    let lossSum = 0;
    for (let s = 0; s < model.stepsPerEpoch; s++) {
      const loss = model.step(state.epoch, s);
      lossSum += loss;
      if (o.onStep) o.onStep(state.epoch, s, loss, ((s + 1) * model.examplesPerStep * 1000) / Math.max(1, now() - e0), model.stepsPerEpoch, o.maxEpochs);
    }
    state.epoch++;
    let metric: number | null = null;
    if (state.epoch % o.evalEvery === 0 || state.epoch === o.maxEpochs) {
      metric = model.validate();
      if (metric > state.bestMetric) {
        state.bestMetric = metric;
        state.bestEpoch = state.epoch;
        state.evalsWithoutGain = 0;
        best = model.snapshot();
      } else {
        state.evalsWithoutGain++;
      }
    }
    const rec: EpochRecord = { epoch: state.epoch, loss: lossSum / model.stepsPerEpoch, metric, ms: now() - e0, ...(state.lrScale !== undefined ? { lrScale: state.lrScale } : {}) };
    state.history.push(rec);
    // Decayed before the checkpoint, so a resume trains the next epoch at the new rate.
    const decays = decay !== undefined && metric !== null && state.evalsWithoutGain > 0 && state.evalsWithoutGain < o.patience && state.evalsWithoutGain % decay.afterEvals === 0;
    if (decays) {
      state.lrScale = state.lrScale! * decay.factor;
      model.setLearningRateScale!(state.lrScale);
    }
    o.onEpoch?.({ ...rec, best: state.bestMetric, bestEpoch: state.bestEpoch, ...(decays ? { decayedTo: state.lrScale } : {}) });
    if (metric !== null && model.checkpoint) await model.checkpoint(state, best);
    if (state.evalsWithoutGain >= o.patience) {
      stopped = 'converged';
      break;
    }
    if (o.timeBudgetMs > 0 && now() - t0 >= o.timeBudgetMs) {
      stopped = 'time-budget';
      if (metric === null && model.checkpoint) await model.checkpoint(state, best);
      break;
    }
  }
  if (best) model.restore(best);
  return { state, stopped };
}
