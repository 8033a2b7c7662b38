/**
 * What the generator planted but the graph never shows: the hidden variables behind the
 * rows, for evaluating models against the truth. Plain JSON (ids as keys, numbers rounded
 * to 4–5 decimals); written next to a seeded dataset, never loaded into Neo4j.
 */
import { readFile, writeFile } from 'node:fs/promises';
import type { UtilityWeights } from './oracle';
import type { DiscountType } from './population';

export const TRUTH_VERSION = 1;

export interface WorldTruth {
  version: typeof TRUTH_VERSION;
  seed: number;
  users: number;
  cutoffMs: number;
  historyDays: number;
  /** Latent dimension of every vector below. */
  dim: number;
  /** The constants of the planted utility (see oracle.ts). */
  utilityWeights: UtilityWeights;
  userTaste: Record<string, number[]>;
  /** Taste community (0-based); guilds and friendships cluster by it. */
  userCommunity: Record<string, number>;
  /** Weight on ln(price) in the utility (higher = more price-averse). */
  userPriceSensitivity: Record<string, number>;
  /** Discount response, the uplift truth behind campaigns (see population.ts). */
  userDiscountType: Record<string, DiscountType>;
  /** Games the user plays (the utility's playsGame term). */
  userGames: Record<string, string[]>;
  itemVector: Record<string, number[]>;
  /** Item-level appeal (rarity and luck), part of the utility. */
  itemAppeal: Record<string, number>;
  /** List price in cents (as in the rows; repeated so the oracle needs only this file). */
  itemPrice: Record<string, number>;
  itemGame: Record<string, string | null>;
  /**
   * Per sender: P(recipient of their next gift = friend) under the generator's gift model,
   * over the `nextGiftWindowDays` after the cutoff (conditional on a gift in that window).
   * At most 20 friends each, most likely first; the omitted friends hold the remaining mass.
   * Senders without unblocked friends are absent.
   */
  nextGiftRecipients: Record<string, Record<string, number>>;
  nextGiftWindowDays: number;
  /**
   * Per group buy: P(enough invitees join by the deadline to fill it), exact (Poisson-binomial
   * over the invitees' planted join probabilities), ex ante at creation, ignoring cancellation.
   */
  groupBuyFillProbability: Record<string, number>;
}

export async function writeTruthFile(path: string, truth: WorldTruth): Promise<void> {
  await writeFile(path, JSON.stringify(truth), 'utf8');
}

/** Reads and shape-checks a truth file; throws naming the path and the first problem. */
export async function readTruthFile(path: string): Promise<WorldTruth> {
  const parsed: unknown = JSON.parse(await readFile(path, 'utf8'));
  const problem = truthProblem(parsed);
  if (problem !== null) throw new Error(`${path} is not a world truth file: ${problem}`);
  return parsed as WorldTruth;
}

const RECORD_KEYS = [
  'userTaste', 'userCommunity', 'userPriceSensitivity', 'userDiscountType', 'userGames', 'itemVector',
  'itemAppeal', 'itemPrice', 'itemGame', 'nextGiftRecipients', 'groupBuyFillProbability',
] as const;

function truthProblem(x: unknown): string | null {
  if (typeof x !== 'object' || x === null) return 'not a JSON object';
  const o = x as Record<string, unknown>;
  if (o.version !== TRUTH_VERSION) return `version is ${JSON.stringify(o.version)}, expected ${TRUTH_VERSION}`;
  for (const k of ['seed', 'users', 'cutoffMs', 'historyDays', 'dim', 'nextGiftWindowDays'] as const) {
    if (typeof o[k] !== 'number') return `"${k}" is not a number`;
  }
  for (const k of RECORD_KEYS) {
    if (typeof o[k] !== 'object' || o[k] === null || Array.isArray(o[k])) return `"${k}" is not an object`;
  }
  return null;
}
