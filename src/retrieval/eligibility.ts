import type { ItemRecord } from '../graph/records';

/**
 * Whether an item may be shown to a user at all, before any ranking. Pure, so the rules
 * are tested on their own: owned non-consumables, items not for sale (or past their
 * availability), dismissed items and explicit exclusions never appear; consumables
 * (currency packs) stay eligible after a purchase.
 */
export interface EligibilityContext {
  now: number;
  owned: ReadonlySet<string>;
  dismissed: ReadonlySet<string>;
  exclude: ReadonlySet<string>;
  filters: ItemFilters;
}

/** The common controls every recommendation query takes. */
export interface ItemFilters {
  minPrice?: number | null;
  maxPrice?: number | null;
  catalog?: '1P' | '3P' | null;
  gameId?: string | null;
  /** Gift flows need giftable items. */
  giftableOnly?: boolean;
}

export type Ineligibility = 'OWNED' | 'NOT_FOR_SALE' | 'DISMISSED' | 'EXCLUDED' | 'FILTERED' | 'NOT_GIFTABLE';

export function isForSale(item: ItemRecord, now: number): boolean {
  if (item.forSale === false) return false;
  if (item.availableUntil !== null && item.availableUntil < now) return false;
  if (item.dropAt !== null && item.dropAt > now) return false;
  return true;
}

/** null when eligible, else the first reason it is not. */
export function ineligibility(item: ItemRecord, ctx: EligibilityContext): Ineligibility | null {
  if (ctx.exclude.has(item.id)) return 'EXCLUDED';
  if (ctx.dismissed.has(item.id)) return 'DISMISSED';
  if (ctx.owned.has(item.id) && item.consumable !== true) return 'OWNED';
  if (!isForSale(item, ctx.now)) return 'NOT_FOR_SALE';
  if (ctx.filters.giftableOnly && item.giftable === false) return 'NOT_GIFTABLE';
  const f = ctx.filters;
  if (f.catalog && item.catalog !== f.catalog) return 'FILTERED';
  if (f.gameId && item.gameId !== f.gameId) return 'FILTERED';
  if (f.minPrice != null && (item.price === null || item.price < f.minPrice)) return 'FILTERED';
  if (f.maxPrice != null && (item.price === null || item.price > f.maxPrice)) return 'FILTERED';
  return null;
}
