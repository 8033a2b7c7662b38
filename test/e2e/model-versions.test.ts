import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { fixedClock } from '../../src/clock/clock';
import { ARTIFACTS_DIR, ArtifactStore } from '../../src/embeddings/artifact-store';
import { encodeAndWriteBack } from '../../src/embeddings/encoder-runtime';
import { ModelRegistry } from '../../src/embeddings/registry';
import { loadHeteroGraph } from '../../src/features/load-graph';
import type { GraphClient } from '../../src/graph/graph-client';
import { datasetOccasions, exportGifts } from '../../src/graph/queries/gift-signals';
import { seedWorld } from '../../src/ingest/seed-world';
import { silentLogger } from '../../src/logging/logger';
import { runGiftHead } from '../../graph-models/heads/gift-recipient/run';
import { GIFT_HEAD_NAME, writeGiftHeadArtifact } from '../../graph-models/heads/gift-recipient/train';
import { startTestApi } from '../support/api';
import { dropDataset, testGraph, TEST_NOW, uniqueDataset } from '../support/graph';

/**
 * Scores and model versions come from the ACTIVE artifacts: two trained gift-recipient
 * versions behind one running API; activating the second changes both the version and the
 * probabilities giftSuggestions answers with, without a restart.
 */
describe('model versions over HTTP', () => {
  let graph: GraphClient;
  let api: Awaited<ReturnType<typeof startTestApi>>;
  let registry: ModelRegistry;
  const ds = uniqueDataset('mv');
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'gg-mv-'));

  beforeAll(async () => {
    await tf.setBackend('cpu');
    graph = await testGraph();
    await seedWorld({ graph, dataset: ds, users: 400, seed: 21, reset: false, cutoff: TEST_NOW, clock: fixedClock(TEST_NOW), truthDir: root, logger: silentLogger });
    // The committed encoder beside two freshly trained heads, in one artifact root.
    fs.cpSync(path.join(ARTIFACTS_DIR, 'sage', 'demo-v1'), path.join(root, 'sage', 'demo-v1'), { recursive: true });
    const g = await loadHeteroGraph(graph, ds);
    const gifts = await exportGifts(graph, ds);
    const occasions = await datasetOccasions(graph, ds);
    [1, 2].forEach((seed) => {
      const run = runGiftHead(g, gifts, occasions, { cutoff: TEST_NOW, seed, hidden: seed * 8, epochs: 3, truth: null });
      writeGiftHeadArtifact(path.join(root, GIFT_HEAD_NAME, `v${seed}`), { version: `v${seed}`, dataset: ds, run, snapshot: 'test', backend: 'cpu', commit: null, command: 'test', seed, hyperparameters: {}, wallMs: 0 });
    });
    registry = new ModelRegistry({ graph, store: new ArtifactStore(root), clock: fixedClock(TEST_NOW), logger: silentLogger });
    const sage = await registry.activate(ds, 'sage', 'demo-v1');
    await encodeAndWriteBack({ graph, dataset: ds, artifact: sage, asOf: TEST_NOW, logger: silentLogger });
    api = await startTestApi(graph, { registry, artifactsDir: root });
  }, 300_000);
  afterAll(async () => {
    await api?.stop();
    await dropDataset(graph, ds);
    await graph.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('without an active head giftSuggestions is MODEL_NOT_READY; activating v1 then v2 changes the version and the scores', async () => {
    const sender = String((await graph.query(`MATCH (u:User {dataset: $ds})-[:FRIEND]-(v) WITH u, count(v) AS n ORDER BY n DESC, u.id LIMIT 1 RETURN u.id AS id`, { ds }))[0]!.id);
    const q = () => api.gql<{ giftSuggestions: { modelVersion: string; suggestions: { recipient: { id: string }; probability: number }[] } }>(`{ giftSuggestions(userId: "${ds}:${sender}", first: 5, itemsPerRecipient: 0) { modelVersion suggestions { recipient { id } probability } } }`);
    expect((await q()).errors?.[0]?.extensions?.code).toBe('MODEL_NOT_READY');
    await registry.activate(ds, GIFT_HEAD_NAME, 'v1');
    const one = (await q()).data!.giftSuggestions;
    await registry.activate(ds, GIFT_HEAD_NAME, 'v2');
    const two = (await q()).data!.giftSuggestions;
    expect(one.modelVersion).toBe('gift-recipient/v1');
    expect(two.modelVersion).toBe('gift-recipient/v2');
    expect(two.suggestions.map((s) => s.probability)).not.toEqual(one.suggestions.map((s) => s.probability));
    await registry.rollback(ds, GIFT_HEAD_NAME);
    expect((await q()).data!.giftSuggestions).toEqual(one);
  });

  it('internal tools list versions with the active one, switch a head over GraphQL, and are told to use the CLI for encoders', async () => {
    const list = await api.gql<{ modelVersions: { model: string; version: string; kind: string; active: boolean }[] }>(`{ modelVersions(dataset: "${ds}") { model version kind active } }`);
    expect(list.errors).toBeUndefined();
    expect(list.data!.modelVersions).toEqual(expect.arrayContaining([
      { model: 'sage', version: 'demo-v1', kind: 'sage-encoder', active: true },
      { model: 'gift-recipient', version: 'v1', kind: 'head', active: true },
      { model: 'gift-recipient', version: 'v2', kind: 'head', active: false },
    ]));
    const ACT = `mutation($input: ModelActivationInput!) { activateModel(input: $input) { model version active } }`;
    expect((await api.gql(ACT, { input: { dataset: ds, model: 'gift-recipient', version: 'v2' } })).data).toEqual({ activateModel: { model: 'gift-recipient', version: 'v2', active: true } });
    expect((await registry.active(ds, 'gift-recipient'))!.version).toBe('v2');
    const back = await api.gql(`mutation($input: ModelActivationInput!) { rollbackModel(input: $input) { version } }`, { input: { dataset: ds, model: 'gift-recipient' } });
    expect(back.data).toEqual({ rollbackModel: { version: 'v1' } });
    expect((await api.gql(ACT, { input: { dataset: ds, model: 'sage', version: 'demo-v1' } })).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await api.gql(ACT, { input: { dataset: ds, model: 'gift-recipient', version: 'nope' } })).errors?.[0]?.extensions?.code).toBe('MODEL_NOT_FOUND');
  });
});
