/**
 * Assembles the WorldTruth from the generator's internal arrays: ids as keys, vectors and
 * scalars rounded (5 decimals) to keep the file compact.
 */
import type { Catalog } from './catalog';
import { UTILITY_WEIGHTS } from './oracle';
import type { Play } from './play';
import { DISCOUNT_TYPES, type DiscountType, type Population } from './population';
import { TRUTH_VERSION, type WorldTruth } from './truth';
import { LATENT_DIM, round, rowToArray } from './vectors';

export interface TruthParts {
  seed: number;
  cutoffMs: number;
  historyDays: number;
  pop: Population;
  catalog: Catalog;
  play: Play;
  nextGiftRecipients: Record<string, Record<string, number>>;
  nextGiftWindowDays: number;
  groupBuyFillProbability: Record<string, number>;
}

export function collectTruth(p: TruthParts): WorldTruth {
  const { pop, catalog: cat, play } = p;
  const userTaste: Record<string, number[]> = {};
  const userCommunity: Record<string, number> = {};
  const userPriceSensitivity: Record<string, number> = {};
  const userDiscountType: Record<string, DiscountType> = {};
  const userGames: Record<string, string[]> = {};
  for (let u = 0; u < pop.n; u++) {
    const id = pop.ids[u];
    userTaste[id] = rowToArray(pop.taste, u);
    userCommunity[id] = pop.community[u];
    userPriceSensitivity[id] = round(pop.priceSensitivity[u], 5);
    userDiscountType[id] = DISCOUNT_TYPES[pop.discountType[u]];
    const games: string[] = [];
    for (let k = play.userGameStart[u]; k < play.userGameStart[u + 1]; k++) games.push(cat.games[play.userGames[k]].id);
    userGames[id] = games;
  }
  const itemVector: Record<string, number[]> = {};
  const itemAppeal: Record<string, number> = {};
  const itemPrice: Record<string, number> = {};
  const itemGame: Record<string, string | null> = {};
  for (let i = 0; i < cat.itemCount; i++) {
    const id = cat.items[i].id;
    itemVector[id] = rowToArray(cat.itemVector, i);
    itemAppeal[id] = round(cat.itemAppeal[i], 5);
    itemPrice[id] = cat.itemPrice[i];
    itemGame[id] = cat.itemGame[i] >= 0 ? cat.games[cat.itemGame[i]].id : null;
  }
  return {
    version: TRUTH_VERSION, seed: p.seed, users: pop.n, cutoffMs: p.cutoffMs, historyDays: p.historyDays, dim: LATENT_DIM,
    utilityWeights: { ...UTILITY_WEIGHTS },
    userTaste, userCommunity, userPriceSensitivity, userDiscountType, userGames,
    itemVector, itemAppeal, itemPrice, itemGame,
    nextGiftRecipients: p.nextGiftRecipients, nextGiftWindowDays: p.nextGiftWindowDays,
    groupBuyFillProbability: p.groupBuyFillProbability,
  };
}
