/**
 * The synthetic world: a deterministic function of (users, seed, cutoff, history) that
 * returns the graph as rows plus the hidden truth behind them. Stages run in dependency
 * order, each on its own named random stream (prng.ts), so a stage's draws never shift
 * another's. Pure: no I/O, no clock, no Math.random.
 */
import { DAY_MS } from '../clock/clock';
import { emptyRows, type GraphRows } from '../ingest/rows';
import type { Progress } from '../logging/progress';
import { generateCampaigns } from './campaigns';
import { generateCatalog } from './catalog';
import { generateCloseness } from './closeness';
import { collectTruth } from './collect-truth';
import { genreCentroids } from './genres';
import { generateGifts } from './gifts';
import { generateGroupBuys } from './group-buys';
import { generateGuilds } from './guilds';
import { generateInteractions } from './interactions';
import { nextGiftRecipients } from './next-gift';
import { occasionRows } from './occasions';
import { generatePlay } from './play';
import { generatePopulation } from './population';
import { Rng, seedTo32 } from './prng';
import { simulatePurchases } from './purchases';
import { friendshipRows, growSocialGraph } from './social-graph';
import { generateSquads } from './squads';
import { worldSizes } from './sizes';
import type { WorldTruth } from './truth';

export interface WorldOptions {
  /** Number of users (≥ 10). */
  users: number;
  /** Any safe integer; the same seed gives the same world. */
  seed: number;
  /** Epoch ms; every event happens at or before it (only OPEN group-buy deadlines lie after). */
  cutoffMs: number;
  /** Days of history before the cutoff; default 365. */
  historyDays?: number;
}

export interface World {
  rows: GraphRows;
  truth: WorldTruth;
}

/** Days after the cutoff over which the next-gift truth is defined. */
export const NEXT_GIFT_WINDOW_DAYS = 30;

export function generateWorld(opts: WorldOptions, progress?: Progress): World {
  const historyDays = opts.historyDays ?? 365;
  if (!Number.isInteger(opts.users) || opts.users < 10) throw new RangeError(`users must be an integer ≥ 10, got ${String(opts.users)}`);
  if (!Number.isFinite(opts.cutoffMs)) throw new RangeError(`cutoffMs must be a finite epoch ms, got ${String(opts.cutoffMs)}`);
  if (!Number.isInteger(historyDays) || historyDays < 30) throw new RangeError(`historyDays must be an integer ≥ 30, got ${String(historyDays)}`);
  seedTo32(opts.seed); // validates
  const { seed, cutoffMs } = opts;
  const startMs = cutoffMs - historyDays * DAY_MS;
  const sizes = worldSizes(opts.users, historyDays);
  const stream = (label: string) => Rng.derive(seed, label);
  const stage = (label: string) => progress?.phase(`world: ${label}`, 0);
  const rows = emptyRows();

  stage('users');
  const genres = genreCentroids(stream('genres'));
  const pop = generatePopulation({ users: opts.users, communities: sizes.communities, startMs, cutoffMs, genreCentroid: genres }, stream('users'));
  rows.users = pop.rows;
  rows.occasions = occasionRows();

  stage('friendships');
  const graph = growSocialGraph(pop, cutoffMs, stream('social-graph'));
  rows.friendships = friendshipRows(graph, pop.ids);
  const closeness = generateCloseness(graph, pop, stream('closeness'));

  stage('guilds');
  const guilds = generateGuilds(pop, { globalGuilds: sizes.globalGuilds, startMs, cutoffMs }, stream('guilds'));
  rows.guilds = guilds.rows;
  rows.memberships = guilds.memberships;

  stage('catalog');
  const catalog = generateCatalog({
    games: sizes.games, thirdPartyPublishers: sizes.thirdPartyPublishers, items: sizes.items,
    firstPartyItems: sizes.firstPartyItems, startMs, cutoffMs, genreCentroid: genres,
  }, stream('catalog'));
  rows.publishers = catalog.publishers;
  rows.games = catalog.games;
  rows.items = catalog.items;

  stage('play sessions');
  const play = generatePlay(pop, catalog, cutoffMs, stream('play'));
  rows.playSessions = play.rows;

  stage('campaigns');
  const campaigns = generateCampaigns(pop, catalog, { campaigns: sizes.campaigns, startMs, cutoffMs }, stream('campaigns'));
  rows.campaigns = campaigns.rows;
  rows.exposures = campaigns.exposures;

  const sim = simulatePurchases({ pop, graph, catalog, play, campaigns }, { startMs, cutoffMs }, stream('purchases'), progress);
  rows.wishlists = sim.wishlistRows;

  stage('interactions');
  rows.interactions = generateInteractions({ pop, graph, closeness, play }, { cutoffMs }, stream('interactions'));

  stage('squads');
  const squads = generateSquads({ pop, graph, closeness }, { squads: sizes.squads, cutoffMs }, stream('squads'));
  rows.squads = squads.rows;
  rows.squadMembers = squads.members;

  stage('group buys');
  const groupBuys = generateGroupBuys(
    { pop, graph, closeness, catalog, play, ledger: sim.ledger, squads },
    { groupBuys: sizes.groupBuys, startMs, cutoffMs, purchaseIdOffset: sim.rows.length },
    stream('group-buys'),
  );
  rows.groupBuys = groupBuys.rows;
  rows.invitations = groupBuys.invitations;
  rows.participations = groupBuys.participations;
  rows.purchases = sim.rows.concat(groupBuys.purchases);

  stage('gifts');
  rows.gifts = generateGifts(
    { pop, graph, closeness, catalog, play, ledger: sim.ledger, wishlists: sim.wishlists },
    { startMs, cutoffMs, seed }, stream('gifts'),
  );

  stage('truth');
  const truth = collectTruth({
    seed, cutoffMs, historyDays, pop, catalog, play,
    nextGiftRecipients: nextGiftRecipients({ pop, graph, closeness }, { cutoffMs, windowDays: NEXT_GIFT_WINDOW_DAYS, topK: 20 }),
    nextGiftWindowDays: NEXT_GIFT_WINDOW_DAYS,
    groupBuyFillProbability: groupBuys.fillProbability,
  });
  progress?.done(`${opts.users} users, ${rows.friendships.length} friendships, ${rows.purchases.length} purchases, ${rows.gifts.length} gifts`);
  return { rows, truth };
}
