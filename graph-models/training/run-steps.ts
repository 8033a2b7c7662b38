import { runBaselines, type BaselineRow } from '../baselines/report';
import type { Csr } from '../evaluation/interactions';
import { readCheckpoint, type Checkpoint } from './checkpoint';
import { fit, type FitOptions, type FitResult, type Trainable } from './fit-loop';
import { formatScale } from './report-format';

/** Which baselines a training run fits beside its model; `false` = none. */
export type BaselineChoice = { itemKnn: boolean; bprMf: boolean; social: boolean } | false;

/**
 * The baselines on the split the model was evaluated on: ranking excludes the published
 * train items (train + validation), test is the same test. Shared by every training run.
 */
export function baselinesOnSplit(c: { trainAll: Csr; test: Csr; social: Csr | null }, choice: BaselineChoice, seed: number): BaselineRow[] {
  if (!choice) return [];
  return runBaselines({
    train: c.trainAll,
    test: c.test,
    ks: [10, 20],
    seed,
    itemKnn: choice.itemKnn ? {} : false,
    // The two neighbourhood baselines go together: user-kNN is as cheap as item-kNN.
    userKnn: choice.itemKnn ? {} : false,
    bprMf: choice.bprMf ? {} : false,
    ...(choice.social && c.social ? { social: c.social } : {}),
  });
}

/**
 * The training loop of every encoder run: resume from the checkpoint when asked, then fit
 * with early stopping under the run's epoch, patience and time budget.
 */
export async function fitResumable(
  trainable: Trainable,
  o: {
    resume: boolean; checkpointDir: string | null; log?: (line: string) => void; maxEpochs: number; evalEvery: number; patience: number; timeBudgetMs: number;
    /** False for a run without validation (a fixed-length refit): its log then names no best epoch. */
    validated?: boolean;
    /** A checkpoint written with other options: refused (default), or set aside for a fresh start. */
    onOtherOptions?: 'refuse' | 'restart';
  } & Pick<FitOptions, 'onEpoch' | 'onStep' | 'lrDecay'>,
  runOptions: Record<string, unknown>,
): Promise<FitResult> {
  const ckpt = await resumeFromCheckpoint(o, runOptions, trainable);
  return fit(trainable, {
    maxEpochs: o.maxEpochs,
    evalEvery: o.evalEvery,
    patience: o.patience,
    timeBudgetMs: o.timeBudgetMs,
    ...(ckpt ? { resumeFrom: { ...ckpt.state, best: ckpt.best } } : {}),
    ...(o.onEpoch ? { onEpoch: o.onEpoch } : {}),
    ...(o.onStep ? { onStep: o.onStep } : {}),
    ...(o.lrDecay ? { lrDecay: o.lrDecay } : {}),
  });
}

/**
 * `--resume`: reads the run's checkpoint, refuses one written with other options (or, with
 * `onOtherOptions: 'restart'`, ignores it), and restores its current weights and its
 * optimiser's state into the model. Null when not resuming, nothing saved or ignored.
 */
export async function resumeFromCheckpoint(
  o: { resume: boolean; checkpointDir: string | null; log?: (line: string) => void; validated?: boolean; onOtherOptions?: 'refuse' | 'restart' },
  runOptions: Record<string, unknown>,
  trainable: Trainable,
): Promise<Checkpoint | null> {
  const ckpt = o.resume && o.checkpointDir ? readCheckpoint(o.checkpointDir) : null;
  if (!ckpt) return null;
  if (JSON.stringify(ckpt.options) !== JSON.stringify(runOptions)) {
    if (o.onOtherOptions === 'restart') {
      // The run's next checkpoint overwrites it.
      o.log?.(`not resuming: the checkpoint in ${o.checkpointDir} was written with ${JSON.stringify(ckpt.options)}, this run is ${JSON.stringify(runOptions)}; starting afresh`);
      return null;
    }
    throw new Error(`--resume: the checkpoint in ${o.checkpointDir} was written with ${JSON.stringify(ckpt.options)}, not ${JSON.stringify(runOptions)}`);
  }
  trainable.restore(ckpt.current);
  if (ckpt.optimizer && trainable.restoreOptimizer) await trainable.restoreOptimizer(ckpt.optimizer);
  const best = o.validated === false ? 'no validation: a fixed number of epochs' : `best validation R@20 ${ckpt.state.bestMetric.toFixed(4)} at epoch ${ckpt.state.bestEpoch}`;
  // Checkpoints written before the optimiser's state was saved resume with fresh moments.
  const fresh = ckpt.optimizer ? '' : '; the checkpoint holds no optimiser state, so Adam starts afresh';
  const rate = ckpt.state.lrScale !== undefined && ckpt.state.lrScale !== 1 ? `; learning rate ×${formatScale(ckpt.state.lrScale)} (decayed)` : '';
  o.log?.(`resuming from epoch ${ckpt.state.epoch} (${best}${rate}${fresh})`);
  return ckpt;
}
