import type { GraphClient } from '../src/graph/graph-client';

/**
 * What the serving bench's requests are about: the users it draws from and, for the
 * mutations, targets the API will accept (an item the user does not own, a friend to gift,
 * an open group buy the user was invited to). Bench-only reads, run before a phase and
 * never timed; each is anchored on the (dataset) or (dataset, id) index.
 */

export interface BenchItem {
  id: string;
  buyable: boolean;
  giftable: boolean;
}

export async function datasetUsers(graph: GraphClient, ds: string): Promise<string[]> {
  const rows = await graph.query('MATCH (u:User {dataset: $ds}) RETURN u.id AS id ORDER BY id', { ds });
  return rows.map((r) => String(r.id));
}

/** Every item, with whether it can be bought (for sale, dropped, not expired) at `now`. */
export async function datasetItems(graph: GraphClient, ds: string, now: number): Promise<BenchItem[]> {
  const rows = await graph.query(
    `MATCH (i:Item {dataset: $ds})
     RETURN i.id AS id, coalesce(i.forSale, true) AND (i.availableUntil IS NULL OR i.availableUntil >= $now) AND (i.dropAt IS NULL OR i.dropAt <= $now) AS buyable,
       coalesce(i.giftable, true) AS giftable ORDER BY id`,
    { ds, now },
  );
  return rows.map((r) => ({ id: String(r.id), buyable: r.buyable === true, giftable: r.giftable === true }));
}

export interface UserState {
  id: string;
  /** Bought or received as a gift (delivered or not): the API refuses to sell or gift these again. */
  owned: Set<string>;
  wished: Set<string>;
  /** Unblocked friends. */
  friends: string[];
}

export async function userStates(graph: GraphClient, ds: string, ids: readonly string[]): Promise<Map<string, UserState>> {
  const out = new Map<string, UserState>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await graph.query(
      `UNWIND $ids AS id MATCH (u:User {dataset: $ds, id: id}) USING INDEX SEEK u:User(dataset, id)
       RETURN id,
         COLLECT { MATCH (u)-[:PURCHASED]->(i:Item) RETURN i.id } + COLLECT { MATCH (u)<-[:TO]-(:Gift)-[:OF_ITEM]->(i:Item) RETURN i.id } AS owned,
         COLLECT { MATCH (u)-[:WISHLISTED]->(i:Item) RETURN i.id } AS wished,
         COLLECT { MATCH (u)-[f:FRIEND]-(v:User) WHERE NOT coalesce(f.blocked, false) RETURN DISTINCT v.id } AS friends`,
      { ds, ids: ids.slice(i, i + 500) },
    );
    for (const r of rows) {
      out.set(String(r.id), { id: String(r.id), owned: new Set(r.owned as string[]), wished: new Set(r.wished as string[]), friends: (r.friends as string[]).sort() });
    }
  }
  return out;
}

/** All item embeddings of the dataset (for the exact search the vector index is compared with). */
export async function itemEmbeddings(graph: GraphClient, ds: string): Promise<{ ids: string[]; vectors: number[][] }> {
  const rows = await graph.query('MATCH (i:Item {dataset: $ds}) WHERE i.embedding IS NOT NULL RETURN i.id AS id, i.embedding AS e ORDER BY id', { ds });
  return { ids: rows.map((r) => String(r.id)), vectors: rows.map((r) => r.e as number[]) };
}
