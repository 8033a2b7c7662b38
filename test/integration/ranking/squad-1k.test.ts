import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { ARTIFACTS_DIR } from '../../../src/embeddings/artifact-store';
import { loadHeteroGraph } from '../../../src/features/load-graph';
import type { GraphClient } from '../../../src/graph/graph-client';
import { exportSquads } from '../../../src/graph/queries/squad-signals';
import { truthFilePath } from '../../../src/ingest/seed-world';
import { SageEncoder } from '../../../graph-models/encoders/sage-encoder';
import { sageEmbedder } from '../../../graph-models/heads/squad/embeddings';
import { loadSquadUtility } from '../../../graph-models/heads/squad/evaluation/truth-utility';
import { runSquadHead } from '../../../graph-models/heads/squad/run';
import { TEST_NOW } from '../../support/graph';
import { seededTestWorld } from '../../support/world';

/**
 * The squad head learns something "most popular among the members" cannot: on the 1k world
 * (world seed 11, training seed 5, pure-JS CPU backend, embeddings from the committed
 * sage/demo-v1 encoder, which is inductive and never saw this world) it beats that baseline
 * on the held-out last 28 days, full ranking per squad. Labels "any" (what any member
 * bought: ~140 squads per 1k world; "bought together" has only ~20, too few to assert a
 * margin on). Measured on world seeds 11/12/13: Recall@20 +0.21/+0.13/+0.07 over the
 * baseline, +0.22/+0.20/+0.14 over the untrained squadScore; the margin below leaves room
 * for the smallest.
 */
const RECALL20_MARGIN = 0.05;

describe('squad head on the 1k world (real Neo4j, CPU backend)', () => {
  const world = seededTestWorld('sq', { users: 1000, seed: 11 });
  const { dataset, truthDir } = world;
  let graph: GraphClient;

  beforeAll(async () => {
    graph = world.graph;
    await tf.setBackend('cpu');
  });

  it(`beats most popular among the members on Recall@20 by ${RECALL20_MARGIN} and the untrained squadScore, with no training label inside the test window`, async () => {
    const g = await loadHeteroGraph(graph, dataset);
    const squads = await exportSquads(graph, dataset);
    const oracle = await loadSquadUtility(truthFilePath(truthDir, dataset), g.nodes.user.ids, g.nodes.item.ids);
    const { encoder } = await SageEncoder.load(path.join(ARTIFACTS_DIR, 'sage', 'demo-v1'));
    let report;
    try {
      ({ report } = runSquadHead(g, squads, { cutoff: TEST_NOW, seed: 5, encoder: 'sage/demo-v1', embed: sageEmbedder(encoder, g, [10, 5]), oracle, labels: 'any' }));
    } finally {
      encoder.dispose();
    }

    const any = report.test.any;
    expect(any.head.users).toBeGreaterThan(100);
    expect(any.popular.users).toBe(any.head.users);
    expect(any.head.recall[20]!).toBeGreaterThanOrEqual(any.popular.recall[20]! + RECALL20_MARGIN);
    expect(any.head.recall[20]!).toBeGreaterThan(any.squadScore.recall[20]!);
    expect(any.head.ndcg[20]!).toBeGreaterThan(any.popular.ndcg[20]!);
    // "Bought together" is scored with the same weights; too few squads for a margin, the head still leads.
    const together = report.test.together;
    expect(together.head.users).toBeGreaterThan(10);
    expect(together.head.recall[20]!).toBeGreaterThan(together.popular.recall[20]!);
    // No training label reaches into the test window.
    expect(report.split.windows.every((w) => Date.parse(w.to) <= report.split.splitAt)).toBe(true);
    // The planted-truth comparison runs on a synthetic world.
    expect(any.oracle).not.toBeNull();
  }, 120_000);
});
