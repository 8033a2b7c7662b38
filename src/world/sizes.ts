/**
 * How big each part of the world is for a given user count. Sub-linear growth of the
 * catalog mirrors a real platform (10× the users is ~3× the shop, not 10×):
 * ~330 items at 1k users, ~1k at 10k, ~3k at 100k.
 */
export interface WorldSizes {
  users: number;
  /** Taste communities (≈ guild clusters), average ~80 users. */
  communities: number;
  /** Guilds spanning many communities (big public servers). */
  globalGuilds: number;
  games: number;
  thirdPartyPublishers: number;
  /** Total items, first-party shop included. */
  items: number;
  firstPartyItems: number;
  squads: number;
  groupBuys: number;
  campaigns: number;
}

export function worldSizes(users: number, historyDays: number): WorldSizes {
  const scale = users / 1000;
  const items = Math.max(40, Math.round(330 * scale ** 0.48));
  const games = Math.max(3, Math.round(8 * scale ** 0.4));
  return {
    users,
    communities: Math.max(2, Math.round(users / 80)),
    globalGuilds: Math.max(2, Math.round(3 * scale ** 0.5)),
    games,
    thirdPartyPublishers: Math.max(2, Math.round(games / 3)),
    items,
    firstPartyItems: Math.max(10, Math.round(items * 0.12)),
    squads: Math.max(1, Math.round(users / 20)),
    groupBuys: Math.max(4, Math.round((users * 0.06 * historyDays) / 365)),
    campaigns: Math.max(2, 3 + Math.floor(historyDays / 90)),
  };
}
