import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fixedClock } from '../../../src/clock/clock';
import { ARTIFACTS_DIR, ArtifactStore } from '../../../src/embeddings/artifact-store';
import { encodeAndWriteBack } from '../../../src/embeddings/encoder-runtime';
import { DEMO_CUTOFF_MS } from '../../../src/embeddings/demo';
import type { GraphClient } from '../../../src/graph/graph-client';
import { ensureVectorIndex, nearest, writeEmbeddings } from '../../../src/graph/queries/embeddings';
import { datasetFingerprint } from '../../../src/graph/queries/fingerprint';
import { seedWorld } from '../../../src/ingest/seed-world';
import { silentLogger } from '../../../src/logging/logger';
import { dropDataset, testGraph, TEST_NOW, uniqueDataset } from '../../support/graph';

const store = new ArtifactStore(ARTIFACTS_DIR);
const demo = store.list('sage').filter((a) => a.manifest.dataset === 'demo').at(-1)!;

describe('serving embeddings: the committed demo artifact over the real Neo4j', () => {
  let graph: GraphClient;
  const made: string[] = [];
  const truthDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gg-emb-'));

  beforeAll(async () => {
    graph = await testGraph();
  });
  afterAll(async () => {
    for (const d of made) await dropDataset(graph, d);
    await graph.close();
    fs.rmSync(truthDir, { recursive: true, force: true });
  });

  it('is committed with a manifest that matches the feature schema the code computes', () => {
    expect(demo).toBeDefined();
    expect(demo.manifest.kind).toBe('sage-encoder');
    expect(demo.manifest.dimension).toBe(64);
  });

  it('was trained on exactly the world the generator produces today (data-snapshot hash)', async () => {
    const dataset = uniqueDataset('demo');
    made.push(dataset);
    // The same world `npm start` seeds: 10k users, seed 42, the fixed demo cutoff.
    await seedWorld({ graph, dataset, users: 10_000, seed: 42, reset: false, cutoff: DEMO_CUTOFF_MS, clock: fixedClock(DEMO_CUTOFF_MS), truthDir, logger: silentLogger });
    const fp = await datasetFingerprint(graph, dataset);
    expect(fp.hash).toBe(demo.manifest.dataSnapshot);
  }, 400_000);

  it('writes embeddings back under the model version, and the vector index finds an item nearest to itself', async () => {
    const dataset = uniqueDataset('emb');
    made.push(dataset);
    await seedWorld({ graph, dataset, users: 300, seed: 4, reset: false, cutoff: TEST_NOW, clock: fixedClock(TEST_NOW), truthDir, logger: silentLogger });
    await ensureVectorIndex(graph, 'User', demo.manifest.dimension, demo.manifest.similarity);
    await ensureVectorIndex(graph, 'Item', demo.manifest.dimension, demo.manifest.similarity);
    const r = await encodeAndWriteBack({ graph, dataset, artifact: demo, asOf: TEST_NOW, logger: silentLogger });
    expect(r.written).toBe(r.users + r.items);
    const item = (await graph.query('MATCH (i:Item {dataset: $ds}) WHERE i.embedding IS NOT NULL RETURN i.id AS id, i.embedding AS e, i.embeddingVersion AS v ORDER BY i.id LIMIT 1', { ds: dataset }))[0]!;
    expect(item.v).toBe(demo.version);
    const hits = await nearest(graph, { dataset, label: 'Item', vector: item.e as number[], k: 200 });
    expect(hits[0]!.id).toBe(item.id);
    // The index quantizes the vectors it stores (vector-2.0's `vector.quantization.enabled`
    // defaults to true in 5.26), so its score for an item against itself is 1 only to about
    // 1e-4 (0.99993 seen in CI), depending on what else the index holds.
    expect(hits[0]!.score).toBeCloseTo(1, 3);
  }, 300_000);

  it('never lets an older model version overwrite a newer embedding', async () => {
    const dataset = made.at(-1)!;
    const id = String((await graph.query('MATCH (u:User {dataset: $ds}) RETURN u.id AS id ORDER BY u.id LIMIT 1', { ds: dataset }))[0]!.id);
    const v = new Float32Array(64).fill(0.125);
    expect(await writeEmbeddings(graph, { dataset, label: 'User', version: 'newer', seq: demo.manifest.seq + 10, ids: [id], vectors: v, dim: 64 })).toBe(1);
    expect(await writeEmbeddings(graph, { dataset, label: 'User', version: 'stale', seq: demo.manifest.seq + 5, ids: [id], vectors: v, dim: 64 })).toBe(0);
    const row = (await graph.query('MATCH (u:User {dataset: $ds, id: $id}) RETURN u.embeddingVersion AS v', { ds: dataset, id }))[0]!;
    expect(row.v).toBe('newer');
  });
});
