import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { LightGcn } from '../../../graph-models/encoders/lightgcn';
import type { LightGcnGraph } from '../../../graph-models/encoders/lightgcn';
import { csrFromEdges } from '../../../graph-models/layers/graph-types';
import { SeededRandom } from '../../../graph-models/layers/seeded-random';
import { useCpuBackend } from '../layers/cpu-backend';

/** u0–i0, u0–i1, u1–i1 (degrees u0 2, u1 1, i0 1, i1 2); optionally u0–u1 friends. */
const TINY: LightGcnGraph = { interactions: csrFromEdges(2, [0, 0, 1], [0, 1, 1]) };
const TINY_SOCIAL: LightGcnGraph = { ...TINY, social: csrFromEdges(2, [0, 1], [1, 0]) };
/** E^(0): users [[1, 0], [0, 1]], items [[1, 1], [2, 0]]. */
const E0 = (): tf.Tensor[] => [tf.tensor2d([[1, 0], [0, 1]]), tf.tensor2d([[1, 1], [2, 0]])];

function expectRowsClose(got: ArrayLike<number>, want: number[], digits = 4): void {
  expect(got.length).toBe(want.length);
  want.forEach((w, i) => expect(got[i]!).toBeCloseTo(w, digits));
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * Two taste communities of 12 users × 12 items; each user likes 6 items of its own half,
 * one of which is held out of training. `auc`: the share of (held-out positive,
 * other-community item) pairs a model ranks correctly, over all users.
 */
function toyCommunities() {
  const U = 24;
  const I = 24;
  const rng = new SeededRandom(21);
  const train: [number, number][] = [];
  const heldOut = new Int32Array(U);
  for (let u = 0; u < U; u++) {
    const base = u < U / 2 ? 0 : I / 2;
    const liked = new Set<number>();
    while (liked.size < 6) liked.add(base + rng.nextInt(I / 2));
    const [first, ...rest] = [...liked];
    heldOut[u] = first!;
    for (const i of rest) train.push([u, i]);
  }
  const graph: LightGcnGraph = { interactions: csrFromEdges(U, train.map((p) => p[0]), train.map((p) => p[1])) };
  const auc = (model: LightGcn): number => {
    const scores = model.scoreUsers(Int32Array.from({ length: U }, (_, u) => u));
    let right = 0;
    let total = 0;
    for (let u = 0; u < U; u++) {
      const negatives = u < U / 2 ? [I / 2, I] : [0, I / 2];
      for (let j = negatives[0]!; j < negatives[1]!; j++, total++) if (scores[u * I + heldOut[u]!]! > scores[u * I + j]!) right++;
    }
    return right / total;
  };
  return { U, I, train, graph, auc };
}

beforeAll(useCpuBackend);

describe('LightGcn (LightGCN / SocialLGN)', () => {
  it('propagates E^(k+1) = D^-1/2 A D^-1/2 E^(k) and averages layers, by hand', () => {
    const model = new LightGcn({ numUsers: 2, numItems: 2, dim: 2, numLayers: 1 }, TINY);
    model.setWeights(E0());
    // Weights 1/sqrt(du·di): (u0,i0) 1/√2, (u0,i1) 1/2, (u1,i1) 1/√2.
    // E^1 users: u0 = [1,1]/√2 + [2,0]/2 = [1.7071, 0.7071]; u1 = [2,0]/√2 = [1.4142, 0]
    // E^1 items: i0 = [1,0]/√2 = [0.7071, 0];   i1 = [1,0]/2 + [0,1]/√2 = [0.5, 0.7071]
    // final = (E^0 + E^1) / 2.
    const { users, items } = model.embeddings();
    expectRowsClose(users, [1.35355, 0.35355, 0.70711, 0.5]);
    expectRowsClose(items, [0.85355, 0.5, 1.25, 0.35355]);
    // scoreUsers: [b, numItems] row-major, rows in the order asked.
    expectRowsClose(model.scoreUsers(Int32Array.of(1, 0)), [0.85355, 1.06066, 1.33211, 1.81694]);
    model.dispose();
  });

  it('switches the social graph on: parameter-free mean and SocialLGN fusion', () => {
    const mean = new LightGcn({ numUsers: 2, numItems: 2, dim: 2, numLayers: 1, social: 'mean' }, TINY_SOCIAL);
    mean.setWeights(E0());
    // Friends (degree 1 each) pass E^0 unchanged: u0 ← [0,1], u1 ← [1,0].
    // E^1 users = (rating view + social view) / 2: u0 [0.85355, 0.85355], u1 [1.20711, 0]; items as plain LightGCN.
    const { users, items } = mean.embeddings();
    expectRowsClose(users, [0.92678, 0.42678, 0.60355, 0.5]);
    expectRowsClose(items, [0.85355, 0.5, 1.25, 0.35355]);
    mean.dispose();

    const fusion = new LightGcn({ numUsers: 2, numItems: 2, dim: 2, numLayers: 2, social: 'fusion' }, TINY_SOCIAL);
    expect(fusion.weightNames()).toEqual(['user_embedding', 'item_embedding', 'fusion/w_social', 'fusion/w_rating', 'fusion/w_comb', 'fusion/b_comb']);
    expect(fusion.scoreUsers(Int32Array.of(0, 1, 1)).length).toBe(3 * 2);
    fusion.dispose();
    expect(() => new LightGcn({ numUsers: 2, numItems: 2, social: 'fusion' }, TINY)).toThrow(/no social adjacency/);
  });

  it('computes the BPR loss with L2 on the batch E^(0) rows', () => {
    const model = new LightGcn({ numUsers: 2, numItems: 2, dim: 2, numLayers: 0 }, TINY);
    model.setWeights(E0());
    // K = 0: e = E^0. Triple (u0, i0, i1): x_ui = 1, x_uj = 2 → softplus(1) = 1.31326.
    // L2: ½(‖u0‖² + ‖i0‖² + ‖i1‖²)/B = ½(1 + 2 + 4) = 3.5, times λ = 0.1.
    const loss = model.bprLoss({ users: Int32Array.of(0), positives: Int32Array.of(0), negatives: Int32Array.of(1) }, 0.1);
    expect(loss.dataSync()[0]).toBeCloseTo(Math.log1p(Math.E) + 0.35, 5);
    loss.dispose();
    model.dispose();
  });

  it('trained with BPR on a toy bipartite graph, ranks held-out positives above negatives', () => {
    const toy = toyCommunities();
    const model = new LightGcn({ numUsers: toy.U, numItems: toy.I, dim: 16, numLayers: 2, seed: 3 }, toy.graph);
    const before = toy.auc(model);
    const optimizer = tf.train.adam(0.02);
    const batchRng = new SeededRandom(5);
    const losses: number[] = [];
    // λ = 0.03 (LightGCN uses 1e-4 on real data): uniform negatives often hit the held-out
    // item, and on 24 items a weak L2 lets the model memorise its way past it.
    for (let step = 0; step < 300; step++) losses.push(model.trainStep(optimizer, model.sampleBatch(64, batchRng), 0.03));
    expect(before).toBeLessThan(0.8);
    expect(toy.auc(model)).toBeGreaterThan(0.95);
    expect(mean(losses.slice(-20))).toBeLessThan(mean(losses.slice(0, 20)));
    model.dispose();
    optimizer.dispose();
  });

  it('computes the sampled-softmax loss over cosine scores, with L2 on the batch user and positive E^(0) rows', () => {
    const model = new LightGcn({ numUsers: 2, numItems: 2, dim: 2, numLayers: 0, similarity: 'cosine' }, TINY);
    model.setWeights(E0());
    // K = 0: e = E^0. cos(u0, i0) = 1/√2, cos(u0, i1) = 1; τ = 0.5 → logits [√2, 2].
    // L2: ½(‖u0‖² + ‖i0‖²)/B = ½(1 + 2) = 1.5, times λ = 0.1; the shared negative is not regularised.
    const loss = model.softmaxLoss({ users: Int32Array.of(0), positives: Int32Array.of(0), negatives: Int32Array.of(1) }, 0.5, 0.1);
    expect(loss.dataSync()[0]).toBeCloseTo(Math.log(Math.exp(Math.SQRT2) + Math.exp(2)) - Math.SQRT2 + 0.15, 5);
    loss.dispose();
    // Scores are cosines of the final embeddings: u1 = [0, 1] against i0 = [1, 1], i1 = [2, 0].
    expectRowsClose(model.scoreUsers(Int32Array.of(1)), [Math.SQRT1_2, 0]);
    expect(() => model.softmaxLoss({ users: Int32Array.of(0), positives: Int32Array.of(0), negatives: Int32Array.of() })).toThrow(/some negatives/);
    expect(() => model.softmaxLoss({ users: Int32Array.of(0), positives: Int32Array.of(0), negatives: Int32Array.of(1) }, 0)).toThrow(/temperature must be > 0/);
    model.dispose();
    expect(() => new LightGcn({ numUsers: 2, numItems: 2, similarity: 'l1' as never }, TINY)).toThrow(/similarity must be one of dot, cosine/);
  });

  it('samples softmax batches of training pairs with N shared uniform negatives, reproducibly for a seed', () => {
    const toy = toyCommunities();
    const model = new LightGcn({ numUsers: toy.U, numItems: toy.I, dim: 4, numLayers: 1 }, toy.graph);
    const a = model.sampleSoftmaxBatch(50, 7, new SeededRandom(4));
    expect(a.users.length).toBe(50);
    expect(a.negatives.length).toBe(7);
    const pairs = new Set(toy.train.map(([u, i]) => `${u}:${i}`));
    for (let n = 0; n < 50; n++) expect(pairs.has(`${a.users[n]}:${a.positives[n]}`)).toBe(true);
    for (const j of a.negatives) expect(j >= 0 && j < toy.I).toBe(true);
    expect(model.sampleSoftmaxBatch(50, 7, new SeededRandom(4))).toEqual(a);
    model.dispose();
  });

  it('trained with the sampled softmax on a toy bipartite graph, ranks held-out positives above negatives', () => {
    const toy = toyCommunities();
    const model = new LightGcn({ numUsers: toy.U, numItems: toy.I, dim: 16, numLayers: 2, seed: 3, similarity: 'cosine' }, toy.graph);
    const before = toy.auc(model);
    const optimizer = tf.train.adam(0.02);
    const batchRng = new SeededRandom(5);
    const losses: number[] = [];
    for (let step = 0; step < 300; step++) losses.push(model.trainStepSoftmax(optimizer, model.sampleSoftmaxBatch(64, 8, batchRng), 0.2, 0.03));
    expect(before).toBeLessThan(0.8);
    expect(toy.auc(model)).toBeGreaterThan(0.95);
    expect(mean(losses.slice(-20))).toBeLessThan(mean(losses.slice(0, 20)));
    model.dispose();
    optimizer.dispose();
  });

  it('round-trips save(dir) → load(dir, graph) with identical scores, and refuses another graph', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lightgcn-'));
    try {
      const model = new LightGcn({ numUsers: 2, numItems: 2, dim: 3, numLayers: 2, social: 'fusion', seed: 8 }, TINY_SOCIAL);
      const optimizer = tf.train.sgd(0.1);
      model.trainStep(optimizer, { users: Int32Array.of(0, 1), positives: Int32Array.of(1, 1), negatives: Int32Array.of(0, 0) });
      const scores = model.scoreUsers(Int32Array.of(0, 1));
      await model.save(dir, { split: 'toy' });
      const { model: loaded, metadata } = await LightGcn.load(dir, TINY_SOCIAL);
      expect(metadata).toEqual({ split: 'toy' });
      expect(loaded.getConfig()).toEqual(model.getConfig());
      expect(loaded.scoreUsers(Int32Array.of(0, 1))).toEqual(scores);
      await expect(LightGcn.load(dir, { ...TINY_SOCIAL, interactions: csrFromEdges(2, [0, 1], [0, 1]) })).rejects.toThrow(/trained on graph/);
      model.dispose();
      loaded.dispose();
      optimizer.dispose();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('leaks no tensors across a training step and scoring', () => {
    const model = new LightGcn({ numUsers: 2, numItems: 2, dim: 4, numLayers: 2, social: 'fusion' }, TINY_SOCIAL);
    const optimizer = tf.train.adam(0.01);
    const rng = new SeededRandom(1);
    model.trainStep(optimizer, model.sampleBatch(4, rng)); // Adam's slots
    model.scoreUsers(Int32Array.of(0)); // the scoring cache
    const before = tf.memory().numTensors;
    model.trainStep(optimizer, model.sampleBatch(4, rng));
    model.scoreUsers(Int32Array.of(0, 1));
    model.scoreUsers(Int32Array.of(1));
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
    optimizer.dispose();
  });

  it('rejects a graph that does not fit its config, naming the value', () => {
    expect(() => new LightGcn({ numUsers: 3, numItems: 2 }, TINY)).toThrow(/interactions.offsets must have 4 entries, got 3/);
    expect(() => new LightGcn({ numUsers: 2, numItems: 1 }, TINY)).toThrow(/targets\[1\] = 1 is outside 0 … 0/);
    const model = new LightGcn({ numUsers: 2, numItems: 2 }, TINY);
    expect(() => model.scoreUsers(Int32Array.of(2))).toThrow(/user 2 is outside/);
    model.dispose();
  });
});
