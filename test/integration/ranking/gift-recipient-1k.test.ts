import * as tf from '@tensorflow/tfjs';
import { loadHeteroGraph } from '../../../src/features/load-graph';
import type { GraphClient } from '../../../src/graph/graph-client';
import { datasetOccasions, exportGifts } from '../../../src/graph/queries/gift-signals';
import { truthFilePath } from '../../../src/ingest/seed-world';
import { loadNextGiftTruth } from '../../../graph-models/heads/gift-recipient/evaluation/truth-recall';
import { runGiftHead } from '../../../graph-models/heads/gift-recipient/run';
import { TEST_NOW } from '../../support/graph';
import { seededTestWorld } from '../../support/world';

/**
 * The gift-recipient head learns something the interaction-count baseline cannot: on the
 * 1k world (world seed 11, training seed 5, pure-JS CPU backend) it beats "the friend with
 * the most interactions in the training period" on the held-out last 28 days by a stated
 * margin, per sender over senders who gifted. Measured on world seeds 11/12/13: Recall@1
 * +0.16/+0.19/+0.06, NDCG@5 +0.10/+0.12/+0.06; the margins below leave room for the
 * smallest of those.
 */
const RECALL1_MARGIN = 0.05;
const NDCG5_MARGIN = 0.03;

describe('gift-recipient head on the 1k world (real Neo4j, CPU backend)', () => {
  const world = seededTestWorld('gr', { users: 1000, seed: 11 });
  const { dataset, truthDir } = world;
  let graph: GraphClient;

  beforeAll(async () => {
    graph = world.graph;
    await tf.setBackend('cpu');
  });

  it(`beats the interaction-count baseline on the test window (Recall@1 +${RECALL1_MARGIN}, NDCG@5 +${NDCG5_MARGIN})`, async () => {
    const g = await loadHeteroGraph(graph, dataset);
    const gifts = await exportGifts(graph, dataset);
    const occasions = await datasetOccasions(graph, dataset);
    const truth = await loadNextGiftTruth(truthFilePath(truthDir, dataset));
    const { report } = runGiftHead(g, gifts, occasions, { cutoff: TEST_NOW, seed: 5, truth });

    const model = report.test.model.ranking;
    const base = report.test.baseline.ranking;
    expect(model.senders).toBeGreaterThan(50);
    expect(model.senders).toBe(base.senders);
    expect(model.recall[1]!).toBeGreaterThanOrEqual(base.recall[1]! + RECALL1_MARGIN);
    expect(model.ndcg[5]!).toBeGreaterThanOrEqual(base.ndcg[5]! + NDCG5_MARGIN);
    // Probabilities, not just scores: pooled AUC above the baseline's, calibration error small.
    expect(report.test.model.auc).toBeGreaterThan(report.test.baseline.auc);
    expect(report.test.model.calibration.ece).toBeLessThan(0.02);
    // No training label reaches into the test window.
    expect(report.split.cutPoints.every((c) => Date.parse(c.t) + c.windowDays * 86_400_000 <= report.split.splitAt)).toBe(true);
    // The planted-truth comparison runs on a synthetic world.
    expect(report.oracle).not.toBeNull();
    expect(report.oracle!.byK[5]!.expectedRecall.oracle!).toBeGreaterThanOrEqual(report.oracle!.byK[5]!.expectedRecall.model!);
  }, 120_000);
});
