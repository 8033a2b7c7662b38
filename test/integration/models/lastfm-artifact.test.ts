import path from 'node:path';
import { fixedClock } from '../../../src/clock/clock';
import { PROJECT_ROOT } from '../../../src/config/config';
import { ARTIFACTS_DIR, ArtifactStore, type ArtifactRef } from '../../../src/embeddings/artifact-store';
import type { HeteroGraph } from '../../../src/features/hetero-graph';
import { loadHeteroGraph } from '../../../src/features/load-graph';
import { splitInteractions } from '../../../src/features/splits';
import type { GraphClient } from '../../../src/graph/graph-client';
import { readDataset } from '../../../src/import/read-dataset';
import { parseImportArgs } from '../../../src/import/spec';
import { ingestDataset } from '../../../src/ingest/ingest';
import { silentLogger } from '../../../src/logging/logger';
import { initTfBackend, requiredBackend } from '../../../src/runtime/tf-backend';
import { LightGcn } from '../../../graph-models/encoders/lightgcn';
import { evaluateRanking } from '../../../graph-models/evaluation/ranking-metrics';
import { blendScorer, blendWeightsOf } from '../../../graph-models/evaluation/score-blend';
import { blendPartsOf, splitCsrs } from '../../../graph-models/training/train-collaborative';
import { dropDataset, testConfig, testGraph, TEST_NOW, uniqueDataset } from '../../support/graph';

const LASTFM = path.join(PROJECT_ROOT, '..', 'shared', 'datasets', 'lastfm');
const artifacts = new ArtifactStore(ARTIFACTS_DIR).list().filter((a) => a.manifest.dataset === 'lastfm' && a.manifest.kind === 'lightgcn');

describe('the committed lastfm artifacts', () => {
  let graph: GraphClient;
  let g: HeteroGraph;
  const dataset = uniqueDataset('lfa');

  beforeAll(async () => {
    // The backend the CLI and the server pick (native in CI, which requires it): scoring
    // every test user against every item on the plain-JS cpu backend took 14-30 s per
    // artifact on a slow machine, ~10x the native time, and pushed this file past 300 s.
    await initTfBackend({ logger: silentLogger, ...requiredBackend(testConfig()) });
    graph = await testGraph();
    const spec = parseImportArgs(['--dataset', dataset, '--train', path.join(LASTFM, 'train_set.txt'), '--test', path.join(LASTFM, 'test_set.txt'), '--social', path.join(LASTFM, 'trust.txt'), '--format', 'csv']);
    await ingestDataset({ graph, dataset, rows: (await readDataset(spec)).rows, reset: false, clock: fixedClock(TEST_NOW), logger: silentLogger, meta: { kind: 'imported', cutoff: null, seed: null, source: 'test' } });
    g = await loadHeteroGraph(graph, dataset);
  }, 240_000);
  afterAll(async () => {
    await dropDataset(graph, dataset);
    await graph.close();
  });

  it('are committed: the BPR anchor and the sampled-softmax one', () => {
    expect(artifacts.map((a) => a.manifest.version)).toEqual(expect.arrayContaining(['lastfm-v2', 'lastfm-softmax', 'lastfm-softmax-t015', 'lastfm-softmax-t015-n4096', 'lastfm-softmax-t015-n4096-init2021', 'lastfm-softmax-t015-n8192', 'lastfm-softmax-t015-n4096-d128', 'lastfm-softmax-t015-n8192-d128', 'lastfm-softmax-t015-n4096-d128-decay', 'lastfm-softmax-t015-n4096-d128-decay-init2021']));
  });

  // One test per artifact, each with its own time budget, over one import of the set.
  it.each(artifacts.map((a) => [a.manifest.version, a] as const))('%s reloads and recomputes its reported test R@20 / N@20 to within 1e-4, through import, export and split', async (_version, artifact) => {
    await expectReproduced(g, artifact);
  }, 180_000);
});

async function expectReproduced(g: HeteroGraph, artifact: ArtifactRef): Promise<void> {
  const m = artifact.manifest;
  const split = splitInteractions(g, { seed: m.seed });
  const c = splitCsrs(split, g);
  const social = m.hyperparameters.social !== 'none' && c.social ? { social: { offsets: c.social.offsets, targets: c.social.items } } : {};
  // A refit model propagates over train + validation (the graph it was retrained on).
  const graphOf = m.hyperparameters.refit ? c.trainAll : c.train;
  const { model } = await LightGcn.load(artifact.dir, { interactions: { offsets: graphOf.offsets, targets: graphOf.items }, ...social });
  try {
    // A blended artifact reports the blend: item-kNN and the friends' count over the same train + validation.
    const w = blendWeightsOf(m.hyperparameters);
    const alone = (u: Int32Array, out?: Float32Array) => model.scoreUsers(u, out);
    const scorer = w ? blendScorer(alone, blendPartsOf(c.trainAll, m.hyperparameters.social !== 'none' ? c.social : null), w, c.trainAll.numItems) : alone;
    const r = evaluateRanking({ train: c.trainAll, test: c.test, scorer, ks: [10, 20] });
    const reported = m.metrics.test as { recall: Record<string, number>; ndcg: Record<string, number>; users: number };
    expect({ version: m.version, users: r.users }).toEqual({ version: m.version, users: reported.users });
    expect(Math.abs(r.recall[20]! - reported.recall['20']!)).toBeLessThanOrEqual(1e-4);
    expect(Math.abs(r.ndcg[20]! - reported.ndcg['20']!)).toBeLessThanOrEqual(1e-4);
  } finally {
    model.dispose();
  }
}
