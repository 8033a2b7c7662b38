import path from 'node:path';
import type { HeteroGraph } from '../../src/features/hetero-graph';
import type { InteractionSplit } from '../../src/features/splits';
import type { BaselineRow } from '../baselines/report';
import { itemKnnScorer } from '../baselines/item-knn';
import { measureSplitShift, type SplitShift } from '../baselines/split-shift';
import { csrFromPairs, coldStartUsers, friendsWhoBought, type Csr } from '../evaluation/interactions';
import { PUBLISHED, type PublishedFigure } from '../evaluation/published';
import { evaluateRanking, type RankingReport, type Scorer } from '../evaluation/ranking-metrics';
import { blendScorer, selectBlend, type BlendParts, type BlendSelection } from '../evaluation/score-blend';
import type { LightGcn, SocialMode } from '../encoders/lightgcn';
import { trainingMs, type EpochEvent, type EpochRecord, type FitOptions, type FitResult } from './fit-loop';
import { lightGcnTrainable, type LightGcnLoss } from './lightgcn-trainable';
import { baselinesOnSplit, fitResumable, type BaselineChoice } from './run-steps';

export interface CollaborativeOptions {
  dataset: string;
  social: SocialMode;
  dim: number;
  layers: number;
  lr: number;
  batchSize: number;
  l2: number;
  /** BPR (LightGCN's) unless given; a softmax-trained model scores by cosine. */
  loss?: LightGcnLoss;
  seed: number;
  maxEpochs: number;
  evalEvery: number;
  patience: number;
  timeBudgetMs: number;
  checkpointDir: string | null;
  resume: boolean;
  /** Which baselines to fit on the same split; BPR-MF is the slow one. */
  baselines: BaselineChoice;
  /**
   * After selection, fit the served and reported model on train + validation (the whole
   * published train split; the validation pairs are 10% of it, held out only to choose the
   * epoch). See {@link RefitPlan}.
   */
  refit?: RefitPlan | null;
  /**
   * Blend the model with item-kNN and the friends' count, weights chosen on validation
   * (score-blend.ts); the blend is then the headline. The model alone is reported beside it.
   */
  blend?: boolean;
  /**
   * Decay the learning rate on validation plateaus (fit-loop.ts). Not part of the run's
   * checkpoint options: a run may take it up on a resume (its report then shows from which
   * epoch). Not with a scratch refit, which retrains at one rate.
   */
  lrDecay?: FitOptions['lrDecay'];
  onEpoch?: (r: EpochEvent) => void;
  onStep?: FitOptions['onStep'];
  log?: (line: string) => void;
}

/**
 * How the served model is fitted on train + validation after selection:
 * - `scratch`: retrained from its initialisation for the selected number of epochs;
 * - `selected`: the validation-selected weights, continued for `epochs` more epochs on
 *   train + validation; 0 keeps the weights and only propagates them over the whole train
 *   graph. For a dataset where retraining from scratch costs hours (gowalla: ~4 h).
 */
export type RefitPlan = { from: 'scratch' } | { from: 'selected'; epochs: number; /** Adam's rate for the continued epochs; default the rate the selected epoch trained at (the run's, unless `lrDecay` lowered it). */ lr?: number };

export interface CollaborativeReport {
  model: string;
  split: { kind: string; users: number; items: number; train: number; valid: number; test: number; testUsers: number };
  fit: { stopped: FitResult['stopped']; epochs: number; bestEpoch: number; bestValidRecall20: number; ms: number; history: EpochRecord[] };
  /** The headline: the refit model's test figures with `refit`, else the validation-selected weights'; blended with `blend`. */
  test: RankingReport;
  coldStartUsers: RankingReport;
  /** With `refit`: the validation-selected weights (trained on train only) on the same test, for comparison. */
  selected: { test: RankingReport; coldStartUsers: RankingReport } | null;
  refit: { from: RefitPlan['from']; epochs: number; ms: number; /** Continued epochs' learning rate, when it differs from the run's. */ lr?: number } | null;
  /** With `blend`: the selection on validation, and the served model alone (without the blend) on the test. */
  blend: { selection: BlendSelection; modelOnly: { test: RankingReport; coldStartUsers: RankingReport } } | null;
  baselines: BaselineRow[];
  /** With the neighbourhood baselines: how the validation split differs from the test split (split-shift.ts). */
  splitShift: SplitShift | null;
  published: PublishedFigure[];
}

/**
 * What a blend adds to the model, fitted on `train`: item-kNN, and the friends' count when
 * the model propagates over a friendship graph (`social`; null for plain LightGCN). Shared
 * by training and by whatever rescores a blended artifact, so both blend the same parts.
 */
export function blendPartsOf(train: Csr, social: Csr | null): BlendParts {
  return { itemKnn: itemKnnScorer(train), friends: social ? friendsWhoBought(train, social) : null };
}

/** The CSR views of a split the evaluator, the baselines and LightGCN share. */
export function splitCsrs(split: InteractionSplit, g: HeteroGraph): { train: Csr; valid: Csr; trainAll: Csr; test: Csr; social: Csr | null } {
  const U = g.nodes.user.ids.length;
  const I = g.nodes.item.ids.length;
  const concat = (a: Int32Array, b: Int32Array) => {
    const out = new Int32Array(a.length + b.length);
    out.set(a);
    out.set(b, a.length);
    return out;
  };
  const friend = g.relations.friend;
  const social = friend && friend.targets.length ? socialCsr(U, friend.offsets, friend.targets) : null;
  return {
    train: csrFromPairs(U, I, split.train.users, split.train.items),
    valid: csrFromPairs(U, I, split.valid.users, split.valid.items),
    trainAll: csrFromPairs(U, I, concat(split.train.users, split.valid.users), concat(split.train.items, split.valid.items)),
    test: csrFromPairs(U, I, split.test.users, split.test.items),
    social,
  };
}

function socialCsr(U: number, offsets: Int32Array, targets: Int32Array): Csr {
  const us: number[] = [];
  for (let u = 0; u < U; u++) for (let e = offsets[u]!; e < offsets[u + 1]!; e++) us.push(u);
  return csrFromPairs(U, U, Int32Array.from(us), targets);
}

/**
 * Trains LightGCN (social: 'none') or its social variant on a split with early stopping on
 * validation Recall@20, then reads the test split with the selected weights (and, with
 * `refit`, with the model retrained on train + validation for the selected epochs: the
 * headline then, decided before the test is read), and fits the baselines on the same split. The ranking excludes each user's train items
 * (train + validation pairs: the published train split).
 */
export async function trainCollaborative(
  split: InteractionSplit,
  g: HeteroGraph,
  o: CollaborativeOptions,
): Promise<{ report: CollaborativeReport; model: LightGcn; dispose: () => void }> {
  if (o.lrDecay && o.refit?.from === 'scratch') throw new RangeError('a scratch refit retrains at one learning rate, so it cannot follow a run whose rate decayed: refit from the selected weights');
  const c = splitCsrs(split, g);
  const loss = o.loss ?? { kind: 'bpr' };
  // A BPR run records the options it always did, so its older checkpoints still resume.
  const runOptions = { social: o.social, dim: o.dim, layers: o.layers, lr: o.lr, batchSize: o.batchSize, l2: o.l2, seed: o.seed, ...(loss.kind === 'bpr' ? {} : { loss }) };
  const similarity = loss.kind === 'softmax' ? ('cosine' as const) : ('dot' as const);
  const trainOptions = {
    model: { numUsers: c.train.numUsers, numItems: c.train.numItems, dim: o.dim, numLayers: o.layers, social: o.social, seed: o.seed, similarity },
    loss,
    lr: o.lr,
    batchSize: o.batchSize,
    l2: o.l2,
    seed: o.seed,
    validK: 20,
    checkpointDir: o.checkpointDir,
    runOptions,
  };
  const social = o.social === 'none' ? null : c.social;
  const { trainable, model, dispose } = lightGcnTrainable(c.train, c.valid, social, trainOptions);
  const result = await fitResumable(trainable, o, runOptions);
  const evaluateScorer = (scorer: Scorer) => ({
    test: evaluateRanking({ train: c.trainAll, test: c.test, scorer, ks: [10, 20] }),
    coldStartUsers: evaluateRanking({ train: c.trainAll, test: c.test, scorer, ks: [10, 20], subset: coldStartUsers(c.trainAll, 5) }),
  });
  const evaluate = (m: LightGcn) => evaluateScorer((u, out) => m.scoreUsers(u, out));
  const selected = evaluate(model);
  const numItems = c.train.numItems;
  const blendParts = (train: Csr) => blendPartsOf(train, social);
  // Chosen with the validation-selected weights, which never saw the validation pairs.
  const selection = o.blend ? selectBlend({ model: (u, out) => model.scoreUsers(u, out), parts: blendParts(c.train), train: c.train, valid: c.valid, numItems }) : null;
  if (selection) o.log?.(`blend chosen on validation: item-kNN ${selection.selected.itemKnn}, friends ${selection.selected.social}`);
  let served = { model, dispose, figures: selected };
  let refit: CollaborativeReport['refit'] = null;
  if (o.refit && result.state.bestEpoch > 0) {
    const plan = o.refit;
    // A resume without --lr-decay of a run that decayed earlier: caught here, after the
    // (resumed, checkpointed) selection loop, so a rerun with --refit-from-selected loses nothing.
    if (plan.from === 'scratch' && result.state.history.some((h) => (h.lrScale ?? 1) !== 1)) {
      throw new RangeError('this run\'s learning rate decayed, and a scratch refit retrains at one rate: refit from the selected weights (--refit-from-selected N)');
    }
    const epochs = plan.from === 'scratch' ? result.state.bestEpoch : plan.epochs;
    o.log?.(plan.from === 'scratch'
      ? `refit: training from scratch on train + validation for the selected ${epochs} epochs`
      : `refit: continuing the validation-selected weights on train + validation for ${epochs} epochs`);
    // No validation: the epoch count is fixed, the weights after it are the model. Its one
    // checkpoint, at the end, lets a later --resume reuse a finished refit.
    // A continued refit may take its own (smaller) learning rate: the selected weights sit
    // near a minimum of the train loss, and the added validation pairs move it a little.
    // By default at the rate the selected weights were trained at: the run's, or its decayed
    // rate when `lrDecay` lowered it before the selected epoch.
    const selectedRate = o.lr * (result.state.history.find((h) => h.epoch === result.state.bestEpoch)?.lrScale ?? 1);
    const wanted = plan.from === 'selected' ? (plan.lr ?? selectedRate) : o.lr;
    const refitLr = wanted !== o.lr ? wanted : undefined;
    // A continued refit also records which selected weights it continued: after the
    // selection loop has run on (a later --resume) and chosen another epoch, its finished
    // refit is not reused but redone.
    const refitOptions = {
      ...runOptions,
      ...(plan.from === 'scratch' ? { refit: epochs } : { refitFromSelected: epochs, selectedEpoch: result.state.bestEpoch }),
      ...(refitLr !== undefined ? { refitLr } : {}),
    };
    const refitDir = o.checkpointDir ? path.join(o.checkpointDir, plan.from === 'scratch' ? 'refit' : 'refit-from-selected') : null;
    const again = lightGcnTrainable(c.trainAll, c.valid, social, { ...trainOptions, ...(refitLr !== undefined ? { lr: refitLr } : {}), checkpointDir: refitDir, runOptions: refitOptions });
    if (plan.from === 'selected') again.trainable.restore(trainable.snapshot());
    let ms = 0;
    if (epochs > 0) {
      const r = await fitResumable(
        { ...again.trainable, validate: () => 0 },
        { resume: o.resume, checkpointDir: refitDir, ...(o.log ? { log: o.log } : {}), maxEpochs: epochs, evalEvery: epochs, patience: Infinity, timeBudgetMs: 0, validated: false, onOtherOptions: 'restart', ...(o.onStep ? { onStep: o.onStep } : {}) },
        refitOptions,
      );
      ms = trainingMs(r.state);
    }
    refit = { from: plan.from, epochs, ms, ...(refitLr !== undefined ? { lr: refitLr } : {}) };
    o.log?.(`refit: ${epochs} epochs, ${(ms / 1000).toFixed(0)} s of training`);
    dispose();
    served = { model: again.model, dispose: again.dispose, figures: evaluate(again.model) };
  }
  let blend: CollaborativeReport['blend'] = null;
  if (selection) {
    const m = served.model;
    blend = { selection, modelOnly: served.figures };
    served = { ...served, figures: evaluateScorer(blendScorer((u, out) => m.scoreUsers(u, out), blendParts(c.trainAll), selection.selected, numItems)) };
  }
  const baselines = baselinesOnSplit(c, o.baselines, o.seed);
  // The baselines' test side is what `baselines` just measured (same split, default settings).
  const measured = Object.fromEntries(baselines.map((b) => [b.name, { users: b.users, recall: b.recall, ndcg: b.ndcg, precision: b.precision }]));
  const splitShift = o.baselines && o.baselines.itemKnn ? measureSplitShift(c, measured) : null;
  const report: CollaborativeReport = {
    model: o.social === 'none' ? 'lightgcn' : `socialgcn-${o.social}`,
    split: {
      kind: split.kind,
      users: c.train.numUsers,
      items: c.train.numItems,
      train: split.train.users.length,
      valid: split.valid.users.length,
      test: split.test.users.length,
      testUsers: served.figures.test.users,
    },
    fit: {
      stopped: result.stopped,
      epochs: result.state.epoch,
      bestEpoch: result.state.bestEpoch,
      bestValidRecall20: result.state.bestMetric,
      // Every epoch's, not this process's: a run resumed at its last epoch trains for 0 s.
      ms: trainingMs(result.state),
      history: result.state.history,
    },
    test: served.figures.test,
    coldStartUsers: served.figures.coldStartUsers,
    selected: refit ? selected : null,
    refit,
    blend,
    baselines,
    splitShift,
    published: PUBLISHED[o.dataset] ?? [],
  };
  return { report, model: served.model, dispose: served.dispose };
}
