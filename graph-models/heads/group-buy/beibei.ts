import { createHash } from 'node:crypto';
import * as tf from '@tensorflow/tfjs';
import type { GraphClient } from '../../../src/graph/graph-client';
import { groupBuyLaunches, type LaunchRow } from '../../../src/graph/queries/group-buy-signals';
import { probabilityMetrics, type ProbabilityMetrics } from './evaluate';

/**
 * Group-buy conversion on an imported set of launches without times, terms or social graph
 * (Beibei: /work/shared/datasets/README.md). Its protocol: split BY INITIATOR (a seeded
 * hash sends each initiator and all their launches to train or test), predict FILLED vs
 * EXPIRED from the item's record over the training launches, with and without the
 * initiator's own record, and report AUC and calibration with the sampling caveat:
 * successful launches are one sample per initiator per file (tune, test) while failed
 * ones are all failures, so "an initiator with many launches" mostly means "many
 * failures" in this data — the initiator-history AUC measures that sampling as much as
 * any behaviour.
 *
 * Without times, "history" is the initiator's OTHER launches in the same split (leave one
 * out), not only earlier ones; the item's record is leave-one-out on training rows so a
 * row never sees its own label.
 */
export const BEIBEI_ITEM_COLUMNS = ['logItemLaunches', 'itemFillRate'] as const;
export const BEIBEI_INITIATOR_COLUMNS = ['logInitiatorOtherLaunches', 'initiatorOtherFillRate', 'initiatorHasOthers'] as const;

export interface BeibeiReport {
  dataset: string;
  launches: number;
  filled: number;
  split: { trainInitiators: number; testInitiators: number; trainLaunches: number; testLaunches: number; testShare: number; seed: number };
  test: { baseline: ProbabilityMetrics; withoutInitiator: ProbabilityMetrics; withInitiator: ProbabilityMetrics };
  fit: { epochs: number; lr: number; ms: number };
}

export interface BeibeiOptions {
  dataset: string;
  seed: number;
  testShare: number;
  epochs: number;
  lr: number;
  log: (line: string) => void;
}

/** Seeded initiator -> test? (sha256 of seed:initiator, so the split is stable across runs and machines). */
export function inTestSplit(initiatorId: string, seed: number, testShare: number): boolean {
  const h = createHash('sha256').update(`${seed}:${initiatorId}`).digest();
  return h.readUInt32BE(0) / 2 ** 32 < testShare;
}

interface Counts {
  n: number;
  filled: number;
}

function tally(rows: readonly LaunchRow[], key: (r: LaunchRow) => string): Map<string, Counts> {
  const m = new Map<string, Counts>();
  for (const r of rows) {
    const c = m.get(key(r)) ?? { n: 0, filled: 0 };
    c.n++;
    if (r.status === 'FILLED') c.filled++;
    m.set(key(r), c);
  }
  return m;
}

/**
 * Feature rows [n · (2 + 3)]: item columns then initiator columns. `leaveOneOut` removes
 * the row's own launch from the item counts (training rows); the initiator counts always
 * exclude the row itself.
 */
export function beibeiFeatures(rows: readonly LaunchRow[], itemCounts: Map<string, Counts>, prior: number, leaveOneOut: boolean): Float32Array {
  const byInitiator = tally(rows, (r) => r.initiatorId);
  const out = new Float32Array(rows.length * 5);
  rows.forEach((r, i) => {
    const y = r.status === 'FILLED' ? 1 : 0;
    const it = itemCounts.get(r.itemId) ?? { n: 0, filled: 0 };
    const itN = it.n - (leaveOneOut ? 1 : 0);
    const itF = it.filled - (leaveOneOut ? y : 0);
    const ini = byInitiator.get(r.initiatorId)!;
    const iniN = ini.n - 1;
    const iniF = ini.filled - y;
    out.set([
      Math.log1p(itN) / 4, (itF + 2 * prior) / (itN + 2),
      Math.log1p(iniN) / 3, (iniF + 2 * prior) / (iniN + 2), iniN > 0 ? 1 : 0,
    ], i * 5);
  });
  return out;
}

/** Full-batch logistic regression (TF.js, Adam); returns test probabilities. */
function logistic(xTrain: Float32Array, yTrain: Float32Array, xTest: Float32Array, cols: number[], o: { epochs: number; lr: number; seed: number }): Float32Array {
  const pick = (x: Float32Array) => {
    const n = x.length / 5;
    const out = new Float32Array(n * cols.length);
    for (let i = 0; i < n; i++) cols.forEach((c, k) => (out[i * cols.length + k] = x[i * 5 + c]!));
    return tf.tensor2d(out, [n, cols.length]);
  };
  const X = pick(xTrain);
  const Y = tf.tensor2d(yTrain, [yTrain.length, 1]);
  const Xt = pick(xTest);
  const w = tf.variable(tf.randomNormal([cols.length, 1], 0, 0.01, 'float32', o.seed));
  const b = tf.variable(tf.zeros([1]));
  const opt = tf.train.adam(o.lr);
  try {
    for (let e = 0; e < o.epochs; e++) {
      opt.minimize(() => tf.losses.sigmoidCrossEntropy(Y, X.matMul(w).add(b)) as tf.Scalar, false, [w, b]);
    }
    return tf.tidy(() => tf.sigmoid(Xt.matMul(w).add(b)).dataSync() as Float32Array);
  } finally {
    tf.dispose([X, Y, Xt, w, b]);
    opt.dispose();
  }
}

export async function evaluateBeibei(graph: GraphClient, o: BeibeiOptions): Promise<BeibeiReport> {
  const all = (await groupBuyLaunches(graph, o.dataset)).filter((r) => r.status === 'FILLED' || r.status === 'EXPIRED');
  const train = all.filter((r) => !inTestSplit(r.initiatorId, o.seed, o.testShare));
  const test = all.filter((r) => inTestSplit(r.initiatorId, o.seed, o.testShare));
  o.log(`${o.dataset}: ${all.length} launches, ${train.length} train / ${test.length} test (split by initiator)`);
  const itemCounts = tally(train, (r) => r.itemId);
  const prior = train.filter((r) => r.status === 'FILLED').length / train.length;
  const xTrain = beibeiFeatures(train, itemCounts, prior, true);
  const xTest = beibeiFeatures(test, itemCounts, prior, false);
  const yTrain = Float32Array.from(train, (r) => (r.status === 'FILLED' ? 1 : 0));
  const yTest = Float32Array.from(test, (r) => (r.status === 'FILLED' ? 1 : 0));
  const t0 = performance.now();
  const fit = { epochs: o.epochs, lr: o.lr, seed: o.seed };
  const without = logistic(xTrain, yTrain, xTest, [0, 1], fit);
  const withIni = logistic(xTrain, yTrain, xTest, [0, 1, 2, 3, 4], fit);
  const ms = performance.now() - t0;
  // The baseline is the item's (shrunk) fill rate over training launches: column 1 of the test rows.
  const baseline = Float32Array.from(test, (_, i) => xTest[i * 5 + 1]!);
  return {
    dataset: o.dataset,
    launches: all.length,
    filled: all.filter((r) => r.status === 'FILLED').length,
    split: {
      trainInitiators: new Set(train.map((r) => r.initiatorId)).size, testInitiators: new Set(test.map((r) => r.initiatorId)).size,
      trainLaunches: train.length, testLaunches: test.length, testShare: o.testShare, seed: o.seed,
    },
    test: { baseline: probabilityMetrics(baseline, yTest), withoutInitiator: probabilityMetrics(without, yTest), withInitiator: probabilityMetrics(withIni, yTest) },
    fit: { epochs: o.epochs, lr: o.lr, ms },
  };
}
