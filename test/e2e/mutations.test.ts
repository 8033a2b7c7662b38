import { fixedClock } from '../../src/clock/clock';
import type { GraphClient } from '../../src/graph/graph-client';
import { ingestDataset } from '../../src/ingest/ingest';
import { silentLogger } from '../../src/logging/logger';
import { startTestApi, type GqlResponse } from '../support/api';
import { dropDataset, testGraph, TEST_NOW, uniqueDataset } from '../support/graph';
import { tinyRows } from '../support/tiny-rows';

/**
 * Every shop mutation over HTTP on the hand-made tiny dataset: u0–u1, u0–u2, u1–u2 are
 * friends, u2–u3 is blocked; i0 is a giftable 1P boost, i1 a skin u0 owns, i2 a
 * non-giftable consumable currency pack.
 */
describe('shop mutations over HTTP', () => {
  let graph: GraphClient;
  let api: Awaited<ReturnType<typeof startTestApi>>;
  const ds = uniqueDataset('mut');
  const id = (x: string) => `${ds}:${x}`;
  let keyN = 0;
  const key = () => `key-${Date.now()}-${++keyN}`;

  beforeAll(async () => {
    graph = await testGraph();
    await ingestDataset({ graph, dataset: ds, rows: tinyRows(), reset: false, clock: fixedClock(TEST_NOW), logger: silentLogger, meta: { kind: 'synthetic', cutoff: TEST_NOW, seed: 1, source: 'test' } });
    api = await startTestApi(graph);
  });
  afterAll(async () => {
    await api?.stop();
    await dropDataset(graph, ds);
    await graph.close();
  });

  const code = (r: GqlResponse) => r.errors?.[0]?.extensions?.code;
  const count = async (cypher: string, params: Record<string, unknown> = {}) => Number((await graph.query(cypher, { ds, ...params }))[0]?.n ?? 0);
  const gifts = () => count('MATCH (g:Gift {dataset: $ds}) RETURN count(g) AS n');

  const SEND_GIFT = `mutation($input: SendGiftInput!) { sendGift(input: $input) { replayed gift { id sender { id } recipient { id } item { id } pricePaid } } }`;
  const PURCHASE = `mutation($input: PurchaseInput!) { purchase(input: $input) { replayed purchaseId item { id } pricePaid } }`;

  it('sendGift creates one gift to a friend, and a retry with the same key returns the same gift without a second one', async () => {
    const before = await gifts();
    const input = { userId: id('u1'), idempotencyKey: key(), recipientId: id('u0'), itemId: id('i0'), message: 'gg' };
    const first = await api.gql<{ sendGift: { replayed: boolean; gift: { id: string; recipient: { id: string }; pricePaid: number } } }>(SEND_GIFT, { input });
    expect(first.errors).toBeUndefined();
    expect(first.data!.sendGift.replayed).toBe(false);
    expect(first.data!.sendGift.gift.recipient.id).toBe(id('u0'));
    expect(first.data!.sendGift.gift.pricePaid).toBe(499);
    const retry = await api.gql<{ sendGift: { replayed: boolean; gift: { id: string } } }>(SEND_GIFT, { input });
    expect(retry.data!.sendGift).toEqual({ ...retry.data!.sendGift, replayed: true, gift: expect.objectContaining({ id: first.data!.sendGift.gift.id }) });
    expect(await gifts()).toBe(before + 1);
  });

  it('the same idempotency key with a different payload is IDEMPOTENCY_KEY_REUSED and writes nothing', async () => {
    const k = key();
    await api.gql(SEND_GIFT, { input: { userId: id('u1'), idempotencyKey: k, recipientId: id('u2'), itemId: id('i0') } });
    const before = await gifts();
    const other = await api.gql(SEND_GIFT, { input: { userId: id('u1'), idempotencyKey: k, recipientId: id('u2'), itemId: id('i0'), message: 'changed' } });
    expect(code(other)).toBe('IDEMPOTENCY_KEY_REUSED');
    const otherOp = await api.gql(PURCHASE, { input: { userId: id('u1'), idempotencyKey: k, itemId: id('i0') } });
    expect(code(otherOp)).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await gifts()).toBe(before);
  });

  it('keys are scoped to the acting user: another user may use the same key', async () => {
    const k = key();
    const DISMISS = `mutation($input: DismissInput!) { dismissRecommendation(input: $input) { replayed } }`;
    const a = await api.gql(DISMISS, { input: { userId: id('u1'), idempotencyKey: k, itemId: id('i2') } });
    const b = await api.gql<{ dismissRecommendation: { replayed: boolean } }>(DISMISS, { input: { userId: id('u2'), idempotencyKey: k, itemId: id('i2') } });
    expect(a.errors).toBeUndefined();
    expect(b.data!.dismissRecommendation.replayed).toBe(false);
  });

  it.each([
    ['a non-friend', { userId: 'u0', recipientId: 'u3', itemId: 'i0' }, 'NOT_FRIENDS'],
    ['a blocked friend', { userId: 'u2', recipientId: 'u3', itemId: 'i0' }, 'FRIEND_BLOCKED'],
    ['oneself', { userId: 'u1', recipientId: 'u1', itemId: 'i0' }, 'BAD_USER_INPUT'],
    ['an unknown recipient', { userId: 'u1', recipientId: 'nobody', itemId: 'i0' }, 'NOT_FOUND'],
    ['an unknown sender', { userId: 'nobody', recipientId: 'u1', itemId: 'i0' }, 'NOT_FOUND'],
    ['a non-giftable item', { userId: 'u1', recipientId: 'u2', itemId: 'i2' }, 'ITEM_NOT_GIFTABLE'],
    ['an item the recipient owns', { userId: 'u1', recipientId: 'u0', itemId: 'i1' }, 'ALREADY_OWNED'],
    ['an unknown item', { userId: 'u1', recipientId: 'u2', itemId: 'nope' }, 'NOT_FOUND'],
  ])('sendGift to %s fails with %s and leaves the graph unchanged', async (_what, p, expected) => {
    const before = await gifts();
    const k = key();
    const r = await api.gql(SEND_GIFT, { input: { userId: id(p.userId), idempotencyKey: k, recipientId: id(p.recipientId), itemId: id(p.itemId) } });
    expect(code(r)).toBe(expected);
    expect(await gifts()).toBe(before);
    // The failed call did not consume the key.
    expect(await count('MATCH (r:IdempotencyRecord {dataset: $ds, key: $k}) RETURN count(r) AS n', { k })).toBe(0);
  });

  it('rejects malformed input with BAD_USER_INPUT before touching the graph', async () => {
    expect(code(await api.gql(SEND_GIFT, { input: { userId: id('u1'), idempotencyKey: 'short', recipientId: id('u2'), itemId: id('i0') } }))).toBe('BAD_USER_INPUT');
    expect(code(await api.gql(SEND_GIFT, { input: { userId: 'no-dataset', idempotencyKey: key(), recipientId: id('u2'), itemId: id('i0') } }))).toBe('BAD_USER_INPUT');
    expect(code(await api.gql(SEND_GIFT, { input: { userId: id('u1'), idempotencyKey: key(), recipientId: 'other:u2', itemId: id('i0') } }))).toBe('BAD_USER_INPUT');
  });

  it('a mutation acting as someone else than the x-giftgraph-user header is FORBIDDEN', async () => {
    const res = await fetch(api.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-giftgraph-user': id('u2') },
      body: JSON.stringify({ query: SEND_GIFT, variables: { input: { userId: id('u1'), idempotencyKey: key(), recipientId: id('u2'), itemId: id('i0') } } }),
    });
    expect(code((await res.json()) as GqlResponse)).toBe('FORBIDDEN');
  });

  it('purchase buys once, refuses an owned non-consumable, lets a consumable be bought again, and replays a retry', async () => {
    const owned = await api.gql(PURCHASE, { input: { userId: id('u0'), idempotencyKey: key(), itemId: id('i1') } });
    expect(code(owned)).toBe('ALREADY_OWNED');
    const input = { userId: id('u3'), idempotencyKey: key(), itemId: id('i0'), surface: 'HOME', recommendationId: 'rec_abc' };
    const first = await api.gql<{ purchase: { replayed: boolean; purchaseId: string; pricePaid: number } }>(PURCHASE, { input });
    expect(first.errors).toBeUndefined();
    const again = await api.gql<{ purchase: { replayed: boolean; purchaseId: string } }>(PURCHASE, { input });
    expect(again.data!.purchase).toEqual({ ...first.data!.purchase, replayed: true });
    expect(await count('MATCH (:User {dataset: $ds, id: "u3"})-[p:PURCHASED]->(:Item {id: "i0"}) RETURN count(p) AS n')).toBe(1);
    expect(code(await api.gql(PURCHASE, { input: { ...input, idempotencyKey: key() } }))).toBe('ALREADY_OWNED');
    for (let k = 0; k < 2; k++) expect((await api.gql(PURCHASE, { input: { userId: id('u3'), idempotencyKey: key(), itemId: id('i2') } })).errors).toBeUndefined();
    expect(await count('MATCH (:User {dataset: $ds, id: "u3"})-[p:PURCHASED]->(:Item {id: "i2"}) RETURN count(p) AS n')).toBe(2);
  });

  it('10 concurrent retries of one purchase (same key) apply it once and all answer with the same purchase', async () => {
    const input = { userId: id('u2'), idempotencyKey: key(), itemId: id('i2') };
    const before = await count('MATCH (:User {dataset: $ds, id: "u2"})-[p:PURCHASED]->(:Item {id: "i2"}) RETURN count(p) AS n');
    const all = await Promise.all(Array.from({ length: 10 }, () => api.gql<{ purchase: { replayed: boolean; purchaseId: string } }>(PURCHASE, { input })));
    for (const r of all) expect(r.errors).toBeUndefined();
    expect(new Set(all.map((r) => r.data!.purchase.purchaseId)).size).toBe(1);
    expect(all.filter((r) => !r.data!.purchase.replayed)).toHaveLength(1);
    expect(await count('MATCH (:User {dataset: $ds, id: "u2"})-[p:PURCHASED]->(:Item {id: "i2"}) RETURN count(p) AS n')).toBe(before + 1);
  });

  it('two friends gifting the same item to one recipient at once: one gift lands, the other is ALREADY_OWNED', async () => {
    const UPSERT = `mutation($input: UpsertCatalogInput!) { upsertCatalogItems(input: $input) { created } }`;
    await api.gql(UPSERT, { input: { publisherId: id('p0'), idempotencyKey: key(), items: [{ id: 'race-frame', name: 'Race frame', catalog: 'FIRST_PARTY', type: 'AVATAR_DECORATION', price: 199, currency: 'USD' }] } });
    const [a, b] = await Promise.all([
      api.gql(SEND_GIFT, { input: { userId: id('u0'), idempotencyKey: key(), recipientId: id('u2'), itemId: id('race-frame') } }),
      api.gql(SEND_GIFT, { input: { userId: id('u1'), idempotencyKey: key(), recipientId: id('u2'), itemId: id('race-frame') } }),
    ]);
    expect([code(a), code(b)].sort()).toEqual(['ALREADY_OWNED', undefined].sort());
    expect(await count('MATCH (:User {dataset: $ds, id: "u2"})<-[:TO]-(g:Gift)-[:OF_ITEM]->(:Item {id: "race-frame"}) RETURN count(g) AS n')).toBe(1);
  });

  it('items not for sale or past availableUntil are ITEM_UNAVAILABLE for purchase and gifts', async () => {
    const UPSERT = `mutation($input: UpsertCatalogInput!) { upsertCatalogItems(input: $input) { created updated items { id forSale } } }`;
    const r = await api.gql<{ upsertCatalogItems: { created: number } }>(UPSERT, {
      input: {
        publisherId: id('p0'), idempotencyKey: key(),
        items: [
          { id: 'off', name: 'Retired frame', catalog: 'FIRST_PARTY', type: 'AVATAR_DECORATION', price: 299, currency: 'USD', forSale: false },
          { id: 'gone', name: 'Last season', catalog: 'FIRST_PARTY', type: 'AVATAR_DECORATION', price: 299, currency: 'USD', availableUntil: new Date(TEST_NOW - 1000).toISOString() },
        ],
      },
    });
    expect(r.errors).toBeUndefined();
    expect(r.data!.upsertCatalogItems.created).toBe(2);
    for (const item of ['off', 'gone']) {
      expect(code(await api.gql(PURCHASE, { input: { userId: id('u1'), idempotencyKey: key(), itemId: id(item) } }))).toBe('ITEM_UNAVAILABLE');
      expect(code(await api.gql(SEND_GIFT, { input: { userId: id('u1'), idempotencyKey: key(), recipientId: id('u2'), itemId: id(item) } }))).toBe('ITEM_UNAVAILABLE');
    }
  });

  it('upsertCatalogItems validates the whole feed first and writes nothing when one item is bad', async () => {
    const UPSERT = `mutation($input: UpsertCatalogInput!) { upsertCatalogItems(input: $input) { created } }`;
    const before = await count('MATCH (i:Item {dataset: $ds}) RETURN count(i) AS n');
    const bad = await api.gql(UPSERT, {
      input: {
        publisherId: id('p1'), idempotencyKey: key(),
        items: [
          { id: 'ok1', name: 'Fine skin', catalog: 'THIRD_PARTY', type: 'SKIN', price: 999, currency: 'USD', gameId: id('g0'), attributes: { platform: 'pc', tier: 2 } },
          { id: 'bad1', name: 'No game', catalog: 'THIRD_PARTY', type: 'SKIN', price: -5, currency: 'usd' },
        ],
      },
    });
    expect(code(bad)).toBe('BAD_USER_INPUT');
    expect(bad.errors![0]!.message).toMatch(/items\[1\]\.gameId/);
    expect(bad.errors![0]!.message).toMatch(/items\[1\]\.price/);
    const wrongPublisher = await api.gql(UPSERT, { input: { publisherId: id('p1'), idempotencyKey: key(), items: [{ id: 'x1', name: 'Boost', catalog: 'FIRST_PARTY', type: 'BOOST', price: 100, currency: 'USD' }] } });
    expect(code(wrongPublisher)).toBe('BAD_USER_INPUT');
    const unknownGame = await api.gql(UPSERT, { input: { publisherId: id('p1'), idempotencyKey: key(), items: [{ id: 'x2', name: 'Skin', catalog: 'THIRD_PARTY', type: 'SKIN', price: 100, currency: 'USD', gameId: id('nogame') }] } });
    expect(code(unknownGame)).toBe('BAD_USER_INPUT');
    expect(await count('MATCH (i:Item {dataset: $ds}) RETURN count(i) AS n')).toBe(before);
    const good = await api.gql<{ upsertCatalogItems: { created: number } }>(UPSERT, { input: { publisherId: id('p1'), idempotencyKey: key(), items: [{ id: 'ok1', name: 'Fine skin', catalog: 'THIRD_PARTY', type: 'SKIN', price: 999, currency: 'USD', gameId: id('g0'), attributes: { platform: 'pc' } }] } });
    expect(good.data!.upsertCatalogItems.created).toBe(1);
    const update = await api.gql<{ upsertCatalogItems: { created: number; updated: number } }>(`mutation($input: UpsertCatalogInput!) { upsertCatalogItems(input: $input) { created updated items { price attributes } } }`, { input: { publisherId: id('p1'), idempotencyKey: key(), items: [{ id: 'ok1', name: 'Fine skin', catalog: 'THIRD_PARTY', type: 'SKIN', price: 799, currency: 'USD', gameId: id('g0'), attributes: { platform: 'console' } }] } });
    expect(update.data!.upsertCatalogItems).toEqual({ created: 0, updated: 1, items: [{ price: 799, attributes: { platform: 'console' } }] });
    expect(await count('MATCH (i:Item {dataset: $ds, id: "ok1"})-[:FOR_GAME]->(g:Game) RETURN count(g) AS n')).toBe(1);
  });

  it('wishlist add and remove are idempotent by state and by key', async () => {
    const ADD = `mutation($input: ItemActionInput!) { addToWishlist(input: $input) { replayed onWishlist changed } }`;
    const REMOVE = `mutation($input: ItemActionInput!) { removeFromWishlist(input: $input) { replayed onWishlist changed } }`;
    const input = { userId: id('u2'), idempotencyKey: key(), itemId: id('i1') };
    expect((await api.gql(ADD, { input })).data).toEqual({ addToWishlist: { replayed: false, onWishlist: true, changed: true } });
    expect((await api.gql(ADD, { input })).data).toEqual({ addToWishlist: { replayed: true, onWishlist: true, changed: true } });
    expect((await api.gql(ADD, { input: { ...input, idempotencyKey: key() } })).data).toEqual({ addToWishlist: { replayed: false, onWishlist: true, changed: false } });
    expect(await count('MATCH (:User {dataset: $ds, id: "u2"})-[w:WISHLISTED]->(:Item {id: "i1"}) RETURN count(w) AS n')).toBe(1);
    expect((await api.gql(REMOVE, { input: { ...input, idempotencyKey: key() } })).data).toEqual({ removeFromWishlist: { replayed: false, onWishlist: false, changed: true } });
    expect((await api.gql(REMOVE, { input: { ...input, idempotencyKey: key() } })).data).toEqual({ removeFromWishlist: { replayed: false, onWishlist: false, changed: false } });
    expect(code(await api.gql(ADD, { input: { userId: id('u0'), idempotencyKey: key(), itemId: id('i1') } }))).toBe('ALREADY_OWNED');
  });

  it('addFriend and removeFriend change the friendship once; removing a non-friend is NOT_FRIENDS; a blocked pair stays blocked', async () => {
    const ADD = `mutation($input: FriendInput!) { addFriend(input: $input) { replayed friends changed friend { id } } }`;
    const REMOVE = `mutation($input: FriendInput!) { removeFriend(input: $input) { replayed friends changed } }`;
    const input = { userId: id('u1'), idempotencyKey: key(), friendId: id('u3') };
    expect((await api.gql(ADD, { input })).data).toEqual({ addFriend: { replayed: false, friends: true, changed: true, friend: { id: id('u3') } } });
    expect((await api.gql(ADD, { input })).data!.addFriend).toMatchObject({ replayed: true });
    expect(await count('MATCH (:User {dataset: $ds, id: "u1"})-[f:FRIEND]-(:User {id: "u3"}) RETURN count(f) AS n')).toBe(1);
    const rm = { userId: id('u3'), idempotencyKey: key(), friendId: id('u1') };
    expect((await api.gql(REMOVE, { input: rm })).data).toEqual({ removeFriend: { replayed: false, friends: false, changed: true } });
    expect((await api.gql(REMOVE, { input: rm })).data).toEqual({ removeFriend: { replayed: true, friends: false, changed: true } });
    expect(code(await api.gql(REMOVE, { input: { ...rm, idempotencyKey: key() } }))).toBe('NOT_FRIENDS');
    expect(code(await api.gql(ADD, { input: { userId: id('u3'), idempotencyKey: key(), friendId: id('u2') } }))).toBe('FRIEND_BLOCKED');
    expect(code(await api.gql(ADD, { input: { userId: id('u3'), idempotencyKey: key(), friendId: id('u3') } }))).toBe('BAD_USER_INPUT');
  });

  it('dismissRecommendation records "not interested" once, also under retries', async () => {
    const DISMISS = `mutation($input: DismissInput!) { dismissRecommendation(input: $input) { replayed item { id } } }`;
    const input = { userId: id('u1'), idempotencyKey: key(), itemId: id('i0'), recommendationId: 'rec_1' };
    expect((await api.gql(DISMISS, { input })).data).toEqual({ dismissRecommendation: { replayed: false, item: { id: id('i0') } } });
    expect((await api.gql(DISMISS, { input })).data).toEqual({ dismissRecommendation: { replayed: true, item: { id: id('i0') } } });
    await api.gql(DISMISS, { input: { ...input, idempotencyKey: key() } });
    expect(await count('MATCH (:User {dataset: $ds, id: "u1"})-[d:DISMISSED]->(:Item {id: "i0"}) RETURN count(d) AS n')).toBe(1);
  });

  it('recordImpressions and recordClick store what was shown and clicked with the recommendation id, once per key', async () => {
    const IMP = `mutation($input: RecordImpressionsInput!) { recordImpressions(input: $input) { replayed recorded } }`;
    const CLICK = `mutation($input: RecordClickInput!) { recordClick(input: $input) { replayed clickId } }`;
    const input = { userId: id('u1'), idempotencyKey: key(), surface: 'HOME', modelVersion: 'sage/demo-v1', impressions: [{ recommendationId: 'rec_x1', itemId: id('i0'), position: 0 }, { recommendationId: 'rec_x2', itemId: id('i1'), position: 1 }] };
    expect((await api.gql(IMP, { input })).data).toEqual({ recordImpressions: { replayed: false, recorded: 2 } });
    expect((await api.gql(IMP, { input })).data).toEqual({ recordImpressions: { replayed: true, recorded: 2 } });
    expect(await count("MATCH (i:Impression {dataset: $ds}) WHERE i.recId IN ['rec_x1', 'rec_x2'] RETURN count(i) AS n")).toBe(2);
    const click = { userId: id('u1'), idempotencyKey: key(), recommendationId: 'rec_x1', itemId: id('i0') };
    const c1 = await api.gql<{ recordClick: { clickId: string } }>(CLICK, { input: click });
    const c2 = await api.gql<{ recordClick: { clickId: string; replayed: boolean } }>(CLICK, { input: click });
    expect(c2.data!.recordClick).toEqual({ clickId: c1.data!.recordClick.clickId, replayed: true });
    expect(code(await api.gql(CLICK, { input: { ...click, idempotencyKey: key(), itemId: id('nope') } }))).toBe('NOT_FOUND');
  });
});
