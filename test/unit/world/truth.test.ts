import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateWorld, NEXT_GIFT_WINDOW_DAYS, type World } from '../../../src/world/generate';
import { trueAffinity } from '../../../src/world/oracle';
import { readTruthFile, writeTruthFile } from '../../../src/world/truth';

const CUTOFF = Date.UTC(2025, 10, 1);

describe('world truth', () => {
  let world: World;
  let dir: string;
  beforeAll(async () => {
    world = generateWorld({ users: 1000, seed: 3, cutoffMs: CUTOFF });
    dir = await mkdtemp(path.join(tmpdir(), 'giftgraph-truth-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('round-trips through the truth file', async () => {
    const file = path.join(dir, 'world.truth.json');
    await writeTruthFile(file, world.truth);
    expect(await readTruthFile(file)).toEqual(world.truth);
  });

  it('rejects a file that is not a truth file, naming the path and the problem', async () => {
    const file = path.join(dir, 'bad.json');
    await writeFile(file, JSON.stringify({ version: 99 }), 'utf8');
    await expect(readTruthFile(file)).rejects.toThrow(/bad\.json.*version is 99/);
  });

  it('covers every user and item, with vectors of the declared dimension', () => {
    const t = world.truth;
    expect(Object.keys(t.userTaste)).toHaveLength(world.rows.users.length);
    expect(Object.keys(t.itemVector)).toHaveLength(world.rows.items.length);
    expect(Object.values(t.userTaste).every((v) => v.length === t.dim)).toBe(true);
    expect(new Set(Object.values(t.userDiscountType))).toEqual(new Set(['BUYS_ANYWAY', 'ONLY_ON_DISCOUNT', 'LEARNS_TO_WAIT']));
  });

  it('trueAffinity ranks bought items well above random ones', () => {
    const t = world.truth;
    const bought = world.rows.purchases.filter((p) => p.surface !== 'GROUP_BUY');
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const boughtMean = mean(bought.map((p) => trueAffinity(t, p.userId, p.itemId)));
    const users = world.rows.users;
    const items = world.rows.items;
    const randomMean = mean(Array.from({ length: 5000 }, (_, k) => trueAffinity(t, users[(k * 7919) % users.length].id, items[(k * 104729) % items.length].id)));
    expect(boughtMean - randomMean).toBeGreaterThan(1);
    expect(() => trueAffinity(t, 'nobody', items[0].id)).toThrow(/nobody/);
  });

  it('gives each sender a next-gift distribution over their unblocked friends', () => {
    const friends = new Set(world.rows.friendships.filter((f) => !f.blocked).flatMap((f) => [`${f.a}|${f.b}`, `${f.b}|${f.a}`]));
    const senders = Object.entries(world.truth.nextGiftRecipients);
    expect(senders.length).toBeGreaterThan(world.rows.users.length * 0.9);
    for (const [sender, dist] of senders) {
      const entries = Object.entries(dist);
      expect(entries.length).toBeLessThanOrEqual(20);
      const mass = entries.reduce((s, [, p]) => s + p, 0);
      expect(mass).toBeLessThanOrEqual(1 + 1e-3);
      for (const [recipient, p] of entries) {
        expect(friends.has(`${sender}|${recipient}`)).toBe(true);
        expect(p).toBeGreaterThan(0);
      }
      if (entries.length < 20) expect(mass).toBeGreaterThan(1 - 1e-3);
    }
    expect(world.truth.nextGiftWindowDays).toBe(NEXT_GIFT_WINDOW_DAYS);
  });

  it('predicts past gift recipients: the truth top-1 is the actual recipient ~2× more often than chance', () => {
    // Not the same window (the truth is about the next 30 days), but the closeness that
    // drives both is fixed, so the top-ranked friend is often the one gifted. Senders with
    // 1–3 friends are left out: a top-3 of them is trivially right.
    const friendCount = new Map<string, number>();
    for (const f of world.rows.friendships) {
      if (f.blocked) continue;
      friendCount.set(f.a, (friendCount.get(f.a) ?? 0) + 1);
      friendCount.set(f.b, (friendCount.get(f.b) ?? 0) + 1);
    }
    let hits = 0;
    let chance = 0;
    let n = 0;
    for (const g of world.rows.gifts) {
      const k = friendCount.get(g.senderId) ?? 0;
      if (k < 4) continue;
      const dist = Object.entries(world.truth.nextGiftRecipients[g.senderId] ?? {});
      const top = dist.reduce((best, e) => (e[1] > best[1] ? e : best), ['', -1] as [string, number]);
      if (top[0] === g.recipientId) hits++;
      chance += 1 / k;
      n++;
    }
    expect(n).toBeGreaterThan(100);
    expect(hits / n).toBeGreaterThan((chance / n) * 1.8);
  });

  it('has a group-buy fill probability per group, calibrated on the closed ones', () => {
    const gbs = world.rows.groupBuys;
    expect(Object.keys(world.truth.groupBuyFillProbability).sort()).toEqual(gbs.map((g) => g.id).sort());
    const settled = gbs.filter((g) => g.status === 'FILLED' || g.status === 'EXPIRED');
    const expected = settled.reduce((s, g) => s + world.truth.groupBuyFillProbability[g.id], 0);
    const observed = settled.filter((g) => g.status === 'FILLED').length;
    // Binomial noise on ~50 groups: within 3.5 standard deviations.
    const sd = Math.sqrt(settled.reduce((s, g) => s + world.truth.groupBuyFillProbability[g.id] * (1 - world.truth.groupBuyFillProbability[g.id]), 0));
    expect(Math.abs(observed - expected)).toBeLessThan(3.5 * sd + 1);
  });
});
