import type { HeteroGraph, Relation } from './hetero-graph';

/**
 * Node input features AS OF a time t, computed by this one module for training and for
 * serving (no train/serve skew). Only edges with time ≤ t count (unknown times count:
 * imported data has none). Every feature is a fixed, documented column so the manifest
 * can record the schema and a model refuses features it was not trained on.
 */

const YEAR_MS = 365.25 * 86_400_000;
const RECENT_MS = 28 * 86_400_000;

export const USER_FEATURES = [
  'log1p_purchases',
  'log1p_friends',
  'log1p_guilds',
  'log1p_games_played',
  'log1p_wishlist',
  'log1p_interaction_days_28d',
  'account_age_years_clip10_div10',
  'bias',
  'share_1p_purchases',
  'mean_log_price_paid',
] as const;

const PRICE_BANDS = [200, 500, 1000, 2000]; // cents: <$2, <$5, <$10, <$20, ≥$20
const RARITIES = ['COMMON', 'RARE', 'EPIC', 'LEGENDARY'];
const TYPES = ['PROFILE_EFFECT', 'BOOST', 'AVATAR_DECORATION', 'SKIN', 'BUNDLE', 'CURRENCY_PACK', 'ITEM'];
const GAME_BUCKETS = 32;
const PUBLISHER_BUCKETS = 16;

export const ITEM_FEATURES = [
  'log1p_purchases',
  'log1p_wishlisted',
  'log1p_price_dollars',
  'price_known',
  ...['lt2', 'lt5', 'lt10', 'lt20', 'ge20'].map((b) => `price_band_${b}`),
  ...RARITIES.map((r) => `rarity_${r}`),
  'rarity_unknown',
  ...TYPES.map((t) => `type_${t}`),
  'type_other',
  'catalog_1p',
  'catalog_3p',
  'catalog_unknown',
  'consumable',
  'giftable',
  'age_since_drop_years_clip5_div5',
  ...Array.from({ length: GAME_BUCKETS }, (_, i) => `game_hash_${i}`),
  ...Array.from({ length: PUBLISHER_BUCKETS }, (_, i) => `publisher_hash_${i}`),
] as const;

export const FEATURE_SCHEMA_VERSION = 1;

export interface FeatureSchema {
  version: number;
  user: readonly string[];
  item: readonly string[];
}

export const FEATURE_SCHEMA: FeatureSchema = { version: FEATURE_SCHEMA_VERSION, user: USER_FEATURES, item: ITEM_FEATURES };

/**
 * The per-user counts the user features are made of, as of t: one entry per user, aligned
 * to `g.nodes.user.ids`. Split from the feature formulas so that a source which cannot hold
 * every edge (the neighbourhood fetch of the embedding refresh, src/features/neighbourhood-graph.ts)
 * can supply the same counts computed by the database, and both paths share one formula.
 */
export interface UserAggregates {
  /** PURCHASED edges with time ≤ t (repeat purchases count). */
  purchases: Float64Array;
  /** Of those, purchases of a first-party (`catalog = '1P'`) item. */
  firstParty: Float64Array;
  /** Σ log1p(pricePaid / 100) over those purchases with a known pricePaid. */
  logPriceSum: Float64Array;
  /** Number of purchases with a known pricePaid. */
  priced: Float64Array;
  /** Non-blocked friendships (either direction) with since ≤ t. */
  friends: Float64Array;
  /** MEMBER_OF edges with since ≤ t. */
  guilds: Float64Array;
  /** Distinct games with a PLAYED session at ≤ t. */
  gamesPlayed: Float64Array;
  /** WISHLISTED edges with at ≤ t. */
  wishlist: Float64Array;
  /** INTERACTED edges (either direction) with day in (t − 28 days, t]. */
  interactions28d: Float64Array;
}

/** The per-item counts of the item features, as of t, aligned to `g.nodes.item.ids`. */
export interface ItemAggregates {
  /** PURCHASED edges into the item with time ≤ t. */
  purchases: Float64Array;
  /** WISHLISTED edges into the item with time ≤ t. */
  wishlisted: Float64Array;
}

/** The window of `UserAggregates.interactions28d`. */
export const RECENT_INTERACTION_MS = RECENT_MS;

export function userAggregates(g: HeteroGraph, t: number): UserAggregates {
  const n = g.nodes.user.ids.length;
  const z = () => new Float64Array(n);
  const a: UserAggregates = { purchases: z(), firstParty: z(), logPriceSum: z(), priced: z(), friends: z(), guilds: z(), gamesPlayed: z(), wishlist: z(), interactions28d: z() };
  const purchased = g.relations.purchased;
  const itemCatalog = g.nodeProps.item.catalog ?? [];
  for (let u = 0; u < n; u++) {
    if (purchased) {
      for (let e = purchased.offsets[u]!; e < purchased.offsets[u + 1]!; e++) {
        if (purchased.time[e]! > t) continue;
        a.purchases[u]!++;
        if (itemCatalog[purchased.targets[e]!] === '1P') a.firstParty[u]!++;
        const p = purchased.attrs.pricePaid?.[e];
        if (p !== undefined && !Number.isNaN(p)) {
          a.logPriceSum[u]! += Math.log1p(p / 100);
          a.priced[u]!++;
        }
      }
    }
    a.friends[u] = countAsOf(g.relations.friend, u, t);
    a.guilds[u] = countAsOf(g.relations.memberOf, u, t);
    a.gamesPlayed[u] = distinctAsOf(g.relations.played, u, t);
    a.wishlist[u] = countAsOf(g.relations.wishlisted, u, t);
    a.interactions28d[u] = countInWindow(g.relations.interacted, u, t - RECENT_MS, t);
  }
  return a;
}

/** x: [numUsers, USER_FEATURES.length], row-major. */
export function userFeatures(g: HeteroGraph, t: number): Float32Array {
  return userFeaturesFrom(userAggregates(g, t), g.nodeProps.user.createdAt ?? [], t);
}

/** The user feature formulas over precomputed counts; `createdAt` aligned to the counts. x: [n, USER_FEATURES.length]. */
export function userFeaturesFrom(a: UserAggregates, createdAt: readonly unknown[], t: number): Float32Array {
  const n = a.purchases.length;
  const d = USER_FEATURES.length;
  const x = new Float32Array(n * d);
  for (let u = 0; u < n; u++) {
    const row = u * d;
    const buys = a.purchases[u]!;
    const priced = a.priced[u]!;
    x[row] = Math.log1p(buys);
    x[row + 1] = Math.log1p(a.friends[u]!);
    x[row + 2] = Math.log1p(a.guilds[u]!);
    x[row + 3] = Math.log1p(a.gamesPlayed[u]!);
    x[row + 4] = Math.log1p(a.wishlist[u]!);
    x[row + 5] = Math.log1p(a.interactions28d[u]!);
    const c = createdAt[u];
    x[row + 6] = typeof c === 'number' && c <= t ? Math.min(10, (t - c) / YEAR_MS) / 10 : 0;
    x[row + 7] = 1;
    x[row + 8] = buys ? a.firstParty[u]! / buys : 0;
    x[row + 9] = priced ? a.logPriceSum[u]! / priced : 0;
  }
  return x;
}

export function itemAggregates(g: HeteroGraph, t: number): ItemAggregates {
  const n = g.nodes.item.ids.length;
  return { purchases: inDegreeAsOf(g.relations.purchased, n, t), wishlisted: inDegreeAsOf(g.relations.wishlisted, n, t) };
}

/** x: [numItems, ITEM_FEATURES.length], row-major. */
export function itemFeatures(g: HeteroGraph, t: number): Float32Array {
  return itemFeaturesFrom(itemAggregates(g, t), g.nodeProps.item, t);
}

/** The item feature formulas over precomputed counts; `p` (node properties) aligned to the counts. x: [n, ITEM_FEATURES.length]. */
export function itemFeaturesFrom(a: ItemAggregates, p: Readonly<Record<string, readonly unknown[]>>, t: number): Float32Array {
  const n = a.purchases.length;
  const d = ITEM_FEATURES.length;
  const x = new Float32Array(n * d);
  const buys = a.purchases;
  const wished = a.wishlisted;
  const col = (name: string) => ITEM_FEATURES.indexOf(name as (typeof ITEM_FEATURES)[number]);
  const [cPrice, cBand, cRarity, cType, cCatalog, cGame, cPub] = [
    col('log1p_price_dollars'), col('price_band_lt2'), col('rarity_COMMON'), col('type_PROFILE_EFFECT'), col('catalog_1p'), col('game_hash_0'), col('publisher_hash_0'),
  ];
  for (let i = 0; i < n; i++) {
    const row = i * d;
    x[row] = Math.log1p(buys[i]!);
    x[row + 1] = Math.log1p(wished[i]!);
    const price = p.price?.[i];
    if (typeof price === 'number') {
      x[row + cPrice] = Math.log1p(price / 100);
      x[row + cPrice + 1] = 1;
      let band = PRICE_BANDS.findIndex((b) => price < b);
      if (band < 0) band = PRICE_BANDS.length;
      x[row + cBand + band] = 1;
    }
    const rarity = RARITIES.indexOf(String(p.rarity?.[i]));
    x[row + cRarity + (rarity < 0 ? RARITIES.length : rarity)] = 1;
    const type = TYPES.indexOf(String(p.type?.[i]));
    x[row + cType + (type < 0 ? TYPES.length : type)] = 1;
    const catalog = p.catalog?.[i];
    x[row + cCatalog + (catalog === '1P' ? 0 : catalog === '3P' ? 1 : 2)] = 1;
    x[row + cCatalog + 3] = p.consumable?.[i] === true ? 1 : 0;
    x[row + cCatalog + 4] = p.giftable?.[i] === true ? 1 : 0;
    const drop = p.dropAt?.[i];
    x[row + cCatalog + 5] = typeof drop === 'number' && drop <= t ? Math.min(5, (t - drop) / YEAR_MS) / 5 : 0;
    const game = p.gameId?.[i];
    if (typeof game === 'string') x[row + cGame + (fnv1a(game) % GAME_BUCKETS)] = 1;
    const pub = p.publisherId?.[i];
    if (typeof pub === 'string') x[row + cPub + (fnv1a(pub) % PUBLISHER_BUCKETS)] = 1;
  }
  return x;
}

function countAsOf(r: Relation | undefined, s: number, t: number): number {
  if (!r) return 0;
  let c = 0;
  for (let e = r.offsets[s]!; e < r.offsets[s + 1]!; e++) if (!(r.time[e]! > t)) c++;
  return c;
}

function distinctAsOf(r: Relation | undefined, s: number, t: number): number {
  if (!r) return 0;
  let c = 0;
  let last = -1;
  for (let e = r.offsets[s]!; e < r.offsets[s + 1]!; e++) {
    if (r.time[e]! > t) continue;
    if (r.targets[e] !== last) c++;
    last = r.targets[e]!;
  }
  return c;
}

function countInWindow(r: Relation | undefined, s: number, from: number, to: number): number {
  if (!r) return 0;
  let c = 0;
  for (let e = r.offsets[s]!; e < r.offsets[s + 1]!; e++) {
    const tm = r.time[e]!;
    if (tm > from && tm <= to) c++;
  }
  return c;
}

function inDegreeAsOf(r: Relation | undefined, numDst: number, t: number): Float64Array {
  const d = new Float64Array(numDst);
  if (!r) return d;
  for (let e = 0; e < r.targets.length; e++) if (!(r.time[e]! > t)) d[r.targets[e]!]!++;
  return d;
}

/** 32-bit FNV-1a: a stable hash for bucketing ids (the same in training and serving). */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
