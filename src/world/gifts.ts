/**
 * Gifts between friends, drawn from the rate model in gift-model.ts: a background plus
 * holiday component (occasion = the holiday when the holiday term produced it) and a
 * birthday component per friend (occasion = BIRTHDAY). Every gift goes to an unblocked
 * friend of at least `since` standing, and is a giftable item on sale at that moment that
 * the recipient neither owns nor was given before: often from their wishlist, else the best
 * of a few items (by the recipient's planted utility) from a game they play or the shop.
 */
import { DAY_MS } from '../clock/clock';
import type { GiftRow } from '../ingest/rows';
import { utcDayStart } from './calendar';
import { onSale, type Catalog } from './catalog';
import { BACKGROUND_PER_YEAR, BIRTHDAY_GIFT_MASS, birthdayDays, holidayDensity, senderShares } from './gift-model';
import type { PurchaseLedger } from './ledger';
import { BIRTHDAY_OCCASION, OCCASIONS } from './occasions';
import { UTILITY_WEIGHTS, plantedUtility } from './oracle';
import { plays, type Play } from './play';
import type { Population } from './population';
import type { Rng } from './prng';
import type { Wishlists } from './purchases';
import type { SocialGraph } from './social-graph';
import { dotRows } from './vectors';

export interface GiftDeps {
  pop: Population;
  graph: SocialGraph;
  closeness: Float64Array;
  catalog: Catalog;
  play: Play;
  ledger: PurchaseLedger;
  wishlists: Wishlists;
}

interface DraftGift {
  sender: number;
  recipient: number;
  item: number;
  at: number;
  occasion: string | null;
}

const BIRTHDAY_MESSAGES = ['Happy birthday!', 'HBD, enjoy!', 'Another level up, happy birthday'];
const OTHER_MESSAGES = ['gg', 'for the squad', 'saw this and thought of you', 'thanks for carrying me', 'you earned it'];

export function generateGifts(deps: GiftDeps, input: { startMs: number; cutoffMs: number; seed: number }, rng: Rng): GiftRow[] {
  const { pop, graph, closeness } = deps;
  const { startMs, cutoffMs } = input;
  const firstDay = utcDayStart(startMs);
  const days = Math.round((utcDayStart(cutoffMs) - firstDay) / DAY_MS) + 1;
  const holidays = holidayDensity(firstDay, days);
  const cumulative = new Float64Array(days);
  let acc = 0;
  for (let d = 0; d < days; d++) {
    acc += BACKGROUND_PER_YEAR / 365 + holidays.mass[d];
    cumulative[d] = acc;
  }
  const picker = new GiftItemPicker(deps, rng);
  const drafts: DraftGift[] = [];
  const inWindow = (t: number, since: number) => t >= since && t >= startMs && t <= cutoffMs;

  for (let u = 0; u < pop.n; u++) {
    const g = pop.generosity[u];
    if (g <= 0) continue;
    const { friends, edges, share } = senderShares(graph, closeness, u);
    if (friends.length === 0) continue;
    const shareCum = new Float64Array(share.length);
    for (let j = 0, s = 0; j < share.length; j++) shareCum[j] = s += share[j];

    // Background + holidays: count from the total mass since signup, then day, then recipient.
    const d0 = Math.max(0, Math.floor((pop.createdAt[u] - firstDay) / DAY_MS));
    const mass = g * (cumulative[days - 1] - (d0 > 0 ? cumulative[d0 - 1] : 0));
    const count = rng.poisson(mass);
    for (let c = 0; c < count; c++) {
      const d = rng.pickCumulative(cumulative, d0, days);
      const at = Math.floor(firstDay + (d + rng.uniform()) * DAY_MS);
      const density = BACKGROUND_PER_YEAR / 365 + holidays.mass[d];
      const occ = holidays.occasion[d] >= 0 && rng.uniform() * density < holidays.mass[d] ? OCCASIONS[holidays.occasion[d]].id : null;
      for (let tries = 0; tries < 6; tries++) {
        const j = rng.pickCumulative(shareCum);
        if (!inWindow(at, Math.max(graph.since[edges[j]], pop.createdAt[u]))) continue;
        const item = picker.pick(friends[j], at);
        if (item >= 0) drafts.push({ sender: u, recipient: friends[j], item, at, occasion: occ });
        break;
      }
    }
    // Birthdays: each friend's anniversaries in the window, Poisson(G·π·B) gifts each.
    for (let j = 0; j < friends.length; j++) {
      const v = friends[j];
      const lambda = g * share[j] * BIRTHDAY_GIFT_MASS;
      for (const [d, w] of birthdayDays(pop.birthMonth[v], pop.birthDay[v], firstDay, days)) {
        // birthdayDays lists each kernel day; draw per day with the kernel's share of λ.
        const k = rng.poisson(lambda * w);
        for (let c = 0; c < k; c++) {
          const at = Math.floor(firstDay + (d + rng.uniform()) * DAY_MS);
          if (!inWindow(at, Math.max(graph.since[edges[j]], pop.createdAt[u]))) continue;
          const item = picker.pick(v, at);
          if (item >= 0) drafts.push({ sender: u, recipient: v, item, at, occasion: BIRTHDAY_OCCASION });
        }
      }
    }
  }

  drafts.sort((a, b) => a.at - b.at || a.sender - b.sender || a.recipient - b.recipient);
  return drafts.map((d, k): GiftRow => {
    const id = `gf${k}`;
    let message: string | null = null;
    if (rng.bernoulli(0.4)) {
      message = d.occasion === BIRTHDAY_OCCASION
        ? rng.choice(BIRTHDAY_MESSAGES)
        : d.occasion !== null
          ? `Happy ${OCCASIONS.find((o) => o.id === d.occasion)?.name ?? 'holidays'}!`
          : rng.choice(OTHER_MESSAGES);
    }
    return {
      id, senderId: pop.ids[d.sender], recipientId: pop.ids[d.recipient], itemId: deps.catalog.items[d.item].id,
      at: d.at, occasion: d.occasion, message, idempotencyKey: `seed-${input.seed}-${id}`,
    };
  });
}

/** Chooses what to give; remembers what each recipient was given (non-consumables once). */
class GiftItemPicker {
  private readonly given = new Map<number, number[]>();

  constructor(private readonly deps: GiftDeps, private readonly rng: Rng) {}

  /** An item index, or -1 when nothing suitable was found. */
  pick(v: number, at: number): number {
    const { catalog: cat, play, wishlists } = this.deps;
    const rng = this.rng;
    if (rng.bernoulli(0.5)) {
      const wished = wishlists.items[v];
      const options: number[] = [];
      for (let k = 0; k < wished.length; k++) if (wishlists.at[v][k] < at && this.ok(v, wished[k], at)) options.push(wished[k]);
      if (options.length > 0) return this.remember(v, rng.choice(options));
    }
    const g0 = play.userGameStart[v];
    const gCount = play.userGameStart[v + 1] - g0;
    if (gCount > 0 && rng.bernoulli(0.6)) {
      const g = play.userGames[g0 + rng.int(gCount)];
      const best = this.bestOf(v, at, cat.gameItemStart[g], cat.gameItemStart[g + 1]);
      if (best >= 0) return this.remember(v, best);
    }
    const best = this.bestOf(v, at, 0, cat.firstPartyCount);
    return best >= 0 ? this.remember(v, best) : -1;
  }

  private bestOf(v: number, at: number, lo: number, hi: number): number {
    const { pop, catalog: cat, play } = this.deps;
    let best = -1;
    let bestU = -Infinity;
    for (let k = 0; k < 6; k++) {
      const i = lo + this.rng.int(hi - lo);
      if (!this.ok(v, i, at)) continue;
      const u = plantedUtility(
        UTILITY_WEIGHTS, dotRows(pop.taste, v, cat.itemVector, i), plays(play, v, cat.itemGame[i]),
        cat.itemAppeal[i], pop.priceSensitivity[v], cat.itemPrice[i],
      );
      if (u > bestU) {
        bestU = u;
        best = i;
      }
    }
    return best;
  }

  private ok(v: number, i: number, at: number): boolean {
    const cat = this.deps.catalog;
    if (cat.itemGiftable[i] !== 1 || !onSale(cat, i, at)) return false;
    if (cat.itemConsumable[i] === 1) return true;
    return !this.deps.ledger.owns(v, i) && !(this.given.get(v)?.includes(i) ?? false);
  }

  private remember(v: number, i: number): number {
    const list = this.given.get(v);
    if (list) list.push(i);
    else this.given.set(v, [i]);
    return i;
  }
}
