import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { useCpuBackend } from '../layers/cpu-backend';
import { SageEncoder } from '../../../graph-models/encoders/sage-encoder';
import { PlainSageForward } from '../../../graph-models/encoders/sage-plain-forward';
import { NeighborSampler } from '../../../graph-models/layers/neighbor-sampler';
import type { SageActivation } from '../../../graph-models/layers/sage-conv';
import { FRIEND, PURCHASED, REV_PURCHASED, communityGraph } from '../layers/toy-graphs';

beforeAll(useCpuBackend);

/** An encoder with every weight (biases included) moved off its initial value, seeded. */
function perturbedEncoder(o: { seed: number; activation: SageActivation; normalizeHidden: boolean; numLayers: number; idVocab: number; aggregator?: 'mean' | 'attention' }): SageEncoder {
  const encoder = new SageEncoder({
    nodeTypes: [
      { name: 'user', featureDim: 4, idVocab: o.idVocab },
      { name: 'item', featureDim: 4 },
    ],
    relations: [PURCHASED, REV_PURCHASED, FRIEND],
    hiddenDim: 8,
    outDim: 6,
    numLayers: o.numLayers,
    activation: o.activation,
    normalizeHidden: o.normalizeHidden,
    aggregator: o.aggregator ?? 'mean',
    seed: o.seed,
  });
  const moved = tf.tidy(() => encoder.getWeights().map((w, i) => tf.add(w, tf.randomNormal(w.shape, 0, 0.3, 'float32', o.seed * 100 + i))));
  encoder.setWeights(moved);
  tf.dispose(moved);
  return encoder;
}

describe('PlainSageForward (the refresh path without TF.js)', () => {
  const { graph, features } = communityGraph({ users: 40, items: 30, perUser: 4, seed: 5 });

  it('computes what SageEncoder.encode computes, to float32 rounding, for any mean-aggregation configuration', () => {
    fc.assert(
      fc.property(
        fc.record({
          seed: fc.integer({ min: 1, max: 1000 }),
          activation: fc.constantFrom<SageActivation>('relu', 'linear', 'elu', 'tanh', 'sigmoid', 'leakyRelu'),
          normalizeHidden: fc.boolean(),
          numLayers: fc.integer({ min: 1, max: 3 }),
          idVocab: fc.constantFrom(0, 20, 40),
          users: fc.uniqueArray(fc.integer({ min: 0, max: 39 }), { minLength: 0, maxLength: 5 }),
          items: fc.uniqueArray(fc.integer({ min: 0, max: 29 }), { minLength: 1, maxLength: 3 }),
        }),
        (o) => {
          const encoder = perturbedEncoder(o);
          try {
            const sample = new NeighborSampler(graph, { fanouts: Array.from({ length: o.numLayers }, () => 3), seed: o.seed }).sample({ user: Int32Array.from(o.users), item: Int32Array.from(o.items) });
            const viaTf = encoder.encode(sample, features);
            const plain = PlainSageForward.fromEncoder(encoder);
            for (const t of ['user', 'item']) {
              const want = viaTf[t]!.dataSync();
              const got = plain.encode(sample, features, t);
              expect(got.length).toBe(want.length);
              for (let i = 0; i < got.length; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThan(1e-5);
            }
            tf.dispose(viaTf);
          } finally {
            encoder.dispose();
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('refuses attention aggregation, which only the TF.js encoder runs', () => {
    const encoder = perturbedEncoder({ seed: 1, activation: 'relu', normalizeHidden: true, numLayers: 2, idVocab: 0, aggregator: 'attention' });
    try {
      expect(PlainSageForward.supports(encoder.getConfig())).toBe(false);
      expect(() => PlainSageForward.fromEncoder(encoder)).toThrow(/mean aggregation only/);
    } finally {
      encoder.dispose();
    }
  });

  it('holds no tensors: reading the weights leaves the tensor count unchanged', () => {
    const encoder = perturbedEncoder({ seed: 2, activation: 'relu', normalizeHidden: true, numLayers: 2, idVocab: 0 });
    const before = tf.memory().numTensors;
    const plain = PlainSageForward.fromEncoder(encoder);
    const sample = new NeighborSampler(graph, { fanouts: [3, 3], seed: 2 }).sample({ user: Int32Array.of(1, 2) });
    expect(plain.encode(sample, features, 'user')).toHaveLength(12);
    expect(tf.memory().numTensors).toBe(before);
    encoder.dispose();
  });
});
