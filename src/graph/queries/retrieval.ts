import type { GraphClient, Row } from '../graph-client';
import type { ItemRecord } from '../records';
import { toItem } from './items';
import { defineQuery } from './query';

/**
 * The reads candidate retrieval makes for one user at request time. Each is one round
 * trip anchored on the (dataset, id) index and bounded by per-hop limits, so a hub (a
 * user with 400 friends, a guild with 5,000 members) costs a capped amount.
 */

/** The context columns of a matched user `u` (one list per filter). */
const CONTEXT_COLUMNS = `u.embedding AS embedding, u.embeddingVersion AS embeddingVersion,
     coalesce(u.embeddingDue, 0) > coalesce(u.embeddingDone, 0) AS embeddingStale,
     COLLECT { MATCH (u)-[:PURCHASED]->(i:Item) RETURN DISTINCT i.id } AS purchased,
     COLLECT { MATCH (u)<-[:TO]-(g:Gift)-[:OF_ITEM]->(i:Item) WHERE coalesce(g.deliverAt, g.at) <= $now RETURN DISTINCT i.id } AS received,
     COLLECT { MATCH (u)-[:DISMISSED]->(i:Item) RETURN i.id } AS dismissed,
     COLLECT { MATCH (u)-[:WISHLISTED]->(i:Item) RETURN i.id } AS wishlist,
     COLLECT { MATCH (u)-[:PLAYED]->(g:Game) RETURN DISTINCT g.id } AS games`;

/** What retrieval needs to know about the user: their embedding and what to filter out. */
export const USER_RETRIEVAL_CONTEXT = defineQuery(
  'userRetrievalContext',
  `MATCH (u:User {dataset: $ds, id: $id}) USING INDEX SEEK u:User(dataset, id)
   RETURN ${CONTEXT_COLUMNS}`,
  { ds: 'demo', id: 'u1', now: 0 },
);

/**
 * The same context for several users in one round trip, with whether each shares activity
 * with friends (gift suggestions read it for every recipient at once).
 */
export const USER_RETRIEVAL_CONTEXTS = defineQuery(
  'userRetrievalContexts',
  `UNWIND $ids AS id MATCH (u:User {dataset: $ds, id: id}) USING INDEX SEEK u:User(dataset, id)
   RETURN u.id AS id, coalesce(u.shareActivity, true) AS shares, ${CONTEXT_COLUMNS}`,
  { ds: 'demo', ids: ['u1'], now: 0 },
);

export interface UserRetrievalContext {
  embedding: number[] | null;
  embeddingVersion: string | null;
  /** The stored embedding is behind a committed write (its refresh is pending or failed): see fresh-contexts.ts. */
  embeddingStale: boolean;
  /** Items the user owns: bought, or received as a gift already delivered (`deliverAt` passed). */
  owned: Set<string>;
  dismissed: Set<string>;
  wishlist: Set<string>;
  games: Set<string>;
}

/** null when the user does not exist. */
export async function userRetrievalContext(graph: GraphClient, dataset: string, id: string, now: number): Promise<UserRetrievalContext | null> {
  const r = (await graph.query(USER_RETRIEVAL_CONTEXT.cypher, { ds: dataset, id, now }))[0];
  return r ? toContext(r) : null;
}

/** Contexts of several users by id (an unknown id is absent), with their `shareActivity` (default true). */
export async function userRetrievalContexts(graph: GraphClient, dataset: string, ids: readonly string[], now: number): Promise<Map<string, UserRetrievalContext & { shares: boolean }>> {
  if (ids.length === 0) return new Map();
  const rows = await graph.query(USER_RETRIEVAL_CONTEXTS.cypher, { ds: dataset, ids, now });
  return new Map(rows.map((r) => [String(r.id), { ...toContext(r), shares: r.shares !== false }]));
}

function toContext(r: Row): UserRetrievalContext {
  return {
    embedding: (r.embedding as number[] | null) ?? null,
    embeddingVersion: (r.embeddingVersion as string | null) ?? null,
    embeddingStale: r.embeddingStale === true,
    owned: new Set([...(r.purchased as string[]), ...(r.received as string[])]),
    dismissed: new Set(r.dismissed as string[]),
    wishlist: new Set(r.wishlist as string[]),
    games: new Set(r.games as string[]),
  };
}

/**
 * Items the user's unblocked friends bought (newest first) or wishlisted, at most
 * `perFriend` of each per friend, grouped by item with the friends behind it. A friend's
 * name is returned only when they share activity with friends (`shareActivity` not false).
 */
export const SOCIAL_CANDIDATES = defineQuery(
  'socialCandidates',
  `MATCH (u:User {dataset: $ds, id: $id}) USING INDEX SEEK u:User(dataset, id)
   MATCH (u)-[f:FRIEND]-(fr:User) WHERE NOT coalesce(f.blocked, false)
   CALL (fr) {
     MATCH (fr)-[p:PURCHASED]->(i:Item) WITH i, p ORDER BY p.at DESC LIMIT toInteger($perFriend)
     RETURN i.id AS item, 'FRIEND_PURCHASE' AS kind
     UNION
     MATCH (fr)-[w:WISHLISTED]->(i:Item) WITH i, w ORDER BY w.at DESC LIMIT toInteger($perFriend)
     RETURN i.id AS item, 'FRIEND_WISHLIST' AS kind
   }
   WITH item, kind, collect(DISTINCT {id: fr.id, name: fr.name, shares: coalesce(fr.shareActivity, true)}) AS friends
   RETURN item, kind, friends ORDER BY size(friends) DESC, item LIMIT toInteger($limit)`,
  { ds: 'demo', id: 'u1', perFriend: 20, limit: 300 },
);

export interface SocialCandidateRow {
  itemId: string;
  kind: 'FRIEND_PURCHASE' | 'FRIEND_WISHLIST';
  friends: { id: string; name: string; shares: boolean }[];
}

export async function socialCandidates(graph: GraphClient, o: { dataset: string; userId: string; perFriend: number; limit: number }): Promise<SocialCandidateRow[]> {
  const rows = await graph.query(SOCIAL_CANDIDATES.cypher, { ds: o.dataset, id: o.userId, perFriend: o.perFriend, limit: o.limit });
  return rows.map((r) => ({
    itemId: String(r.item),
    kind: r.kind as SocialCandidateRow['kind'],
    friends: socialFriends(r.friends),
  }));
}

/**
 * For each of `items`, every unblocked friend of the user who bought it, and how many of
 * them bought it after `since` (null: all of them). The social candidates above read each
 * friend's latest purchases only and keep the top items; the social lift counts every
 * friend within its window, as its β and window were chosen offline
 * (graph-models/evaluation/social-blend.ts), and the "friends own this" reason names and
 * counts them all. Cost: the friends' purchase lists, filtered to the given items.
 */
export const FRIENDS_WHO_BOUGHT = defineQuery(
  'friendsWhoBought',
  `MATCH (u:User {dataset: $ds, id: $id}) USING INDEX SEEK u:User(dataset, id)
   MATCH (u)-[f:FRIEND]-(fr:User) WHERE NOT coalesce(f.blocked, false)
   MATCH (fr)-[p:PURCHASED]->(i:Item) WHERE i.id IN $items
   WITH i, fr, max(p.at) AS last
   RETURN i.id AS item, collect({id: fr.id, name: fr.name, shares: coalesce(fr.shareActivity, true)}) AS friends,
     count(CASE WHEN $since IS NULL OR last > $since THEN 1 END) AS recent`,
  { ds: 'demo', id: 'u1', items: ['i1'], since: null },
);

export interface FriendsWhoBought {
  friends: SocialCandidateRow['friends'];
  /** Those who bought it after `since`. */
  recent: number;
}

export async function friendsWhoBought(graph: GraphClient, o: { dataset: string; userId: string; items: readonly string[]; since: number | null }): Promise<Map<string, FriendsWhoBought>> {
  if (o.items.length === 0) return new Map();
  const rows = await graph.query(FRIENDS_WHO_BOUGHT.cypher, { ds: o.dataset, id: o.userId, items: o.items, since: o.since });
  return new Map(rows.map((r) => [String(r.item), { friends: socialFriends(r.friends), recent: Number(r.recent) }]));
}

const socialFriends = (list: unknown): SocialCandidateRow['friends'] =>
  (list as Row[]).map((f) => ({ id: String(f.id), name: String(f.name ?? f.id), shares: f.shares !== false }));

/** Items recently bought by members of the user's guilds: a capped sample of members per guild. */
export const GUILD_CANDIDATES = defineQuery(
  'guildCandidates',
  `MATCH (u:User {dataset: $ds, id: $id}) USING INDEX SEEK u:User(dataset, id)
   MATCH (u)-[:MEMBER_OF]->(g:Guild)
   CALL (g, u) {
     MATCH (g)<-[:MEMBER_OF]-(m:User) WHERE m <> u
     WITH m LIMIT toInteger($perGuild)
     MATCH (m)-[p:PURCHASED]->(i:Item) WITH i, p ORDER BY p.at DESC LIMIT toInteger($perGuild)
     RETURN i.id AS item
   }
   RETURN item, count(*) AS members ORDER BY members DESC, item LIMIT toInteger($limit)`,
  { ds: 'demo', id: 'u1', perGuild: 30, limit: 100 },
);

export async function guildCandidates(graph: GraphClient, o: { dataset: string; userId: string; perGuild: number; limit: number }): Promise<{ itemId: string; members: number }[]> {
  const rows = await graph.query(GUILD_CANDIDATES.cypher, { ds: o.dataset, id: o.userId, perGuild: o.perGuild, limit: o.limit });
  return rows.map((r) => ({ itemId: String(r.item), members: Number(r.members) }));
}

/**
 * Every item of a dataset with its purchases since `since` (for popular and new-drop
 * fallbacks). A per-dataset aggregate that services cache for a short time: reading
 * every item is right here, and the dataset index serves it.
 */
export const ITEM_POPULARITY = defineQuery(
  'itemPopularity',
  `MATCH (i:Item {dataset: $ds})
   RETURN i.id AS id, i.dropAt AS dropAt, i.forSale AS forSale, i.availableUntil AS availableUntil,
     COUNT { (i)<-[p:PURCHASED]-() WHERE p.at >= $since } AS recent`,
  { ds: 'demo', since: 0 },
);

export interface ItemPopularity {
  id: string;
  dropAt: number | null;
  recent: number;
  forSale: boolean | null;
  availableUntil: number | null;
}

export async function itemPopularity(graph: GraphClient, dataset: string, since: number): Promise<ItemPopularity[]> {
  const rows = await graph.query(ITEM_POPULARITY.cypher, { ds: dataset, since });
  return rows.map((r) => ({
    id: String(r.id),
    dropAt: (r.dropAt as number | null) ?? null,
    recent: Number(r.recent),
    forSale: (r.forSale as boolean | null) ?? null,
    availableUntil: (r.availableUntil as number | null) ?? null,
  }));
}

/** Candidate items with their fields and embeddings, for filtering and scoring. */
export const CANDIDATE_ITEMS = defineQuery(
  'candidateItems',
  `UNWIND $ids AS id MATCH (i:Item {dataset: $ds, id: id}) USING INDEX SEEK i:Item(dataset, id)
   RETURN i.id AS id, i.name AS name, i.catalog AS catalog, i.type AS type, i.price AS price, i.currency AS currency,
     i.rarity AS rarity, i.gameId AS gameId, i.publisherId AS publisherId, i.dropAt AS dropAt, i.availableUntil AS availableUntil,
     i.forSale AS forSale, i.giftable AS giftable, i.consumable AS consumable, i.attrs AS attrs,
     i.embedding AS embedding, i.embeddingVersion AS embeddingVersion`,
  { ds: 'demo', ids: ['i1'] },
);

export interface CandidateItem {
  item: ItemRecord;
  embedding: number[] | null;
  embeddingVersion: string | null;
}

export async function candidateItems(graph: GraphClient, dataset: string, ids: readonly string[]): Promise<Map<string, CandidateItem>> {
  if (ids.length === 0) return new Map();
  const rows = await graph.query(CANDIDATE_ITEMS.cypher, { ds: dataset, ids });
  return new Map(rows.map((r) => [String(r.id), { item: toItem(dataset, r), embedding: (r.embedding as number[] | null) ?? null, embeddingVersion: (r.embeddingVersion as string | null) ?? null }]));
}

/** Items of the given games (for "more for this game" and cart complements). */
export const ITEMS_OF_GAMES = defineQuery(
  'itemsOfGames',
  `UNWIND $games AS gid MATCH (i:Item {dataset: $ds, gameId: gid}) USING INDEX SEEK i:Item(dataset, gameId)
   RETURN i.id AS id, gid AS gameId LIMIT toInteger($limit)`,
  { ds: 'demo', games: ['g1'], limit: 200 },
);

export async function itemsOfGames(graph: GraphClient, dataset: string, games: readonly string[], limit: number): Promise<{ itemId: string; gameId: string }[]> {
  if (games.length === 0) return [];
  const rows = await graph.query(ITEMS_OF_GAMES.cypher, { ds: dataset, games, limit });
  return rows.map((r) => ({ itemId: String(r.id), gameId: String(r.gameId) }));
}

/**
 * Items bought by people who bought the given items (cart complements), from a capped
 * sample of recent buyers of each.
 */
export const CO_PURCHASED = defineQuery(
  'coPurchased',
  `UNWIND $ids AS id MATCH (i:Item {dataset: $ds, id: id}) USING INDEX SEEK i:Item(dataset, id)
   CALL (i) {
     MATCH (i)<-[p:PURCHASED]-(b:User) WITH b, p ORDER BY p.at DESC LIMIT toInteger($buyers)
     MATCH (b)-[:PURCHASED]->(j:Item) WHERE j <> i
     RETURN j.id AS item
   }
   WITH item WHERE NOT item IN $ids
   RETURN item, count(*) AS together ORDER BY together DESC, item LIMIT toInteger($limit)`,
  { ds: 'demo', ids: ['i1'], buyers: 50, limit: 100 },
);

export async function coPurchased(graph: GraphClient, o: { dataset: string; itemIds: readonly string[]; buyers: number; limit: number }): Promise<{ itemId: string; together: number }[]> {
  if (o.itemIds.length === 0) return [];
  const rows = await graph.query(CO_PURCHASED.cypher, { ds: o.dataset, ids: o.itemIds, buyers: o.buyers, limit: o.limit });
  return rows.map((r) => ({ itemId: String(r.item), together: Number(r.together) }));
}

/** Embeddings of several users (squad members, friends) in one round trip. */
export const USER_EMBEDDINGS = defineQuery(
  'userEmbeddings',
  `UNWIND $ids AS id MATCH (u:User {dataset: $ds, id: id}) USING INDEX SEEK u:User(dataset, id)
   RETURN u.id AS id, u.name AS name, u.embedding AS embedding, coalesce(u.shareActivity, true) AS shares`,
  { ds: 'demo', ids: ['u1'] },
);

export async function userEmbeddings(graph: GraphClient, dataset: string, ids: readonly string[]): Promise<Map<string, { name: string; embedding: number[] | null; shares: boolean }>> {
  if (ids.length === 0) return new Map();
  const rows = await graph.query(USER_EMBEDDINGS.cypher, { ds: dataset, ids });
  return new Map(rows.map((r) => [String(r.id), { name: String(r.name ?? r.id), embedding: (r.embedding as number[] | null) ?? null, shares: r.shares !== false }]));
}

/**
 * A user's unblocked friends, closest first (active days together), with their embeddings
 * and whether each already owns (or wishlisted) an item: "a friend who'd like it as a
 * gift", "friends likely to gift it".
 */
export const FRIENDS_WITH_ITEM_STATE = defineQuery(
  'friendsWithItemState',
  `MATCH (i:Item {dataset: $ds, id: $item}) USING INDEX SEEK i:Item(dataset, id)
   MATCH (u:User {dataset: $ds, id: $id}) USING INDEX SEEK u:User(dataset, id)
   MATCH (u)-[f:FRIEND]-(fr:User) WHERE NOT coalesce(f.blocked, false)
   RETURN fr.id AS id, fr.name AS name, fr.embedding AS embedding, coalesce(fr.shareActivity, true) AS shares,
     EXISTS { (fr)-[:PURCHASED]->(i) } AS owns, EXISTS { (fr)-[:WISHLISTED]->(i) } AS wishes,
     COUNT { (u)-[:INTERACTED]-(fr) } AS activeDays
   ORDER BY activeDays DESC, fr.id LIMIT toInteger($limit)`,
  { ds: 'demo', id: 'u1', item: 'i1', limit: 500 },
);

export interface FriendItemState {
  id: string;
  name: string;
  embedding: number[] | null;
  shares: boolean;
  owns: boolean;
  wishes: boolean;
  /** Days the user and this friend interacted (closest first). */
  activeDays: number;
}

export async function friendsWithItemState(graph: GraphClient, o: { dataset: string; userId: string; itemId: string; limit: number }): Promise<FriendItemState[]> {
  const rows = await graph.query(FRIENDS_WITH_ITEM_STATE.cypher, { ds: o.dataset, id: o.userId, item: o.itemId, limit: o.limit });
  return rows.map((r) => ({
    id: String(r.id), name: String(r.name ?? r.id), embedding: (r.embedding as number[] | null) ?? null,
    shares: r.shares !== false, owns: r.owns === true, wishes: r.wishes === true, activeDays: Number(r.activeDays),
  }));
}

/** A squad's members (explicit or detected). */
export const SQUAD_MEMBERS = defineQuery(
  'squadMembers',
  `MATCH (s:Squad {dataset: $ds, id: $id}) USING INDEX SEEK s:Squad(dataset, id)
   MATCH (s)<-[:IN_SQUAD]-(u:User)
   RETURN s.name AS name, s.kind AS kind, collect(u.id) AS members`,
  { ds: 'demo', id: 's1' },
);

/** null when the squad does not exist. */
export async function squadMembers(graph: GraphClient, dataset: string, squadId: string): Promise<{ name: string; kind: string; members: string[] } | null> {
  const r = (await graph.query(SQUAD_MEMBERS.cypher, { ds: dataset, id: squadId }))[0];
  if (!r) return null;
  return { name: String(r.name ?? squadId), kind: String(r.kind ?? 'EXPLICIT'), members: (r.members as string[]).sort() };
}

/** What the sender paid for their past gifts (for "priced like the sender's past gifts"). */
export const SENDER_GIFT_PRICES = defineQuery(
  'senderGiftPrices',
  `MATCH (s:User {dataset: $ds, id: $id}) USING INDEX SEEK s:User(dataset, id)
   MATCH (s)-[:SENT]->(g:Gift)-[:OF_ITEM]->(i:Item)
   RETURN coalesce(g.pricePaid, i.price) AS price`,
  { ds: 'demo', id: 'u1' },
);

export async function senderGiftPrices(graph: GraphClient, dataset: string, senderId: string): Promise<number[]> {
  const rows = await graph.query(SENDER_GIFT_PRICES.cypher, { ds: dataset, id: senderId });
  return rows.map((r) => r.price).filter((p): p is number => typeof p === 'number');
}
