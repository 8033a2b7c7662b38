import { Rng } from '../../src/world/prng';
import { dotProductScorer } from '../evaluation/embedding-scorer';
import { nnz, nonEmptyRows, type Csr } from '../evaluation/interactions';
import { evaluateRanking, testUsers, type Scorer } from '../evaluation/ranking-metrics';
import { createOptimizer, type OptimizerName } from './optimizers';

/**
 * BPR-MF: matrix factorisation trained with Bayesian Personalized Ranking
 * (Rendle et al., UAI 2009). For a triple (u, i, j) with i a train item of u and j a
 * uniformly drawn item u does not have,
 *   x_uij = e_u · (e_i − e_j),   loss = −ln σ(x_uij) = softplus(−x_uij),
 * averaged over a minibatch, plus the LightGCN-codebase L2 on the embeddings used in the
 * batch, λ · ½(‖e_u‖² + ‖e_i‖² + ‖e_j‖²) / B. Gradients: ∂loss/∂x = −σ(−x), so
 *   ∇e_u = −σ(−x)(e_i − e_j),  ∇e_i = −σ(−x) e_u,  ∇e_j = σ(−x) e_u   (each /B, plus λ e/B).
 *
 * Defaults follow the PyTorch reference in /work/shared/datasets/README.md (64-d, Adam 1e-3,
 * batch 2048, λ = 1e-4, N(0, 0.1²) init as in the LightGCN code). Deterministic: one seeded
 * xoshiro128** stream (src/world/prng.ts) drives init and sampling, and every loop runs in a
 * fixed order.
 */
export interface BprMfOptions {
  /** Embedding size; default 64. */
  dim?: number;
  /** Maximum epochs; default 400. An epoch draws nnz(train) triples. */
  epochs?: number;
  /** Triples per optimizer step; default 2048. */
  batchSize?: number;
  /** Default 'adam' (the reference's); 'lazy-adam' or 'adagrad' for large catalogues. */
  optimizer?: OptimizerName;
  /** Default 1e-3 (Adam); Adagrad wants ~0.05, SGD ~1 with this batch-mean loss. */
  learningRate?: number;
  /** λ of the L2 term above; default 1e-4. */
  l2?: number;
  /** Std of the normal init; default 0.1. */
  initStd?: number;
  /**
   * How an epoch draws its positives: 'users' (default; LightGCN's UniformSample_original:
   * a uniform user among those with train items, then a uniform item of theirs) or 'pairs'
   * (a shuffled pass over all train pairs, Rendle's bootstrap in expectation).
   */
  sampling?: 'users' | 'pairs';
  seed?: number;
  /** Held-out pairs (disjoint from `train`) for early stopping; none → run all epochs. */
  validation?: Csr;
  /**
   * Validate on a seeded sample of at most this many validation users; default all. In pure
   * JS a gowalla-sized full ranking (29k users x 41k items x 64) takes about a minute, a
   * 3,000-user sample a tenth of that, with a standard error small enough to pick epochs.
   */
  validationUsers?: number;
  /** Validate every this many epochs; default 10. */
  evalEvery?: number;
  /** Stop after this many validations without improvement; default 5. */
  patience?: number;
  /** Early-stopping metric: Recall@K or NDCG@K on validation; default { metric: 'recall', k: 20 }. */
  selectBy?: { metric: 'recall' | 'ndcg'; k: number };
  /** Called after each epoch (logging, progress). */
  onEpoch?: (log: EpochLog) => void;
  /** Millisecond clock for the timings; injectable for deterministic tests. */
  now?: () => number;
}

export interface EpochLog {
  epoch: number;
  /** Mean BPR loss (without the L2 term) over the epoch's triples. */
  loss: number;
  ms: number;
  /** Present on validation epochs. */
  validation?: { recall: number; ndcg: number };
}

/** The learnt tables: userEmb [numUsers, dim], itemEmb [numItems, dim]. */
export interface MfModel {
  numUsers: number;
  numItems: number;
  dim: number;
  userEmb: Float32Array;
  itemEmb: Float32Array;
}

export interface BprMfResult {
  /** The best validated model (the last one without validation). */
  model: MfModel;
  /** Epoch the returned model was taken at (1-based). */
  bestEpoch: number;
  history: EpochLog[];
  /** Mean training time per epoch, validation excluded. */
  msPerEpoch: number;
}

/**
 * Named settings, measured on the two public splits (graph-models/baselines/README.md):
 * - `reference`: the PyTorch reference of the datasets README (dense Adam 1e-3, λ 1e-4).
 *   lastfm: R@20 0.212–0.213 after refit, ~1–3 min on 2 cores.
 * - `large`: for catalogues where dense Adam and full validation rankings are too slow in
 *   JS (gowalla: 30k × 41k). Lazy Adam at 5e-3 converges in ~50 epochs but overfits with
 *   λ 1e-4 (test R@20 0.091); λ 1e-2 gives 0.129, the LightGCN paper's MF figure. Validation
 *   on a 3,000-user sample every 5 epochs.
 */
export const BPR_PRESETS = {
  reference: { optimizer: 'adam', learningRate: 1e-3, l2: 1e-4, evalEvery: 10, patience: 5 },
  large: { optimizer: 'lazy-adam', learningRate: 5e-3, l2: 1e-2, evalEvery: 5, patience: 3, validationUsers: 3000 },
} as const satisfies Record<string, BprMfOptions>;

/**
 * Above this many user × item scores per full ranking (lastfm 3.3e7, gowalla 1.2e9) the
 * `large` preset is used: one validation ranking would otherwise cost about a minute.
 */
const LARGE_RANKING = 2e8;

/** The preset that fits `train`'s size (see BPR_PRESETS). */
export function bprPresetFor(train: Csr): BprMfOptions {
  return train.numUsers * train.numItems > LARGE_RANKING ? { ...BPR_PRESETS.large } : { ...BPR_PRESETS.reference };
}

const DEFAULT_LR: Record<OptimizerName, number> = { adam: 1e-3, 'lazy-adam': 1e-3, adagrad: 0.05, sgd: 1 };

export function trainBprMf(train: Csr, opts: BprMfOptions = {}): BprMfResult {
  const dim = opts.dim ?? 64;
  const epochs = opts.epochs ?? 400;
  const batchSize = opts.batchSize ?? 2048;
  const optimizerName = opts.optimizer ?? 'adam';
  const lr = opts.learningRate ?? DEFAULT_LR[optimizerName];
  const l2 = opts.l2 ?? 1e-4;
  const initStd = opts.initStd ?? 0.1;
  const sampling = opts.sampling ?? 'users';
  const evalEvery = opts.evalEvery ?? 10;
  const patience = opts.patience ?? 5;
  const selectBy = opts.selectBy ?? { metric: 'recall', k: 20 };
  const now = opts.now ?? (() => performance.now());
  const { numUsers, numItems } = train;
  for (const [name, v] of [['dim', dim], ['epochs', epochs], ['batchSize', batchSize], ['evalEvery', evalEvery], ['patience', patience]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name} must be a positive integer, got ${String(v)}`);
  }
  if (!(l2 >= 0) || !(initStd > 0)) throw new RangeError(`l2 must be ≥ 0 and initStd > 0, got ${String(l2)} and ${String(initStd)}`);
  if (numItems < 2) throw new RangeError(`BPR needs at least 2 items, got ${numItems}`);
  if (opts.validation && (opts.validation.numUsers !== numUsers || opts.validation.numItems !== numItems)) {
    throw new RangeError(`validation is ${opts.validation.numUsers} x ${opts.validation.numItems}, train is ${numUsers} x ${numItems}`);
  }

  const rng = Rng.derive(opts.seed ?? 0, 'bpr-mf');
  const userEmb = new Float32Array(numUsers * dim);
  const itemEmb = new Float32Array(numItems * dim);
  for (let k = 0; k < userEmb.length; k++) userEmb[k] = rng.normal(0, initStd);
  for (let k = 0; k < itemEmb.length; k++) itemEmb[k] = rng.normal(0, initStd);
  const gradUser = new Float32Array(numUsers * dim);
  const gradItem = new Float32Array(numItems * dim);
  const optUser = createOptimizer(optimizerName, numUsers, dim, { learningRate: lr });
  const optItem = createOptimizer(optimizerName, numItems, dim, { learningRate: lr });
  // Distinct rows touched in the current batch (flag arrays keep the lists duplicate-free).
  const touchedUsers = new Int32Array(Math.min(numUsers, batchSize));
  const touchedItems = new Int32Array(Math.min(numItems, 2 * batchSize));
  const userFlag = new Uint8Array(numUsers);
  const itemFlag = new Uint8Array(numItems);

  const activeUsers = nonEmptyRows(train);
  const total = nnz(train);
  if (total === 0) throw new RangeError('train has no interactions');
  const pairUser = new Int32Array(total);
  for (let u = 0; u < numUsers; u++) pairUser.fill(u, train.offsets[u], train.offsets[u + 1]);
  const order = Int32Array.from({ length: total }, (_, k) => k);
  const batchU = new Int32Array(batchSize);
  const batchI = new Int32Array(batchSize);
  const batchJ = new Int32Array(batchSize);

  const validationSubset = opts.validation && opts.validationUsers !== undefined ? sampleUsers(testUsers(opts.validation), opts.validationUsers, opts.seed ?? 0) : undefined;
  const history: EpochLog[] = [];
  let best = { score: -Infinity, epoch: 0, user: userEmb.slice(), item: itemEmb.slice() };
  let sinceBest = 0;
  let trainMs = 0;

  for (let epoch = 1; epoch <= epochs; epoch++) {
    const t0 = now();
    if (sampling === 'pairs') shuffleInPlace(order, rng);
    let lossSum = 0;
    for (let start = 0; start < total; start += batchSize) {
      const n = Math.min(batchSize, total - start);
      for (let b = 0; b < n; b++) {
        let u: number;
        let i: number;
        if (sampling === 'pairs') {
          const p = order[start + b];
          u = pairUser[p];
          i = train.items[p];
        } else {
          u = activeUsers[rng.int(activeUsers.length)];
          i = train.items[train.offsets[u] + rng.int(train.offsets[u + 1] - train.offsets[u])];
        }
        batchU[b] = u;
        batchI[b] = i;
        batchJ[b] = sampleNegative(train, u, rng);
      }
      lossSum += bprStep(n);
    }
    const ms = now() - t0;
    trainMs += ms;
    const log: EpochLog = { epoch, loss: lossSum / total, ms };
    if (opts.validation && (epoch % evalEvery === 0 || epoch === epochs)) {
      const r = evaluateRanking({ train, test: opts.validation, scorer: mfScorer({ numUsers, numItems, dim, userEmb, itemEmb }), ks: [selectBy.k], subset: validationSubset });
      log.validation = { recall: r.recall[selectBy.k], ndcg: r.ndcg[selectBy.k] };
      const score = selectBy.metric === 'recall' ? r.recall[selectBy.k] : r.ndcg[selectBy.k];
      if (score > best.score) {
        best = { score, epoch, user: userEmb.slice(), item: itemEmb.slice() };
        sinceBest = 0;
      } else sinceBest++;
    }
    history.push(log);
    opts.onEpoch?.(log);
    if (opts.validation && sinceBest >= patience) break;
  }

  const msPerEpoch = trainMs / history.length;
  if (!opts.validation) {
    return { model: { numUsers, numItems, dim, userEmb, itemEmb }, bestEpoch: history.length, history, msPerEpoch };
  }
  return { model: { numUsers, numItems, dim, userEmb: best.user, itemEmb: best.item }, bestEpoch: best.epoch, history, msPerEpoch };

  /** Forward + backward over batch[0..n), one optimizer step; returns the summed BPR loss. */
  function bprStep(n: number): number {
    const scale = 1 / n;
    const reg = l2 * scale;
    let nU = 0;
    let nI = 0;
    let loss = 0;
    for (let b = 0; b < n; b++) {
      const u = batchU[b];
      const i = batchI[b];
      const j = batchJ[b];
      const ou = u * dim;
      const oi = i * dim;
      const oj = j * dim;
      let x = 0;
      for (let k = 0; k < dim; k++) x += userEmb[ou + k] * (itemEmb[oi + k] - itemEmb[oj + k]);
      // softplus(−x) and σ(−x), computed without overflow for large |x|.
      loss += x > 0 ? Math.log1p(Math.exp(-x)) : -x + Math.log1p(Math.exp(x));
      const g = -scale / (1 + Math.exp(x));
      for (let k = 0; k < dim; k++) {
        const eu = userEmb[ou + k];
        const ei = itemEmb[oi + k];
        const ej = itemEmb[oj + k];
        gradUser[ou + k] += g * (ei - ej) + reg * eu;
        gradItem[oi + k] += g * eu + reg * ei;
        gradItem[oj + k] += -g * eu + reg * ej;
      }
      if (userFlag[u] === 0) {
        userFlag[u] = 1;
        touchedUsers[nU++] = u;
      }
      if (itemFlag[i] === 0) {
        itemFlag[i] = 1;
        touchedItems[nI++] = i;
      }
      if (itemFlag[j] === 0) {
        itemFlag[j] = 1;
        touchedItems[nI++] = j;
      }
    }
    optUser.apply(userEmb, gradUser, touchedUsers, nU);
    optItem.apply(itemEmb, gradItem, touchedItems, nI);
    for (let t = 0; t < nU; t++) userFlag[touchedUsers[t]] = 0;
    for (let t = 0; t < nI; t++) itemFlag[touchedItems[t]] = 0;
    return loss;
  }
}

/**
 * A uniform item u does not have in train, by rejection (Rendle et al.'s uniform sampler).
 * Membership is a binary search in u's sorted row. Expected draws 1/(1 − |I_u|/numItems).
 */
function sampleNegative(train: Csr, u: number, rng: Rng): number {
  const lo = train.offsets[u];
  const hi = train.offsets[u + 1];
  if (hi - lo >= train.numItems) throw new RangeError(`user ${u} has every item; no negative exists`);
  for (;;) {
    const j = rng.int(train.numItems);
    let a = lo;
    let b = hi;
    while (a < b) {
      const mid = (a + b) >>> 1;
      if (train.items[mid] < j) a = mid + 1;
      else b = mid;
    }
    if (a === hi || train.items[a] !== j) return j;
  }
}

/** A seeded uniform sample of `n` of `users` (all of them when n ≥ length), ascending. */
function sampleUsers(users: Int32Array, n: number, seed: number): Int32Array {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`validationUsers must be a positive integer, got ${String(n)}`);
  if (n >= users.length) return users;
  const copy = users.slice();
  shuffleInPlace(copy, Rng.derive(seed, 'bpr-mf-validation-users'));
  return copy.subarray(0, n).sort();
}

/** Fisher–Yates over a typed array (Rng.shuffle takes JS arrays). */
function shuffleInPlace(a: Int32Array, rng: Rng): void {
  for (let k = a.length - 1; k > 0; k--) {
    const r = rng.int(k + 1);
    const t = a[k];
    a[k] = a[r];
    a[r] = t;
  }
}

/** score(u, j) = e_u · e_j. */
export function mfScorer(model: MfModel): Scorer {
  return dotProductScorer(model.userEmb, model.itemEmb, model.dim);
}
