import type { Clock } from '../../clock/clock';
import { BadInputError, NotFoundError } from '../../errors/errors';
import type { GraphClient } from '../../graph/graph-client';
import { catalogFacts, UPSERT_ITEMS } from '../../graph/queries/catalog-writes';
import type { Logger } from '../../logging/logger';
import { runIdempotent, type Idempotent } from './idempotent';
import type { RefreshAfterWrite } from './refresh';

export const FIRST_PARTY_TYPES = ['PROFILE_EFFECT', 'BOOST', 'AVATAR_DECORATION'] as const;
export const THIRD_PARTY_TYPES = ['SKIN', 'BUNDLE', 'CURRENCY_PACK'] as const;
export const MAX_FEED_ITEMS = 200;

/** One item of a catalog feed, as validated here (the GraphQL input maps onto it). */
export interface CatalogItemInput {
  id: string;
  name: string;
  catalog: '1P' | '3P';
  type: string;
  price: number;
  currency: string;
  rarity?: string | null;
  gameId?: string | null;
  dropAt?: number | null;
  availableUntil?: number | null;
  forSale?: boolean | null;
  giftable?: boolean | null;
  consumable?: boolean | null;
  /** Publisher-specific attributes: flat, scalar values. */
  attributes?: Record<string, unknown> | null;
}

export interface CatalogResult {
  itemIds: string[];
  created: number;
  updated: number;
}

const LOCAL_ID = /^[A-Za-z0-9._-]{1,64}$/;
const ATTR_KEY = /^[A-Za-z][A-Za-z0-9_]{0,39}$/;

/** Every problem of a feed at once (`items[3].price: ...`), so a publisher fixes it in one go. */
export function validateFeed(items: readonly CatalogItemInput[]): string[] {
  const problems: string[] = [];
  if (items.length === 0 || items.length > MAX_FEED_ITEMS) problems.push(`items: 1..${MAX_FEED_ITEMS} per call; got ${items.length}`);
  const seen = new Set<string>();
  items.forEach((it, k) => {
    const at = `items[${k}]`;
    if (!LOCAL_ID.test(it.id)) problems.push(`${at}.id: 1..64 characters of A-Z a-z 0-9 . _ -; got ${JSON.stringify(it.id)}`);
    if (seen.has(it.id)) problems.push(`${at}.id: ${JSON.stringify(it.id)} appears twice`);
    seen.add(it.id);
    if (it.name.trim().length === 0 || it.name.length > 200) problems.push(`${at}.name: 1..200 characters`);
    const types: readonly string[] = it.catalog === '1P' ? FIRST_PARTY_TYPES : THIRD_PARTY_TYPES;
    if (!types.includes(it.type)) problems.push(`${at}.type: a ${it.catalog} item is one of ${types.join(', ')}; got ${JSON.stringify(it.type)}`);
    if (it.catalog === '1P' && it.gameId) problems.push(`${at}.gameId: 1P items belong to no game`);
    if (it.catalog === '3P' && !it.gameId) problems.push(`${at}.gameId: a 3P item needs its game`);
    if (!Number.isInteger(it.price) || it.price < 0 || it.price > 10_000_000) problems.push(`${at}.price: an integer 0..10000000 in minor units; got ${it.price}`);
    if (!/^[A-Z]{3}$/.test(it.currency)) problems.push(`${at}.currency: an ISO 4217 code such as USD; got ${JSON.stringify(it.currency)}`);
    if (it.dropAt != null && it.availableUntil != null && it.availableUntil <= it.dropAt) problems.push(`${at}.availableUntil: must be after dropAt`);
    const attrs = it.attributes ?? {};
    const keys = Object.keys(attrs);
    if (keys.length > 50) problems.push(`${at}.attributes: at most 50 keys; got ${keys.length}`);
    for (const key of keys) {
      const v = attrs[key];
      if (!ATTR_KEY.test(key)) problems.push(`${at}.attributes.${key}: keys start with a letter, then letters, digits, _ (≤ 40)`);
      if (!(typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') || (typeof v === 'string' && v.length > 500)) problems.push(`${at}.attributes.${key}: a string (≤ 500), number or boolean`);
    }
  });
  return problems;
}

/**
 * Catalog feeds: validate everything first (nothing is written when any item is bad),
 * upsert in one transaction under the publisher's idempotency scope, then embed the
 * upserted items with the active encoder so they can be recommended at once.
 */
export class CatalogMutations {
  constructor(private readonly deps: { graph: GraphClient; clock: Clock; refresh: RefreshAfterWrite; logger: Logger; onCatalogChange?: (dataset: string) => void }) {}

  async upsert(o: { dataset: string; publisherId: string; idempotencyKey: string; items: CatalogItemInput[] }): Promise<Idempotent<CatalogResult>> {
    const problems = validateFeed(o.items);
    if (problems.length > 0) throw new BadInputError(`catalog feed rejected, nothing written: ${problems.slice(0, 20).join('; ')}${problems.length > 20 ? `; and ${problems.length - 20} more` : ''}`, { problems });
    const payload = { publisherId: o.publisherId, items: o.items };
    const r = await runIdempotent(this.deps, { dataset: o.dataset, actor: `publisher:${o.publisherId}`, key: o.idempotencyKey, operation: 'upsertCatalogItems', payload }, async (tx, now) => {
      const ids = o.items.map((i) => i.id);
      const games = [...new Set(o.items.map((i) => i.gameId).filter((g): g is string => !!g))];
      const f = await catalogFacts(tx, { dataset: o.dataset, publisherId: o.publisherId, games, ids, now });
      if (!f) throw new NotFoundError('publisher', `${o.dataset}:${o.publisherId}`);
      const issues: string[] = [];
      for (const g of f.missingGames as string[]) issues.push(`gameId ${JSON.stringify(g)} does not exist`);
      const firstParty = f.firstParty === true;
      o.items.forEach((it, k) => {
        if ((it.catalog === '1P') !== firstParty) issues.push(`items[${k}].catalog: publisher ${o.publisherId} sells ${firstParty ? '1P' : '3P'} items only`);
      });
      const existing = new Map((f.existing as { id: string; publisherId: string | null }[]).map((e) => [e.id, e.publisherId]));
      for (const [id, pub] of existing) if (pub !== null && pub !== o.publisherId) issues.push(`item ${JSON.stringify(id)} belongs to publisher ${pub}`);
      if (issues.length > 0) throw new BadInputError(`catalog feed rejected, nothing written: ${issues.join('; ')}`, { problems: issues });
      const rows = o.items.map((it) => ({
        id: it.id,
        gameId: it.gameId ?? null,
        props: {
          name: it.name, catalog: it.catalog, type: it.type, price: it.price, currency: it.currency, rarity: it.rarity ?? null, gameId: it.gameId ?? null,
          dropAt: it.dropAt ?? null, availableUntil: it.availableUntil ?? null, forSale: it.forSale ?? true, giftable: it.giftable ?? true,
          consumable: it.consumable ?? it.type === 'CURRENCY_PACK', attrs: JSON.stringify(it.attributes ?? {}),
        },
      }));
      await tx.run(UPSERT_ITEMS.cypher, { ds: o.dataset, publisher: o.publisherId, now, items: rows });
      const created = ids.filter((id) => !existing.has(id)).length;
      return { itemIds: ids, created, updated: ids.length - created };
    });
    if (!r.replayed) {
      this.deps.onCatalogChange?.(o.dataset);
      // New items are embedded before the feed call answers: they can be recommended at once.
      await this.deps.refresh.run(o.dataset, { items: r.result.itemIds });
    }
    return r;
  }
}
