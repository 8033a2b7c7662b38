import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fixedClock } from '../../../src/clock/clock';
import { ARTIFACTS_DIR, ArtifactStore } from '../../../src/embeddings/artifact-store';
import { EmbeddingRefresher } from '../../../src/embeddings/embedding-refresher';
import { encodeAndWriteBack } from '../../../src/embeddings/encoder-runtime';
import { ModelRegistry } from '../../../src/embeddings/registry';
import type { GraphClient } from '../../../src/graph/graph-client';
import { userRetrievalContext } from '../../../src/graph/queries/retrieval';
import { seedWorld } from '../../../src/ingest/seed-world';
import { silentLogger } from '../../../src/logging/logger';
import { dot } from '../../../src/ranking/item-scoring';
import { PopularityCache } from '../../../src/retrieval/popularity-cache';
import { CandidateRetriever } from '../../../src/retrieval/retriever';
import { RefreshAfterWrite, type EmbeddingRefresh } from '../../../src/services/mutations/refresh';
import { ShopMutations } from '../../../src/services/mutations/shop-mutations';
import { RecommendationService } from '../../../src/services/recommendation-service';
import { dropDataset, testGraph, TEST_NOW, uniqueDataset } from '../../support/graph';

const store = new ArtifactStore(ARTIFACTS_DIR);
const clock = fixedClock(TEST_NOW);

/** A refresh that starts only when the test opens its gate (a refresh still running). */
class GatedRefresh implements EmbeddingRefresh {
  calls = 0;
  private open!: () => void;
  private gate = new Promise<void>((r) => (this.open = r));
  constructor(private readonly inner: EmbeddingRefresh) {}
  async refresh(dataset: string, o: { users?: string[]; items?: string[] }): Promise<unknown> {
    this.calls++;
    await this.gate;
    return this.inner.refresh(dataset, o);
  }
  release(): void {
    this.open();
  }
}

/**
 * Mutations answer before their embedding refresh; a read of the written user still sees
 * the write. Two API processes over one real Neo4j: each its own driver, refresher,
 * RefreshAfterWrite and services, as `startApp` wires them. Process A's refresh is held
 * back by a gate, so "the refresh has not run yet" is a fact of the test, not a race.
 */
describe('read-your-writes with the embedding refresh in the background', () => {
  const dataset = uniqueDataset('ryw');
  const truthDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gg-ryw-'));
  let graphA: GraphClient;
  let graphB: GraphClient;
  const refreshers: EmbeddingRefresher[] = [];
  let keyN = 0;

  function processOver(graph: GraphClient, gate?: (r: EmbeddingRefresh) => EmbeddingRefresh) {
    const registry = new ModelRegistry({ graph, store, clock, logger: silentLogger });
    const refresher = new EmbeddingRefresher({ graph, registry, clock, logger: silentLogger });
    refreshers.push(refresher);
    const refresh = new RefreshAfterWrite({ refresh: gate ? gate(refresher) : refresher, logger: silentLogger });
    const retriever = new CandidateRetriever({ graph, popularity: new PopularityCache({ graph, clock }) });
    return {
      refresh,
      shop: new ShopMutations({ graph, clock, refresh, logger: silentLogger }),
      recs: new RecommendationService({ graph, retriever, clock, catchUp: refresh }),
    };
  }

  const embedding = async (u: string) => (await graphA.query('MATCH (n:User {dataset: $ds, id: $id}) RETURN n.embedding AS e', { ds: dataset, id: u }))[0]!.e as number[];
  const itemEmbedding = async (i: string) => (await graphA.query('MATCH (n:Item {dataset: $ds, id: $id}) RETURN n.embedding AS e', { ds: dataset, id: i }))[0]!.e as number[];
  const stale = async (u: string) => (await userRetrievalContext(graphA, dataset, u, TEST_NOW))!.embeddingStale;
  const controls = { first: 10, exclude: [], filters: {}, maxPerGame: null };
  /** The n-th user with purchases and an item (1P, for sale) they do not own. */
  const buyerAndItem = async (n: number): Promise<{ u: string; item: string }> => {
    const u = String((await graphA.query('MATCH (u:User {dataset: $ds}) WHERE COUNT { (u)-[:PURCHASED]->() } > 2 RETURN u.id AS id ORDER BY u.id SKIP toInteger($n) LIMIT 1', { ds: dataset, n }))[0]!.id);
    const item = String((await graphA.query(
      `MATCH (i:Item {dataset: $ds}), (u:User {dataset: $ds, id: $u}) WHERE NOT (u)-[:PURCHASED]->(i) AND i.catalog = "1P" AND coalesce(i.forSale, true)
         AND (i.dropAt IS NULL OR i.dropAt <= $now) AND (i.availableUntil IS NULL OR i.availableUntil > $now) RETURN i.id AS id ORDER BY i.id DESC LIMIT 1`,
      { ds: dataset, u, now: TEST_NOW },
    ))[0]!.id);
    return { u, item };
  };
  /** The served HOME list is scored with the user's stored embedding `e`. */
  const expectScoredWith = async (list: Awaited<ReturnType<RecommendationService['recommend']>>, e: number[]) => {
    // The service here has no serving mix (no social lift): every score is the cosine.
    const top = list.items.find((x) => x.score !== null)!;
    expect(top.score!).toBeCloseTo(dot(e, await itemEmbedding(top.item.id)), 5);
  };

  beforeAll(async () => {
    graphA = await testGraph();
    graphB = await testGraph();
    await seedWorld({ graph: graphA, dataset, users: 200, seed: 21, reset: false, cutoff: TEST_NOW, clock, truthDir, logger: silentLogger });
    const sage = await new ModelRegistry({ graph: graphA, store, clock, logger: silentLogger }).activate(dataset, 'sage', 'demo-v1');
    await encodeAndWriteBack({ graph: graphA, dataset, artifact: sage, asOf: TEST_NOW, logger: silentLogger });
  }, 300_000);
  afterAll(async () => {
    for (const r of refreshers) await r.dispose();
    await dropDataset(graphA, dataset);
    await graphA.close();
    await graphB.close();
    fs.rmSync(truthDir, { recursive: true, force: true });
  });

  it('a purchase answers before its refresh, with the buyer marked behind it; the refresh clears the mark', async () => {
    let gated!: GatedRefresh;
    const a = processOver(graphA, (r) => (gated = new GatedRefresh(r)));
    const { u, item } = await buyerAndItem(0);
    expect(await stale(u)).toBe(false);
    const e0 = await embedding(u);
    const r = await a.shop.purchase({ dataset, userId: u, idempotencyKey: `ryw-key-${++keyN}` }, { itemId: item });
    expect(r.replayed).toBe(false);
    // Both background refreshes (the buyer, the item bought) have started and are held back.
    expect(gated.calls).toBe(2);
    expect(await embedding(u)).toEqual(e0);
    expect(await stale(u)).toBe(true);
    gated.release();
    await a.refresh.drain();
    expect(await stale(u)).toBe(false);
    expect(await embedding(u)).not.toEqual(e0);
  }, 120_000);

  it("a read on the writer's process waits for its pending refresh and serves the fresh embedding", async () => {
    let gated!: GatedRefresh;
    const a = processOver(graphA, (r) => (gated = new GatedRefresh(r)));
    const { u, item } = await buyerAndItem(1);
    const e0 = await embedding(u);
    await a.shop.purchase({ dataset, userId: u, idempotencyKey: `ryw-key-${++keyN}` }, { itemId: item });
    let served = false;
    const read = a.recs.recommend({ dataset, userId: u, surface: 'HOME', controls }).finally(() => (served = true));
    // The read cannot finish while the only refresh of this process is held back.
    await new Promise((r) => setTimeout(r, 300));
    expect(served).toBe(false);
    gated.release();
    const list = await read;
    const e1 = await embedding(u);
    expect(e1).not.toEqual(e0);
    expect(await stale(u)).toBe(false);
    await expectScoredWith(list, e1);
    // It waited for the pending refresh instead of starting one of its own.
    expect(gated.calls).toBe(2);
  }, 120_000);

  it("a read on another process re-encodes the user itself while the writer's refresh has not run", async () => {
    let gated!: GatedRefresh;
    const a = processOver(graphA, (r) => (gated = new GatedRefresh(r)));
    const b = processOver(graphB);
    const { u, item } = await buyerAndItem(2);
    const e0 = await embedding(u);
    await a.shop.purchase({ dataset, userId: u, idempotencyKey: `ryw-key-${++keyN}` }, { itemId: item });
    const list = await b.recs.recommend({ dataset, userId: u, surface: 'HOME', controls });
    const e1 = await embedding(u);
    expect(e1).not.toEqual(e0);
    expect(await stale(u)).toBe(false);
    await expectScoredWith(list, e1);
    // A's refresh, once it runs, writes the same state's embedding.
    gated.release();
    await a.refresh.drain();
    const e2 = await embedding(u);
    expect(Math.max(...e2.map((x, i) => Math.abs(x - e1[i]!)))).toBeLessThan(1e-6);
  }, 120_000);

  it('a read of a user whose refresh keeps failing serves the stored embedding after two catch-up rounds', async () => {
    let calls = 0;
    const failing: EmbeddingRefresh = { refresh: async () => { calls++; throw new Error('model not ready'); } };
    const c = processOver(graphA, () => failing);
    const { u, item } = await buyerAndItem(3);
    const e0 = await embedding(u);
    await c.shop.purchase({ dataset, userId: u, idempotencyKey: `ryw-key-${++keyN}` }, { itemId: item });
    await c.refresh.drain();
    const list = await c.recs.recommend({ dataset, userId: u, surface: 'HOME', controls });
    expect(await stale(u)).toBe(true);
    await expectScoredWith(list, e0);
    // The write's own two refreshes (buyer, item), then two catch-up rounds of the read.
    expect(calls).toBe(4);
  }, 120_000);
});
