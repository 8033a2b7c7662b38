import type { GraphClient, Row } from '../graph-client';
import { lockActingUser, markEmbeddingDue } from './commerce-writes';
import { defineQuery } from './query';

/**
 * Group-buy statements. Every write to an existing group buy bumps its `version` (a
 * write lock on the GroupBuy node) before it reads what it decides on: concurrent joins
 * for the last slot are serialised there, and each sees the participants the previous
 * one committed — so the participants can never exceed the target size.
 */

/** Per invitee id in $invitees: exists, friend of u, blocked. `scope`: the variables the subquery imports. */
const inviteeFacts = (scope: string) => `CALL (${scope}) {
     UNWIND $invitees AS vid
     OPTIONAL MATCH (v:User {dataset: $ds, id: vid}) USING INDEX SEEK v:User(dataset, id)
     OPTIONAL MATCH (u)-[f:FRIEND]-(v)
     RETURN collect({id: vid, exists: v IS NOT NULL, friends: f IS NOT NULL, blocked: coalesce(f.blocked, false)}) AS invitees
   }`;

export const CREATE_GROUP_BUY_FACTS = defineQuery(
  'createGroupBuyFacts',
  `${lockActingUser('u', 'user')}
   OPTIONAL MATCH (i:Item {dataset: $ds, id: $item}) USING INDEX SEEK i:Item(dataset, id)
   ${inviteeFacts('u')}
   RETURN i IS NOT NULL AS itemExists, i.forSale AS forSale, i.availableUntil AS availableUntil, i.dropAt AS dropAt,
     i.consumable AS consumable, i.price AS price,
     CASE WHEN i IS NULL THEN false ELSE EXISTS { (u)-[:PURCHASED]->(i) } END AS owns, invitees`,
  { ds: 'demo', user: 'u1', item: 'i1', now: 0, invitees: ['u2'] },
);

export const CREATE_GROUP_BUY = defineQuery(
  'createGroupBuy',
  `MATCH (u:User {dataset: $ds, id: $user}) USING INDEX SEEK u:User(dataset, id)
   MATCH (i:Item {dataset: $ds, id: $item}) USING INDEX SEEK i:Item(dataset, id)
   CREATE (g:GroupBuy {dataset: $ds, id: $id, groupPrice: $groupPrice, targetSize: $targetSize, createdAt: $now, deadline: $deadline, status: 'OPEN', version: 0})
   CREATE (u)-[:INITIATED {at: $now}]->(g), (g)-[:FOR_ITEM]->(i), (u)-[:JOINED {at: $now}]->(g)
   WITH g, u
   CALL (g, u) {
     UNWIND $invitees AS vid
     MATCH (v:User {dataset: $ds, id: vid}) USING INDEX SEEK v:User(dataset, id)
     CREATE (g)-[:INVITED {at: $now, inviterId: u.id}]->(v)
     RETURN count(*) AS invited
   }
   RETURN g.id AS id, invited`,
  { ds: 'demo', user: 'u1', item: 'i1', id: 'gb1', groupPrice: 0, targetSize: 2, now: 0, deadline: 0, invitees: ['u2'] },
);

/** What every group-buy mutation decides on, after `lock` (a `SET g.version …` or nothing); no row when the group buy does not exist. */
const groupBuyFacts = (lock: string) => `MATCH (g:GroupBuy {dataset: $ds, id: $gb}) USING INDEX SEEK g:GroupBuy(dataset, id)
   ${lock}
   WITH g
   OPTIONAL MATCH (g)-[:FOR_ITEM]->(i:Item)
   OPTIONAL MATCH (init:User)-[:INITIATED]->(g)
   OPTIONAL MATCH (u:User {dataset: $ds, id: $user}) USING INDEX SEEK u:User(dataset, id)
   ${inviteeFacts('u, g')}
   RETURN g.status AS status, g.targetSize AS targetSize, g.deadline AS deadline, g.groupPrice AS groupPrice,
     i.id AS itemId, i.consumable AS consumable, init.id AS initiatorId, u IS NOT NULL AS userExists,
     COUNT { (g)<-[:JOINED]-(:User) } AS participants,
     CASE WHEN u IS NULL THEN false ELSE EXISTS { (u)-[:JOINED]->(g) } END AS joined,
     CASE WHEN u IS NULL THEN false ELSE EXISTS { (g)-[:INVITED]->(u) } END AS invited,
     CASE WHEN u IS NULL OR i IS NULL THEN false ELSE EXISTS { (u)-[:PURCHASED]->(i) } END AS owns,
     [x IN invitees | x {.*, joined: EXISTS { (g)<-[:JOINED]-(:User {dataset: $ds, id: x.id}) }, alreadyInvited: EXISTS { (g)-[:INVITED]->(:User {dataset: $ds, id: x.id}) }}] AS invitees`;

/** Locks the group buy (bumps its version) and returns its facts. */
export const GROUP_BUY_FACTS = defineQuery('groupBuyFacts', groupBuyFacts('SET g.version = coalesce(g.version, 0) + 1'), { ds: 'demo', gb: 'gb1', user: 'u1', invitees: [] });

/**
 * Joins under the GroupBuy lock if every condition of a join holds (open, not past its
 * deadline by $now, a free slot, invited, not already in, not owning the item unless it is
 * consumable): no row otherwise, and the caller then reads the facts under the same lock
 * to say which (GROUP_BUY_FACTS). Optimistic on purpose: a join that succeeds runs this one
 * statement, so it holds the lock for one statement and the commit and reads nothing
 * before. The join that reaches the target fills the group buy and buys the item for every
 * participant.
 */
export const JOIN_GROUP_BUY = defineQuery(
  'joinGroupBuy',
  `MATCH (g:GroupBuy {dataset: $ds, id: $gb}) USING INDEX SEEK g:GroupBuy(dataset, id)
   SET g.version = coalesce(g.version, 0) + 1
   WITH g
   MATCH (u:User {dataset: $ds, id: $user}) USING INDEX SEEK u:User(dataset, id)
   MATCH (g)-[:FOR_ITEM]->(i:Item)
   WITH g, u, i, COUNT { (g)<-[:JOINED]-(:User) } AS n
   WHERE g.status = 'OPEN' AND (g.deadline IS NULL OR g.deadline > $now) AND n < g.targetSize
     AND EXISTS { (g)-[:INVITED]->(u) } AND NOT EXISTS { (u)-[:JOINED]->(g) }
     AND (coalesce(i.consumable, false) OR NOT EXISTS { (u)-[:PURCHASED]->(i) })
   CREATE (u)-[:JOINED {at: $now}]->(g)
   WITH g, i, n + 1 AS participants, n + 1 = g.targetSize AS fills
   SET g.status = CASE WHEN fills THEN 'FILLED' ELSE g.status END,
       g.closedAt = CASE WHEN fills THEN $now ELSE g.closedAt END
   WITH g, i, participants, fills
   CALL (g, i, fills) {
     WITH g, i WHERE fills
     MATCH (p:User)-[:JOINED]->(g)
     CREATE (p)-[:PURCHASED {id: g.id + '/' + p.id, at: $now, surface: 'GROUP_BUY', pricePaid: g.groupPrice, groupBuyId: g.id}]->(i)
     ${markEmbeddingDue('p')}
     RETURN collect(p.id) AS buyers
   }
   RETURN participants, fills, buyers, i.id AS itemId`,
  { ds: 'demo', gb: 'gb1', user: 'u1', now: 0 },
);

export const LEAVE_GROUP_BUY = defineQuery(
  'leaveGroupBuy',
  `MATCH (g:GroupBuy {dataset: $ds, id: $gb}) USING INDEX SEEK g:GroupBuy(dataset, id)
   MATCH (u:User {dataset: $ds, id: $user}) USING INDEX SEEK u:User(dataset, id)
   MATCH (u)-[j:JOINED]->(g)
   DELETE j`,
  { ds: 'demo', gb: 'gb1', user: 'u1' },
);

export const CANCEL_GROUP_BUY = defineQuery(
  'cancelGroupBuy',
  `MATCH (g:GroupBuy {dataset: $ds, id: $gb}) USING INDEX SEEK g:GroupBuy(dataset, id)
   SET g.status = 'CANCELLED', g.closedAt = $now`,
  { ds: 'demo', gb: 'gb1', now: 0 },
);

export const INVITE_TO_GROUP_BUY = defineQuery(
  'inviteToGroupBuy',
  `MATCH (g:GroupBuy {dataset: $ds, id: $gb}) USING INDEX SEEK g:GroupBuy(dataset, id)
   UNWIND $invitees AS vid
   MATCH (v:User {dataset: $ds, id: vid}) USING INDEX SEEK v:User(dataset, id)
   MERGE (g)-[r:INVITED]->(v) ON CREATE SET r.at = $now, r.inviterId = $user
   RETURN count(r) AS invited`,
  { ds: 'demo', gb: 'gb1', user: 'u1', now: 0, invitees: ['u2'] },
);

/** One group buy as the API shows it (participants in join order). */
export const GROUP_BUY_VIEW = defineQuery(
  'groupBuyView',
  `UNWIND $ids AS gid
   MATCH (g:GroupBuy {dataset: $ds, id: gid}) USING INDEX SEEK g:GroupBuy(dataset, id)
   OPTIONAL MATCH (g)-[:FOR_ITEM]->(i:Item)
   OPTIONAL MATCH (init:User)-[:INITIATED]->(g)
   RETURN g.id AS id, g.status AS status, g.targetSize AS targetSize, g.groupPrice AS groupPrice, g.createdAt AS createdAt,
     g.deadline AS deadline, g.closedAt AS closedAt, i.id AS itemId, init.id AS initiatorId,
     COLLECT { MATCH (p:User)-[j:JOINED]->(g) RETURN p.id ORDER BY j.at, p.id } AS participants,
     COLLECT { MATCH (g)-[:INVITED]->(v:User) RETURN DISTINCT v.id } AS invitees`,
  { ds: 'demo', ids: ['gb1'] },
);

export interface GroupBuyRecord {
  dataset: string;
  id: string;
  /** As stored; see effectiveStatus for what an OPEN one past its deadline is. */
  status: 'OPEN' | 'FILLED' | 'EXPIRED' | 'CANCELLED';
  targetSize: number;
  groupPrice: number | null;
  createdAt: number | null;
  deadline: number | null;
  closedAt: number | null;
  itemId: string | null;
  initiatorId: string | null;
  participants: string[];
  invitees: string[];
}

export async function groupBuysByIds(graph: GraphClient, dataset: string, ids: readonly string[]): Promise<Map<string, GroupBuyRecord>> {
  const rows = await graph.query(GROUP_BUY_VIEW.cypher, { ds: dataset, ids });
  return new Map(rows.map((r: Row) => [String(r.id), {
    dataset,
    id: String(r.id),
    status: String(r.status) as GroupBuyRecord['status'],
    targetSize: Number(r.targetSize),
    groupPrice: (r.groupPrice as number | null) ?? null,
    createdAt: (r.createdAt as number | null) ?? null,
    deadline: (r.deadline as number | null) ?? null,
    closedAt: (r.closedAt as number | null) ?? null,
    itemId: (r.itemId as string | null) ?? null,
    initiatorId: (r.initiatorId as string | null) ?? null,
    participants: r.participants as string[],
    invitees: r.invitees as string[],
  }]));
}
