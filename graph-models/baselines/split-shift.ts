import { itemCounts, nnz, type Csr } from '../evaluation/interactions';
import { evaluateRanking, type RankingReport, type Scorer } from '../evaluation/ranking-metrics';
import { itemKnnScorer } from './item-knn';
import { mostPopularScorer } from './most-popular';
import { userKnnScorer } from './user-knn';

/**
 * How well the validation split stands for the test split, measured without a model:
 * three cheap baselines, each fitted on the pairs its held-out set is ranked against
 * (validation: train without validation; test: all of train), scored on both.
 *
 * Why: every choice a run makes (the epoch, the learning-rate decays, the blend's
 * weights) is made on validation, which is a uniform sample of train pairs. When the
 * published test split was drawn another way, those choices transfer only in part. The
 * baselines show it: on a split whose test mirrors validation (lastfm, a global random
 * 80/20) each baseline's test/validation Recall@20 ratio is about the same (1.02–1.07);
 * on gowalla most-popular gains (1.57) while item-kNN and user-kNN lose (0.74, 0.87): its
 * test pairs lean to popular items, and the item-kNN weight chosen on validation
 * overstates what item-kNN adds on test.
 *
 * Read the ratios against each other, not against 1: a user's recall depends on how many
 * items they hold out (validation holds out ~1 in 10 of train, test ~1 in 4), which moves
 * every baseline's ratio alike.
 */
export interface SplitShiftRow {
  name: 'most-popular' | 'item-knn' | 'user-knn';
  valid: RankingReport;
  test: RankingReport;
  /** test Recall@20 / validation Recall@20. */
  recallRatio: number;
}

export interface SplitShift {
  /**
   * Mean popularity of the held-out pairs' items: the item's share of the training pairs
   * it is ranked against, per 10,000 pairs (so the two sets, ranked against trains of
   * different sizes, compare).
   */
  heldOutPopularity: { valid: number; test: number };
  rows: SplitShiftRow[];
}

/**
 * `testFigures`: the baselines' test figures when the caller has them already, measured on
 * the same (trainAll, test) with the same default settings (a training run's baseline rows),
 * so the test side is not fitted and ranked a second time.
 */
export function measureSplitShift(
  c: { train: Csr; valid: Csr; trainAll: Csr; test: Csr },
  testFigures: Partial<Record<SplitShiftRow['name'], RankingReport>> = {},
): SplitShift {
  const baselines: [SplitShiftRow['name'], (train: Csr) => Scorer][] = [
    ['most-popular', mostPopularScorer],
    ['item-knn', (t) => itemKnnScorer(t)],
    ['user-knn', (t) => userKnnScorer(t)],
  ];
  const rows = baselines.map(([name, fit]): SplitShiftRow => {
    const valid = evaluateRanking({ train: c.train, test: c.valid, scorer: fit(c.train), ks: [20] });
    const test = testFigures[name] ?? evaluateRanking({ train: c.trainAll, test: c.test, scorer: fit(c.trainAll), ks: [20] });
    return { name, valid, test, recallRatio: test.recall[20]! / valid.recall[20]! };
  });
  return { heldOutPopularity: { valid: heldOutPopularity(c.valid, c.train), test: heldOutPopularity(c.test, c.trainAll) }, rows };
}

/** Mean over `held`'s pairs of its item's count in `train`, per 10,000 train pairs; NaN without pairs. */
export function heldOutPopularity(held: Csr, train: Csr): number {
  const counts = itemCounts(train);
  const pairs = nnz(held);
  if (pairs === 0 || nnz(train) === 0) return NaN;
  let sum = 0;
  for (let k = 0; k < pairs; k++) sum += counts[held.items[k]!]!;
  return ((sum / pairs) * 10_000) / nnz(train);
}

/** One paragraph for a report. */
export function formatSplitShift(s: SplitShift): string {
  const rows = s.rows.map((r) => `${r.name} ${r.valid.recall[20]!.toFixed(4)} → ${r.test.recall[20]!.toFixed(4)} (×${r.recallRatio.toFixed(2)})`).join('; ');
  return `Validation against test, without a model (graph-models/baselines/split-shift.ts): Recall@20 of each baseline on validation → test, ${rows}; the held-out items' popularity (per 10,000 training pairs) ${s.heldOutPopularity.valid.toFixed(2)} on validation, ${s.heldOutPopularity.test.toFixed(2)} on test. Ratios far apart say validation ranks methods differently from test.`;
}
