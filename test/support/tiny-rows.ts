import { emptyRows, type GraphRows } from '../../src/ingest/rows';

/** A hand-made dataset with one row of (almost) every kind, for loader tests. */
export function tinyRows(): GraphRows {
  const r = emptyRows();
  const t = Date.parse('2026-10-01T00:00:00Z');
  r.publishers.push({ id: 'p0', name: 'Platform', firstParty: true }, { id: 'p1', name: 'Studio', firstParty: false });
  r.games.push({ id: 'g0', name: 'Space Game', genre: 'shooter', publisherId: 'p1', releasedAt: t - 1e10 });
  r.guilds.push({ id: 'gu0', name: 'Raiders', createdAt: t - 1e9 });
  for (let i = 0; i < 4; i++) r.users.push({ id: `u${i}`, name: `User ${i}`, createdAt: t - 5e9, birthday: '2000-01-0' + (i + 1) });
  r.items.push(
    { id: 'i0', name: 'Nitro Boost', catalog: '1P', type: 'BOOST', price: 499, currency: 'USD', rarity: null, gameId: null, publisherId: 'p0', dropAt: t - 1e9, availableUntil: null, forSale: true, giftable: true, consumable: false },
    { id: 'i1', name: 'Gold Skin', catalog: '3P', type: 'SKIN', price: 1299, currency: 'USD', rarity: 'EPIC', gameId: 'g0', publisherId: 'p1', dropAt: t - 1e9, availableUntil: null, forSale: true, giftable: true, consumable: false, attributes: { platform: 'pc' } },
    { id: 'i2', name: '1000 Coins', catalog: '3P', type: 'CURRENCY_PACK', price: 999, currency: 'USD', rarity: 'COMMON', gameId: 'g0', publisherId: 'p1', dropAt: t - 1e9, availableUntil: null, forSale: true, giftable: false, consumable: true },
  );
  r.occasions.push({ id: 'winter-holidays', name: 'Winter holidays', month: 12, day: 24 });
  r.squads.push({ id: 's0', name: 'Squad', kind: 'EXPLICIT', createdAt: t - 1e8 });
  r.campaigns.push({ id: 'c0', name: 'Autumn sale', discount: 0.2, startAt: t - 1e8, endAt: t, itemIds: ['i1', 'i2'] });
  r.groupBuys.push({ id: 'gb0', initiatorId: 'u0', itemId: 'i1', groupPrice: 999, targetSize: 3, createdAt: t - 1e7, deadline: t, status: 'FILLED', closedAt: t - 5e6 });
  r.gifts.push({ id: 'gf0', senderId: 'u0', recipientId: 'u1', itemId: 'i0', at: t - 1e6, occasion: 'BIRTHDAY', message: 'hb!', idempotencyKey: 'seed-gf0' });
  r.friendships.push(
    { a: 'u0', b: 'u1', since: t - 1e9, blocked: false, blockedBy: null },
    { a: 'u0', b: 'u2', since: t - 1e9, blocked: false, blockedBy: null },
    { a: 'u1', b: 'u2', since: t - 1e9, blocked: false, blockedBy: null },
    { a: 'u2', b: 'u3', since: t - 1e9, blocked: true, blockedBy: 'u3' },
  );
  r.interactions.push({ a: 'u0', b: 'u1', day: t - 86_400_000, messages: 12, voiceMinutes: 30, playedTogether: 1 });
  r.memberships.push({ userId: 'u0', guildId: 'gu0', since: t - 1e9 }, { userId: 'u1', guildId: 'gu0', since: t - 1e9 });
  r.playSessions.push({ userId: 'u0', gameId: 'g0', at: t - 1e7, minutes: 45 });
  r.purchases.push(
    { id: 'pu0', userId: 'u0', itemId: 'i1', at: t - 2e7, surface: 'HOME', pricePaid: 1299, discount: 0, recId: null, campaignId: null, split: null },
    { id: 'pu1', userId: 'u1', itemId: 'i2', at: t - 1e7, surface: 'CAMPAIGN', pricePaid: 799, discount: 0.2, recId: null, campaignId: 'c0', split: null },
  );
  r.wishlists.push({ userId: 'u1', itemId: 'i1', at: t - 3e7 });
  r.invitations.push({ groupBuyId: 'gb0', inviterId: 'u0', inviteeId: 'u1', at: t - 1e7 }, { groupBuyId: 'gb0', inviterId: 'u0', inviteeId: 'u2', at: t - 1e7 });
  r.participations.push({ groupBuyId: 'gb0', userId: 'u0', joinedAt: t - 1e7 }, { groupBuyId: 'gb0', userId: 'u1', joinedAt: t - 8e6 }, { groupBuyId: 'gb0', userId: 'u2', joinedAt: t - 5e6 });
  r.squadMembers.push({ squadId: 's0', userId: 'u0', since: t - 1e8 }, { squadId: 's0', userId: 'u1', since: t - 1e8 }, { squadId: 's0', userId: 'u2', since: t - 1e8 });
  r.exposures.push({ campaignId: 'c0', userId: 'u1', at: t - 1e8, treated: true }, { campaignId: 'c0', userId: 'u2', at: t - 1e8, treated: false });
  r.impressions.push({ id: 'im0', recId: 'rec0', userId: 'u0', itemId: 'i2', at: t - 1e5, position: 1, surface: 'HOME', modelVersion: 'none' });
  r.clicks.push({ id: 'cl0', recId: 'rec0', userId: 'u0', itemId: 'i2', at: t - 9e4 });
  return r;
}
