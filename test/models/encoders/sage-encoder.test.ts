import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { useCpuBackend } from '../layers/cpu-backend';
import { SageEncoder } from '../../../graph-models/encoders/sage-encoder';
import type { SageEncoderConfig } from '../../../graph-models/encoders/sage-encoder';
import { NeighborSampler } from '../../../graph-models/layers/neighbor-sampler';
import { SeededRandom } from '../../../graph-models/layers/seeded-random';
import { FRIEND, PURCHASED, REV_PURCHASED, communityGraph, fourNodeFeatures, fourNodeGraph } from '../layers/toy-graphs';

const RELATIONS = [PURCHASED, REV_PURCHASED, FRIEND];

function fourNodeConfig(overrides: Partial<SageEncoderConfig> = {}): SageEncoderConfig {
  return {
    nodeTypes: [
      { name: 'user', featureDim: 2, idVocab: 2 },
      { name: 'item', featureDim: 2, idVocab: 2 },
    ],
    relations: RELATIONS,
    hiddenDim: 8,
    outDim: 4,
    numLayers: 2,
    seed: 11,
    ...overrides,
  };
}

const rowsOf = (z: Record<string, tf.Tensor2D>): Record<string, number[][]> =>
  Object.fromEntries(Object.entries(z).map(([t, x]) => [t, x.arraySync()]));

/** Encodes and reads back, disposing the outputs. */
function encodeRows(encoder: SageEncoder, ...args: Parameters<SageEncoder['encode']>): Record<string, number[][]> {
  const z = encoder.encode(...args);
  try {
    return rowsOf(z);
  } finally {
    tf.dispose(z);
  }
}

beforeAll(useCpuBackend);

describe('SageEncoder (inductive heterogeneous GraphSAGE)', () => {
  const graph = fourNodeGraph({ isolatedUser: true });
  const features = fourNodeFeatures({ isolatedUser: true });
  const sampler = new NeighborSampler(graph, { fanouts: [5, 5], seed: 3 });
  const sample = sampler.sample({ user: Int32Array.of(0, 1, 0), item: Int32Array.of(1) });

  it('embeds the seeds of the 4-node graph as [numSeeds_t, d], L2-normalised, in seed order', () => {
    const encoder = new SageEncoder(fourNodeConfig({ aggregator: 'attention' }));
    const z = encoder.encode(sample, features);
    expect(z['user']!.shape).toEqual([3, 4]);
    expect(z['item']!.shape).toEqual([1, 4]);
    const norms = tf.tidy(() => tf.norm(z['user']!, 'euclidean', 1).arraySync() as number[]);
    norms.forEach((n) => expect(n).toBeCloseTo(1, 5));
    const rows = z['user']!.arraySync();
    expect(rows[2]).toEqual(rows[0]); // the repeated seed
    expect(rows[1]).not.toEqual(rows[0]);
    tf.dispose(z);
    encoder.dispose();
  });

  it('embeds a brand-new user (no edges, no id row) from its own features alone', () => {
    const encoder = new SageEncoder(fourNodeConfig());
    // u2: index 2 ≥ idVocab 2, no edges.
    const newUser = sampler.sample({ user: Int32Array.of(2) });
    const a = encodeRows(encoder, newUser, features)['user']![0]!;
    expect(a.every(Number.isFinite)).toBe(true);
    expect(Math.hypot(...a)).toBeCloseTo(1, 5);
    const changed = { ...features, user: { data: Float32Array.from([1, 2, 3, 4, -6, 5]), dim: 2 } };
    expect(encodeRows(encoder, newUser, changed)['user']![0]).not.toEqual(a);
    encoder.dispose();
  });

  it('initialises deterministically from its seed', () => {
    const a = new SageEncoder(fourNodeConfig());
    const b = new SageEncoder(fourNodeConfig());
    expect(encodeRows(b, sample, features)).toEqual(encodeRows(a, sample, features));
    expect(b.weightNames()).toEqual(a.weightNames());
    expect(a.weightNames().slice(0, 3)).toEqual(['proj/user/kernel', 'proj/user/bias', 'id_embedding/user/embeddings']);
    a.dispose();
    b.dispose();
  });

  it('round-trips getConfig → fromConfig + setWeights(getWeights) with identical outputs', () => {
    const encoder = new SageEncoder(fourNodeConfig({ aggregator: 'attention' }));
    // Move the weights away from their seeded start so the copy cannot match by accident.
    const rng = new SeededRandom(9);
    encoder.setWeights(encoder.getWeights().map((w) => tf.tensor(Float32Array.from({ length: w.size }, () => rng.nextFloat() - 0.5), w.shape)));
    const config = encoder.getConfig();
    expect(JSON.parse(JSON.stringify(config))).toEqual(config);
    const copy = SageEncoder.fromConfig({ ...config, seed: 12345 });
    expect(encodeRows(copy, sample, features)).not.toEqual(encodeRows(encoder, sample, features));
    copy.setWeights(encoder.getWeights());
    expect(encodeRows(copy, sample, features)).toEqual(encodeRows(encoder, sample, features));
    encoder.dispose();
    copy.dispose();
  });

  it('round-trips save(dir) → load(dir) with identical outputs and metadata', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sage-encoder-'));
    try {
      const encoder = new SageEncoder(fourNodeConfig({ seed: 5 }));
      await encoder.save(dir, { dataSnapshot: 'toy' });
      expect(fs.readdirSync(dir).sort()).toEqual(['model.json', 'weights.bin']);
      const { encoder: loaded, metadata } = await SageEncoder.load(dir);
      expect(metadata).toEqual({ dataSnapshot: 'toy' });
      expect(loaded.getConfig()).toEqual(encoder.getConfig());
      expect(encodeRows(loaded, sample, features)).toEqual(encodeRows(encoder, sample, features));
      encoder.dispose();
      loaded.dispose();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('leaks no tensors across encode and a training step', () => {
    const encoder = new SageEncoder(fourNodeConfig());
    const optimizer = tf.train.adam(0.01);
    const step = (): void => {
      const cost = optimizer.minimize(() => {
        const z = encoder.encode(sample, features);
        return tf.neg(tf.sum(tf.mul(z['user']!.slice(0, 1), z['item']!))) as tf.Scalar;
      }, true, encoder.trainableVariables());
      cost!.dispose();
    };
    step(); // creates Adam's slot variables once
    const before = tf.memory().numTensors;
    tf.dispose(encoder.encode(sample, features));
    step();
    expect(tf.memory().numTensors).toBe(before);
    encoder.dispose();
    optimizer.dispose();
  });

  it('learns link prediction on a toy graph: in-batch softmax loss decreases', () => {
    const { graph: g, features: x, pairs } = communityGraph({ users: 40, items: 30, perUser: 6, seed: 1, featureNoise: 1.5 });
    const encoder = new SageEncoder({
      nodeTypes: [{ name: 'user', featureDim: 4, idVocab: 40 }, { name: 'item', featureDim: 4, idVocab: 30 }],
      relations: RELATIONS,
      hiddenDim: 16,
      outDim: 16,
      seed: 2,
    });
    const s = new NeighborSampler(g, { fanouts: [5, 3], seed: 4 });
    const rng = new SeededRandom(6);
    const optimizer = tf.train.adam(0.01);
    const temperature = 0.2;
    const losses: number[] = [];
    for (let step = 0; step < 60; step++) {
      const batch = Array.from({ length: 24 }, () => rng.nextInt(pairs.users.length));
      const users = Int32Array.from(batch, (e) => pairs.users[e]!);
      const items = Int32Array.from(batch, (e) => pairs.items[e]!);
      const sub = s.sample({ user: users, item: items });
      const cost = optimizer.minimize(() => {
        const z = encoder.encode(sub, x);
        // Dot-product scores against every item of the batch; the diagonal is the positive.
        const logits = tf.div(tf.matMul(z['user']!, z['item']!, false, true), temperature);
        return tf.losses.softmaxCrossEntropy(tf.oneHot(tf.range(0, batch.length, 1, 'int32'), batch.length), logits) as tf.Scalar;
      }, true, encoder.trainableVariables());
      losses.push(cost!.dataSync()[0]!);
      cost!.dispose();
    }
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    // Chance level is ln(24) ≈ 3.18; separating the two communities alone gets to ≈ ln(12) ≈ 2.48.
    const start = mean(losses.slice(0, 3));
    const end = mean(losses.slice(-10));
    expect(start).toBeGreaterThan(2.8);
    expect(end).toBeLessThan(start - 0.3);
    expect(end).toBeLessThan(Math.log(24) - 0.5);
    encoder.dispose();
    optimizer.dispose();
  });

  it('rejects a sample that does not fit the encoder', () => {
    const encoder = new SageEncoder(fourNodeConfig({ numLayers: 1 }));
    expect(() => encoder.encode(sample, features)).toThrow(/1 layers but the sample has 2 blocks/);
    expect(() => new SageEncoder(fourNodeConfig({ nodeTypes: [{ name: 'user', featureDim: 0 }] }))).toThrow(/neither features nor id embeddings/);
    const narrow = new SageEncoder(fourNodeConfig());
    expect(() => narrow.encode(sample, { ...features, item: { data: new Float32Array(6), dim: 3 } })).toThrow(/features.item has dim 3/);
    encoder.dispose();
    narrow.dispose();
  });
});
