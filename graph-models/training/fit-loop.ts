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
}

export interface LoopState {
  epoch: number;
  bestEpoch: number;
  bestMetric: number;
  evalsWithoutGain: number;
  history: EpochRecord[];
}

export interface EpochRecord {
  epoch: number;
  loss: number;
  metric: number | null;
  ms: number;
}

export interface FitOptions {
  maxEpochs: number;
  evalEvery: number;
  /** Stop after this many evaluations without a better metric. */
  patience: number;
  /** Stop (after checkpointing) once this much wall time has passed; 0 = no budget. */
  timeBudgetMs: number;
  /** State restored from a checkpoint (`--resume`). */
  resumeFrom?: LoopState & { best: Float32Array[] | null };
  onEpoch?: (r: EpochRecord & { best: number; bestEpoch: number }) => void;
  /**
   * Per optimiser step; `stepsPerEpoch` and `maxEpochs` are this run's (a refit's epochs are
   * longer than the selection run's, and it runs only the selected number of them).
   */
  onStep?: (epoch: number, step: number, loss: number, examplesPerSec: number, stepsPerEpoch: number, maxEpochs: number) => void;
  now?: () => number;
}

export interface FitResult {
  state: LoopState;
  /** Why the loop ended. */
  stopped: 'converged' | 'max-epochs' | 'time-budget';
  ms: number;
}

export async function fit(model: Trainable, o: FitOptions): Promise<FitResult> {
  const now = o.now ?? (() => performance.now());
  const t0 = now();
  const state: LoopState = o.resumeFrom
    ? { epoch: o.resumeFrom.epoch, bestEpoch: o.resumeFrom.bestEpoch, bestMetric: o.resumeFrom.bestMetric, evalsWithoutGain: o.resumeFrom.evalsWithoutGain, history: [...o.resumeFrom.history] }
    : { epoch: 0, bestEpoch: -1, bestMetric: -Infinity, evalsWithoutGain: 0, history: [] };
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
    const rec = { epoch: state.epoch, loss: lossSum / model.stepsPerEpoch, metric, ms: now() - e0 };
    state.history.push(rec);
    o.onEpoch?.({ ...rec, best: state.bestMetric, bestEpoch: state.bestEpoch });
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
  return { state, stopped, ms: now() - t0 };
}
