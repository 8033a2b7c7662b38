import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { applyPlatt, fitPlatt, IDENTITY_PLATT, logit, sigmoid } from '../../../graph-models/heads/group-buy/calibration';
import { readHead } from '../../../graph-models/heads/group-buy/head-io';
import { GroupBuyHeadModel } from '../../../graph-models/heads/group-buy/head-model';
import { JoinNetwork, saveHead, type TailBatch } from '../../../graph-models/heads/group-buy/join-network';
import { countDistribution, tailProbability, tailWithOneMore } from '../../../graph-models/heads/group-buy/poisson-binomial';

/** P(at least k of the events) by enumerating all 2^n outcomes: the reference for the DP. */
function bruteTail(ps: number[], k: number): number {
  let total = 0;
  for (let mask = 0; mask < 1 << ps.length; mask++) {
    let p = 1;
    let count = 0;
    ps.forEach((q, i) => {
      if (mask & (1 << i)) {
        p *= q;
        count++;
      } else p *= 1 - q;
    });
    if (count >= k) total += p;
  }
  return total;
}

const probs = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 0, maxLength: 8 });

describe('Poisson-binomial tail', () => {
  it('matches hand-computed cases', () => {
    expect(tailProbability([0.5, 0.5], 1)).toBeCloseTo(0.75, 12);
    expect(tailProbability([0.5, 0.5], 2)).toBeCloseTo(0.25, 12);
    expect(tailProbability([0.2, 0.5, 0.9], 2)).toBeCloseTo(0.2 * 0.5 * 0.1 + 0.2 * 0.5 * 0.9 + 0.2 * 0.5 * 0.9 + 0.8 * 0.5 * 0.9, 12);
    expect(tailProbability([0.3], 0)).toBe(1);
    expect(tailProbability([0.3], 2)).toBe(0);
    expect(Array.from(countDistribution([0.5, 0.5], 2))).toEqual([0.25, 0.5, 0.25]);
  });

  it('equals brute-force enumeration for any probabilities and any k', () => {
    fc.assert(fc.property(probs, fc.integer({ min: 0, max: 9 }), (ps, k) => Math.abs(tailProbability(ps, k) - bruteTail(ps, k)) < 1e-12));
  });

  it('adding one more event gives the tail of the longer list, and never lowers it', () => {
    fc.assert(
      fc.property(probs, fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 1, max: 6 }), (ps, p, k) => {
        const withOne = tailWithOneMore(countDistribution(ps, k), p);
        return Math.abs(withOne - tailProbability([...ps, p], k)) < 1e-12 && withOne >= tailProbability(ps, k) - 1e-15;
      }),
    );
  });

  it('rejects a probability outside [0, 1]', () => {
    expect(() => countDistribution([0.5, 1.5], 1)).toThrow(/probability #1 is 1.5/);
  });
});

describe('Platt calibration', () => {
  it('keeps calibrated probabilities near the identity', () => {
    // Labels drawn exactly at the predicted rates (deterministically: fraction p of 100 copies).
    const p: number[] = [];
    const y: number[] = [];
    for (const q of [0.1, 0.3, 0.5, 0.7, 0.9]) for (let i = 0; i < 100; i++) {
      p.push(q);
      y.push(i < q * 100 ? 1 : 0);
    }
    const c = fitPlatt(p, y, { ridge: 0 });
    expect(c.a).toBeCloseTo(1, 3);
    expect(c.b).toBeCloseTo(0, 3);
  });

  it('pulls over-confident probabilities back', () => {
    const p: number[] = [];
    const y: number[] = [];
    // Predicted 0.9 / 0.1, observed 0.7 / 0.3: the fitted curve must soften them.
    for (let i = 0; i < 100; i++) {
      p.push(0.9, 0.1);
      y.push(i < 70 ? 1 : 0, i < 30 ? 1 : 0);
    }
    const c = fitPlatt(p, y, { ridge: 0 });
    expect(applyPlatt(c, 0.9)).toBeCloseTo(0.7, 3);
    expect(applyPlatt(c, 0.1)).toBeCloseTo(0.3, 3);
  });

  it('identity leaves probabilities unchanged and is monotone otherwise', () => {
    fc.assert(fc.property(fc.double({ min: 0.001, max: 0.999, noNaN: true }), (q) => Math.abs(applyPlatt(IDENTITY_PLATT, q) - q) < 1e-9));
    expect(sigmoid(logit(0.25))).toBeCloseTo(0.25, 12);
  });
});

/** A tiny batch: 3 snapshots, up to 2 pending invitees, F = 4 features of which C = 2 context. */
function tinyBatch(): TailBatch {
  const F = 4;
  const M = 2;
  const x = new Float32Array(3 * M * F);
  const rows = [[1, 0, 0.5, 1], [0, 1, 0.5, 1], [1, 1, 0.2, 0], [0, 0, 0, 0], [0, 0, 1, 0.3], [1, 0, 1, 0.3]];
  rows.forEach((r, i) => x.set(r, i * F));
  return {
    x, mask: Float32Array.from([1, 1, 1, 0, 1, 1]), joined: Float32Array.from([1, 0, 1, 0, 0, 0]),
    ctx: Float32Array.from([0.5, 1, 0.2, 0, 1, 0.3]), snapshots: 3, maxPending: M, need: Int32Array.from([1, 1, 2]), label: Float32Array.from([1, 1, 0]),
  };
}

describe('JoinNetwork (TF.js) and its plain-number twin', () => {
  beforeAll(() => tf.setBackend('cpu'));

  it('trains without leaking tensors, and the saved head reproduces its probabilities', async () => {
    const before = tf.memory().numTensors;
    const net = new JoinNetwork({ features: 4, contextColumns: 2, hidden: 3, seed: 1 });
    const fit = net.fit(tinyBatch(), tinyBatch(), { lr: 0.05, maxEpochs: 30, joinWeight: 1, l2: 1e-3, evalEvery: 5, patience: 100 });
    expect(fit.history.length).toBeGreaterThan(0);
    expect(fit.history[fit.history.length - 1]!.validLoss).toBeLessThan(fit.history[0]!.validLoss);
    const model = net.model({ a: 1.1, b: -0.2 });
    // The tail inside the TF graph equals the plain DP over the same join probabilities.
    const b = tinyBatch();
    const tfFill = net.fillProbabilities(b);
    const raw = net.model(IDENTITY_PLATT);
    for (let s = 0; s < b.snapshots; s++) {
      const rows = b.x.slice(s * 2 * 4, (s + 1) * 2 * 4);
      const q = Array.from(raw.joinProbabilities(rows)).filter((_, m) => b.mask[s * 2 + m] === 1);
      const extra = raw.extraProbability(b.ctx.slice(s * 2, s * 2 + 2));
      expect(tfFill[s]!).toBeCloseTo(raw.rawFillProbability(q, extra, b.need[s]!), 5);
    }
    net.dispose();
    expect(tf.memory().numTensors).toBe(before);

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gg-gbh-'));
    try {
      await saveHead(dir, model, { featureColumns: ['a', 'b', 'c', 'd'], featureVersion: 1 });
      expect(tf.memory().numTensors).toBe(before);
      const { model: back, config } = readHead(dir);
      expect(config.featureColumns).toEqual(['a', 'b', 'c', 'd']);
      expect(back.platt).toEqual({ a: 1.1, b: -0.2 });
      const x = tinyBatch().x;
      expect(Array.from(back.joinProbabilities(x))).toEqual(Array.from(model.joinProbabilities(x)));
      expect(back.fillProbability([0.3, 0.6], back.extraProbability([0.5, 1]), 2)).toBe(model.fillProbability([0.3, 0.6], model.extraProbability([0.5, 1]), 2));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the plain forward pass equals hand-computed numbers', () => {
    // F = 2, H = 1, C = 1: q = σ(w2·tanh(w1·x + b1) + v·x + b).
    const m = new GroupBuyHeadModel(
      { features: 2, contextColumns: 1, hidden: 1, w1: Float32Array.from([0.5, -1]), b1: Float32Array.from([0.1]), w2: Float32Array.from([2]), v: Float32Array.from([0.3, 0]), b: Float32Array.from([-0.5]), u: Float32Array.from([1]), c: Float32Array.from([-2]) },
      IDENTITY_PLATT,
    );
    const z = 2 * Math.tanh(0.5 * 1 - 1 * 2 + 0.1) + 0.3 * 1 - 0.5;
    expect(m.joinLogits([1, 2])[0]).toBeCloseTo(z, 6);
    expect(m.extraProbability([0.5])).toBeCloseTo(sigmoid(-1.5), 6);
    const q = sigmoid(z);
    expect(m.fillProbability([q], 0.2, 2)).toBeCloseTo(q * 0.2, 6);
    expect(m.fillProbability([q], 0.2, 0)).toBe(1);
    // The gain of a candidate with join probability p is p·P(exactly need − 1 of the others).
    const ifInvited = m.fillProbabilityIfInvited([q], 0.2, 2, [0.5]);
    expect(ifInvited[0]!).toBeCloseTo(tailProbability([q, 0.2, 0.5], 2), 12);
  });
});
