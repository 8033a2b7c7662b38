import * as tf from '@tensorflow/tfjs';
import { GIFT_FEATURE_COUNT, GIFT_FEATURE_SCHEMA_VERSION, GIFT_FEATURES } from '../../../src/features/gift-features';
import type { ExampleSet } from '../../../graph-models/heads/gift-recipient/dataset';
import { truthRecall } from '../../../graph-models/heads/gift-recipient/evaluation/truth-recall';
import { fitGiftHead, predictRows, weightedLogLoss } from '../../../graph-models/heads/gift-recipient/fit';
import { evaluateFriendRanking } from '../../../graph-models/heads/gift-recipient/metrics';
import { GIFT_HEAD_FORMAT, GIFT_HEAD_FORMAT_VERSION, logRate, parseGiftHeadWeights, predictProbabilities, type GiftHeadWeights } from '../../../graph-models/heads/gift-recipient/model';
import { SeededRandom } from '../../../graph-models/layers/seeded-random';

const F = GIFT_FEATURE_COUNT;
const BDAY = GIFT_FEATURES.indexOf('birthday_in_window');
const ACTIVE = GIFT_FEATURES.indexOf('log1p_active_days_28d_scaled');

/** Weights with one hidden unit per listed (feature, weight), identity standardisation. */
function handWeights(units: Array<[number, number, number]>, b2: number): GiftHeadWeights {
  const H = units.length;
  const w1 = new Array<number>(F * H).fill(0);
  units.forEach(([f, w], j) => (w1[f * H + j] = w));
  return {
    format: GIFT_HEAD_FORMAT, formatVersion: GIFT_HEAD_FORMAT_VERSION, features: [...GIFT_FEATURES], featureSchemaVersion: GIFT_FEATURE_SCHEMA_VERSION,
    mean: new Array<number>(F).fill(0), std: new Array<number>(F).fill(1), hidden: H,
    w1, b1: units.map(() => 0), w2: units.map((u) => u[2]), b2, interactionLogStart: null, windowDays: 28,
  };
}

/** A toy world: per sender 4 friends; the gifted one has a birthday in the window or many interactions. */
function toyExamples(senders: number, seed: number): ExampleSet {
  const rng = new SeededRandom(seed);
  const u = () => rng.nextU32() / 4294967296;
  const n = senders * 4;
  const ex: ExampleSet = {
    n, x: new Float32Array(n * F), y: new Uint8Array(n), weight: new Float32Array(n).fill(1),
    sender: new Int32Array(n), friend: new Int32Array(n), edge: new Int32Array(n), windowDays: new Float32Array(n).fill(28),
  };
  for (let s = 0; s < senders; s++) {
    for (let k = 0; k < 4; k++) {
      const i = s * 4 + k;
      ex.sender[i] = s;
      ex.friend[i] = k;
      const bday = u() < 0.2 ? 1 : 0;
      const active = u() * 3;
      ex.x[i * F + BDAY] = bday;
      ex.x[i * F + ACTIVE] = active;
      // True daily log-rate: birthday and interactions raise it.
      const eta = -6 + 2.5 * bday + 1.0 * active;
      ex.y[i] = u() < 1 - Math.exp(-28 * Math.exp(eta)) ? 1 : 0;
    }
  }
  return ex;
}

describe('gift-recipient head: forward pass (hand-computed)', () => {
  it('computes P = 1 − exp(−W·exp(w2·ReLU(W1ᵀx̂ + b1) + b2)) with a ReLU that cuts negative units', () => {
    const m = handWeights([[BDAY, 2, 1.5], [ACTIVE, -1, 3]], -5);
    const x = new Float32Array(2 * F);
    x[BDAY] = 1; // unit 0: relu(2) = 2; unit 1: relu(0) = 0
    x[F + ACTIVE] = 2; // unit 0: 0; unit 1: relu(−2) = 0
    const eta = logRate(m, x, 2);
    expect(eta[0]).toBeCloseTo(-5 + 1.5 * 2, 10);
    expect(eta[1]).toBeCloseTo(-5, 10);
    const p = predictProbabilities(m, x, 2, 28);
    expect(p[0]).toBeCloseTo(1 - Math.exp(-28 * Math.exp(-2)), 10);
    expect(p[1]).toBeCloseTo(1 - Math.exp(-28 * Math.exp(-5)), 10);
    // A longer horizon never lowers a probability (the ln W offset).
    expect(predictProbabilities(m, x, 2, 56)[1]!).toBeGreaterThan(p[1]!);
  });

  it('standardises with the stored mean and σ', () => {
    const m = { ...handWeights([[ACTIVE, 1, 1]], 0), mean: new Array<number>(F).fill(0).map((_, k) => (k === ACTIVE ? 1 : 0)), std: new Array<number>(F).fill(1).map((_, k) => (k === ACTIVE ? 2 : 1)) };
    const x = new Float32Array(F);
    x[ACTIVE] = 5;
    expect(logRate(m, x, 1)[0]).toBeCloseTo(2, 10); // (5 − 1) / 2
  });

  it('refuses a weights file of another format or with mis-shaped arrays', () => {
    const good = handWeights([[BDAY, 1, 1]], 0);
    expect(parseGiftHeadWeights(JSON.parse(JSON.stringify(good)), 'w.json').hidden).toBe(1);
    expect(() => parseGiftHeadWeights({ ...good, format: 'other' }, 'w.json')).toThrow(/format/);
    expect(() => parseGiftHeadWeights({ ...good, w1: [1, 2] }, 'w.json')).toThrow(/w1/);
    expect(() => parseGiftHeadWeights({ ...good, b2: null }, 'w.json')).toThrow(/b2/);
  });
});

describe('gift-recipient head: training in TF.js (cpu backend)', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('learns the planted ranking on a toy set, matches the JS forward pass, and leaks no tensor', () => {
    const train = toyExamples(1500, 1);
    const valid = toyExamples(300, 2);
    const test = toyExamples(600, 3);
    const before = tf.memory().numTensors;
    const fit = fitGiftHead(train, valid, { seed: 3, interactionLogStart: null, windowDays: 28, epochs: 8, patience: 8, lr: 0.01 });
    expect(tf.memory().numTensors).toBe(before);
    expect(fit.bestEpoch).toBeGreaterThan(0);

    const p = predictRows(fit.weights, test);
    const constant = new Float64Array(test.n).fill(0.5);
    // Better than a constant on the held-out log-loss and on per-sender Recall@1.
    const base = test.y.reduce((a, b) => a + b, 0) / test.n;
    expect(weightedLogLoss(p, test.y, test.weight)).toBeLessThan(weightedLogLoss(new Float64Array(test.n).fill(base), test.y, test.weight));
    expect(evaluateFriendRanking(test, p, [1]).recall[1]!).toBeGreaterThan(evaluateFriendRanking(test, constant, [1]).recall[1]! + 0.2);
    // The birthday and interaction effects come out positive.
    const x0 = new Float32Array(F);
    const x1 = new Float32Array(F);
    x1[BDAY] = 1;
    const [q0, q1] = predictProbabilities(fit.weights, new Float32Array([...x0, ...x1]), 2, 28);
    expect(q1!).toBeGreaterThan(q0!);

    // The JS forward pass equals TF.js's on the same weights.
    const H = fit.weights.hidden;
    const tfEta = tf.tidy(() => {
      const xs = tf.div(tf.sub(tf.tensor2d(test.x, [test.n, F]), tf.tensor1d(fit.weights.mean)), tf.tensor1d(fit.weights.std));
      const h = tf.relu(tf.add(tf.matMul(xs, tf.tensor2d(fit.weights.w1, [F, H])), tf.tensor1d(fit.weights.b1)));
      return tf.add(tf.matMul(h, tf.tensor2d(fit.weights.w2, [H, 1])), fit.weights.b2).dataSync();
    });
    const jsEta = logRate(fit.weights, test.x, test.n);
    for (let i = 0; i < test.n; i += 97) expect(jsEta[i]).toBeCloseTo(tfEta[i]!, 4);
  });

  it('ignores a column that was constant in training (zero W1 row, σ = 1)', () => {
    const train = toyExamples(200, 4);
    const fit = fitGiftHead(train, toyExamples(50, 5), { seed: 1, interactionLogStart: null, windowDays: 28, epochs: 2 });
    const known = GIFT_FEATURES.indexOf('birthday_known'); // 0 in every toy row
    expect(fit.weights.std[known]).toBe(1);
    const H = fit.weights.hidden;
    expect(fit.weights.w1.slice(known * H, (known + 1) * H).every((v) => v === 0)).toBe(true);
  });
});

describe('per-sender ranking metrics and the truth comparison (hand-computed)', () => {
  const rows = {
    n: 5,
    sender: Int32Array.from([0, 0, 0, 1, 1]),
    friend: Int32Array.from([0, 1, 2, 3, 4]),
    y: Uint8Array.from([0, 1, 1, 0, 0]),
  };

  it('averages Recall and NDCG over senders with a gifted friend; ties go to the lower friend index', () => {
    const r = evaluateFriendRanking(rows, [0.9, 0.5, 0.1, 1, 1], [1, 2]);
    expect(r.senders).toBe(1);
    expect(r.recall[1]).toBe(0);
    expect(r.recall[2]).toBe(0.5);
    expect(r.ndcg[2]).toBeCloseTo((1 / Math.log2(3)) / (1 + 1 / Math.log2(3)), 10);
    expect(evaluateFriendRanking(rows, [0, 0, 0, 0, 0], [1]).recall[1]).toBe(0); // friend 0 first
  });

  it('expected recall sums the truth probability of the top K; the oracle takes the K largest', () => {
    const users = ['s0', 's1', 'a', 'b', 'c'];
    const r2 = { n: 3, sender: Int32Array.from([0, 0, 0]), friend: Int32Array.from([2, 3, 4]) };
    const truth = { windowDays: 30, cutoffMs: 0, nextGiftRecipients: { s0: { a: 0.6, b: 0.3, c: 0.1 } } };
    const rep = truthRecall(truth, r2, users, { model: [0.1, 0.2, 0.9] }, [1, 2]);
    expect(rep.byK[1]!.expectedRecall.oracle).toBeCloseTo(0.6, 10);
    expect(rep.byK[1]!.expectedRecall.model).toBeCloseTo(0.1, 10);
    expect(rep.byK[2]!.expectedRecall.model).toBeCloseTo(0.4, 10);
    expect(rep.byK[2]!.sendersNonTrivial).toBe(1);
  });
});
