import { createHash } from 'node:crypto';
import { DAY_MS } from '../../../src/clock/clock';
import type { GraphRows } from '../../../src/ingest/rows';
import { generateWorld, type World } from '../../../src/world/generate';
import { clustering, degreeStats, socialLift } from '../../../src/world/properties';

const CUTOFF = Date.UTC(2025, 10, 1);
const START = CUTOFF - 365 * DAY_MS;
const hash = (x: unknown) => createHash('sha256').update(JSON.stringify(x)).digest('hex');

describe('generateWorld', () => {
  let world: World;
  beforeAll(() => {
    world = generateWorld({ users: 1000, seed: 1, cutoffMs: CUTOFF });
  });

  describe('determinism', () => {
    it('gives identical rows and truth for the same seed', () => {
      const again = generateWorld({ users: 1000, seed: 1, cutoffMs: CUTOFF });
      expect(hash(again.rows)).toBe(hash(world.rows));
      expect(hash(again.truth)).toBe(hash(world.truth));
    });

    it('gives a different world for another seed', () => {
      const other = generateWorld({ users: 1000, seed: 2, cutoffMs: CUTOFF });
      expect(hash(other.rows.friendships)).not.toBe(hash(world.rows.friendships));
      expect(hash(other.rows.purchases)).not.toBe(hash(world.rows.purchases));
      expect(hash(other.truth.userTaste)).not.toBe(hash(world.truth.userTaste));
    });

    it('rejects bad options, echoing the value', () => {
      expect(() => generateWorld({ users: 3, seed: 1, cutoffMs: CUTOFF })).toThrow(/users.*3/);
      expect(() => generateWorld({ users: 100, seed: 0.5, cutoffMs: CUTOFF })).toThrow(/seed.*0\.5/);
      expect(() => generateWorld({ users: 100, seed: 1, cutoffMs: Number.NaN })).toThrow(/cutoffMs/);
    });
  });

  describe('REQUIRED properties at 1k users', () => {
    it('has heavy-tailed friend degrees: max ≥ 20× median', () => {
      const d = degreeStats(world.rows);
      expect(d.median).toBeGreaterThanOrEqual(2);
      expect(d.ratioMaxToMedian).toBeGreaterThanOrEqual(20);
    });

    it('is clustered: average clustering ≥ 5× a degree-matched random graph', () => {
      expect(clustering(world.rows).ratio).toBeGreaterThanOrEqual(5);
    });

    it('shows social influence within every supported affinity decile (lift ≥ 2)', () => {
      const lift = socialLift(world.rows, world.truth);
      expect(lift.sampled).toBe(false);
      expect(lift.deciles.filter((d) => d.supported).length).toBeGreaterThanOrEqual(8);
      expect(lift.minRatio).toBeGreaterThanOrEqual(2);
    });
  });

  describe('invariants', () => {
    it('has every kind it promises, and leaves impressions, clicks and DETECTED squads out', () => {
      const r = world.rows;
      for (const kind of Object.keys(r) as Array<keyof GraphRows>) {
        if (kind === 'impressions' || kind === 'clicks') expect(r[kind]).toHaveLength(0);
        else expect(r[kind].length).toBeGreaterThan(0);
      }
      expect(r.squads.every((s) => s.kind === 'EXPLICIT')).toBe(true);
      expect(r.publishers.filter((p) => p.firstParty)).toHaveLength(1);
      expect(r.groupBuys.some((g) => g.status === 'OPEN')).toBe(true);
      expect(new Set(r.groupBuys.map((g) => g.status)).size).toBeGreaterThanOrEqual(3);
    });

    it('stamps every event inside the history window (deadlines excepted)', () => {
      const bad: string[] = [];
      for (const [label, t] of eventTimes(world.rows)) {
        if (t === null || !(t >= START && t <= CUTOFF)) bad.push(`${label}=${String(t)}`);
      }
      expect(bad.slice(0, 5)).toEqual([]);
      for (const g of world.rows.groupBuys) {
        expect(g.deadline).not.toBeNull();
        if (g.status === 'OPEN') expect(g.deadline).toBeGreaterThan(CUTOFF);
        else if (g.status === 'EXPIRED') expect(g.deadline).toBeLessThanOrEqual(CUTOFF);
      }
    });

    it("never has a user act before they signed up", () => {
      const created = new Map(world.rows.users.map((u) => [u.id, u.createdAt ?? 0]));
      const r = world.rows;
      const acts: Array<[string, number | null]> = [
        ...r.purchases.map((p): [string, number | null] => [p.userId, p.at]),
        ...r.gifts.map((g): [string, number | null] => [g.senderId, g.at]),
        ...r.gifts.map((g): [string, number | null] => [g.recipientId, g.at]),
        ...r.memberships.map((m): [string, number | null] => [m.userId, m.since]),
        ...r.playSessions.map((p): [string, number | null] => [p.userId, p.at]),
        ...r.wishlists.map((w): [string, number | null] => [w.userId, w.at]),
        ...r.participations.map((p): [string, number | null] => [p.userId, p.joinedAt]),
        ...r.invitations.map((i): [string, number | null] => [i.inviteeId, i.at]),
        ...r.squadMembers.map((m): [string, number | null] => [m.userId, m.since]),
        ...r.exposures.map((e): [string, number | null] => [e.userId, e.at]),
        ...r.friendships.flatMap((f): Array<[string, number | null]> => [[f.a, f.since], [f.b, f.since]]),
      ];
      expect(acts.filter(([u, t]) => (t ?? 0) < (created.get(u) ?? Infinity)).slice(0, 3)).toEqual([]);
    });

    it('never overfills a group buy, and FILLED ones are exactly full', () => {
      const count = new Map<string, number>();
      for (const p of world.rows.participations) count.set(p.groupBuyId, (count.get(p.groupBuyId) ?? 0) + 1);
      for (const g of world.rows.groupBuys) {
        const n = count.get(g.id) ?? 0;
        expect(g.targetSize).toBeGreaterThanOrEqual(2);
        expect(g.targetSize).toBeLessThanOrEqual(6);
        expect(n).toBeLessThanOrEqual(g.targetSize ?? 0);
        expect(n).toBeGreaterThanOrEqual(1); // the initiator
        if (g.status === 'FILLED') expect(n).toBe(g.targetSize);
        if (g.status === 'OPEN') expect(g.closedAt).toBeNull();
        else expect(g.closedAt).not.toBeNull();
        expect(g.deadline! - g.createdAt!).toBeGreaterThanOrEqual(DAY_MS);
        expect(g.deadline! - g.createdAt!).toBeLessThanOrEqual(7 * DAY_MS);
      }
      const price = new Map(world.rows.items.map((i) => [i.id, i.price ?? 0]));
      expect(world.rows.groupBuys.every((g) => (g.groupPrice ?? Infinity) < (price.get(g.itemId) ?? 0))).toBe(true);
      const initiator = new Map(world.rows.groupBuys.map((g) => [g.id, g.initiatorId]));
      const invites = world.rows.invitations;
      expect(invites.filter((i) => i.inviterId === initiator.get(i.groupBuyId)).length / invites.length).toBeGreaterThan(0.8);
    });

    it('only gifts giftable items between unblocked friends', () => {
      const friends = new Set(world.rows.friendships.filter((f) => !f.blocked).flatMap((f) => [`${f.a}|${f.b}`, `${f.b}|${f.a}`]));
      const giftable = new Set(world.rows.items.filter((i) => i.giftable).map((i) => i.id));
      for (const g of world.rows.gifts) {
        expect(friends.has(`${g.senderId}|${g.recipientId}`)).toBe(true);
        expect(giftable.has(g.itemId)).toBe(true);
      }
      const keys = world.rows.gifts.map((g) => `${g.senderId}|${g.idempotencyKey}`);
      expect(new Set(keys).size).toBe(keys.length);
      const occasions = new Set(['BIRTHDAY', ...world.rows.occasions.map((o) => o.id)]);
      expect(world.rows.gifts.every((g) => g.occasion === null || occasions.has(g.occasion))).toBe(true);
      expect(world.rows.gifts.filter((g) => g.occasion === 'BIRTHDAY').length).toBeGreaterThan(world.rows.gifts.length / 5);
    });

    it('sells a non-consumable at most once per user, and only items for sale', () => {
      const items = new Map(world.rows.items.map((i) => [i.id, i]));
      const seen = new Set<string>();
      let repeatsOfConsumables = 0;
      for (const p of world.rows.purchases) {
        const item = items.get(p.itemId)!;
        expect(item.forSale).toBe(true);
        const key = `${p.userId}|${p.itemId}`;
        if (seen.has(key)) {
          expect(item.consumable).toBe(true);
          repeatsOfConsumables++;
        }
        seen.add(key);
        expect(p.split).toBeNull();
        expect(p.recId).toBeNull();
        expect(p.discount >= 0 && p.discount < 1).toBe(true);
        if (p.campaignId !== null) expect(p.discount).toBeGreaterThan(0);
      }
      expect(repeatsOfConsumables).toBeGreaterThan(0);
    });

    it('discounts campaign purchases only inside the campaign window', () => {
      const campaigns = new Map(world.rows.campaigns.map((c) => [c.id, c]));
      for (const p of world.rows.purchases.filter((x) => x.campaignId !== null)) {
        const c = campaigns.get(p.campaignId!)!;
        expect(p.discount).toBe(c.discount);
        expect(c.itemIds).toContain(p.itemId);
        expect(p.at! >= c.startAt && p.at! <= c.endAt).toBe(true);
      }
      const arms = new Set(world.rows.exposures.map((e) => e.treated));
      expect(arms).toEqual(new Set([true, false]));
    });

    it('builds squads of 3–8, mostly of mutual friends', () => {
      const friends = new Set(world.rows.friendships.flatMap((f) => [`${f.a}|${f.b}`, `${f.b}|${f.a}`]));
      const members = new Map<string, string[]>();
      for (const m of world.rows.squadMembers) members.set(m.squadId, [...(members.get(m.squadId) ?? []), m.userId]);
      let pairs = 0;
      let friendPairs = 0;
      for (const list of members.values()) {
        expect(list.length).toBeGreaterThanOrEqual(3);
        expect(list.length).toBeLessThanOrEqual(8);
        for (let a = 0; a < list.length; a++) for (let b = a + 1; b < list.length; b++) {
          pairs++;
          if (friends.has(`${list[a]}|${list[b]}`)) friendPairs++;
        }
      }
      expect(friendPairs / pairs).toBeGreaterThan(0.7);
    });

    it('keeps interactions sparse and between friends', () => {
      const friends = new Set(world.rows.friendships.filter((f) => !f.blocked).map((f) => `${f.a}|${f.b}`));
      for (const i of world.rows.interactions) {
        expect(friends.has(`${i.a}|${i.b}`)).toBe(true);
        expect(i.day % DAY_MS).toBe(0);
        expect(i.day).toBeGreaterThanOrEqual(CUTOFF - 56 * DAY_MS);
        expect(i.messages + i.voiceMinutes + i.playedTogether).toBeGreaterThan(0);
      }
      expect(world.rows.interactions.length / world.rows.users.length).toBeLessThanOrEqual(20);
    });

    it('references only ids that exist, and ids are unique per kind', () => {
      const r = world.rows;
      const ids = {
        users: new Set(r.users.map((x) => x.id)), items: new Set(r.items.map((x) => x.id)), games: new Set(r.games.map((x) => x.id)),
        publishers: new Set(r.publishers.map((x) => x.id)), guilds: new Set(r.guilds.map((x) => x.id)), squads: new Set(r.squads.map((x) => x.id)),
        groupBuys: new Set(r.groupBuys.map((x) => x.id)), campaigns: new Set(r.campaigns.map((x) => x.id)),
      };
      for (const kind of ['users', 'items', 'games', 'publishers', 'guilds', 'squads', 'groupBuys', 'campaigns', 'gifts', 'purchases', 'occasions'] as const) {
        const list = r[kind].map((x) => x.id);
        expect(new Set(list).size).toBe(list.length);
      }
      const missing: string[] = [];
      const need = (set: Set<string>, id: string | null, what: string) => {
        if (id !== null && !set.has(id)) missing.push(`${what}:${id}`);
      };
      r.games.forEach((g) => need(ids.publishers, g.publisherId, 'game.publisher'));
      r.items.forEach((i) => {
        need(ids.games, i.gameId, 'item.game');
        need(ids.publishers, i.publisherId, 'item.publisher');
      });
      r.friendships.forEach((f) => {
        need(ids.users, f.a, 'friend');
        need(ids.users, f.b, 'friend');
        need(ids.users, f.blockedBy, 'blockedBy');
        if (f.blockedBy !== null) expect([f.a, f.b]).toContain(f.blockedBy);
      });
      r.interactions.forEach((x) => [x.a, x.b].forEach((u) => need(ids.users, u, 'interaction')));
      r.memberships.forEach((m) => {
        need(ids.users, m.userId, 'member');
        need(ids.guilds, m.guildId, 'guild');
      });
      r.playSessions.forEach((p) => {
        need(ids.users, p.userId, 'player');
        need(ids.games, p.gameId, 'game');
      });
      r.purchases.forEach((p) => {
        need(ids.users, p.userId, 'buyer');
        need(ids.items, p.itemId, 'bought');
        need(ids.campaigns, p.campaignId, 'campaign');
      });
      r.wishlists.forEach((w) => {
        need(ids.users, w.userId, 'wisher');
        need(ids.items, w.itemId, 'wished');
      });
      r.gifts.forEach((g) => {
        need(ids.users, g.senderId, 'sender');
        need(ids.users, g.recipientId, 'recipient');
        need(ids.items, g.itemId, 'gift item');
      });
      r.groupBuys.forEach((g) => {
        need(ids.users, g.initiatorId, 'initiator');
        need(ids.items, g.itemId, 'group item');
      });
      r.invitations.forEach((i) => {
        need(ids.groupBuys, i.groupBuyId, 'invitation');
        need(ids.users, i.inviterId, 'inviter');
        need(ids.users, i.inviteeId, 'invitee');
      });
      r.participations.forEach((p) => {
        need(ids.groupBuys, p.groupBuyId, 'participation');
        need(ids.users, p.userId, 'participant');
      });
      r.squadMembers.forEach((m) => {
        need(ids.squads, m.squadId, 'squad');
        need(ids.users, m.userId, 'squad member');
      });
      r.campaigns.forEach((c) => c.itemIds.forEach((i) => need(ids.items, i, 'campaign item')));
      r.exposures.forEach((e) => {
        need(ids.campaigns, e.campaignId, 'exposure');
        need(ids.users, e.userId, 'exposed');
      });
      expect(missing.slice(0, 5)).toEqual([]);
    });

    it('describes items heterogeneously, as the brief asks', () => {
      const items = world.rows.items;
      const types = new Set(items.map((i) => i.type));
      for (const t of ['PROFILE_EFFECT', 'BOOST', 'AVATAR_DECORATION', 'SKIN', 'BUNDLE', 'CURRENCY_PACK']) expect(types).toContain(t);
      expect(items.filter((i) => i.catalog === '1P').every((i) => i.gameId === null && i.publisherId === 'p0')).toBe(true);
      expect(items.filter((i) => i.type === 'CURRENCY_PACK').every((i) => i.consumable === true)).toBe(true);
      expect(items.every((i) => i.currency === 'USD' && Number.isInteger(i.price) && (i.price ?? 0) > 0)).toBe(true);
      expect(new Set(items.map((i) => i.rarity))).toEqual(new Set(['COMMON', 'RARE', 'EPIC', 'LEGENDARY']));
      expect(items.some((i) => i.attributes?.bundleSize !== undefined)).toBe(true);
      expect(items.some((i) => i.availableUntil !== null)).toBe(true);
      expect(items.some((i) => i.forSale === false)).toBe(true);
    });
  });
});

/** Every event time in the rows, labelled; deadlines (scheduled, not events) are left out. */
function eventTimes(r: GraphRows): Array<[string, number | null]> {
  const out: Array<[string, number | null]> = [];
  const add = <T>(kind: string, rows: T[], pick: (x: T) => Array<number | null>) => {
    for (const x of rows) for (const t of pick(x)) out.push([kind, t]);
  };
  add('user', r.users, (x) => [x.createdAt]);
  add('game', r.games, (x) => [x.releasedAt]);
  add('guild', r.guilds, (x) => [x.createdAt]);
  add('item', r.items, (x) => (x.availableUntil === null ? [x.dropAt] : [x.dropAt, x.availableUntil]));
  add('squad', r.squads, (x) => [x.createdAt]);
  add('campaign', r.campaigns, (x) => [x.startAt, x.endAt]);
  add('groupBuy', r.groupBuys, (x) => (x.closedAt === null ? [x.createdAt] : [x.createdAt, x.closedAt]));
  add('gift', r.gifts, (x) => [x.at]);
  add('friendship', r.friendships, (x) => [x.since]);
  add('interaction', r.interactions, (x) => [x.day]);
  add('membership', r.memberships, (x) => [x.since]);
  add('play', r.playSessions, (x) => [x.at]);
  add('purchase', r.purchases, (x) => [x.at]);
  add('wishlist', r.wishlists, (x) => [x.at]);
  add('invitation', r.invitations, (x) => [x.at]);
  add('participation', r.participations, (x) => [x.joinedAt]);
  add('squadMember', r.squadMembers, (x) => [x.since]);
  add('exposure', r.exposures, (x) => [x.at]);
  return out;
}
