import type { GraphClient, Row } from '../graph-client';
import type { ItemRecord, Page } from '../records';
import { defineQuery } from './query';

const ITEM_FIELDS = `i.id AS id, i.name AS name, i.catalog AS catalog, i.type AS type, i.price AS price, i.currency AS currency,
  i.rarity AS rarity, i.gameId AS gameId, i.publisherId AS publisherId, i.dropAt AS dropAt, i.availableUntil AS availableUntil,
  i.forSale AS forSale, i.giftable AS giftable, i.consumable AS consumable, i.attrs AS attrs`;

export const ITEMS_BY_IDS = defineQuery(
  'itemsByIds',
  `UNWIND $ids AS id MATCH (i:Item {dataset: $ds, id: id}) USING INDEX SEEK i:Item(dataset, id) RETURN ${ITEM_FIELDS}`,
  { ds: 'demo', ids: ['i1'] },
);

/**
 * The items a user has a relationship of one type with (PURCHASED or WISHLISTED), newest
 * first, for many users at once. `rel` is one of a fixed set, interpolated after
 * validation (Cypher cannot take a relationship type as a parameter).
 */
export const USER_ITEM_REL_TYPES = ['PURCHASED', 'WISHLISTED'] as const;
export type UserItemRel = (typeof USER_ITEM_REL_TYPES)[number];

const userItemPagesCypher = (rel: UserItemRel) => `UNWIND $keys AS k
   MATCH (u:User {dataset: $ds, id: k.userId}) USING INDEX SEEK u:User(dataset, id)
   CALL (u, k) {
     MATCH (u)-[r:${rel}]->(i:Item)
     WITH i, r ORDER BY coalesce(r.at, 0) DESC, i.id
     WITH collect({i: i, at: r.at}) AS entries
     RETURN size(entries) AS total, entries[k.offset..k.offset + k.first + 1] AS page
   }
   RETURN k.userId AS userId, k.offset AS offset, k.first AS first, total,
          [x IN page | {item: properties(x.i), at: x.at}] AS entries`;

export const USER_ITEM_PAGES: Record<UserItemRel, ReturnType<typeof defineQuery>> = {
  PURCHASED: defineQuery('purchasedPages', userItemPagesCypher('PURCHASED'), { ds: 'demo', keys: [{ userId: 'u1', first: 10, offset: 0 }] }),
  WISHLISTED: defineQuery('wishlistPages', userItemPagesCypher('WISHLISTED'), { ds: 'demo', keys: [{ userId: 'u1', first: 10, offset: 0 }] }),
};

export function toItem(dataset: string, r: Row): ItemRecord {
  const attrs = r.attrs ? (JSON.parse(String(r.attrs)) as ItemRecord['attributes']) : {};
  return {
    dataset,
    id: String(r.id),
    name: String(r.name ?? r.id),
    catalog: (r.catalog as ItemRecord['catalog']) ?? null,
    type: String(r.type ?? 'ITEM'),
    price: (r.price as number | null) ?? null,
    currency: (r.currency as string | null) ?? null,
    rarity: (r.rarity as string | null) ?? null,
    gameId: (r.gameId as string | null) ?? null,
    publisherId: (r.publisherId as string | null) ?? null,
    dropAt: (r.dropAt as number | null) ?? null,
    availableUntil: (r.availableUntil as number | null) ?? null,
    forSale: (r.forSale as boolean | null) ?? null,
    giftable: (r.giftable as boolean | null) ?? null,
    consumable: (r.consumable as boolean | null) ?? null,
    attributes: attrs,
  };
}

export async function itemsByIds(graph: GraphClient, dataset: string, ids: readonly string[]): Promise<Map<string, ItemRecord>> {
  const rows = await graph.query(ITEMS_BY_IDS.cypher, { ds: dataset, ids });
  return new Map(rows.map((r) => [String(r.id), toItem(dataset, r)]));
}

export interface UserItemsKey {
  userId: string;
  first: number;
  offset: number;
}
export type UserItemEdge = { item: ItemRecord; at: number | null };

export async function userItemPages(
  graph: GraphClient,
  dataset: string,
  rel: UserItemRel,
  keys: readonly UserItemsKey[],
): Promise<Page<UserItemEdge>[]> {
  const rows = await graph.query(USER_ITEM_PAGES[rel].cypher, { ds: dataset, keys: keys.map((k) => ({ ...k })) });
  const byKey = new Map(rows.map((r) => [`${String(r.userId)}|${String(r.offset)}|${String(r.first)}`, r]));
  return keys.map((k) => {
    const r = byKey.get(`${k.userId}|${k.offset}|${k.first}`);
    if (!r) return { items: [], hasMore: false, totalCount: 0 };
    const entries = (r.entries as Row[]).map((e) => ({ item: toItem(dataset, e.item as Row), at: (e.at as number | null) ?? null }));
    return { items: entries.slice(0, k.first), hasMore: entries.length > k.first, totalCount: Number(r.total) };
  });
}
