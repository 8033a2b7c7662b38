/**
 * One training-and-evaluation run of the gift-recipient head on an exported dataset:
 *
 *   histories (once) -> rolling training cut points before splitAt (90% of senders train,
 *   10% validate, early stopping) -> test: t = splitAt, labels = gifts in (splitAt, cutoff]
 *   (the last `testDays`, the encoders' test period) -> baseline on the same rows ->
 *   on a synthetic world, the planted-truth comparison with features as of the cutoff.
 *
 * The test rows are read once, with the validation-selected weights. No test-period event
 * reaches a training row: training labels end at splitAt and features only see events up to
 * their own cut point (gift-features.ts).
 */
import { DAY_MS } from '../../../src/clock/clock';
import type { HeteroGraph } from '../../../src/features/hetero-graph';
import { utcDay } from '../../../src/features/gift-features';
import type { ExportedGift } from '../../../src/graph/queries/gift-signals';
import { auc, calibration } from '../../evaluation/classification-metrics';
import { buildExamples, buildGiftHistories, interactionCountScores, rollingCutPoints, type ExampleSet, type GiftHistories } from './dataset';
import { truthRecall, type NextGiftTruth, type TruthRecallReport } from './evaluation/truth-recall';
import { fitGiftHead, predictRows, type EpochLog } from './fit';
import { evaluateFriendRanking, type FriendRankingReport } from './metrics';
import type { GiftHeadWeights } from './model';

export interface GiftHeadRunOptions {
  /** The dataset's "now" (its last event). */
  cutoff: number;
  /** Test period before the cutoff (default 28, as the encoders' time split). */
  testDays?: number;
  /** Label window of training rows and of the test (default = testDays). */
  windowDays?: number;
  /** Days between training cut points (default 7) and how many at most (default 70, a year at the weekly stride). */
  strideDays?: number;
  cutPoints?: number;
  /**
   * Share of negative rows kept at cut points that see no interaction log (default 0.1,
   * weighted back by 1/0.1).
   */
  negativeKeep?: number;
  /**
   * Cut points that see the interaction log come every `denseStrideDays` (default 2) and
   * keep `denseNegativeKeep` of their negatives (default 0.5): in the synthetic world the log
   * covers only the last 8 weeks, so these few weeks are all that teach the interaction
   * features, and denser cut points give them more (overlapping, never leaking) rows.
   */
  denseStrideDays?: number;
  denseNegativeKeep?: number;
  /** Share of senders held out of training for early stopping (default 0.1). */
  validShare?: number;
  seed: number;
  hidden?: number;
  lr?: number;
  epochs?: number;
  patience?: number;
  /** The world's next-gift truth, when the dataset is synthetic. */
  truth: NextGiftTruth | null;
  log?: (line: string) => void;
  onEpoch?: (r: EpochLog) => void;
}

export interface RankerFigures {
  ranking: FriendRankingReport;
  /** Pooled over every test row (all senders' candidates). */
  auc: number;
}

export interface GiftHeadReport {
  split: {
    cutoff: number;
    splitAt: number;
    testDays: number;
    windowDays: number;
    interactionLogStart: number | null;
    cutPoints: Array<{ t: string; windowDays: number; negativeKeep: number }>;
    trainRows: number;
    trainPositives: number;
    validRows: number;
    testRows: number;
    testPositives: number;
  };
  fit: { history: EpochLog[]; bestEpoch: number; ms: number };
  test: {
    model: RankerFigures & { calibration: { ece: number; brier: number; meanPredicted: number; observedRate: number } };
    baseline: RankerFigures;
  };
  /** Expected recall under the planted next-gift distribution (synthetic worlds only). */
  oracle: TruthRecallReport | null;
}

export interface GiftHeadRun {
  weights: GiftHeadWeights;
  report: GiftHeadReport;
}

export const RANK_KS = [1, 5] as const;
export const BASELINE_NAME = 'most interactions in the training period';

export function runGiftHead(g: HeteroGraph, gifts: readonly ExportedGift[], occasions: ReadonlyArray<{ month: number; day: number }>, o: GiftHeadRunOptions): GiftHeadRun {
  const log = o.log ?? (() => {});
  const testDays = o.testDays ?? 28;
  const windowDays = o.windowDays ?? testDays;
  const splitAt = o.cutoff - testDays * DAY_MS;
  const h = buildGiftHistories(g, gifts, occasions);
  const firstGift = gifts.reduce((m, x) => Math.min(m, x.at), Infinity);
  const logStart = h.interactionLogStart;
  const keep = o.negativeKeep ?? 0.1;
  const denseKeep = o.denseNegativeKeep ?? 0.5;
  // Whether a cut point sees at least one completed day of the interaction log.
  const sees = (t: number) => logStart !== null && utcDay(t) - DAY_MS >= logStart;
  const cuts = rollingCutPoints({
    splitAt, windowDays, strideDays: o.strideDays ?? 7, count: o.cutPoints ?? 70,
    // A cut point needs some gift history behind it to teach the gift features.
    earliest: Number.isFinite(firstGift) ? firstGift + 28 * DAY_MS : splitAt - 365 * DAY_MS,
    negativeKeep: (t) => (sees(t) ? denseKeep : keep),
    ...(logStart !== null ? { dense: { from: logStart + 2 * DAY_MS, strideDays: o.denseStrideDays ?? 2 } } : {}),
  });
  if (cuts.length === 0) throw new Error(`no training cut point fits before ${new Date(splitAt).toISOString()}`);
  const validShare = o.validShare ?? 0.1;
  const held = (u: number) => mix(u, o.seed) < validShare;
  const train = buildExamples(h, cuts, { seed: o.seed, includeSender: (u) => !held(u) });
  const valid = buildExamples(h, cuts, { seed: o.seed + 7, includeSender: held });
  const test = buildExamples(h, [{ t: splitAt, windowDays, negativeKeep: 1 }], { seed: o.seed });
  log(`gift-recipient: ${cuts.length} cut points, ${train.n} train rows (${sum(train.y)} positive), ${valid.n} validation, ${test.n} test rows (${sum(test.y)} positive)`);

  const fit = fitGiftHead(train, valid, {
    seed: o.seed, interactionLogStart: logStart, windowDays,
    ...(o.hidden !== undefined ? { hidden: o.hidden } : {}), ...(o.lr !== undefined ? { lr: o.lr } : {}),
    ...(o.epochs !== undefined ? { epochs: o.epochs } : {}), ...(o.patience !== undefined ? { patience: o.patience } : {}),
    onEpoch: (r) => {
      o.onEpoch?.(r);
      log(`epoch ${r.epoch}: train loss ${r.trainLoss.toFixed(5)}, validation loss ${r.validLoss.toFixed(5)} (${(r.ms / 1000).toFixed(1)} s)`);
    },
  });

  const p = predictRows(fit.weights, test);
  const base = interactionCountScores(h, test, splitAt);
  const cal = calibration(p, test.y);
  const testReport: GiftHeadReport['test'] = {
    model: {
      ranking: evaluateFriendRanking(test, p, RANK_KS),
      auc: pooledAuc(p, test.y),
      calibration: { ece: cal.ece, brier: cal.brier, meanPredicted: mean(p), observedRate: sum(test.y) / Math.max(1, test.n) },
    },
    baseline: { ranking: evaluateFriendRanking(test, base, RANK_KS), auc: pooledAuc(base, test.y) },
  };

  let oracle: TruthRecallReport | null = null;
  if (o.truth) oracle = oracleComparison(h, fit.weights, o.truth, o.seed);

  return {
    weights: fit.weights,
    report: {
      split: {
        cutoff: o.cutoff, splitAt, testDays, windowDays, interactionLogStart: logStart,
        cutPoints: cuts.map((c) => ({ t: new Date(c.t).toISOString(), windowDays: c.windowDays, negativeKeep: c.negativeKeep })),
        trainRows: train.n, trainPositives: sum(train.y), validRows: valid.n, testRows: test.n, testPositives: sum(test.y),
      },
      fit: { history: fit.history, bestEpoch: fit.bestEpoch, ms: fit.ms },
      test: testReport,
      oracle,
    },
  };
}

/**
 * Model and baseline against the planted truth: candidates and features as of the first
 * day of the truth's window (the day after the cutoff), horizon = the truth's window.
 */
function oracleComparison(h: GiftHistories, w: GiftHeadWeights, truth: NextGiftTruth, seed: number): TruthRecallReport {
  const t = utcDay(truth.cutoffMs) + DAY_MS;
  const rows: ExampleSet = buildExamples(h, [{ t, windowDays: truth.windowDays, negativeKeep: 1 }], { seed });
  return truthRecall(truth, rows, h.users, { model: predictRows(w, rows), baseline: interactionCountScores(h, rows, t) }, RANK_KS);
}

function pooledAuc(scores: ArrayLike<number>, y: ArrayLike<number>): number {
  const pos: number[] = [];
  const neg: number[] = [];
  for (let i = 0; i < y.length; i++) (y[i]! > 0 ? pos : neg).push(scores[i]!);
  return auc(pos, neg);
}

function sum(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  return s;
}

function mean(a: ArrayLike<number>): number {
  return a.length > 0 ? sum(a) / a.length : NaN;
}

/** A seeded hash of a sender index to [0, 1): the validation hold-out. */
function mix(u: number, seed: number): number {
  let x = (u ^ Math.imul(seed | 0, 0x9e3779b1)) | 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return ((x ^ (x >>> 16)) >>> 0) / 4294967296;
}
