import DataLoader from 'dataloader';
import { NotFoundError } from '../errors/errors';
import type { GraphClient } from '../graph/graph-client';
import { formatScopedId, parseScopedId } from '../graph/ids';
import { itemsByIds, userItemPages, type UserItemEdge, type UserItemRel } from '../graph/queries/items';
import { friendsPages, usersByIds, type FriendEdge } from '../graph/queries/users';
import type { ItemRecord, Page, UserRecord } from '../graph/records';

/**
 * DataLoaders for one request (built in the Apollo context function, never shared):
 * each batch is one Cypher round trip per dataset, results in key order, and a
 * per-key NotFoundError where a key has no node.
 */
export interface Loaders {
  user: DataLoader<string, UserRecord>;
  item: DataLoader<string, ItemRecord>;
  friends: DataLoader<PageKey, Page<FriendEdge>, string>;
  userItems: Record<UserItemRel, DataLoader<OffsetPageKey, Page<UserItemEdge>, string>>;
}

export interface PageKey {
  user: string;
  first: number;
  after: string | null;
}
export interface OffsetPageKey {
  user: string;
  first: number;
  offset: number;
}

/**
 * graphql-js resolves sibling fields in promise chains that finish across several
 * microtask turns, so DataLoader's default nextTick batching can split one level of a
 * query into several round trips. Waiting for the macrotask (setImmediate) collects the
 * whole level into one batch.
 */
const batchScheduleFn = (cb: () => void) => void setImmediate(cb);

export function createLoaders(graph: GraphClient): Loaders {
  return {
    user: new DataLoader((keys) => byDataset(keys, (ds, ids) => usersByIds(graph, ds, ids), 'User'), { batchScheduleFn }),
    item: new DataLoader((keys) => byDataset(keys, (ds, ids) => itemsByIds(graph, ds, ids), 'Item'), { batchScheduleFn }),
    friends: new DataLoader(
      (keys) =>
        pagesByDataset(keys, (ds, ks) => friendsPages(graph, ds, ks.map((k) => ({ userId: parseScopedId(k.user).id, first: k.first, after: k.after })))),
      { cacheKeyFn: (k) => `${k.user}|${k.first}|${String(k.after)}`, batchScheduleFn },
    ),
    userItems: {
      PURCHASED: userItemsLoader(graph, 'PURCHASED'),
      WISHLISTED: userItemsLoader(graph, 'WISHLISTED'),
    },
  };
}

function userItemsLoader(graph: GraphClient, rel: UserItemRel) {
  return new DataLoader<OffsetPageKey, Page<UserItemEdge>, string>(
    (keys) =>
      pagesByDataset(keys, (ds, ks) => userItemPages(graph, ds, rel, ks.map((k) => ({ userId: parseScopedId(k.user).id, first: k.first, offset: k.offset })))),
    { cacheKeyFn: (k) => `${k.user}|${k.first}|${k.offset}`, batchScheduleFn },
  );
}

async function byDataset<T>(
  keys: readonly string[],
  fetch: (dataset: string, ids: string[]) => Promise<Map<string, T>>,
  kind: string,
): Promise<(T | Error)[]> {
  const groups = new Map<string, string[]>();
  for (const k of keys) {
    const { dataset, id } = parseScopedId(k);
    groups.set(dataset, [...(groups.get(dataset) ?? []), id]);
  }
  const found = new Map<string, T>();
  for (const [ds, ids] of groups) for (const [id, v] of await fetch(ds, ids)) found.set(formatScopedId(ds, id), v);
  return keys.map((k) => found.get(k) ?? new NotFoundError(kind, k));
}

async function pagesByDataset<K extends { user: string }, T>(
  keys: readonly K[],
  fetch: (dataset: string, keys: K[]) => Promise<T[]>,
): Promise<T[]> {
  const groups = new Map<string, { idx: number; key: K }[]>();
  keys.forEach((key, idx) => {
    const ds = parseScopedId(key.user).dataset;
    groups.set(ds, [...(groups.get(ds) ?? []), { idx, key }]);
  });
  const out = new Array<T>(keys.length);
  for (const [ds, entries] of groups) {
    const pages = await fetch(ds, entries.map((e) => e.key));
    entries.forEach((e, i) => (out[e.idx] = pages[i]!));
  }
  return out;
}
