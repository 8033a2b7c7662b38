import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fixedClock } from '../../../src/clock/clock';
import { ARTIFACTS_DIR, ArtifactStore } from '../../../src/embeddings/artifact-store';
import { EmbeddingRefresher } from '../../../src/embeddings/embedding-refresher';
import { encodeAndWriteBack } from '../../../src/embeddings/encoder-runtime';
import { ModelRegistry } from '../../../src/embeddings/registry';
import { graphAsOf } from '../../../src/features/hetero-graph';
import { loadHeteroGraph } from '../../../src/features/load-graph';
import { neighbourhoodFeatures } from '../../../src/features/neighbourhood-graph';
import { itemFeatures, RECENT_INTERACTION_MS, userFeatures } from '../../../src/features/node-features';
import type { GraphClient } from '../../../src/graph/graph-client';
import { writeEmbeddings } from '../../../src/graph/queries/embeddings';
import { fetchFeatureCounts, fetchNeighbourLists } from '../../../src/graph/queries/subgraph';
import { seedWorld } from '../../../src/ingest/seed-world';
import { silentLogger } from '../../../src/logging/logger';
import { dropDataset, testGraph, TEST_NOW, uniqueDataset } from '../../support/graph';

const store = new ArtifactStore(ARTIFACTS_DIR);
const demo = store.list('sage').filter((a) => a.manifest.dataset === 'demo').at(-1)!;
const clock = fixedClock(TEST_NOW);

/**
 * The real-time refresh over the real Neo4j: a small seeded world, the committed demo
 * encoder activated on it, the full encode written first (as `npm start` does).
 * `neighbourCap` is set above every degree of this world, so the refresh must reproduce
 * the full-dataset encode exactly (tolerance 1e-6: float32 written as Neo4j floats).
 */
describe('embedding refresh from the neighbourhood only', () => {
  let graph: GraphClient;
  let refresher: EmbeddingRefresher;
  const dataset = uniqueDataset('rfr');
  const truthDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gg-rfr-'));

  const embedding = async (label: 'User' | 'Item', id: string) =>
    (await graph.query(`MATCH (n:${label} {dataset: $ds, id: $id}) RETURN n.embedding AS e, n.embeddingVersion AS v, n.embeddingSeq AS s`, { ds: dataset, id }))[0]!;

  beforeAll(async () => {
    graph = await testGraph();
    await seedWorld({ graph, dataset, users: 300, seed: 11, reset: false, cutoff: TEST_NOW, clock, truthDir, logger: silentLogger });
    const registry = new ModelRegistry({ graph, store, clock, logger: silentLogger });
    await registry.activate(dataset, 'sage', demo.version);
    await encodeAndWriteBack({ graph, dataset, artifact: demo, asOf: TEST_NOW, logger: silentLogger });
    refresher = new EmbeddingRefresher({ graph, registry, clock, logger: silentLogger, options: { neighbourCap: 1_000_000 } });
  }, 300_000);
  afterAll(async () => {
    await refresher?.dispose();
    await dropDataset(graph, dataset);
    await graph.close();
    fs.rmSync(truthDir, { recursive: true, force: true });
  });

  it('computes node features from database counts equal to the full export\'s, for every user and item', async () => {
    const g = graphAsOf(await loadHeteroGraph(graph, dataset), TEST_NOW);
    const counts = await fetchFeatureCounts(graph, { dataset, users: g.nodes.user.ids, items: g.nodes.item.ids, t: TEST_NOW, windowMs: RECENT_INTERACTION_MS });
    const x = neighbourhoodFeatures(g, counts, TEST_NOW);
    expect(Array.from(x.user)).toEqual(Array.from(userFeatures(g, TEST_NOW)));
    expect(Array.from(x.item)).toEqual(Array.from(itemFeatures(g, TEST_NOW)));
  }, 60_000);

  it('at t = now, reads the same feature counts from degrees as the as-of-t statements, for every user and item', async () => {
    const g = graphAsOf(await loadHeteroGraph(graph, dataset), TEST_NOW);
    const o = { dataset, users: g.nodes.user.ids, items: g.nodes.item.ids, t: TEST_NOW, windowMs: RECENT_INTERACTION_MS };
    const byId = <T extends { id: string }>(rows: T[]) => [...rows].sort((a, b) => (a.id < b.id ? -1 : 1));
    const asOf = await fetchFeatureCounts(graph, o);
    const now = await fetchFeatureCounts(graph, { ...o, tIsNow: true });
    expect(now.users).toHaveLength(g.nodes.user.ids.length);
    expect(byId(now.users)).toEqual(byId(asOf.users));
    expect(byId(now.items)).toEqual(byId(asOf.items));
  }, 60_000);

  it('at t = now, a capped list holds `cap` distinct true neighbours, and an uncapped one the same set as the as-of-t list', async () => {
    const top = (await graph.query(`MATCH (i:Item {dataset: $ds})<-[:PURCHASED]-(u:User) WITH i, count(DISTINCT u) AS n ORDER BY n DESC, i.id LIMIT 1 RETURN i.id AS id, n`, { ds: dataset }))[0]!;
    const buyers = (l: Awaited<ReturnType<typeof fetchNeighbourLists>>) => l.find((x) => x.relation === 'purchased')!;
    const full = buyers(await fetchNeighbourLists(graph, { dataset, frontier: { item: [String(top.id)] }, t: TEST_NOW, cap: 1_000_000 }));
    expect(full.ids.length).toBe(Number(top.n));
    const all = buyers(await fetchNeighbourLists(graph, { dataset, frontier: { item: [String(top.id)] }, t: TEST_NOW, cap: 1_000_000, now: true }));
    expect([...all.ids].sort()).toEqual([...full.ids].sort());
    const capped = buyers(await fetchNeighbourLists(graph, { dataset, frontier: { item: [String(top.id)] }, t: TEST_NOW, cap: 3, now: true }));
    expect(capped.ids).toHaveLength(3);
    expect(new Set(capped.ids).size).toBe(3);
    for (const id of capped.ids) expect(full.ids).toContain(id);
    expect(capped.degree).toBeGreaterThan(3);
  });

  it('at t = now, a capped list still holds `cap` distinct neighbours when one neighbour repeats across the first edges', async () => {
    const top = (await graph.query(`MATCH (i:Item {dataset: $ds})<-[:PURCHASED]-(u:User) WITH i, collect(DISTINCT u.id) AS us WHERE size(us) >= 3 RETURN i.id AS id, us ORDER BY i.id LIMIT 1`, { ds: dataset }))[0]!;
    const repeater = (top.us as string[])[0]!;
    // Ten more purchases by one buyer: newer edges, which the store may well list first.
    await graph.write((tx) =>
      tx.run(`MATCH (u:User {dataset: $ds, id: $u}), (i:Item {dataset: $ds, id: $i}) UNWIND range(1, 10) AS k CREATE (u)-[:PURCHASED {id: 'probe-' + k, at: $at, pricePaid: 99.0, surface: 'test', probe: true}]->(i)`, { ds: dataset, u: repeater, i: top.id, at: TEST_NOW - 60_000 }),
    );
    try {
      const buyers = (await fetchNeighbourLists(graph, { dataset, frontier: { item: [String(top.id)] }, t: TEST_NOW, cap: 2, now: true })).find((x) => x.relation === 'purchased')!;
      expect(buyers.ids).toHaveLength(2);
      expect(new Set(buyers.ids).size).toBe(2);
      for (const id of buyers.ids) expect(top.us).toContain(id);
      expect(buyers.degree).toBe(3);
    } finally {
      await graph.write((tx) => tx.run('MATCH (:User {dataset: $ds})-[r:PURCHASED {probe: true}]->() DELETE r', { ds: dataset }));
    }
  });

  it('after a new purchase, changes the user\'s stored embedding under the same version, equal to a full encode of that user', async () => {
    const u = String((await graph.query('MATCH (u:User {dataset: $ds}) WHERE COUNT { (u)-[:PURCHASED]->() } > 2 RETURN u.id AS id ORDER BY u.id LIMIT 1', { ds: dataset }))[0]!.id);
    const item = String(
      (await graph.query('MATCH (i:Item {dataset: $ds}), (u:User {dataset: $ds, id: $u}) WHERE NOT (u)-[:PURCHASED]->(i) AND i.catalog = "1P" RETURN i.id AS id ORDER BY i.id DESC LIMIT 1', { ds: dataset, u }))[0]!.id,
    );
    const before = await embedding('User', u);
    await graph.write((tx) =>
      tx.run('MATCH (u:User {dataset: $ds, id: $u}), (i:Item {dataset: $ds, id: $i}) CREATE (u)-[:PURCHASED {id: $pid, at: $at, pricePaid: 499.0, surface: "test"}]->(i)', { ds: dataset, u, i: item, pid: `p-${u}-${item}`, at: TEST_NOW - 60_000 }),
    );

    const r = await refresher.refresh(dataset, { users: [u] });
    expect(r).toMatchObject({ version: demo.version, written: 1, missing: { users: [], items: [] } });
    const after = await embedding('User', u);
    expect(after.v).toBe(before.v);
    expect(after.s).toBe(before.s);
    expect(maxAbsDiff(after.e as number[], before.e as number[])).toBeGreaterThan(1e-3);

    // The full path over the whole dataset, for the same user, writes the same vector.
    await encodeAndWriteBack({ graph, dataset, artifact: demo, asOf: TEST_NOW, logger: silentLogger, only: { users: [u] } });
    const full = await embedding('User', u);
    expect(maxAbsDiff(full.e as number[], after.e as number[])).toBeLessThan(1e-6);
  }, 120_000);

  it('gives a brand-new item with no purchases an embedding', async () => {
    const id = 'new-item-1';
    await graph.write((tx) =>
      tx.run('CREATE (:Item {dataset: $ds, id: $id, name: "Fresh drop", catalog: "1P", type: "PROFILE_EFFECT", price: 299.0, currency: "USD", rarity: "RARE", dropAt: $at, forSale: true, giftable: true, consumable: false})', { ds: dataset, id, at: TEST_NOW - 1_000 }),
    );
    expect((await embedding('Item', id)).e).toBeNull();
    const r = await refresher.refresh(dataset, { items: [id] });
    expect(r.written).toBe(1);
    const e = await embedding('Item', id);
    expect(e.v).toBe(demo.version);
    expect((e.e as number[]).length).toBe(demo.manifest.dimension);
    expect(Math.hypot(...(e.e as number[]))).toBeCloseTo(1, 4);
  }, 60_000);

  it('never overwrites an embedding written under a newer seq', async () => {
    const v = String((await graph.query('MATCH (u:User {dataset: $ds}) RETURN u.id AS id ORDER BY u.id DESC LIMIT 1', { ds: dataset }))[0]!.id);
    const newer = new Float32Array(demo.manifest.dimension).fill(0.125);
    await writeEmbeddings(graph, { dataset, label: 'User', version: 'newer', seq: demo.manifest.seq + 10, ids: [v], vectors: newer, dim: demo.manifest.dimension });
    const r = await refresher.refresh(dataset, { users: [v] });
    expect(r.written).toBe(0);
    const e = await embedding('User', v);
    expect(e.v).toBe('newer');
    expect(e.e).toEqual(Array.from(newer));
  }, 60_000);

  it('treats unknown ids as a no-op: written 0, the ids reported missing', async () => {
    const r = await refresher.refresh(dataset, { users: ['no-such-user'], items: ['no-such-item'] });
    expect(r).toMatchObject({ version: demo.version, written: 0, missing: { users: ['no-such-user'], items: ['no-such-item'] } });
  }, 60_000);

  it('completes two concurrent refreshes of the same user, each writing it', async () => {
    const u = String((await graph.query('MATCH (u:User {dataset: $ds}) RETURN u.id AS id ORDER BY u.id SKIP 3 LIMIT 1', { ds: dataset }))[0]!.id);
    const [a, b] = await Promise.all([refresher.refresh(dataset, { users: [u] }), refresher.refresh(dataset, { users: [u] })]);
    expect([a.written, b.written]).toEqual([1, 1]);
  }, 60_000);

  it('keeps the cached active version within the registry TTL and switches to a newly activated one after it', async () => {
    const u = String((await graph.query('MATCH (u:User {dataset: $ds}) RETURN u.id AS id ORDER BY u.id SKIP 5 LIMIT 1', { ds: dataset }))[0]!.id);
    // A second version of the same weights (a newer seq), as if a retrained artifact had been activated.
    const next = { ...demo, version: `${demo.version}-next`, manifest: { ...demo.manifest, version: `${demo.version}-next`, seq: demo.manifest.seq + 1 } };
    let active = demo;
    let elapsed = 0;
    const r = new EmbeddingRefresher({ graph, registry: { assertServable: async () => active }, clock, logger: silentLogger, options: { elapsedMs: () => elapsed } });
    try {
      expect((await r.refresh(dataset, { users: [u] })).version).toBe(demo.version);
      active = next;
      elapsed = 500;
      expect((await r.refresh(dataset, { users: [u] })).version).toBe(demo.version);
      elapsed = 1_500;
      expect(await r.refresh(dataset, { users: [u] })).toMatchObject({ version: next.version, written: 1 });
      expect((await embedding('User', u)).v).toBe(next.version);
    } finally {
      await r.dispose();
    }
  }, 60_000);
});

function maxAbsDiff(a: number[], b: number[]): number {
  expect(a.length).toBe(b.length);
  return Math.max(...a.map((x, i) => Math.abs(x - b[i]!)));
}
