import * as tf from '@tensorflow/tfjs';
import { loadHeteroGraph } from '../../../src/features/load-graph';
import { exportGifts } from '../../../src/graph/queries/gift-signals';
import { splitInteractions } from '../../../src/features/splits';
import type { GraphClient } from '../../../src/graph/graph-client';
import { truthFilePath } from '../../../src/ingest/seed-world';
import { trainInductive } from '../../../graph-models/training/train-inductive';
import { TEST_NOW } from '../../support/graph';
import { seededTestWorld } from '../../support/world';

/**
 * The serving model learns something real: trained on the 1k world (fixed seed, pure-JS
 * CPU backend, a few epochs) it beats most-popular on the held-out last 28 days by a
 * stated margin, and stays below the planted-truth oracle's reach only by what data allows.
 */
const MARGIN = 0.02;

describe('training the SAGE encoder on the 1k world (real Neo4j, CPU backend)', () => {
  const world = seededTestWorld('tr', { users: 1000, seed: 11 });
  const { dataset, truthDir } = world;
  let graph: GraphClient;

  beforeAll(async () => {
    graph = world.graph;
    await tf.setBackend('cpu');
  });

  it(`beats most-popular Recall@20 by at least ${MARGIN} on the time split, on cold-start items too, and ranks gift recipients above other friends`, async () => {
    const g = await loadHeteroGraph(graph, dataset);
    const giftEvents = await exportGifts(graph, dataset);
    const split = splitInteractions(g, { seed: 5, cutoff: TEST_NOW, testDays: 28 });
    const { report, dispose } = await trainInductive(split, g, {
      dataset, seed: 5, maxEpochs: 3, evalEvery: 1, patience: 2, timeBudgetMs: 0, resume: false, checkpointDir: null,
      baselines: { itemKnn: false, bprMf: false, social: false },
      truthFile: truthFilePath(truthDir, dataset),
      hiddenDim: 32, outDim: 32, fanouts: [10, 5], batchSize: 256, lr: 0.005, temperature: 0.1, friendWeight: 0.5, giftWeight: 0.3, giftEvents,
    });
    dispose();
    const pop = report.baselines.find((b) => b.name === 'most-popular')!;
    expect(report.test.users).toBeGreaterThan(100);
    expect(report.test.recall[20]!).toBeGreaterThanOrEqual(pop.recall[20]! + MARGIN);
    expect(report.oracle).not.toBeNull();
    // Items first bought in the test window: popularity has nothing on them, the inductive encoder does.
    expect(report.coldStartItems.model.users).toBeGreaterThan(20);
    expect(report.coldStartItems.model.recall[20]!).toBeGreaterThanOrEqual(report.coldStartItems.mostPopular.recall[20]! + MARGIN);
    // Gifts after the split: the recipient scores above a friend who was not gifted.
    expect(report.gifts.train).toBeGreaterThan(0);
    expect(report.gifts.test).toBeGreaterThan(20);
    expect(report.gifts.auc!).toBeGreaterThan(0.55);
  }, 400_000);
});
