import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fixedClock } from '../../src/clock/clock';
import { ARTIFACTS_DIR, ArtifactStore } from '../../src/embeddings/artifact-store';
import { encodeAndWriteBack } from '../../src/embeddings/encoder-runtime';
import { ModelRegistry } from '../../src/embeddings/registry';
import type { GraphClient } from '../../src/graph/graph-client';
import { seedWorld } from '../../src/ingest/seed-world';
import { silentLogger } from '../../src/logging/logger';
import { dot, meanDirection, weightedDirection } from '../../src/ranking/item-scoring';
import { servingMixOf } from '../../src/embeddings/manifest';
import { startTestApi, type GqlResponse } from '../support/api';
import { dropDataset, testGraph, TEST_NOW, uniqueDataset } from '../support/graph';

type Rec = { recommendationId: string; score: number | null; modelVersion: string; sources: string[]; item: { id: string; gameId: string | null; price: number | null; catalog: string | null }; reasons: { code: string; text: string; friendIds: string[] }[] };
const LIST = `recommendationId score modelVersion sources item { id gameId price catalog } reasons { code text friendIds }`;

/**
 * Recommendations and real-time refresh on a 300-user synthetic world, encoded and served
 * with the committed demo encoder and gift-recipient head (both inductive: they serve any
 * world of the same schema), through the real HTTP server.
 */
describe('recommendations over HTTP, fresh after writes', () => {
  let graph: GraphClient;
  let api: Awaited<ReturnType<typeof startTestApi>>;
  const ds = uniqueDataset('rec');
  const id = (x: string) => `${ds}:${x}`;
  const local = (x: string) => x.slice(ds.length + 1);
  const truthDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gg-rec-'));
  const store = new ArtifactStore(ARTIFACTS_DIR);
  const registry = () => new ModelRegistry({ graph, store, clock: fixedClock(TEST_NOW), logger: silentLogger });
  let keyN = 0;
  const key = () => `rk-${++keyN}-${Date.now()}`;
  const code = (r: GqlResponse) => r.errors?.[0]?.extensions?.code;

  const home = async (user: string, first = 20, filter: Record<string, unknown> | null = null) => {
    const r = await api.gql<{ recommendations: { modelVersion: string; items: Rec[] } }>(
      `query($u: ID!, $first: Int!, $filter: ItemFilterInput) { recommendations(userId: $u, surface: HOME, first: $first, filter: $filter) { modelVersion items { ${LIST} } } }`,
      { u: id(user), first, filter },
    );
    expect(r.errors).toBeUndefined();
    return r.data!.recommendations;
  };
  const embedding = async (label: 'User' | 'Item', x: string) => (await graph.query(`MATCH (n:${label} {dataset: $ds, id: $id}) RETURN n.embedding AS e, n.embeddingVersion AS v`, { ds, id: x }))[0] as { e: number[]; v: string };

  beforeAll(async () => {
    graph = await testGraph();
    await seedWorld({ graph, dataset: ds, users: 300, seed: 5, reset: false, cutoff: TEST_NOW, clock: fixedClock(TEST_NOW), truthDir, logger: silentLogger });
    const reg = registry();
    const sage = await reg.activate(ds, 'sage', 'demo-v1');
    await reg.activate(ds, 'gift-recipient', 'demo-v1');
    await reg.activate(ds, 'group-buy', 'demo-v1');
    await reg.activate(ds, 'squad', 'demo-v1');
    await encodeAndWriteBack({ graph, dataset: ds, artifact: sage, asOf: TEST_NOW, logger: silentLogger });
    api = await startTestApi(graph);
  }, 300_000);
  afterAll(async () => {
    await api?.stop();
    await dropDataset(graph, ds);
    await graph.close();
    fs.rmSync(truthDir, { recursive: true, force: true });
  });

  /** A giftable, for-sale item the recipient does not own. */
  const giftableFor = async (r: string): Promise<string> =>
    id(String((await graph.query(`MATCH (i:Item {dataset: $ds}) WHERE coalesce(i.giftable, true) AND coalesce(i.forSale, true) AND (i.availableUntil IS NULL OR i.availableUntil > $now) AND (i.dropAt IS NULL OR i.dropAt <= $now)
      AND NOT EXISTS { (:User {dataset: $ds, id: $r})-[:PURCHASED]->(i) } AND NOT EXISTS { (:User {dataset: $ds, id: $r})<-[:TO]-(:Gift)-[:OF_ITEM]->(i) } RETURN i.id AS id ORDER BY i.id LIMIT 1`, { ds, r, now: TEST_NOW }))[0]!.id));

  /** A user with friends, purchases and an embedding. */
  const someUser = async (): Promise<string> =>
    String((await graph.query(`MATCH (u:User {dataset: $ds})-[:PURCHASED]->() WITH u, count(*) AS n WHERE n >= 3 AND COUNT { (u)-[:FRIEND]-() } >= 3 RETURN u.id AS id ORDER BY u.id LIMIT 1`, { ds }))[0]!.id);

  it('HOME: at most `first` items, none owned (unless consumable), not for sale or dismissed; scored by the active encoder; the same state gives the same answer', async () => {
    const u = await someUser();
    const a = await home(u, 20);
    const b = await home(u, 20);
    expect(b).toEqual(a);
    expect(a.items.length).toBe(20);
    expect(a.modelVersion).toBe('sage/demo-v1');
    const owned = new Set((await graph.query(`MATCH (:User {dataset: $ds, id: $u})-[:PURCHASED]->(i:Item) WHERE NOT coalesce(i.consumable, false) RETURN i.id AS id`, { ds, u })).map((r) => String(r.id)));
    for (const r of a.items) expect(owned.has(local(r.item.id))).toBe(false);
    const scores = a.items.map((r) => r.score).filter((s): s is number => s !== null);
    expect(scores).toEqual([...scores].sort((x, y) => y - x));
    expect(new Set(a.items.map((r) => r.recommendationId)).size).toBe(20);
    // The score is the encoder's cosine between the stored embeddings, plus the social lift
    // β·ln(1 + friends who bought it within the window) with the β and window the encoder's
    // training chose (servingMixOf).
    const mix = servingMixOf(store.get('sage', 'demo-v1')!.manifest);
    const ue = await embedding('User', u);
    const cosine = async (r: Rec) => dot(ue.e, (await embedding('Item', local(r.item.id))).e);
    const since = mix.socialWindowDays === null ? null : TEST_NOW - mix.socialWindowDays * 86_400_000;
    const recentFriends = async (r: Rec): Promise<number> => Number((await graph.query(
      `MATCH (:User {dataset: $ds, id: $u})-[f:FRIEND]-(fr:User)-[p:PURCHASED]->(:Item {dataset: $ds, id: $i}) WHERE NOT coalesce(f.blocked, false)
       WITH fr, max(p.at) AS last WHERE $since IS NULL OR last > $since RETURN count(fr) AS n`,
      { ds, u, i: local(r.item.id), since },
    ))[0]!.n);
    // How many friends bought it at all, from the FRIENDS_OWN reason ("Ana owns this", "Ana and 2 other friends own this", "3 of your friends own this").
    const friendsWhoBought = (r: Rec): number => {
      const t = r.reasons.find((x) => x.code === 'FRIENDS_OWN')?.text;
      if (!t) return 0;
      const m = /^(\d+) of your friends/.exec(t) ?? /and (\d+) other friend/.exec(t);
      return m ? Number(m[1]) + (t.startsWith(m[1]!) ? 0 : 1) : 1;
    };
    expect(mix.socialBeta).toBeGreaterThan(0);
    for (const r of a.items.slice(0, 5)) {
      const recent = await recentFriends(r);
      expect(recent).toBeLessThanOrEqual(friendsWhoBought(r));
      expect(r.score!).toBeCloseTo((await cosine(r)) + mix.socialBeta * Math.log1p(recent), 5);
    }
    expect(a.items.some((r) => friendsWhoBought(r) > 0)).toBe(true);
  });

  it('filters: price range, 1P/3P, exclusions and a per-game cap are honoured', async () => {
    const u = await someUser();
    const all = await home(u, 30);
    const exclude = all.items.slice(0, 3).map((r) => r.item.id);
    const capped = await home(u, 30, { maxPerGame: 1, exclude });
    const games = capped.items.map((r) => r.item.gameId).filter((g) => g !== null);
    expect(new Set(games).size).toBe(games.length);
    for (const e of exclude) expect(capped.items.map((r) => r.item.id)).not.toContain(e);
    const cheap = await home(u, 20, { maxPrice: 500, catalog: 'THIRD_PARTY' });
    expect(cheap.items.length).toBeGreaterThan(0);
    for (const r of cheap.items) {
      expect(r.item.price!).toBeLessThanOrEqual(500);
      expect(r.item.catalog).toBe('THIRD_PARTY');
    }
    expect(code(await api.gql(`{ recommendations(userId: "${id(u)}", surface: HOME, filter: { minPrice: 900, maxPrice: 100 }) { modelVersion } }`))).toBe('BAD_USER_INPUT');
    expect(code(await api.gql(`{ recommendations(userId: "${id(u)}", surface: HOME, first: 101) { modelVersion } }`))).toBe('BAD_USER_INPUT');
    expect(code(await api.gql(`{ recommendations(userId: "${id('nobody')}", surface: HOME) { modelVersion } }`))).toBe('NOT_FOUND');
  });

  it('after a purchase, the buyer’s stored embedding changes and their top-20 (bought item removed) changes, with items of the same game rising', async () => {
    const u = await someUser();
    const before = await home(u, 40);
    const target = before.items.find((r) => r.item.gameId !== null && !r.sources.includes('POPULAR'))?.item ?? before.items.find((r) => r.item.gameId !== null)!.item;
    const game = local(target.gameId!);
    const sameGame = (await graph.query(`MATCH (i:Item {dataset: $ds, gameId: $g}) RETURN i.id AS id, i.embedding AS e`, { ds, g: game })) as { id: string; e: number[] }[];
    const e0 = await embedding('User', u);
    const mean = (ue: number[]) => sameGame.reduce((s, r) => s + dot(ue, r.e), 0) / sameGame.length;
    const p = await api.gql(`mutation($input: PurchaseInput!) { purchase(input: $input) { purchaseId } }`, { input: { userId: id(u), idempotencyKey: key(), itemId: target.id, surface: 'HOME' } });
    expect(p.errors).toBeUndefined();
    // The refresh runs in the background; the buyer's next read catches up with it first.
    const after = await home(u, 40);
    const e1 = await embedding('User', u);
    expect(e1.v).toBe('demo-v1');
    expect(e1.e).not.toEqual(e0.e);
    const top20 = (l: { items: Rec[] }) => l.items.map((r) => r.item.id).filter((x) => x !== target.id).slice(0, 20);
    expect(top20(after)).not.toEqual(top20(before));
    expect(mean(e1.e)).toBeGreaterThan(mean(e0.e));
  });

  it('a new catalog item is embedded on insert, before the mutation answers, and can be retrieved at once', async () => {
    const row = (await graph.query(`MATCH (g:Game {dataset: $ds})<-[:FOR_GAME]-(i:Item)-[:SOLD_BY]->(p:Publisher) RETURN g.id AS game, p.id AS publisher LIMIT 1`, { ds }))[0]!;
    const r = await api.gql(`mutation($input: UpsertCatalogInput!) { upsertCatalogItems(input: $input) { created } }`, {
      input: { publisherId: id(String(row.publisher)), idempotencyKey: key(), items: [{ id: 'fresh1', name: 'Fresh skin', catalog: 'THIRD_PARTY', type: 'SKIN', price: 799, currency: 'USD', gameId: id(String(row.game)), attributes: { finish: 'matte' } }] },
    });
    expect(r.errors).toBeUndefined();
    const e = await embedding('Item', 'fresh1');
    expect(e.v).toBe('demo-v1');
    expect(e.e).toHaveLength(64);
    const similar = await api.gql<{ recommendations: { items: Rec[] } }>(`{ recommendations(userId: "${id(await someUser())}", surface: WISHLIST, context: { itemId: "${id('fresh1')}" }, first: 5) { items { ${LIST} } } }`);
    expect(similar.errors).toBeUndefined();
    expect(similar.data!.recommendations.items.length).toBeGreaterThan(0);
  });

  it('groupBuy: conversion from the active head (1 once filled), suggested invitees not yet invited and by gain; a join moves the probability', async () => {
    const filled = (await graph.query(`MATCH (g:GroupBuy {dataset: $ds, status: 'FILLED'}) RETURN g.id AS id LIMIT 1`, { ds }))[0]!;
    const q = (gb: string) => api.gql<{ groupBuy: { status: string; invitees: { id: string }[]; conversion: { probability: number; modelVersion: string; participants: number }; suggestedInvitees: { user: { id: string }; gain: number; probabilityIfInvited: number }[] } }>(
      `query($id: ID!) { groupBuy(id: $id) { status invitees { id } conversion { probability modelVersion participants } suggestedInvitees(first: 5) { user { id } gain probabilityIfInvited } } }`, { id: id(gb) },
    );
    const done = await q(String(filled.id));
    expect(done.errors).toBeUndefined();
    expect(done.data!.groupBuy.conversion).toMatchObject({ probability: 1, modelVersion: 'group-buy/demo-v1' });
    expect(done.data!.groupBuy.suggestedInvitees).toEqual([]);
    const u = await someUser();
    const friends = (await graph.query(`MATCH (:User {dataset: $ds, id: $u})-[f:FRIEND]-(v:User) WHERE NOT coalesce(f.blocked, false) RETURN v.id AS id ORDER BY id LIMIT 2`, { ds, u })).map((r) => id(String(r.id)));
    const created = await api.gql<{ createGroupBuy: { groupBuy: { id: string } } }>(`mutation($input: CreateGroupBuyInput!) { createGroupBuy(input: $input) { groupBuy { id } } }`, {
      input: { userId: id(u), idempotencyKey: key(), itemId: await giftableFor(u), targetSize: 4, durationHours: 48, inviteeIds: friends },
    });
    expect(created.errors).toBeUndefined();
    const gb = local(created.data!.createGroupBuy.groupBuy.id);
    const before = (await q(gb)).data!.groupBuy;
    expect(before.conversion.probability).toBeGreaterThan(0);
    expect(before.conversion.probability).toBeLessThan(1);
    const invited = new Set(before.invitees.map((u) => u.id));
    for (const s of before.suggestedInvitees) {
      expect(invited.has(s.user.id)).toBe(false);
      expect(s.probabilityIfInvited).toBeGreaterThanOrEqual(before.conversion.probability);
    }
    const gains = before.suggestedInvitees.map((s) => s.gain);
    expect(gains).toEqual([...gains].sort((a, b) => b - a));
    const pending = (await graph.query(`MATCH (g:GroupBuy {dataset: $ds, id: $gb})-[:INVITED]->(u:User) WHERE NOT EXISTS { (u)-[:JOINED]->(g) } RETURN u.id AS id ORDER BY id LIMIT 1`, { ds, gb }))[0];
    if (pending) {
      const j = await api.gql(`mutation($input: GroupBuyActionInput!) { joinGroupBuy(input: $input) { groupBuy { participantCount } } }`, { input: { userId: id(String(pending.id)), idempotencyKey: key(), groupBuyId: id(gb) } });
      expect(j.errors).toBeUndefined();
      const after = (await q(gb)).data!.groupBuy;
      expect(after.conversion.participants).toBe(before.conversion.participants + 1);
      expect(after.conversion.probability).not.toBe(before.conversion.probability);
    }
    expect((await api.gql(`{ groupBuy(id: "${id('nogb')}") { status } }`)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('a dismissed item never comes back', async () => {
    const u = await someUser();
    const first = (await home(u, 10)).items[0]!;
    const d = await api.gql(`mutation($input: DismissInput!) { dismissRecommendation(input: $input) { replayed } }`, { input: { userId: id(u), idempotencyKey: key(), itemId: first.item.id, recommendationId: first.recommendationId } });
    expect(d.errors).toBeUndefined();
    expect((await home(u, 50)).items.map((r) => r.item.id)).not.toContain(first.item.id);
  });

  it('reasons name a friend only when that friend shares activity, and count the rest', async () => {
    const u = await someUser();
    const list = await home(u, 50);
    const named = list.items.flatMap((r) => r.reasons.filter((x) => x.code === 'FRIENDS_OWN' && x.friendIds.length > 0));
    expect(named.length).toBeGreaterThan(0);
    const friend = local(named[0]!.friendIds[0]!);
    const SHARE = `mutation($input: SharingInput!) { updateSharing(input: $input) { shareActivity } }`;
    expect((await api.gql(SHARE, { input: { userId: id(friend), idempotencyKey: key(), shareActivity: false } })).data).toEqual({ updateSharing: { shareActivity: false } });
    try {
      const again = await home(u, 50);
      for (const r of again.items) for (const x of r.reasons) expect(x.friendIds).not.toContain(id(friend));
      expect(again.items.some((r) => r.reasons.some((x) => x.code === 'FRIENDS_OWN'))).toBe(true);
    } finally {
      await api.gql(SHARE, { input: { userId: id(friend), idempotencyKey: key(), shareActivity: true } });
    }
  });

  it('every surface answers: CART complements, POST_PURCHASE friends who would like it, WISHLIST similar items; missing context is BAD_USER_INPUT', async () => {
    const u = await someUser();
    const items = (await home(u, 5)).items.map((r) => r.item.id);
    const q = (surface: string, context: Record<string, unknown> | null) =>
      api.gql<{ recommendations: { items: Rec[]; friends: { user: { id: string }; score: number; reasons: { code: string }[] }[] } }>(
        `query($u: ID!, $s: Surface!, $c: SurfaceContextInput) { recommendations(userId: $u, surface: $s, context: $c, first: 10) { items { ${LIST} } friends { user { id } score reasons { code } } } }`,
        { u: id(u), s: surface, c: context },
      );
    const cart = await q('CART', { cartItemIds: items.slice(0, 2) });
    expect(cart.errors).toBeUndefined();
    expect(cart.data!.recommendations.items.map((r) => r.item.id)).not.toContain(items[0]);
    // Scored against ẑ_user + w·ẑ_cart with the weight the encoder's training chose on validation.
    const w = servingMixOf(store.get('sage', 'demo-v1')!.manifest).cartItemWeight;
    const cartDir = meanDirection([(await embedding('Item', local(items[0]!))).e, (await embedding('Item', local(items[1]!))).e]);
    const query = weightedDirection([[cartDir, w], [(await embedding('User', u)).e, 1]])!;
    const top = cart.data!.recommendations.items.find((r) => r.score !== null)!;
    expect(top.score!).toBeCloseTo(dot(query, (await embedding('Item', local(top.item.id))).e), 5);
    const post = await q('POST_PURCHASE', { itemId: items[0] });
    expect(post.errors).toBeUndefined();
    expect(post.data!.recommendations.friends.length).toBeGreaterThan(0);
    const wish = await q('WISHLIST', { itemId: items[1] });
    expect(wish.errors).toBeUndefined();
    expect(wish.data!.recommendations.items.every((r) => r.item.id !== items[1])).toBe(true);
    expect(code(await q('CART', null))).toBe('BAD_USER_INPUT');
    expect(code(await q('POST_PURCHASE', { itemId: id('nope') }))).toBe('NOT_FOUND');
  });

  it('WISHLIST names the friends most likely to gift the user soon, and a gift scheduled for the user changes nothing they can see', async () => {
    const u = await someUser();
    const wished = (await home(u, 3)).items[0]!.item.id;
    const q = () => api.gql<{ recommendations: { friends: { user: { id: string }; score: number; reasons: { code: string; text: string }[] }[] } }>(
      `query($u: ID!, $c: SurfaceContextInput) { recommendations(userId: $u, surface: WISHLIST, context: $c, first: 5) { friends { user { id } score reasons { code text } } } }`,
      { u: id(u), c: { itemId: wished } },
    );
    const before = await q();
    expect(before.errors).toBeUndefined();
    const friends = before.data!.recommendations.friends;
    expect(friends.length).toBeGreaterThan(0);
    expect(friends[0]!.reasons[0]!.code).toBe('CLOSE_FRIEND');
    const scores = friends.map((f) => f.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    // The likeliest gifter schedules a gift for next week: u's view must not move.
    const gifter = friends[0]!.user.id;
    const g = await api.gql(`mutation($input: SendGiftInput!) { sendGift(input: $input) { gift { id } } }`, {
      input: { userId: gifter, idempotencyKey: key(), recipientId: id(u), itemId: await giftableFor(u), deliverAt: new Date(TEST_NOW + 7 * 86_400_000).toISOString() },
    });
    expect(g.errors).toBeUndefined();
    expect((await q()).data).toEqual(before.data);
  });

  it('friendRecs carry social proof; squadRecs drop what any member owns', async () => {
    const u = await someUser();
    const f = await api.gql<{ friendRecs: { items: Rec[] } }>(`{ friendRecs(userId: "${id(u)}", first: 10) { items { ${LIST} } } }`);
    expect(f.errors).toBeUndefined();
    expect(f.data!.friendRecs.items.length).toBeGreaterThan(0);
    for (const r of f.data!.friendRecs.items) expect(r.sources.some((s) => ['FRIEND_PURCHASE', 'FRIEND_WISHLIST', 'GUILD'].includes(s))).toBe(true);
    const members = (await graph.query(`MATCH (:User {dataset: $ds, id: $u})-[:FRIEND]-(v:User) RETURN v.id AS id ORDER BY id LIMIT 2`, { ds, u })).map((r) => String(r.id));
    const s = await api.gql<{ squadRecs: { modelVersion: string; items: Rec[]; memberIds: string[] } }>(`query($m: [ID!]) { squadRecs(memberIds: $m, first: 20) { modelVersion memberIds items { ${LIST} } } }`, { m: [u, ...members].map(id) });
    expect(s.errors).toBeUndefined();
    expect(s.data!.squadRecs.modelVersion).toBe('squad/demo-v1');
    const sq = s.data!.squadRecs.items.map((r) => r.score).filter((x): x is number => x !== null);
    expect(sq).toEqual([...sq].sort((a, b) => b - a));
    const owned = new Set((await graph.query(`MATCH (m:User {dataset: $ds})-[:PURCHASED]->(i:Item) WHERE m.id IN $m AND NOT coalesce(i.consumable, false) RETURN DISTINCT i.id AS id`, { ds, m: [u, ...members] })).map((r) => id(String(r.id))));
    for (const r of s.data!.squadRecs.items) expect(owned.has(r.item.id)).toBe(false);
    expect(code(await api.gql(`{ squadRecs(memberIds: ["${id(u)}"]) { squadName } }`))).toBe('BAD_USER_INPUT');
    expect(code(await api.gql(`{ squadRecs(squadId: "${id('nosquad')}") { squadName } }`))).toBe('NOT_FOUND');
    expect(code(await api.gql(`{ squadRecs(memberIds: ["${id(u)}", "${id('nobody')}"]) { squadName } }`))).toBe('NOT_FOUND');
  });

  it('giftSuggestions: friends by gift probability with giftable items; after a gift the sender’s recipient ranking changes; a planned gift is not suggested again and stays hidden from its recipient', async () => {
    const u = await someUser();
    const q = () => api.gql<{ giftSuggestions: { modelVersion: string; suggestions: { recipient: { id: string }; probability: number; items: { item: { id: string } }[] }[] } }>(
      `{ giftSuggestions(userId: "${id(u)}", first: 10, itemsPerRecipient: 3) { modelVersion suggestions { recipient { id } probability items { item { id } } } } }`,
    );
    const before = await q();
    expect(before.errors).toBeUndefined();
    const list = before.data!.giftSuggestions;
    expect(list.modelVersion).toBe('gift-recipient/demo-v1');
    expect(list.suggestions.length).toBeGreaterThan(0);
    const probs = list.suggestions.map((s) => s.probability);
    expect(probs).toEqual([...probs].sort((a, b) => b - a));
    // An immediate gift moves the sender's ranking (past gifts are a feature of the head).
    const first = list.suggestions[0]!;
    const now = await api.gql(`mutation($input: SendGiftInput!) { sendGift(input: $input) { gift { id } } }`, {
      input: { userId: id(u), idempotencyKey: key(), recipientId: first.recipient.id, itemId: await giftableFor(local(first.recipient.id)) },
    });
    expect(now.errors).toBeUndefined();
    const after = (await q()).data!.giftSuggestions;
    const pOf = (l: typeof list, r: string) => l.suggestions.find((s) => s.recipient.id === r)?.probability ?? null;
    expect(pOf(after, first.recipient.id)).not.toEqual(pOf(list, first.recipient.id));
    // A gift scheduled for later: no one is told to send it again...
    const to = after.suggestions.find((s) => s.items.length > 0)!;
    const gift = to.items[0]!.item.id;
    const planned = await api.gql(`mutation($input: SendGiftInput!) { sendGift(input: $input) { gift { id deliverAt } } }`, {
      input: { userId: id(u), idempotencyKey: key(), recipientId: to.recipient.id, itemId: gift, deliverAt: new Date(TEST_NOW + 5 * 86_400_000).toISOString() },
    });
    expect(planned.errors).toBeUndefined();
    const later = (await q()).data!.giftSuggestions.suggestions.find((s) => s.recipient.id === to.recipient.id);
    if (later) expect(later.items.map((i) => i.item.id)).not.toContain(gift);
    // ...and the recipient's own purchases do not see it as owned (that would reveal it), nor do reasons mention gifts.
    const buy = await api.gql(`mutation($input: PurchaseInput!) { purchase(input: $input) { purchaseId } }`, { input: { userId: to.recipient.id, idempotencyKey: key(), itemId: gift } });
    expect(code(buy)).not.toBe('ALREADY_OWNED');
    const mine = await api.gql<{ recommendations: { items: Rec[] } }>(`{ recommendations(userId: "${to.recipient.id}", surface: HOME, first: 100) { items { ${LIST} } } }`);
    for (const r of mine.data!.recommendations.items) for (const x of r.reasons) expect(x.text).not.toMatch(/gift/i);
  });
});
