import type { GraphClient, Row } from '../graph-client';
import type { Page, UserRecord } from '../records';
import { defineQuery } from './query';

export const USERS_BY_IDS = defineQuery(
  'usersByIds',
  `UNWIND $ids AS id
   MATCH (u:User {dataset: $ds, id: id}) USING INDEX SEEK u:User(dataset, id)
   RETURN u.id AS id, u.name AS name, u.createdAt AS createdAt, u.birthday AS birthday`,
  { ds: 'demo', ids: ['u1'] },
);

/** Friends of many users in one round trip, keyset-paginated by friend id (blocked links excluded). */
export const FRIENDS_PAGES = defineQuery(
  'friendsPages',
  `UNWIND $keys AS k
   MATCH (u:User {dataset: $ds, id: k.userId}) USING INDEX SEEK u:User(dataset, id)
   CALL (u, k) {
     MATCH (u)-[f:FRIEND]-(v:User)
     WHERE NOT coalesce(f.blocked, false)
     WITH v, f ORDER BY v.id
     WITH collect({v: v, since: f.since}) AS friends
     RETURN size(friends) AS total,
            [x IN friends WHERE k.after IS NULL OR x.v.id > k.after][0..k.first + 1] AS page
   }
   RETURN k.userId AS userId, k.after AS after, k.first AS first, total,
          [x IN page | {id: x.v.id, name: x.v.name, createdAt: x.v.createdAt, birthday: x.v.birthday, since: x.since}] AS friends`,
  { ds: 'demo', keys: [{ userId: 'u1', first: 10, after: null }] },
);

export function toUser(dataset: string, r: Row): UserRecord {
  return {
    dataset,
    id: String(r.id),
    name: String(r.name ?? r.id),
    createdAt: (r.createdAt as number | null) ?? null,
    birthday: (r.birthday as string | null) ?? null,
  };
}

export async function usersByIds(graph: GraphClient, dataset: string, ids: readonly string[]): Promise<Map<string, UserRecord>> {
  const rows = await graph.query(USERS_BY_IDS.cypher, { ds: dataset, ids });
  return new Map(rows.map((r) => [String(r.id), toUser(dataset, r)]));
}

export interface FriendsKey {
  userId: string;
  first: number;
  after: string | null;
}

export type FriendEdge = UserRecord & { since: number | null };

export async function friendsPages(graph: GraphClient, dataset: string, keys: readonly FriendsKey[]): Promise<Page<FriendEdge>[]> {
  const rows = await graph.query(FRIENDS_PAGES.cypher, { ds: dataset, keys: keys.map((k) => ({ ...k })) });
  const byKey = new Map(rows.map((r) => [`${String(r.userId)}|${String(r.after)}|${String(r.first)}`, r]));
  return keys.map((k) => {
    const r = byKey.get(`${k.userId}|${String(k.after)}|${k.first}`);
    if (!r) return { items: [], hasMore: false, totalCount: 0 };
    const friends = (r.friends as Row[]).map((f) => ({ ...toUser(dataset, f), since: (f.since as number | null) ?? null }));
    return { items: friends.slice(0, k.first), hasMore: friends.length > k.first, totalCount: Number(r.total) };
  });
}
