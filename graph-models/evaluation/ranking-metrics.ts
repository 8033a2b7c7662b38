import { assertCsr, type Csr } from './interactions';
import { TopK } from './top-k';

/**
 * Scores every item for a batch of users.
 *
 *   users:   Int32Array [batch]
 *   out:     optional Float32Array [batch, numItems] the caller lends for the result
 *   returns: Float32Array [batch, numItems], row-major (row b is users[b])
 *
 * A scorer should fill `out` completely and return it when given (no allocation: a fresh
 * [256, 41k] block per call costs more than ranking it), or may ignore it and return its
 * own array (a TF.js `dataSync()` result). The evaluator OWNS the returned array
 * afterwards: it overwrites the users' train items with -Infinity in place. Higher is
 * better; NaN is never ranked.
 */
export type Scorer = (users: Int32Array, out?: Float32Array) => Float32Array;

export interface EvaluateRankingOptions {
  /** Items excluded from each user's ranking (set to -Infinity before selection). */
  train: Csr;
  /** Held-out items; users with at least one are the test users. */
  test: Csr;
  scorer: Scorer;
  /** Cut-offs, e.g. [10, 20]; positive integers. */
  ks: readonly number[];
  /**
   * Users scored per scorer call. Default 256: a [256, 41k] Float32 block is 42 MB, large
   * enough to amortise a model's per-call cost, small enough for a 2-core box.
   */
  batchSize?: number;
  /**
   * Evaluate only these users (still only those with ≥1 test item), e.g. `coldStartUsers(train, 5)`.
   * Duplicates are ignored.
   */
  subset?: Int32Array | readonly number[];
  /** Also return the per-user values (for significance tests, slicing). */
  perUser?: boolean;
}

export interface PerUserMetrics {
  /** [n] the evaluated users, ascending. */
  users: Int32Array;
  recall: Record<number, Float64Array>;
  ndcg: Record<number, Float64Array>;
  precision: Record<number, Float64Array>;
}

export interface RankingReport {
  /** Number of users averaged over. */
  users: number;
  recall: Record<number, number>;
  ndcg: Record<number, number>;
  precision: Record<number, number>;
  perUser?: PerUserMetrics;
}

const DEFAULT_BATCH = 256;

/**
 * Full-ranking top-K evaluation, the protocol of LightGCN (He et al., SIGIR 2020) and
 * SocialLGN as described in /work/shared/datasets/README.md:
 *
 * for every test user u (|T_u| ≥ 1, T_u = test items), score all items, drop u's train
 * items, take the top K (ties: lower item index first, see top-k.ts) and
 *   Recall@K    = |top_K ∩ T_u| / |T_u|
 *   Precision@K = |top_K ∩ T_u| / K
 *   NDCG@K      = DCG / IDCG,  DCG = Σ_{r<K, top[r] ∈ T_u} 1/log2(r+2),
 *                 IDCG = Σ_{r < min(K, |T_u|)} 1/log2(r+2)   (the "corrected" NDCG)
 * each averaged uniformly over test users. A test item that also sits in train is
 * excluded from the ranking but still counted in |T_u| (a leaking split scores lower,
 * never higher). With no test users at all every mean is NaN (undefined, not 0).
 * Deterministic for a deterministic scorer, whatever the batch size.
 */
export function evaluateRanking(opts: EvaluateRankingOptions): RankingReport {
  const { train, test, scorer } = opts;
  assertCsr(train, 'train');
  assertCsr(test, 'test');
  if (train.numUsers !== test.numUsers || train.numItems !== test.numItems) {
    throw new RangeError(`train (${train.numUsers} x ${train.numItems}) and test (${test.numUsers} x ${test.numItems}) must share one index space`);
  }
  const ks = checkKs(opts.ks);
  const batchSize = opts.batchSize ?? DEFAULT_BATCH;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${String(batchSize)}`);
  const numItems = train.numItems;
  const users = testUsers(test, opts.subset);
  const maxK = ks[ks.length - 1];

  // discount[r] = 1/log2(r+2); idealPrefix[n] = Σ_{r<n} discount[r].
  const discount = new Float64Array(maxK);
  const idealPrefix = new Float64Array(maxK + 1);
  for (let r = 0; r < maxK; r++) {
    discount[r] = 1 / Math.log2(r + 2);
    idealPrefix[r + 1] = idealPrefix[r] + discount[r];
  }

  const per = {
    recall: ks.map(() => new Float64Array(users.length)),
    ndcg: ks.map(() => new Float64Array(users.length)),
    precision: ks.map(() => new Float64Array(users.length)),
  };
  const selector = new TopK(maxK);
  const top = new Int32Array(maxK);
  const isTest = new Uint8Array(numItems);
  const lent = new Float32Array(Math.min(batchSize, users.length) * numItems);

  for (let b0 = 0; b0 < users.length; b0 += batchSize) {
    const batch = users.subarray(b0, Math.min(b0 + batchSize, users.length));
    const scores = scorer(batch, lent.subarray(0, batch.length * numItems));
    if (!(scores instanceof Float32Array) || scores.length !== batch.length * numItems) {
      throw new RangeError(`scorer must return a Float32Array of ${batch.length} x ${numItems} = ${batch.length * numItems} scores, got ${describe(scores)}`);
    }
    for (let b = 0; b < batch.length; b++) {
      const u = batch[b];
      const base = b * numItems;
      for (let k = train.offsets[u]; k < train.offsets[u + 1]; k++) scores[base + train.items[k]] = -Infinity;
      const t0 = test.offsets[u];
      const t1 = test.offsets[u + 1];
      for (let k = t0; k < t1; k++) isTest[test.items[k]] = 1;
      const nTest = t1 - t0;
      const found = selector.select(scores, base, numItems, top);

      let hits = 0;
      let dcg = 0;
      let ki = 0;
      const slot = b0 + b;
      for (let r = 0; r <= maxK; r++) {
        // Close every cut-off K == r before looking at rank r.
        while (ki < ks.length && ks[ki] === r) {
          per.recall[ki][slot] = hits / nTest;
          per.precision[ki][slot] = hits / r;
          per.ndcg[ki][slot] = dcg / idealPrefix[Math.min(r, nTest)];
          ki++;
        }
        if (r < found && isTest[top[r]] === 1) {
          hits++;
          dcg += discount[r];
        }
      }
      for (let k = t0; k < t1; k++) isTest[test.items[k]] = 0;
    }
  }

  const report: RankingReport = { users: users.length, recall: {}, ndcg: {}, precision: {} };
  ks.forEach((k, ki) => {
    report.recall[k] = mean(per.recall[ki]);
    report.ndcg[k] = mean(per.ndcg[ki]);
    report.precision[k] = mean(per.precision[ki]);
  });
  if (opts.perUser) {
    const byK = (arrs: Float64Array[]): Record<number, Float64Array> => Object.fromEntries(ks.map((k, ki) => [k, arrs[ki]]));
    report.perUser = { users, recall: byK(per.recall), ndcg: byK(per.ndcg), precision: byK(per.precision) };
  }
  return report;
}

/** `evaluateRanking` restricted to `users` (e.g. the cold-start slice); same protocol. */
export function evaluateSubset(users: Int32Array | readonly number[], opts: Omit<EvaluateRankingOptions, 'subset'>): RankingReport {
  return evaluateRanking({ ...opts, subset: users });
}

/** Users with ≥1 test item, ascending; restricted to `subset` when given. */
export function testUsers(test: Csr, subset?: Int32Array | readonly number[]): Int32Array {
  const keep = new Uint8Array(test.numUsers);
  if (subset) {
    for (let k = 0; k < subset.length; k++) {
      const u = subset[k];
      if (!(Number.isInteger(u) && u >= 0 && u < test.numUsers)) throw new RangeError(`subset user ${String(u)} is outside 0..${test.numUsers - 1}`);
      keep[u] = 1;
    }
  } else keep.fill(1);
  const out: number[] = [];
  for (let u = 0; u < test.numUsers; u++) if (keep[u] === 1 && test.offsets[u + 1] > test.offsets[u]) out.push(u);
  return Int32Array.from(out);
}

function checkKs(ks: readonly number[]): number[] {
  if (ks.length === 0) throw new RangeError('ks must list at least one cut-off');
  for (const k of ks) if (!Number.isInteger(k) || k < 1) throw new RangeError(`every K must be a positive integer, got ${String(k)}`);
  return [...new Set(ks)].sort((a, b) => a - b);
}

function mean(xs: Float64Array): number {
  if (xs.length === 0) return NaN;
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return s / xs.length;
}

function describe(x: unknown): string {
  if (ArrayBuffer.isView(x) && 'length' in x) return `${x.constructor.name}(${String(x.length)})`;
  return typeof x;
}
