import type { Csr } from '../evaluation/interactions';
import { evaluateRanking, type RankingReport, type Scorer } from '../evaluation/ranking-metrics';
import { splitValidation } from '../evaluation/validation-split';
import { bprPresetFor, mfScorer, trainBprMf, type BprMfOptions } from './bpr-mf';
import { itemKnnScorer, type ItemKnnOptions } from './item-knn';
import { mostPopularScorer } from './most-popular';
import { socialScorer } from './social';
import { USER_KNN_DEFAULT_K, userKnnScorer, type UserKnnOptions } from './user-knn';

export interface RunBaselinesOptions {
  train: Csr;
  test: Csr;
  /** Symmetric friendship CSR over users; adds the "social" row when given. */
  social?: Csr;
  /** Cut-offs, e.g. [10, 20]. */
  ks: readonly number[];
  /** Item-kNN settings; `false` skips it. */
  itemKnn?: ItemKnnOptions | false;
  /** User-kNN settings; `false` (the default) skips it. */
  userKnn?: UserKnnOptions | false;
  /**
   * BPR-MF settings over the size-based preset (`bprPresetFor`: dense Adam as the PyTorch
   * reference on lastfm-sized data, lazy Adam with stronger L2 and sampled validation on
   * gowalla-sized data); `false` skips it (the only slow baseline: 1–3 min on lastfm, ~6 min
   * on gowalla, 2 cores). Early stopping uses a seeded `validationFraction` of train (never
   * test), then see `refit`.
   */
  bprMf?: Omit<BprMfOptions, 'validation'> | false;
  /**
   * After early stopping, retrain BPR-MF on ALL train pairs for the best validated number of
   * epochs (same seed) and report that model; default true. The epoch count is still chosen
   * without looking at test, and the model sees the 10% it would otherwise lose (on lastfm
   * that is worth about +0.01 R@20). Costs the best epoch count again.
   */
  refit?: boolean;
  /** Share of train held out for BPR-MF's early stopping; default 0.1. */
  validationFraction?: number;
  /** Seed for the validation split and BPR-MF; default 0. */
  seed?: number;
  /** Users per scorer call in the evaluator. */
  batchSize?: number;
  /** Millisecond clock; injectable for deterministic tests. */
  now?: () => number;
}

export interface BaselineRow {
  name: 'most-popular' | 'item-knn' | 'user-knn' | 'bpr-mf' | 'social';
  /** Test users averaged over. */
  users: number;
  recall: Record<number, number>;
  ndcg: Record<number, number>;
  precision: Record<number, number>;
  /** Fitting time (neighbourhoods, training incl. validation), ms. */
  fitMs: number;
  /** Full-ranking evaluation time on test, ms. */
  evalMs: number;
  /** Free-form facts worth printing next to the numbers (best epoch, ms/epoch, k). */
  detail: Record<string, number | string>;
}

/**
 * Fits and evaluates the simple baselines on one split with the evaluator's protocol, in a
 * fixed order (most-popular, item-kNN, user-kNN, BPR-MF, social). Deterministic up to the timings.
 * The lead's training CLI prints these rows beside the GNN models (`formatBaselineRows`).
 */
export function runBaselines(opts: RunBaselinesOptions): BaselineRow[] {
  const { train, test, ks } = opts;
  const now = opts.now ?? (() => performance.now());
  const seed = opts.seed ?? 0;
  const rows: BaselineRow[] = [];
  const measure = (name: BaselineRow['name'], fit: () => { scorer: Scorer; detail: BaselineRow['detail'] }) => {
    const t0 = now();
    const { scorer, detail } = fit();
    const t1 = now();
    const r: RankingReport = evaluateRanking({ train, test, scorer, ks, batchSize: opts.batchSize });
    rows.push({ name, users: r.users, recall: r.recall, ndcg: r.ndcg, precision: r.precision, fitMs: t1 - t0, evalMs: now() - t1, detail });
  };

  measure('most-popular', () => ({ scorer: mostPopularScorer(train), detail: {} }));
  if (opts.itemKnn !== false) {
    const knn = opts.itemKnn ?? {};
    measure('item-knn', () => ({ scorer: itemKnnScorer(train, knn), detail: { k: knn.k ?? 100 } }));
  }
  if (opts.userKnn) {
    const knn = opts.userKnn;
    measure('user-knn', () => ({ scorer: userKnnScorer(train, knn), detail: { k: knn.k ?? USER_KNN_DEFAULT_K } }));
  }
  if (opts.bprMf !== false) {
    const preset = bprPresetFor(train);
    const asked = opts.bprMf ?? {};
    // A preset's learning rate belongs to its optimizer; another optimizer gets its own default.
    if (asked.optimizer !== undefined && asked.optimizer !== preset.optimizer) delete preset.learningRate;
    const bpr: Omit<BprMfOptions, 'validation'> = { ...preset, ...asked };
    measure('bpr-mf', () => {
      const split = splitValidation(train, opts.validationFraction ?? 0.1, seed);
      const res = trainBprMf(split.train, { seed, now, ...bpr, validation: split.validation });
      const detail = { bestEpoch: res.bestEpoch, epochsRun: res.history.length, msPerEpoch: Math.round(res.msPerEpoch), optimizer: bpr.optimizer ?? 'adam', lr: bpr.learningRate ?? '-', l2: bpr.l2 ?? '-' };
      if (opts.refit === false) return { scorer: mfScorer(res.model), detail: { ...detail, refit: 'no' } };
      const full = trainBprMf(train, { seed, now, ...bpr, epochs: res.bestEpoch });
      return { scorer: mfScorer(full.model), detail: { ...detail, refit: 'yes' } };
    });
  }
  if (opts.social) {
    const social = opts.social;
    measure('social', () => ({ scorer: socialScorer(train, social), detail: {} }));
  }
  return rows;
}

/** A fixed-width text table: one line per row, R@K and N@K for every K, then timings. */
export function formatBaselineRows(rows: readonly BaselineRow[], ks: readonly number[]): string {
  const sorted = [...new Set(ks)].sort((a, b) => a - b);
  const head = ['baseline'.padEnd(13), 'users'.padStart(6), ...sorted.flatMap((k) => [`R@${k}`.padStart(7), `N@${k}`.padStart(7)]), 'fit s'.padStart(7), 'eval s'.padStart(7), '  detail'];
  const lines = [head.join(' ')];
  for (const r of rows) {
    const cells = [
      r.name.padEnd(13),
      String(r.users).padStart(6),
      ...sorted.flatMap((k) => [fmt(r.recall[k]), fmt(r.ndcg[k])]),
      (r.fitMs / 1000).toFixed(1).padStart(7),
      (r.evalMs / 1000).toFixed(1).padStart(7),
      '  ' + Object.entries(r.detail).map(([k, v]) => `${k}=${v}`).join(' '),
    ];
    lines.push(cells.join(' '));
  }
  return lines.join('\n');
}

function fmt(x: number | undefined): string {
  return (x === undefined ? '-' : x.toFixed(4)).padStart(7);
}
