import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fixedClock } from '../../../src/clock/clock';
import { ARTIFACTS_DIR, ArtifactStore } from '../../../src/embeddings/artifact-store';
import { EmbeddingRefresher } from '../../../src/embeddings/embedding-refresher';
import { encodeAndWriteBack } from '../../../src/embeddings/encoder-runtime';
import { RefreshWorker } from '../../../src/embeddings/refresh-worker/refresh-worker';
import { ModelRegistry } from '../../../src/embeddings/registry';
import { GiftgraphError } from '../../../src/errors/errors';
import type { GraphClient } from '../../../src/graph/graph-client';
import type { RecordedTransaction } from '../../../src/graph/recording-graph-client';
import { seedWorld } from '../../../src/ingest/seed-world';
import { silentLogger } from '../../../src/logging/logger';
import { dropDataset, testConfig, testGraph, TEST_NOW, uniqueDataset } from '../../support/graph';

const clock = fixedClock(TEST_NOW);

/**
 * The refresh after a write, run on the API's worker thread: the worker has its own driver,
 * registry and encoder, and must write what the in-process refresher writes, fail with the
 * same coded errors, and report the transactions it ran to the caller.
 */
describe('RefreshWorker (the embedding refresh on a worker thread)', () => {
  const dataset = uniqueDataset('rw');
  const truthDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gg-rw-'));
  let graph: GraphClient;
  let inProcess: EmbeddingRefresher;
  const transactions: RecordedTransaction[] = [];
  const worker = RefreshWorker.forConfig(testConfig(), { artifactsDir: ARTIFACTS_DIR, clock, logger: silentLogger, onTransactions: (txs) => transactions.push(...txs) });

  const embedding = async (u: string) => (await graph.query('MATCH (n:User {dataset: $ds, id: $id}) RETURN n.embedding AS e', { ds: dataset, id: u }))[0]!.e as number[];

  beforeAll(async () => {
    graph = await testGraph();
    await seedWorld({ graph, dataset, users: 150, seed: 23, reset: false, cutoff: TEST_NOW, clock, truthDir, logger: silentLogger });
    const registry = new ModelRegistry({ graph, store: new ArtifactStore(ARTIFACTS_DIR), clock, logger: silentLogger });
    const sage = await registry.activate(dataset, 'sage', 'demo-v1');
    await encodeAndWriteBack({ graph, dataset, artifact: sage, asOf: TEST_NOW, logger: silentLogger });
    inProcess = new EmbeddingRefresher({ graph, registry, clock, logger: silentLogger });
  }, 300_000);
  afterAll(async () => {
    await worker.dispose();
    await inProcess.dispose();
    await dropDataset(graph, dataset);
    await graph.close();
    fs.rmSync(truthDir, { recursive: true, force: true });
  });

  it('writes the embedding the in-process refresher writes for the same state', async () => {
    const [row] = await graph.query(
      `MATCH (u:User {dataset: $ds}), (i:Item {dataset: $ds}) WHERE NOT (u)-[:PURCHASED]->(i)
       RETURN u.id AS u, i.id AS i ORDER BY u.id, i.id LIMIT 1`,
      { ds: dataset },
    );
    const u = String(row!.u);
    const e0 = await embedding(u);
    // A purchase written behind the refresher's back: the user's neighbourhood changes.
    await graph.write((tx) => tx.run('MATCH (u:User {dataset: $ds, id: $u}), (i:Item {dataset: $ds, id: $i}) CREATE (u)-[:PURCHASED {id: "rw-p1", at: $at}]->(i)', { ds: dataset, u, i: row!.i, at: TEST_NOW - 1000 }));

    const viaWorker = await worker.refresh(dataset, { users: [u] });
    expect(viaWorker).toMatchObject({ version: 'demo-v1', written: 1, missing: { users: [], items: [] } });
    const e1 = await embedding(u);
    expect(e1).not.toEqual(e0);

    await inProcess.refresh(dataset, { users: [u] });
    const e2 = await embedding(u);
    expect(e2).toHaveLength(e1.length);
    e2.forEach((x, k) => expect(x).toBeCloseTo(e1[k]!, 6));
  }, 120_000);

  it('reports each refresh\'s transactions, on the caller\'s clock, to the caller', async () => {
    transactions.length = 0;
    const t0 = performance.now();
    await worker.refresh(dataset, { users: ['u1'], items: ['i1'] });
    const t1 = performance.now();
    expect(transactions.length).toBeGreaterThanOrEqual(3); // write marks + neighbourhood reads + the write
    expect(transactions.some((t) => t.mode === 'WRITE' && t.statements.length > 0)).toBe(true);
    for (const t of transactions) {
      expect(t.ok).toBe(true);
      expect(t.start).toBeLessThanOrEqual(t.end);
      // Both ends inside the call, give or take a millisecond of clock conversion.
      expect(t.start).toBeGreaterThanOrEqual(t0 - 1);
      expect(t.end).toBeLessThanOrEqual(t1 + 1);
    }
  }, 60_000);

  it('reports unknown ids as missing and writes nothing for them', async () => {
    const r = await worker.refresh(dataset, { users: ['no-such-user'], items: ['no-such-item'] });
    expect(r).toMatchObject({ written: 0, missing: { users: ['no-such-user'], items: ['no-such-item'] } });
  }, 60_000);

  it('fails with the coded error the in-process refresher throws (no active encoder)', async () => {
    const empty = uniqueDataset('rwe');
    const local = await inProcess.refresh(empty, { users: ['u1'] }).catch((e: unknown) => e);
    const remote = await worker.refresh(empty, { users: ['u1'] }).catch((e: unknown) => e);
    expect(local).toBeInstanceOf(GiftgraphError);
    expect(remote).toBeInstanceOf(GiftgraphError);
    expect((remote as GiftgraphError).code).toBe((local as GiftgraphError).code);
    expect((remote as GiftgraphError).message).toBe((local as GiftgraphError).message);
  }, 60_000);
});
