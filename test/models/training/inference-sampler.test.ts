import fc from 'fast-check';
import { NeighborSampler } from '../../../graph-models/layers/neighbor-sampler';
import { INFERENCE_SAMPLE_SEED, inferenceSampler } from '../../../graph-models/training/sage-trainable';
import { communityGraph } from '../layers/toy-graphs';

describe('inferenceSampler (one sampler per graph object and fanouts)', () => {
  const { graph } = communityGraph({ users: 40, items: 30, perUser: 4, seed: 5 });

  it('is built once per graph object and fanouts, and apart for other fanouts or another graph', () => {
    const a = inferenceSampler(graph, [10, 5]);
    expect(inferenceSampler(graph, [10, 5])).toBe(a);
    expect(inferenceSampler(graph, [10, 4])).not.toBe(a);
    const other = communityGraph({ users: 40, items: 30, perUser: 4, seed: 5 }).graph;
    expect(inferenceSampler(other, [10, 5])).not.toBe(a);
  });

  it('samples what a fresh sampler samples for a given seed, whatever it sampled before', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uniqueArray(fc.integer({ min: 0, max: 39 }), { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 0, max: 1000 }),
        (earlier, seedOffset) => {
          const shared = inferenceSampler(graph, [3, 2]);
          for (const users of earlier) shared.sample({ user: Int32Array.from(users) }, { seed: INFERENCE_SAMPLE_SEED + seedOffset + 1 });
          const seeds = { user: Int32Array.from(earlier[0]!), item: Int32Array.of(0, 7) };
          const fresh = new NeighborSampler(graph, { fanouts: [3, 2], seed: INFERENCE_SAMPLE_SEED });
          expect(shared.sample(seeds, { seed: INFERENCE_SAMPLE_SEED + seedOffset })).toEqual(fresh.sample(seeds, { seed: INFERENCE_SAMPLE_SEED + seedOffset }));
        },
      ),
      { numRuns: 40 },
    );
  });
});
