import { fixedClock } from '../../src/clock/clock';
import type { GraphClient } from '../../src/graph/graph-client';
import { ingestDataset } from '../../src/ingest/ingest';
import { emptyRows } from '../../src/ingest/rows';
import { silentLogger } from '../../src/logging/logger';
import { startTestApi } from '../support/api';
import { dropDataset, testGraph, TEST_NOW, uniqueDataset } from '../support/graph';
import { tinyRows } from '../support/tiny-rows';

/** 60 users in a ring (each friends with the next 3) and 5 purchases each: enough for batching to matter. */
function ringRows() {
  const r = emptyRows();
  for (let i = 0; i < 60; i++) r.users.push({ id: `u${i}`, name: `R${i}`, createdAt: null, birthday: null });
  for (let i = 0; i < 20; i++)
    r.items.push({ id: `i${i}`, name: `Item ${i}`, catalog: '3P', type: 'SKIN', price: 100 + i, currency: 'USD', rarity: null, gameId: null, publisherId: null, dropAt: null, availableUntil: null, forSale: true, giftable: true, consumable: false });
  for (let i = 0; i < 60; i++) {
    for (let k = 1; k <= 3; k++) r.friendships.push({ a: `u${i}`, b: `u${(i + k) % 60}`, since: null, blocked: false, blockedBy: null });
    for (let k = 0; k < 5; k++) r.purchases.push({ id: `pu${i}-${k}`, userId: `u${i}`, itemId: `i${(i + k * 3) % 20}`, at: TEST_NOW - (i * 5 + k) * 1000, surface: 'HOME', pricePaid: 100, discount: 0, recId: null, campaignId: null, split: null });
  }
  return r;
}

describe('GraphQL API over HTTP (real server, real Neo4j)', () => {
  let graph: GraphClient;
  let api: Awaited<ReturnType<typeof startTestApi>>;
  const ds = uniqueDataset('api');
  const ring = uniqueDataset('ring');
  const base = { clock: fixedClock(TEST_NOW), logger: silentLogger, meta: { kind: 'synthetic' as const, cutoff: TEST_NOW, seed: 1, source: 'test' }, reset: false };

  beforeAll(async () => {
    graph = await testGraph();
    await ingestDataset({ ...base, graph, dataset: ds, rows: tinyRows() });
    await ingestDataset({ ...base, graph, dataset: ring, rows: ringRows() });
    api = await startTestApi(graph);
  });
  afterAll(async () => {
    await api?.stop();
    await dropDataset(graph, ds);
    await dropDataset(graph, ring);
    await graph.close();
  });

  it('answers /healthz and reports /readyz ready once Neo4j is reachable and migrated', async () => {
    const base = api.url.replace('/graphql', '');
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ready: true, checks: { neo4j: { ok: true }, migrations: { ok: true } } });
  });

  it('serves no landing page: GET /graphql without a query is a client error, not HTML from a CDN', async () => {
    const res = await fetch(api.url, { headers: { accept: 'text/html' } });
    expect(res.headers.get('content-type') ?? '').not.toMatch(/html/);
  });

  it('returns a user with paginated friends, excluding blocked friendships', async () => {
    const q = `query($id: ID!, $after: String) { user(id: $id) { id name birthday friends(first: 1, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id name } } } } }`;
    const p1 = await api.gql<{ user: { id: string; friends: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string }; edges: { node: { id: string } }[] } } }>(q, { id: `${ds}:u2` });
    expect(p1.errors).toBeUndefined();
    expect(p1.data!.user.id).toBe(`${ds}:u2`);
    expect(p1.data!.user.friends.totalCount).toBe(2); // u0, u1; u3 blocked u2
    expect(p1.data!.user.friends.edges.map((e) => e.node.id)).toEqual([`${ds}:u0`]);
    expect(p1.data!.user.friends.pageInfo.hasNextPage).toBe(true);
    const p2 = await api.gql<typeof p1.data>(q, { id: `${ds}:u2`, after: p1.data!.user.friends.pageInfo.endCursor });
    expect(p2.data!.user.friends.edges.map((e) => e.node.id)).toEqual([`${ds}:u1`]);
    expect(p2.data!.user.friends.pageInfo.hasNextPage).toBe(false);
  });

  it('returns an item with its heterogeneous attributes, and a user’s purchases and wishlist', async () => {
    const r = await api.gql<{ item: { catalog: string; price: number; attributes: object }; user: { purchases: { totalCount: number; edges: { node: { id: string } }[] }; wishlist: { edges: { node: { id: string } }[] } } }>(
      `{ item(id: "${ds}:i1") { catalog price attributes } user(id: "${ds}:u1") { purchases { totalCount edges { node { id } } } wishlist { edges { node { id } } } } }`,
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.item).toEqual({ catalog: 'THIRD_PARTY', price: 1299, attributes: { platform: 'pc' } });
    expect(r.data!.user.purchases.edges.map((e) => e.node.id)).toEqual([`${ds}:i2`]);
    expect(r.data!.user.wishlist.edges.map((e) => e.node.id)).toEqual([`${ds}:i1`]);
  });

  it('explores a bounded neighborhood and reports graph statistics per dataset', async () => {
    const r = await api.gql<{ neighborhood: { nodes: { id: string; label: string; depth: number }[]; edges: { type: string }[] }; graphStats: { nodes: Record<string, number> } }>(
      `{ neighborhood(id: "${ds}:u0", depth: 2, limit: 50) { nodes { id label depth } edges { source target type } truncated } graphStats(dataset: "${ds}") { nodes relationships } }`,
    );
    expect(r.errors).toBeUndefined();
    const labels = new Set(r.data!.neighborhood.nodes.map((n) => n.label));
    expect(labels).toEqual(new Set(['User', 'Item', 'Guild', 'Game', 'Squad', 'GroupBuy', 'Gift', 'Publisher']));
    expect(r.data!.neighborhood.edges.map((e) => e.type)).toContain('FRIEND');
    expect(r.data!.graphStats.nodes.User).toBe(4);
  });

  it.each([
    ['an id without its dataset', `{ user(id: "u1") { id } }`, 'BAD_USER_INPUT'],
    ['first over 100', `{ user(id: "DS:u1") { friends(first: 101) { totalCount } } }`, 'BAD_USER_INPUT'],
    ['depth over 3', `{ neighborhood(id: "DS:u1", depth: 4) { truncated } }`, 'BAD_USER_INPUT'],
    ['an unknown user in a list', `{ users(ids: ["DS:nobody"]) { id } }`, 'NOT_FOUND'],
    ['an unknown start node', `{ neighborhood(id: "DS:nobody") { truncated } }`, 'NOT_FOUND'],
    ['an unknown dataset', `{ graphStats(dataset: "nosuchdataset") { dataset } }`, 'NOT_FOUND'],
    ['a syntax error', `{ user(id: `, 'BAD_USER_INPUT'],
    ['an unknown field', `{ user(id: "DS:u1") { password } }`, 'BAD_USER_INPUT'],
    ['a cursor the list never issued', `{ user(id: "DS:u1") { purchases(after: "bm9wZQ") { totalCount } } }`, 'BAD_USER_INPUT'],
  ])('rejects %s with a coded error', async (_what, query, code) => {
    const r = await api.gql(query.replaceAll('DS', ds));
    expect(r.errors?.[0]?.extensions?.code).toBe(code);
  });

  it('returns null for a single unknown user instead of an error', async () => {
    const r = await api.gql(`{ user(id: "${ds}:nobody") { id } }`);
    expect(r).toMatchObject({ data: { user: null } });
    expect(r.errors).toBeUndefined();
  });

  it('batches: 50 users’ friends and their purchases take a bounded number of Cypher round trips', async () => {
    const ids = Array.from({ length: 50 }, (_, i) => `${ring}:u${i}`);
    let statements = 0;
    const off = graph.onQuery(() => statements++);
    try {
      const r = await api.gql<{ users: { friends: { edges: { node: { purchases: { edges: unknown[] } } }[] } }[] }>(
        `query($ids: [ID!]!) { users(ids: $ids) { id friends(first: 10) { edges { node { id purchases(first: 5) { edges { node { id name } } } } } } } }`,
        { ids },
      );
      expect(r.errors).toBeUndefined();
      expect(r.data!.users).toHaveLength(50);
      expect(r.data!.users[10]!.friends.edges).toHaveLength(6);
      expect(r.data!.users[10]!.friends.edges[0]!.node.purchases.edges).toHaveLength(5);
    } finally {
      off();
    }
    // users (1) + friends of 50 (1) + purchases of every friend (1); 300 resolver calls in all.
    expect(statements).toBeLessThanOrEqual(3);
  });
});
