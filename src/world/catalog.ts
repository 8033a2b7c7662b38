/**
 * Publishers, games and items. Item ids are laid out in contiguous runs: the first-party
 * shop first, then each game's catalog, so "the items of game g" is an index range.
 *
 * Prices are cents ending in 99 (USD). Rarer items cost more and carry more appeal. Item
 * vectors sit near their game's (3P) or near a genre's, more loosely (1P cosmetics).
 */
import { DAY_MS } from '../clock/clock';
import type { GameRow, ItemRow, PublisherRow } from '../ingest/rows';
import { GENRES } from './genres';
import { gameName, itemName, studioName } from './names';
import type { Rng } from './prng';
import { LATENT_DIM, mixRow } from './vectors';

export const RARITIES = ['COMMON', 'RARE', 'EPIC', 'LEGENDARY'] as const;
const RARITY_SHARE = [0.5, 0.3, 0.15, 0.05];
const RARITY_APPEAL = [0, 0.15, 0.3, 0.5];
const RARITY_PRICE_FACTOR = [1, 1.6, 2.6, 4.2];
const PLATFORMS = ['pc', 'console', 'mobile', 'cross'] as const;
const WEAPON_CLASSES = ['rifle', 'pistol', 'shotgun', 'sniper', 'melee'] as const;

export interface Catalog {
  publishers: PublisherRow[];
  games: GameRow[];
  items: ItemRow[];
  gameCount: number;
  /** [games * LATENT_DIM]. */
  gameVector: Float64Array;
  /** [games] epoch ms. */
  gameReleasedAt: Float64Array;
  /** [games] relative popularity (> 0), used when users pick games. */
  gamePopularity: Float64Array;
  /** Items of game g are [gameItemStart[g], gameItemStart[g + 1]). */
  gameItemStart: Int32Array;
  /** First-party items are [0, firstPartyCount). */
  firstPartyCount: number;
  itemCount: number;
  /** [items] game index, -1 for first-party items. */
  itemGame: Int32Array;
  /** [items * LATENT_DIM]. */
  itemVector: Float64Array;
  /** [items] the utility's item term. */
  itemAppeal: Float64Array;
  /** [items] cents. */
  itemPrice: Float64Array;
  itemDropAt: Float64Array;
  /** [items] epoch ms; Infinity when the item never leaves the shop. */
  itemUntil: Float64Array;
  /** [items] 0/1 flags. */
  itemConsumable: Uint8Array;
  itemForSale: Uint8Array;
  itemGiftable: Uint8Array;
}

export interface CatalogInput {
  games: number;
  thirdPartyPublishers: number;
  items: number;
  firstPartyItems: number;
  startMs: number;
  cutoffMs: number;
  genreCentroid: Float64Array;
}

/** Can the item be bought at `t` (in the shop, dropped, not yet retired)? */
export function onSale(cat: Catalog, item: number, t: number): boolean {
  return cat.itemForSale[item] === 1 && cat.itemDropAt[item] <= t && t < cat.itemUntil[item];
}

/** Price in cents ending in 99, at least 99. */
function price99(cents: number): number {
  return Math.max(99, Math.round(cents / 100) * 100 - 1);
}

export function generateCatalog(input: CatalogInput, rng: Rng): Catalog {
  const { startMs, cutoffMs } = input;
  const span = cutoffMs - startMs;
  const publishers: PublisherRow[] = [{ id: 'p0', name: 'Nexus Platform', firstParty: true }];
  // Each studio has attribute habits: some tag items with a platform, some don't.
  const studioPlatform: Array<string | null> = [null];
  for (let p = 1; p <= input.thirdPartyPublishers; p++) {
    publishers.push({ id: `p${p}`, name: studioName(rng), firstParty: false });
    studioPlatform.push(rng.bernoulli(0.5) ? rng.choice(PLATFORMS) : null);
  }

  const gameCount = input.games;
  const games: GameRow[] = [];
  const gameVector = new Float64Array(gameCount * LATENT_DIM);
  const gameReleasedAt = new Float64Array(gameCount);
  const gamePopularity = new Float64Array(gameCount);
  const gameGenre = new Int32Array(gameCount);
  const gamePublisher = new Int32Array(gameCount);
  for (let g = 0; g < gameCount; g++) {
    // Cycle through genres first so small worlds still cover several.
    const genre = g < GENRES.length ? g : rng.int(GENRES.length);
    gameGenre[g] = genre;
    gamePublisher[g] = 1 + rng.int(input.thirdPartyPublishers);
    mixRow(rng, gameVector, g, [{ src: input.genreCentroid, row: genre, weight: 1 }], 0.3);
    gameReleasedAt[g] = Math.floor(rng.bernoulli(0.75) ? startMs + rng.uniform() * DAY_MS : startMs + rng.uniform() * 0.8 * span);
    gamePopularity[g] = rng.logNormal(0, 0.8);
    games.push({
      id: `g${g}`, name: gameName(rng), genre: GENRES[genre], publisherId: publishers[gamePublisher[g]].id,
      releasedAt: gameReleasedAt[g],
    });
  }

  // Items per game ∝ popularity (popular games sell more cosmetics), at least 8 each.
  const firstPartyCount = input.firstPartyItems;
  const thirdParty = Math.max(gameCount * 8, input.items - firstPartyCount);
  let popSum = 0;
  for (let g = 0; g < gameCount; g++) popSum += 0.5 + gamePopularity[g];
  const gameItemStart = new Int32Array(gameCount + 1);
  gameItemStart[0] = firstPartyCount;
  for (let g = 0; g < gameCount; g++) {
    const share = Math.max(8, Math.round((thirdParty * (0.5 + gamePopularity[g])) / popSum));
    gameItemStart[g + 1] = gameItemStart[g] + share;
  }
  const itemCount = gameItemStart[gameCount];

  const cat: Catalog = {
    publishers, games, items: [], gameCount, gameVector, gameReleasedAt, gamePopularity, gameItemStart, firstPartyCount, itemCount,
    itemGame: new Int32Array(itemCount).fill(-1),
    itemVector: new Float64Array(itemCount * LATENT_DIM),
    itemAppeal: new Float64Array(itemCount),
    itemPrice: new Float64Array(itemCount),
    itemDropAt: new Float64Array(itemCount),
    itemUntil: new Float64Array(itemCount).fill(Infinity),
    itemConsumable: new Uint8Array(itemCount),
    itemForSale: new Uint8Array(itemCount),
    itemGiftable: new Uint8Array(itemCount),
  };

  for (let i = 0; i < firstPartyCount; i++) {
    mixRow(rng, cat.itemVector, i, [{ src: input.genreCentroid, row: rng.int(GENRES.length), weight: 0.6 }], 0.3);
    cat.items.push(firstPartyItem(cat, i, rng, startMs, cutoffMs));
  }
  for (let g = 0; g < gameCount; g++) {
    for (let i = gameItemStart[g]; i < gameItemStart[g + 1]; i++) {
      cat.itemGame[i] = g;
      mixRow(rng, cat.itemVector, i, [{ src: gameVector, row: g, weight: 1 }], 0.2);
      const studio = gamePublisher[g];
      cat.items.push(thirdPartyItem(cat, i, rng, {
        gameId: games[g].id, publisherId: publishers[studio].id, platform: studioPlatform[studio],
        fps: GENRES[gameGenre[g]] === 'FPS', releasedAt: gameReleasedAt[g], cutoffMs,
      }));
    }
  }
  return cat;
}

/**
 * Shop cosmetics of the platform itself. BOOST is consumable (it is used up boosting a
 * server for a while, so people buy it again), unlike the brief's 3P-only consumable list.
 */
function firstPartyItem(cat: Catalog, i: number, rng: Rng, startMs: number, cutoffMs: number): ItemRow {
  const r = rng.uniform();
  const type = r < 0.4 ? 'PROFILE_EFFECT' : r < 0.8 ? 'AVATAR_DECORATION' : 'BOOST';
  const rarity = type === 'BOOST' ? 0 : rng.pickWeighted(RARITY_SHARE);
  const base = type === 'PROFILE_EFFECT' ? 450 : type === 'AVATAR_DECORATION' ? 350 : rng.bernoulli(0.5) ? 499 : 999;
  const price = type === 'BOOST' ? base : price99(base * Math.sqrt(RARITY_PRICE_FACTOR[rarity]) * rng.range(0.8, 1.25));
  const consumable = type === 'BOOST';
  const nice = type === 'PROFILE_EFFECT' ? 'Effect' : type === 'AVATAR_DECORATION' ? 'Decoration' : 'Boost';
  return fillItem(cat, i, rng, {
    id: `i${i}`, name: itemName(rng, nice), catalog: '1P', type, price, rarity, gameId: null, publisherId: 'p0',
    consumable, releasedAt: startMs, cutoffMs, attributes: {},
  });
}

function thirdPartyItem(
  cat: Catalog, i: number, rng: Rng,
  ctx: { gameId: string; publisherId: string; platform: string | null; fps: boolean; releasedAt: number; cutoffMs: number },
): ItemRow {
  const r = rng.uniform();
  const type = r < 0.6 ? 'SKIN' : r < 0.8 ? 'BUNDLE' : 'CURRENCY_PACK';
  const attributes: Record<string, string | number | boolean> = {};
  if (ctx.platform !== null) attributes.platform = ctx.platform;
  let rarity = 0;
  let price: number;
  if (type === 'CURRENCY_PACK') {
    const tier = rng.int(4);
    price = [499, 999, 1999, 4999][tier];
    attributes.amount = [500, 1100, 2400, 6500][tier];
  } else if (type === 'BUNDLE') {
    rarity = rng.pickWeighted(RARITY_SHARE);
    const size = rng.intBetween(3, 5);
    attributes.bundleSize = size;
    price = price99(size * 500 * Math.sqrt(RARITY_PRICE_FACTOR[rarity]) * rng.range(0.8, 1.2));
  } else {
    rarity = rng.pickWeighted(RARITY_SHARE);
    price = price99(700 * RARITY_PRICE_FACTOR[rarity] * rng.range(0.75, 1.3));
    if (ctx.fps) attributes.weaponClass = rng.choice(WEAPON_CLASSES);
    if (rng.bernoulli(0.1)) attributes.tradable = true;
  }
  const noun = type === 'SKIN' ? 'Skin' : type === 'BUNDLE' ? 'Bundle' : 'Coins';
  return fillItem(cat, i, rng, {
    id: `i${i}`, name: itemName(rng, noun), catalog: '3P', type, price, rarity, gameId: ctx.gameId,
    publisherId: ctx.publisherId, consumable: type === 'CURRENCY_PACK', releasedAt: ctx.releasedAt, cutoffMs: ctx.cutoffMs, attributes,
  });
}

/** Common fields: drop time, limited availability, flags, appeal; writes the typed arrays too. */
function fillItem(
  cat: Catalog, i: number, rng: Rng,
  d: {
    id: string; name: string; catalog: '1P' | '3P'; type: string; price: number; rarity: number; gameId: string | null;
    publisherId: string; consumable: boolean; releasedAt: number; cutoffMs: number; attributes: Record<string, string | number | boolean>;
  },
): ItemRow {
  // Most of a catalog ships at launch; the rest drops over the year (new-drop waves).
  const dropAt = Math.floor(rng.bernoulli(0.65)
    ? d.releasedAt + rng.uniform() * DAY_MS
    : d.releasedAt + rng.uniform() * Math.max(0, d.cutoffMs - DAY_MS - d.releasedAt));
  // Limited-time items: the end is only recorded once it has happened (times ≤ cutoff).
  let until: number | null = null;
  if (!d.consumable && rng.bernoulli(0.15)) {
    const end = Math.floor(dropAt + rng.range(7, 60) * DAY_MS);
    if (end <= d.cutoffMs) until = end;
  }
  const forSale = rng.bernoulli(0.95);
  const giftable = rng.bernoulli(d.consumable ? 0.5 : 0.9);
  cat.itemPrice[i] = d.price;
  cat.itemDropAt[i] = dropAt;
  cat.itemUntil[i] = until ?? Infinity;
  cat.itemConsumable[i] = d.consumable ? 1 : 0;
  cat.itemForSale[i] = forSale ? 1 : 0;
  cat.itemGiftable[i] = giftable ? 1 : 0;
  cat.itemAppeal[i] = rng.normal(-0.2, 0.4) + RARITY_APPEAL[d.rarity];
  const row: ItemRow = {
    id: d.id, name: d.name, catalog: d.catalog, type: d.type, price: d.price, currency: 'USD', rarity: RARITIES[d.rarity],
    gameId: d.gameId, publisherId: d.publisherId, dropAt, availableUntil: until, forSale, giftable, consumable: d.consumable,
  };
  if (Object.keys(d.attributes).length > 0) row.attributes = d.attributes;
  return row;
}
