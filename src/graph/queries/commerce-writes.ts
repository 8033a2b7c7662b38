import type { Row, Tx } from '../graph-client';
import { defineQuery } from './query';

/**
 * The statements of the shop's mutations (gift, purchase, wishlist, dismiss, friends).
 * Each mutation runs in one transaction: a "facts" read that also takes the acting user's
 * write lock (SET lastActiveAt), so two concurrent purchases by one user are serialised
 * and the second sees the first; the service decides from the facts (coded errors roll
 * the transaction back); then one write.
 */

/**
 * Matches the acting user `v` by the `$param` id and takes their write lock (SET
 * lastActiveAt): the start of every facts read, so one user's mutations run one after
 * another and each sees what the previous one committed.
 */
export const lockActingUser = (v: string, param: string) =>
  `MATCH (${v}:User {dataset: $ds, id: $${param}}) USING INDEX SEEK ${v}:User(dataset, id)
   SET ${v}.lastActiveAt = $now
   WITH ${v}`;

/**
 * Marks the stored embedding of each user variable as behind a committed write: bumps
 * `embeddingDue`, which a refresh copies to `embeddingDone` once it has re-encoded the
 * user from a read that began after the write. A read that finds `embeddingDue > embeddingDone` catches
 * up before it serves (read-your-writes with the refresh in the background, on any API
 * process: the mark lives in the graph). Set in the same statement as the write it
 * follows, for every user whose refresh the write triggers.
 */
export const markEmbeddingDue = (...vs: string[]) => `SET ${vs.map((v) => `${v}.embeddingDue = coalesce(${v}.embeddingDue, 0) + 1`).join(', ')}`;

const ITEM_FACTS = `i IS NOT NULL AS itemExists, i.forSale AS forSale, i.availableUntil AS availableUntil, i.dropAt AS dropAt,
  i.giftable AS giftable, i.consumable AS consumable, i.price AS price`;

export const GIFT_FACTS = defineQuery(
  'giftFacts',
  `${lockActingUser('s', 'sender')}
   OPTIONAL MATCH (r:User {dataset: $ds, id: $recipient}) USING INDEX SEEK r:User(dataset, id)
   // Lock the recipient too: two friends gifting them the same item at once are serialised.
   FOREACH (_ IN CASE WHEN r IS NULL THEN [] ELSE [1] END | SET r.lastGiftedAt = $now)
   WITH s, r
   OPTIONAL MATCH (i:Item {dataset: $ds, id: $item}) USING INDEX SEEK i:Item(dataset, id)
   OPTIONAL MATCH (s)-[f:FRIEND]-(r)
   RETURN r IS NOT NULL AS recipientExists, f IS NOT NULL AS friends, coalesce(f.blocked, false) AS blocked, ${ITEM_FACTS},
     CASE WHEN r IS NULL OR i IS NULL THEN false ELSE EXISTS { (r)-[:PURCHASED]->(i) } OR EXISTS { (r)<-[:TO]-(:Gift)-[:OF_ITEM]->(i) } END AS recipientOwns`,
  { ds: 'demo', sender: 'u1', recipient: 'u2', item: 'i1', now: 0 },
);

export const CREATE_GIFT = defineQuery(
  'createGift',
  `MATCH (s:User {dataset: $ds, id: $sender}) USING INDEX SEEK s:User(dataset, id)
   MATCH (r:User {dataset: $ds, id: $recipient}) USING INDEX SEEK r:User(dataset, id)
   MATCH (i:Item {dataset: $ds, id: $item}) USING INDEX SEEK i:Item(dataset, id)
   CREATE (g:Gift {dataset: $ds, id: $id, senderId: $sender, at: $now, deliverAt: $deliverAt, occasion: $occasion, message: $message, idempotencyKey: $key, pricePaid: $price})
   CREATE (s)-[:SENT {at: $now}]->(g), (g)-[:TO]->(r), (g)-[:OF_ITEM]->(i)
   RETURN g.id AS id`,
  { ds: 'demo', sender: 'u1', recipient: 'u2', item: 'i1', id: 'g1', now: 0, deliverAt: 0, occasion: null, message: null, key: 'k', price: 0 },
);

export const PURCHASE_FACTS = defineQuery(
  'purchaseFacts',
  `${lockActingUser('u', 'user')}
   OPTIONAL MATCH (i:Item {dataset: $ds, id: $item}) USING INDEX SEEK i:Item(dataset, id)
   RETURN ${ITEM_FACTS},
     CASE WHEN i IS NULL THEN false ELSE EXISTS { (u)-[:PURCHASED]->(i) } OR EXISTS { (u)<-[:TO]-(g:Gift)-[:OF_ITEM]->(i) WHERE coalesce(g.deliverAt, g.at) <= $now } END AS owns,
     CASE WHEN i IS NULL THEN false ELSE EXISTS { (u)-[:WISHLISTED]->(i) } END AS wished`,
  { ds: 'demo', user: 'u1', item: 'i1', now: 0 },
);

export const CREATE_PURCHASE = defineQuery(
  'createPurchase',
  `MATCH (u:User {dataset: $ds, id: $user}) USING INDEX SEEK u:User(dataset, id)
   MATCH (i:Item {dataset: $ds, id: $item}) USING INDEX SEEK i:Item(dataset, id)
   CREATE (u)-[p:PURCHASED {id: $id, at: $now, surface: $surface, pricePaid: $price, discount: 0, recId: $recId}]->(i)
   ${markEmbeddingDue('u')}
   WITH u, i, p
   OPTIONAL MATCH (u)-[w:WISHLISTED]->(i)
   DELETE w
   RETURN p.id AS id`,
  { ds: 'demo', user: 'u1', item: 'i1', id: 'p1', now: 0, surface: null, price: 0, recId: null },
);

export const ADD_WISHLIST = defineQuery(
  'addWishlist',
  `MATCH (u:User {dataset: $ds, id: $user}) USING INDEX SEEK u:User(dataset, id)
   MATCH (i:Item {dataset: $ds, id: $item}) USING INDEX SEEK i:Item(dataset, id)
   MERGE (u)-[w:WISHLISTED]->(i) ON CREATE SET w.at = $now
   ${markEmbeddingDue('u')}`,
  { ds: 'demo', user: 'u1', item: 'i1', now: 0 },
);

export const REMOVE_WISHLIST = defineQuery(
  'removeWishlist',
  `${lockActingUser('u', 'user')}
   OPTIONAL MATCH (i:Item {dataset: $ds, id: $item}) USING INDEX SEEK i:Item(dataset, id)
   OPTIONAL MATCH (u)-[w:WISHLISTED]->(i)
   WITH u, i, w, w IS NOT NULL AS removed
   DELETE w
   FOREACH (_ IN CASE WHEN removed THEN [1] ELSE [] END | ${markEmbeddingDue('u')})
   RETURN i IS NOT NULL AS itemExists, removed`,
  { ds: 'demo', user: 'u1', item: 'i1', now: 0 },
);

export const DISMISS = defineQuery(
  'dismissItem',
  `${lockActingUser('u', 'user')}
   OPTIONAL MATCH (i:Item {dataset: $ds, id: $item}) USING INDEX SEEK i:Item(dataset, id)
   CALL (u, i) {
     WITH u, i WHERE i IS NOT NULL
     MERGE (u)-[d:DISMISSED]->(i) ON CREATE SET d.at = $now, d.recId = $recId
     RETURN count(d) AS n
   }
   RETURN i IS NOT NULL AS itemExists`,
  { ds: 'demo', user: 'u1', item: 'i1', now: 0, recId: null },
);

export const FRIEND_FACTS = defineQuery(
  'friendFacts',
  `${lockActingUser('u', 'user')}
   OPTIONAL MATCH (v:User {dataset: $ds, id: $friend}) USING INDEX SEEK v:User(dataset, id)
   SET v.lastActiveAt = $now
   WITH u, v
   OPTIONAL MATCH (u)-[f:FRIEND]-(v)
   RETURN v IS NOT NULL AS friendExists, f IS NOT NULL AS friends, coalesce(f.blocked, false) AS blocked`,
  { ds: 'demo', user: 'u1', friend: 'u2', now: 0 },
);

export const ADD_FRIEND = defineQuery(
  'addFriend',
  `MATCH (u:User {dataset: $ds, id: $user}) USING INDEX SEEK u:User(dataset, id)
   MATCH (v:User {dataset: $ds, id: $friend}) USING INDEX SEEK v:User(dataset, id)
   CREATE (u)-[:FRIEND {since: $now, blocked: false}]->(v)
   ${markEmbeddingDue('u', 'v')}`,
  { ds: 'demo', user: 'u1', friend: 'u2', now: 0 },
);

export const REMOVE_FRIEND = defineQuery(
  'removeFriend',
  `MATCH (u:User {dataset: $ds, id: $user}) USING INDEX SEEK u:User(dataset, id)
   MATCH (v:User {dataset: $ds, id: $friend}) USING INDEX SEEK v:User(dataset, id)
   MATCH (u)-[f:FRIEND]-(v)
   DELETE f
   ${markEmbeddingDue('u', 'v')}
   RETURN count(f) AS removed`,
  { ds: 'demo', user: 'u1', friend: 'u2' },
);

/** Whether the user's name may appear in friends' recommendation reasons. */
export const SET_SHARE_ACTIVITY = defineQuery(
  'setShareActivity',
  `${lockActingUser('u', 'user')}
   SET u.shareActivity = $share
   RETURN u.id AS id`,
  { ds: 'demo', user: 'u1', share: true, now: 0 },
);

/** Runs a facts statement; null when the acting user does not exist (no row). */
export async function facts(tx: Tx, q: { cypher: string }, params: Record<string, unknown>): Promise<Row | null> {
  return (await tx.run(q.cypher, params))[0] ?? null;
}
