import type { Row, Tx } from '../graph-client';
import { defineQuery } from './query';

/**
 * Catalog feed upserts (1P shop items and 3P publisher feeds). The publisher node is
 * locked first, so two feeds of one publisher apply one after the other.
 */
export const CATALOG_FACTS = defineQuery(
  'catalogFacts',
  `MATCH (p:Publisher {dataset: $ds, id: $publisher}) USING INDEX SEEK p:Publisher(dataset, id)
   SET p.lastFeedAt = $now
   WITH p
   CALL (p) {
     UNWIND $games AS gid
     OPTIONAL MATCH (g:Game {dataset: $ds, id: gid}) USING INDEX SEEK g:Game(dataset, id)
     RETURN collect(CASE WHEN g IS NULL THEN gid END) AS missingGames
   }
   CALL (p) {
     UNWIND $ids AS iid
     OPTIONAL MATCH (i:Item {dataset: $ds, id: iid}) USING INDEX SEEK i:Item(dataset, id)
     RETURN collect(CASE WHEN i IS NOT NULL THEN {id: iid, publisherId: i.publisherId} END) AS existing
   }
   RETURN p.firstParty AS firstParty, missingGames, existing`,
  { ds: 'demo', publisher: 'p1', now: 0, games: ['g1'], ids: ['i1'] },
);

export const UPSERT_ITEMS = defineQuery(
  'upsertItems',
  `MATCH (p:Publisher {dataset: $ds, id: $publisher}) USING INDEX SEEK p:Publisher(dataset, id)
   UNWIND $items AS it
   MERGE (i:Item {dataset: $ds, id: it.id})
   ON CREATE SET i.createdAt = $now
   SET i += it.props, i.publisherId = $publisher, i.updatedAt = $now
   MERGE (i)-[:SOLD_BY]->(p)
   WITH i, it
   CALL (i, it) {
     OPTIONAL MATCH (i)-[old:FOR_GAME]->(og:Game) WHERE og.id <> it.gameId OR it.gameId IS NULL
     DELETE old
   }
   CALL (i, it) {
     WITH i, it WHERE it.gameId IS NOT NULL
     MATCH (g:Game {dataset: $ds, id: it.gameId}) USING INDEX SEEK g:Game(dataset, id)
     MERGE (i)-[:FOR_GAME]->(g)
   }
   RETURN count(i) AS upserted`,
  { ds: 'demo', publisher: 'p1', now: 0, items: [{ id: 'i1', gameId: null, props: { name: 'x' } }] },
);

export async function catalogFacts(tx: Tx, o: { dataset: string; publisherId: string; games: string[]; ids: string[]; now: number }): Promise<Row | null> {
  return (await tx.run(CATALOG_FACTS.cypher, { ds: o.dataset, publisher: o.publisherId, now: o.now, games: o.games, ids: o.ids }))[0] ?? null;
}
