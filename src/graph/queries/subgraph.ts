import { readTogether, type GraphClient } from '../graph-client';
import { defineQuery, type QueryDef } from './query';

/**
 * The neighbourhood fetch behind the real-time embedding refresh: for a few frontier
 * nodes, the neighbour lists the SAGE encoder samples from (one statement per label and
 * hop, all served by the (dataset, id) index), then the per-node counts and properties
 * the node features need (src/features/node-features.ts `UserAggregates`/`ItemAggregates`),
 * all as of a time t. Nothing here is proportional to the dataset: a statement touches the
 * frontier nodes' own relationships only.
 *
 * Lists are DISTINCT neighbours (the encoder's CSR dedupes repeat purchases and play
 * sessions), edges with a time after t left out (unknown times kept), blocked friendships
 * dropped — the same edge set `graphAsOf(loadHeteroGraph(...), t)` gives. A list longer than
 * `cap` keeps the `cap` most recent neighbours (by their latest edge; ties by id) and
 * reports the full `degree`: a game with 7,000 players is never shipped whole. At t = now
 * (`now`, the refresh after a write) no edge is later, and a long list is cut without
 * reading all of it: `cap` neighbours in store order (see listQueryNow).
 */

export type ListOwner = 'user' | 'item' | 'game' | 'guild';
/** Base relation names of src/features/hetero-graph.ts (edges stored src -> dst). */
export type BaseRelation = 'purchased' | 'wishlisted' | 'friend' | 'played' | 'memberOf' | 'forGame';

/** One direction of one relation, as seen from the node that owns the list. */
interface ListSpec {
  relation: BaseRelation;
  /** Cypher pattern from the owner `o` to the neighbour `n` through `r`. */
  pattern: string;
  /** Edge filter as of $t (true when the relationship has no time). */
  where: string;
  /** The same filter when t is the present (nothing is later): the time condition dropped. */
  whereNow: string;
  /** Recency of an edge, for the cap; null when the relationship has none. */
  time: string | null;
}

const AS_OF = (p: string) => `(r.${p} IS NULL OR r.${p} <= $t)`;
const NOT_BLOCKED = 'coalesce(r.blocked, false) <> true';

/** Per owner label: every relation the encoder samples into that node type (graph-models/training/sage-graph.ts SAGE_RELATIONS). */
const LISTS: Record<ListOwner, { label: string; lists: ListSpec[] }> = {
  user: {
    label: 'User',
    lists: [
      { relation: 'purchased', pattern: '(o)-[r:PURCHASED]->(n:Item)', where: AS_OF('at'), whereNow: 'true', time: 'r.at' },
      { relation: 'wishlisted', pattern: '(o)-[r:WISHLISTED]->(n:Item)', where: AS_OF('at'), whereNow: 'true', time: 'r.at' },
      { relation: 'friend', pattern: '(o)-[r:FRIEND]-(n:User)', where: `${NOT_BLOCKED} AND ${AS_OF('since')}`, whereNow: NOT_BLOCKED, time: 'r.since' },
      { relation: 'played', pattern: '(o)-[r:PLAYED]->(n:Game)', where: AS_OF('at'), whereNow: 'true', time: 'r.at' },
      { relation: 'memberOf', pattern: '(o)-[r:MEMBER_OF]->(n:Guild)', where: AS_OF('since'), whereNow: 'true', time: 'r.since' },
    ],
  },
  item: {
    label: 'Item',
    lists: [
      { relation: 'purchased', pattern: '(o)<-[r:PURCHASED]-(n:User)', where: AS_OF('at'), whereNow: 'true', time: 'r.at' },
      { relation: 'wishlisted', pattern: '(o)<-[r:WISHLISTED]-(n:User)', where: AS_OF('at'), whereNow: 'true', time: 'r.at' },
      { relation: 'forGame', pattern: '(o)-[r:FOR_GAME]->(n:Game)', where: 'true', whereNow: 'true', time: null },
    ],
  },
  game: {
    label: 'Game',
    lists: [
      { relation: 'played', pattern: '(o)<-[r:PLAYED]-(n:User)', where: AS_OF('at'), whereNow: 'true', time: 'r.at' },
      // FOR_GAME has no time: the newest items (by drop) first.
      { relation: 'forGame', pattern: '(o)<-[r:FOR_GAME]-(n:Item)', where: 'true', whereNow: 'true', time: 'n.dropAt' },
    ],
  },
  guild: {
    label: 'Guild',
    lists: [{ relation: 'memberOf', pattern: '(o)<-[r:MEMBER_OF]-(n:User)', where: AS_OF('since'), whereNow: 'true', time: 'r.since' }],
  },
};

/**
 * As of t: every edge of the list is read (filtered by time, its most recent use per
 * neighbour kept), the neighbours ordered most recent first and cut at $cap.
 */
const listQuery = (owner: ListOwner): QueryDef => {
  const { label, lists } = LISTS[owner];
  const calls = lists.map(
    (s, k) => `CALL (o) {
       MATCH ${s.pattern} WHERE ${s.where}
       WITH n.id AS nid, ${s.time ? `max(${s.time})` : 'null'} AS at
       ORDER BY coalesce(at, 0) DESC, nid
       WITH collect(nid) AS nbrs
       RETURN nbrs[0..toInteger($cap)] AS l${k}, size(nbrs) AS d${k}
     }`,
  );
  return ownerListsQuery(`subgraphLists${label}`, label, lists, calls);
};

/**
 * The present (t = now, nothing later): the list's edges are read in the store's order
 * until $cap + 1 distinct neighbours are found, and the first $cap kept. Why: ordering by
 * recency reads every edge of the list, and a popular item's buyers or a game's players
 * are thousands (100k world: 547 ms per item list statement in the serve bench's
 * group-buy fills); a shorter list is complete either way, and a longer one is a cap-size
 * subset of a neighbourhood the encoder samples uniformly anyway.
 *
 * Distinct nodes are counted before any property is read, and the reading stops at the
 * (cap + 1)th: the form before read 2·$cap edges and each neighbour's id to dedupe them
 * (room for a consumable bought twice), whatever the list held, and still came back short
 * when one neighbour's repeats filled those edges. A filled group buy's 79 hop-1 items on
 * the 100k world: db hits 101,928 → 43,109, 110 → 56 ms; the same lists.
 */
const listQueryNow = (owner: ListOwner): QueryDef => {
  const { label, lists } = LISTS[owner];
  const calls = lists.map(
    (s, k) => `CALL (o) {
       MATCH ${s.pattern} WHERE ${s.whereNow}
       WITH DISTINCT n LIMIT toInteger($cap) + 1
       WITH collect(n.id) AS nbrs
       RETURN nbrs[0..toInteger($cap)] AS l${k}, size(nbrs) AS d${k}
     }`,
  );
  return ownerListsQuery(`subgraphListsNow${label}`, label, lists, calls);
};

const ownerListsQuery = (name: string, label: string, lists: ListSpec[], calls: string[]): QueryDef =>
  defineQuery(
    name,
    `UNWIND $ids AS id
     MATCH (o:${label} {dataset: $ds, id: id}) USING INDEX SEEK o:${label}(dataset, id)
     ${calls.join('\n     ')}
     RETURN o.id AS id, coalesce(o.embeddingDue, 0) AS due, [${lists.map((_, k) => `l${k}`).join(', ')}] AS lists, [${lists.map((_, k) => `d${k}`).join(', ')}] AS degrees`,
    { ds: 'demo', ids: ['u1'], t: 0, cap: 100 },
  );

const OWNERS: ListOwner[] = ['user', 'item', 'game', 'guild'];
const LIST_QUERIES = Object.fromEntries(OWNERS.map((k) => [k, listQuery(k)])) as Record<ListOwner, QueryDef>;
const LIST_QUERIES_NOW = Object.fromEntries(OWNERS.map((k) => [k, listQueryNow(k)])) as Record<ListOwner, QueryDef>;

/** One frontier node's neighbours along one relation. */
export interface NeighbourList {
  owner: string;
  ownerType: ListOwner;
  relation: BaseRelation;
  /** Distinct neighbour ids, at most `cap`: the most recent first (as of t), or in store order (`now`). */
  ids: string[];
  /** Distinct neighbours seen: all of them as of t; with `now`, at most cap + 1 (> ids.length when capped either way). */
  degree: number;
  /**
   * The owner's write mark (`embeddingDue`, 0 when unset or not a user), read by the same
   * statement as its lists, so the lists reflect at least every write it counts.
   */
  ownerDue: number;
}

/**
 * The neighbour lists of the given frontier nodes (ids unknown to the dataset are
 * absent from the result): one read transaction, one statement per label with nodes,
 * issued together (the driver pipelines them on the transaction's connection).
 *
 * One transaction rather than one per label (readTogether; a lone label's statement runs
 * as an auto-commit read, with no transaction around it): a refresh makes three of these
 * round trips, and each transaction costs the API a session, a pooled connection, BEGIN and COMMIT.
 * Measured on the 100k world (a refresh of one user, 200 users, two alternating runs
 * each, this function and fetchFeatureCounts together): API CPU per refresh 17.5 / 18.8
 * ms → 16.7 / 15.3 ms; a fill-sized refresh (ten users and an item) 82.3 / 86.6 → 78.9 / 77.6 ms.
 * The server runs the statements one after another instead of side by side; the
 * refresh's wall time stayed within a millisecond. In the serve bench (joinGroupBuy at
 * 25 req/s, A/B alternating, bench/README.md's twelfth pass) the API's CPU in the phase
 * fell 5.9–7.0 → 5.3–6.4 s and the join's latency ratio stayed within its spread.
 */
export async function fetchNeighbourLists(
  graph: GraphClient,
  o: { dataset: string; frontier: Partial<Record<ListOwner, readonly string[]>>; t: number; cap: number; now?: boolean },
): Promise<NeighbourList[]> {
  const owners = (Object.keys(LISTS) as ListOwner[]).filter((k) => (o.frontier[k]?.length ?? 0) > 0);
  const queries = o.now ? LIST_QUERIES_NOW : LIST_QUERIES;
  const results = await readTogether(graph, owners.map((owner) => ({ cypher: queries[owner].cypher, params: { ds: o.dataset, ids: o.frontier[owner], t: o.t, cap: o.cap } })));
  const out: NeighbourList[] = [];
  owners.forEach((owner, j) => {
    for (const r of results[j]!) {
      const lists = r.lists as string[][];
      const degrees = r.degrees as number[];
      LISTS[owner].lists.forEach((s, k) => out.push({ owner: String(r.id), ownerType: owner, relation: s.relation, ids: lists[k]!.map(String), degree: Number(degrees[k]), ownerDue: Number(r.due) }));
    }
  });
  return out;
}

const catalogueQuery = (label: 'Game' | 'Guild'): QueryDef =>
  defineQuery(
    `subgraphCatalogue${label}`,
    `MATCH (n:${label} {dataset: $ds}) USING INDEX SEEK n:${label}(dataset, id) WHERE n.id > ''
     RETURN n.id AS id ORDER BY id`,
    { ds: 'demo' },
  );
const CATALOGUE = { game: catalogueQuery('Game'), guild: catalogueQuery('Guild') };

/**
 * Every game and guild id of the dataset. The encoder keeps a learned id embedding for
 * these fixed catalogues, indexed by the node's position in the sorted id list of the
 * whole dataset, so a neighbourhood graph must number them exactly as the full export
 * does (a few hundred ids; callers cache them).
 */
export async function fetchCatalogue(graph: GraphClient, dataset: string): Promise<{ game: string[]; guild: string[] }> {
  const [game, guild] = await Promise.all([graph.query(CATALOGUE.game.cypher, { ds: dataset }), graph.query(CATALOGUE.guild.cypher, { ds: dataset })]);
  return { game: game.map((r) => String(r.id)), guild: guild.map((r) => String(r.id)) };
}

/** What the user features need of one user, as of t (`UserAggregates` of node-features, one row). */
export interface UserCountsRow {
  id: string;
  createdAt: unknown;
  purchases: number;
  firstParty: number;
  /** pricePaid of each purchase with a known price, ordered by item id (the CSR's order). */
  prices: number[];
  friends: number;
  guilds: number;
  gamesPlayed: number;
  wishlist: number;
  interactions: number;
}

/**
 * The user feature counts as of t (`now` false), or at the present (`now` true): then no
 * edge is later than t, so the as-of filters go, and the counts with no other condition
 * (guilds, wishlist) are the node's degrees. Friends (blocked ones excluded), distinct
 * games and the interaction window keep their patterns, and purchases still walk each
 * edge for its price and item. The present's form measured 99 ms against 117 for the
 * ~1,400 users a nine-buyer refresh reaches on the 100k world. FRIEND and INTERACTED only
 * join users, so their far end is unlabelled: a labelled one can be planned as a scan of
 * every User (as giftSignals' once was in CI).
 */
const userCountsQuery = (now: boolean): QueryDef => {
  const asOf = (p: string) => (now ? '' : ` WHERE ${AS_OF(p)}`);
  const andAsOf = (p: string) => (now ? '' : ` AND ${AS_OF(p)}`);
  return defineQuery(
    now ? 'subgraphUserCountsNow' : 'subgraphUserCounts',
    `UNWIND $ids AS id
     MATCH (u:User {dataset: $ds, id: id}) USING INDEX SEEK u:User(dataset, id)
     CALL (u) {
       OPTIONAL MATCH (u)-[r:PURCHASED]->(i:Item)${asOf('at')}
       WITH r, i ORDER BY i.id
       RETURN count(r) AS purchases, count(CASE WHEN i.catalog = '1P' THEN 1 END) AS firstParty, collect(r.pricePaid) AS prices
     }
     RETURN u.id AS id, u.createdAt AS createdAt, purchases, firstParty, prices,
       COUNT { MATCH (u)-[r:FRIEND]-() WHERE ${NOT_BLOCKED}${andAsOf('since')} } AS friends,
       COUNT { ${now ? '(u)-[:MEMBER_OF]->()' : `MATCH (u)-[r:MEMBER_OF]->(:Guild)${asOf('since')}`} } AS guilds,
       COUNT { MATCH (u)-[r:PLAYED]->(g:Game)${asOf('at')} RETURN DISTINCT g } AS gamesPlayed,
       COUNT { ${now ? '(u)-[:WISHLISTED]->()' : `MATCH (u)-[r:WISHLISTED]->(:Item)${asOf('at')}`} } AS wishlist,
       COUNT { MATCH (u)-[r:INTERACTED]-() WHERE r.day > $from AND r.day <= $t } AS interactions`,
    { ds: 'demo', ids: ['u1'], t: 0, from: 0 },
  );
};

export const SUBGRAPH_USER_COUNTS = userCountsQuery(false);
export const SUBGRAPH_USER_COUNTS_NOW = userCountsQuery(true);

/** Item properties the item features read (src/graph/queries/export.ts exports the same for Item). */
export const ITEM_FEATURE_PROPS = ['catalog', 'type', 'price', 'rarity', 'gameId', 'publisherId', 'dropAt', 'forSale', 'giftable', 'consumable'] as const;

export interface ItemCountsRow {
  id: string;
  props: Record<(typeof ITEM_FEATURE_PROPS)[number], unknown>;
  purchases: number;
  wishlisted: number;
}

export const SUBGRAPH_ITEM_COUNTS = defineQuery(
  'subgraphItemCounts',
  `UNWIND $ids AS id
   MATCH (i:Item {dataset: $ds, id: id}) USING INDEX SEEK i:Item(dataset, id)
   RETURN i.id AS id, [${ITEM_FEATURE_PROPS.map((p) => `i.${p}`).join(', ')}] AS p,
     COUNT { MATCH (i)<-[r:PURCHASED]-(:User) WHERE ${AS_OF('at')} } AS purchases,
     COUNT { MATCH (i)<-[r:WISHLISTED]-(:User) WHERE ${AS_OF('at')} } AS wishlisted`,
  { ds: 'demo', ids: ['i1'], t: 0 },
);

/**
 * SUBGRAPH_ITEM_COUNTS when t is the present: nothing is later than now, so the counts are
 * the nodes' degrees, which Neo4j reads from the node record instead of scanning every
 * purchase of a popular item (136–483 ms per refresh at 100k users before this).
 */
export const SUBGRAPH_ITEM_COUNTS_NOW = defineQuery(
  'subgraphItemCountsNow',
  `UNWIND $ids AS id
   MATCH (i:Item {dataset: $ds, id: id}) USING INDEX SEEK i:Item(dataset, id)
   RETURN i.id AS id, [${ITEM_FEATURE_PROPS.map((p) => `i.${p}`).join(', ')}] AS p,
     COUNT { (i)<-[:PURCHASED]-() } AS purchases,
     COUNT { (i)<-[:WISHLISTED]-() } AS wishlisted`,
  { ds: 'demo', ids: ['i1'] },
);

/**
 * Feature counts of the given users and items as of t (`windowMs`: the interaction
 * window); unknown ids are absent. The two statements are issued together (readTogether,
 * see fetchNeighbourLists).
 */
export async function fetchFeatureCounts(
  graph: GraphClient,
  o: { dataset: string; users: readonly string[]; items: readonly string[]; t: number; windowMs: number; tIsNow?: boolean },
): Promise<{ users: UserCountsRow[]; items: ItemCountsRow[] }> {
  const statements = [
    ...(o.users.length ? [{ cypher: (o.tIsNow ? SUBGRAPH_USER_COUNTS_NOW : SUBGRAPH_USER_COUNTS).cypher, params: { ds: o.dataset, ids: o.users, t: o.t, from: o.t - o.windowMs } }] : []),
    ...(o.items.length ? [{ cypher: (o.tIsNow ? SUBGRAPH_ITEM_COUNTS_NOW : SUBGRAPH_ITEM_COUNTS).cypher, params: { ds: o.dataset, ids: o.items, t: o.t } }] : []),
  ];
  const results = await readTogether(graph, statements);
  const users = o.users.length ? results[0]! : [];
  const items = o.items.length ? results[results.length - 1]! : [];
  return {
    users: users.map((r) => ({
      id: String(r.id),
      createdAt: r.createdAt ?? null,
      purchases: Number(r.purchases),
      firstParty: Number(r.firstParty),
      prices: (r.prices as unknown[]).filter((p): p is number => typeof p === 'number'),
      friends: Number(r.friends),
      guilds: Number(r.guilds),
      gamesPlayed: Number(r.gamesPlayed),
      wishlist: Number(r.wishlist),
      interactions: Number(r.interactions),
    })),
    items: items.map((r) => {
      const p = r.p as unknown[];
      return {
        id: String(r.id),
        props: Object.fromEntries(ITEM_FEATURE_PROPS.map((k, i) => [k, p[i] ?? null])) as ItemCountsRow['props'],
        purchases: Number(r.purchases),
        wishlisted: Number(r.wishlisted),
      };
    }),
  };
}
