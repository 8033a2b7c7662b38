import type { GraphClient, Row } from '../graph-client';
import { defineQuery } from './query';

/**
 * What the group-buy conversion head reads about a group buy: its terms, its invitees and
 * participants with their timestamps, and per (potential) invitee the facts that drive
 * joining. Training (every group buy of a dataset, in batches) and serving (one group buy
 * per request) run the SAME statement, so a feature means the same thing in both paths;
 * src/features/group-buy-features.ts turns these plain records into model inputs.
 *
 * Profile facts (plays the game, squad-mate, interactions, purchase and group-buy history,
 * item and initiator history) are measured as of the group buy's launch (`createdAt`):
 * a group's score then moves only with its own state (joins, invitations, time left), and
 * a historical launch is described exactly as it looked when it was created. Joins and
 * invitations carry their times so the caller can replay the state at any instant.
 */

const DAY = 86_400_000;

/** The outcome statuses of a group buy (schema/graph.md). */
export type GroupBuyStatus = 'OPEN' | 'FILLED' | 'EXPIRED' | 'CANCELLED';

/** A user's relation to one group buy's initiator and item, as of the launch. */
export interface PersonFacts {
  userId: string;
  /** Had a PLAYED session of the item's game before the launch (false for items without a game). */
  playsGame: boolean;
  /** Shares an EXPLICIT squad with the initiator, both members before the launch. */
  squadMate: boolean;
  /** Σ (messages + games played together) with the initiator over the 28 full days before the launch. */
  interactions28d: number;
  /** Purchases before the launch. */
  purchases: number;
  /** Purchases before the launch of items of the same game as this group buy's item. */
  sameGamePurchases: number;
  /** Invitations to other group buys received before the launch. */
  pastInvites: number;
  /** Of those, how many the user joined before the launch. */
  pastJoins: number;
}

export interface InviteeFacts extends PersonFacts {
  invitedAt: number | null;
  inviterId: string | null;
  /** When the invitee joined this group buy; null if they have not (as of the read). */
  joinedAt: number | null;
}

export interface GroupBuyFacts {
  id: string;
  status: GroupBuyStatus;
  createdAt: number | null;
  deadline: number | null;
  closedAt: number | null;
  targetSize: number | null;
  groupPrice: number | null;
  itemId: string;
  itemPrice: number | null;
  itemGameId: string | null;
  initiatorId: string;
  /** The initiator's other group buys that were created and closed FILLED/EXPIRED before this launch. */
  initiatorLaunches: number;
  initiatorFilled: number;
  /** Other group buys of the same item, closed FILLED/EXPIRED before this launch (any initiator). */
  itemLaunches: number;
  itemFilled: number;
  /** Purchases of the item before the launch. */
  itemPurchases: number;
  /** PLAYED sessions of the item's game in the 28 days before the launch (0 without a game). */
  gamePlays28d: number;
  invitees: InviteeFacts[];
  /** Everyone who joined (the initiator included), with join times. */
  participants: Array<{ userId: string; joinedAt: number | null }>;
}

/**
 * The per-person facts, for a bound `u` (the person), `ini` (initiator), `i` (item), `g`
 * (group buy) and `t0` (launch time). Shared by the group-buy and the candidate query.
 */
const PERSON_FACT_EXPRS: ReadonlyArray<readonly [keyof PersonFacts, string]> = [
  ['playsGame', `EXISTS { (u)-[p:PLAYED]->(:Game)<-[:FOR_GAME]-(i) WHERE p.at < t0 }`],
  ['squadMate', `EXISTS { (u)-[a:IN_SQUAD]->(s:Squad)<-[b:IN_SQUAD]-(ini) WHERE s.kind = 'EXPLICIT' AND a.since < t0 AND b.since < t0 }`],
  // Whole days before the launch only: a day record sums the day, so the launch day would leak its later hours.
  ['interactions28d', `reduce(n = 0, x IN COLLECT { MATCH (u)-[r:INTERACTED]-(ini) WHERE r.day >= t0 - ${28 * DAY} AND r.day + ${DAY} <= t0
                                      RETURN coalesce(r.messages, 0) + coalesce(r.playedTogether, 0) } | n + x)`],
  ['purchases', `COUNT { (u)-[p:PURCHASED]->() WHERE p.at < t0 }`],
  ['sameGamePurchases', `COUNT { (u)-[p:PURCHASED]->(x:Item) WHERE p.at < t0 AND i.gameId IS NOT NULL AND x.gameId = i.gameId }`],
  ['pastInvites', `COUNT { (o:GroupBuy)-[v:INVITED]->(u) WHERE o <> g AND v.at < t0 }`],
  ['pastJoins', `COUNT { (o:GroupBuy)-[v:INVITED]->(u)-[j:JOINED]->(o) WHERE o <> g AND v.at < t0 AND j.at < t0 }`],
];
const PERSON_FACTS_MAP = PERSON_FACT_EXPRS.map(([k, e]) => `${k}: ${e}`).join(',\n     ');
const PERSON_FACTS_COLUMNS = PERSON_FACT_EXPRS.map(([k, e]) => `${e} AS ${k}`).join(',\n     ');

/** Closed outcomes known before the launch: the history features and the baseline's counts. */
const CLOSED_BEFORE = `o <> g AND o.closedAt <= t0 AND o.status IN ['FILLED', 'EXPIRED']`;

export const GROUP_BUY_FACTS = defineQuery(
  'groupBuyFacts',
  `UNWIND $ids AS gid
   MATCH (g:GroupBuy {dataset: $ds, id: gid}) USING INDEX SEEK g:GroupBuy(dataset, id)
   MATCH (ini:User)-[:INITIATED]->(g)-[:FOR_ITEM]->(i:Item)
   WITH g, ini, i, g.createdAt AS t0
   RETURN g.id AS id, g.status AS status, g.createdAt AS createdAt, g.deadline AS deadline, g.closedAt AS closedAt,
          g.targetSize AS targetSize, g.groupPrice AS groupPrice, i.id AS itemId, i.price AS itemPrice, i.gameId AS itemGameId,
          ini.id AS initiatorId,
          COUNT { (ini)-[:INITIATED]->(o:GroupBuy) WHERE ${CLOSED_BEFORE} } AS initiatorLaunches,
          COUNT { (ini)-[:INITIATED]->(o:GroupBuy) WHERE ${CLOSED_BEFORE} AND o.status = 'FILLED' } AS initiatorFilled,
          COUNT { (i)<-[:FOR_ITEM]-(o:GroupBuy) WHERE ${CLOSED_BEFORE} } AS itemLaunches,
          COUNT { (i)<-[:FOR_ITEM]-(o:GroupBuy) WHERE ${CLOSED_BEFORE} AND o.status = 'FILLED' } AS itemFilled,
          COUNT { (i)<-[p:PURCHASED]-() WHERE p.at < t0 } AS itemPurchases,
          COUNT { (i)-[:FOR_GAME]->(:Game)<-[p:PLAYED]-() WHERE p.at >= t0 - ${28 * DAY} AND p.at < t0 } AS gamePlays28d,
          COLLECT { MATCH (g)-[iv:INVITED]->(u:User) OPTIONAL MATCH (u)-[j:JOINED]->(g)
                    RETURN {userId: u.id, invitedAt: iv.at, inviterId: iv.inviterId, joinedAt: j.at, ${PERSON_FACTS_MAP}} } AS invitees,
          COLLECT { MATCH (p:User)-[j:JOINED]->(g) RETURN {userId: p.id, joinedAt: j.at} } AS participants`,
  { ds: 'demo', ids: ['gb1'] },
);

/**
 * Whom the initiator could still invite: unblocked friends (friends by `$asOf`) who are
 * neither invited to nor in the group buy, with the same person facts as invitees.
 */
export const GROUP_BUY_CANDIDATES = defineQuery(
  'groupBuyCandidates',
  `MATCH (g:GroupBuy {dataset: $ds, id: $id}) USING INDEX SEEK g:GroupBuy(dataset, id)
   MATCH (ini:User)-[:INITIATED]->(g)-[:FOR_ITEM]->(i:Item)
   WITH g, ini, i, g.createdAt AS t0
   MATCH (ini)-[f:FRIEND]-(u:User)
   WHERE NOT coalesce(f.blocked, false) AND (f.since IS NULL OR f.since <= $asOf)
     AND NOT EXISTS { (g)-[:INVITED]->(u) } AND NOT EXISTS { (u)-[:JOINED]->(g) }
   WITH DISTINCT g, ini, i, t0, u
   RETURN u.id AS userId, ${PERSON_FACTS_COLUMNS}`,
  { ds: 'demo', id: 'gb1', asOf: 0 },
);

/** Group-buy ids of a dataset with status and launch time, keyset-paginated by id (training export). */
export const GROUP_BUY_IDS = defineQuery(
  'groupBuyIds',
  `MATCH (g:GroupBuy {dataset: $ds}) USING INDEX SEEK g:GroupBuy(dataset, id) WHERE g.id > $after
   WITH g ORDER BY g.id LIMIT toInteger($limit)
   RETURN g.id AS id, g.status AS status, g.createdAt AS createdAt`,
  { ds: 'demo', after: '', limit: 1000 },
);

/**
 * Launch records without times or terms (imported sets such as Beibei): initiator, item,
 * status. Keyset-paginated by id. Participants are not returned: on Beibei only the
 * successful launches list them, so their count would leak the label.
 */
export const GROUP_BUY_LAUNCHES = defineQuery(
  'groupBuyLaunches',
  `MATCH (g:GroupBuy {dataset: $ds}) USING INDEX SEEK g:GroupBuy(dataset, id) WHERE g.id > $after
   WITH g ORDER BY g.id LIMIT toInteger($limit)
   MATCH (ini:User)-[:INITIATED]->(g)-[:FOR_ITEM]->(i:Item)
   RETURN g.id AS id, g.status AS status, ini.id AS initiatorId, i.id AS itemId`,
  { ds: 'demo', after: '', limit: 1000 },
);

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

function toPerson(r: Row): PersonFacts {
  return {
    userId: String(r.userId),
    playsGame: r.playsGame === true,
    squadMate: r.squadMate === true,
    interactions28d: Number(r.interactions28d ?? 0),
    purchases: Number(r.purchases ?? 0),
    sameGamePurchases: Number(r.sameGamePurchases ?? 0),
    pastInvites: Number(r.pastInvites ?? 0),
    pastJoins: Number(r.pastJoins ?? 0),
  };
}

function toFacts(r: Row): GroupBuyFacts {
  const invitees = (r.invitees as Row[]).map((x) => ({
    ...toPerson(x), invitedAt: num(x.invitedAt), inviterId: (x.inviterId as string | null) ?? null, joinedAt: num(x.joinedAt),
  }));
  invitees.sort((a, b) => (a.invitedAt ?? 0) - (b.invitedAt ?? 0) || (a.userId < b.userId ? -1 : 1));
  return {
    id: String(r.id),
    status: r.status as GroupBuyStatus,
    createdAt: num(r.createdAt),
    deadline: num(r.deadline),
    closedAt: num(r.closedAt),
    targetSize: num(r.targetSize),
    groupPrice: num(r.groupPrice),
    itemId: String(r.itemId),
    itemPrice: num(r.itemPrice),
    itemGameId: (r.itemGameId as string | null) ?? null,
    initiatorId: String(r.initiatorId),
    initiatorLaunches: Number(r.initiatorLaunches),
    initiatorFilled: Number(r.initiatorFilled),
    itemLaunches: Number(r.itemLaunches),
    itemFilled: Number(r.itemFilled),
    itemPurchases: Number(r.itemPurchases),
    gamePlays28d: Number(r.gamePlays28d),
    invitees,
    participants: (r.participants as Row[]).map((p) => ({ userId: String(p.userId), joinedAt: num(p.joinedAt) })),
  };
}

/** Facts of the given group buys, in `ids` order; unknown ids are absent from the result. */
export async function groupBuyFacts(graph: GraphClient, dataset: string, ids: readonly string[]): Promise<GroupBuyFacts[]> {
  const rows = await graph.query(GROUP_BUY_FACTS.cypher, { ds: dataset, ids: [...ids] });
  return rows.map(toFacts);
}

/** The initiator's invitable friends for one group buy, by user id. */
export async function groupBuyCandidates(graph: GraphClient, dataset: string, id: string, asOf: number): Promise<PersonFacts[]> {
  const rows = await graph.query(GROUP_BUY_CANDIDATES.cypher, { ds: dataset, id, asOf });
  return rows.map(toPerson).sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
}

export interface GroupBuyIdRow {
  id: string;
  status: GroupBuyStatus;
  createdAt: number | null;
}

export async function groupBuyIds(graph: GraphClient, dataset: string, batch = 20_000): Promise<GroupBuyIdRow[]> {
  const out: GroupBuyIdRow[] = [];
  for (let after = ''; ; ) {
    const rows = await graph.query(GROUP_BUY_IDS.cypher, { ds: dataset, after, limit: batch });
    for (const r of rows) out.push({ id: String(r.id), status: r.status as GroupBuyStatus, createdAt: num(r.createdAt) });
    if (rows.length < batch) return out;
    after = String(rows[rows.length - 1]!.id);
  }
}

export interface LaunchRow {
  id: string;
  status: GroupBuyStatus;
  initiatorId: string;
  itemId: string;
}

export async function groupBuyLaunches(graph: GraphClient, dataset: string, batch = 20_000): Promise<LaunchRow[]> {
  const out: LaunchRow[] = [];
  for (let after = ''; ; ) {
    const rows = await graph.query(GROUP_BUY_LAUNCHES.cypher, { ds: dataset, after, limit: batch });
    for (const r of rows) out.push({ id: String(r.id), status: r.status as GroupBuyStatus, initiatorId: String(r.initiatorId), itemId: String(r.itemId) });
    // Every group buy has an initiator and an item (the loaders write both), so a short page is the last.
    if (rows.length < batch) return out;
    after = String(rows[rows.length - 1]!.id);
  }
}
