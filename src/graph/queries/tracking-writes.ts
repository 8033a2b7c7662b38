import { defineQuery } from './query';

/** Impressions and clicks: what was shown and clicked, carrying the recommendation id for attribution. */
export const RECORD_IMPRESSIONS = defineQuery(
  'recordImpressions',
  `MATCH (u:User {dataset: $ds, id: $user}) USING INDEX SEEK u:User(dataset, id)
   UNWIND $rows AS r
   MATCH (i:Item {dataset: $ds, id: r.itemId}) USING INDEX SEEK i:Item(dataset, id)
   CREATE (im:Impression {dataset: $ds, id: r.id, recId: r.recId, at: $now, position: r.position, surface: $surface, modelVersion: $modelVersion})
   CREATE (u)-[:SAW {at: $now}]->(im), (im)-[:OF_ITEM]->(i)
   RETURN count(im) AS recorded`,
  { ds: 'demo', user: 'u1', now: 0, surface: 'HOME', modelVersion: 'v', rows: [{ id: 'im1', recId: 'r', itemId: 'i1', position: 0 }] },
);

export const TRACKING_FACTS = defineQuery(
  'trackingFacts',
  `MATCH (u:User {dataset: $ds, id: $user}) USING INDEX SEEK u:User(dataset, id)
   CALL (u) {
     UNWIND $items AS iid
     OPTIONAL MATCH (i:Item {dataset: $ds, id: iid}) USING INDEX SEEK i:Item(dataset, id)
     RETURN collect(CASE WHEN i IS NULL THEN iid END) AS missingItems
   }
   RETURN missingItems`,
  { ds: 'demo', user: 'u1', items: ['i1'] },
);

export const RECORD_CLICK = defineQuery(
  'recordClick',
  `MATCH (u:User {dataset: $ds, id: $user}) USING INDEX SEEK u:User(dataset, id)
   MATCH (i:Item {dataset: $ds, id: $item}) USING INDEX SEEK i:Item(dataset, id)
   CREATE (c:Click {dataset: $ds, id: $id, recId: $recId, at: $now})
   CREATE (u)-[:CLICKED {at: $now}]->(c), (c)-[:OF_ITEM]->(i)
   RETURN c.id AS id`,
  { ds: 'demo', user: 'u1', item: 'i1', id: 'c1', recId: 'r', now: 0 },
);
