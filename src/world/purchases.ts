/**
 * The purchase simulation: shopping sessions replayed in global time order, so a user's
 * decision can see what their friends bought before it.
 *
 * In a session the user considers a handful of candidate items:
 *   - FEED: items friends bought in the last `socialWindowDays` (each shown with
 *     probability `feedVisibility`, at most `feedCap`);
 *   - WISHLIST: items they wishlisted earlier;
 *   - GAME: random items of games they play;
 *   - BROWSE: random items of the whole catalog;
 *   - CAMPAIGN: the items of running campaigns they are assigned to (discounted for the
 *     treated arm, full price for the control arm);
 * and buys each with probability
 *   σ(baseLogit + U(u,i) + socialGamma·ln(1 + #friends who bought it recently) + discountShift)
 * where U is the planted utility (oracle.ts). Social influence therefore acts twice: it
 * exposes the item (feed) and raises the odds. Non-consumables are bought at most once.
 * A considered-but-not-bought item the user likes may be wishlisted.
 *
 * Cost: O(sessions · (candidates + Σ friends' recent purchases)); ≈ 20 sessions per user.
 */
import type { PurchaseRow, Surface, WishlistRow } from '../ingest/rows';
import type { Progress } from '../logging/progress';
import { DAY_MS } from '../clock/clock';
import type { Campaigns } from './campaigns';
import { onSale, type Catalog } from './catalog';
import { discountShift } from './discount-response';
import { PurchaseLedger } from './ledger';
import { UTILITY_WEIGHTS, plantedUtility } from './oracle';
import { plays, type Play } from './play';
import { DISCOUNT_TYPES, type Population } from './population';
import type { Rng } from './prng';
import type { SocialGraph } from './social-graph';
import { dotRows, sigmoid } from './vectors';

export interface PurchaseModel {
  /** Logit of buying a considered item of utility 0 with no social or discount effect. */
  baseLogit: number;
  /** Logit bonus per ln(1 + friends who bought the item recently). */
  socialGamma: number;
  /** How long a friend's purchase stays in the feed and keeps its influence. */
  socialWindowDays: number;
  /** Chance each friend-bought item is shown in a session's feed. */
  feedVisibility: number;
  /** At most this many feed items per session (keeps hubs from seeing, and spreading, everything). */
  feedCap: number;
  browsePerSession: number;
  gamePicksPerSession: number;
  /** Chance each wishlisted item is looked at again in a session. */
  wishlistRevisit: number;
  /** Only items at least this appealing (U) are wishlisted. */
  wishlistMinUtility: number;
  /** Chance a liked-but-not-bought item is wishlisted. */
  wishlistRate: number;
  wishlistCap: number;
}

/**
 * Tuned so that at 1k users the social lift is ≥ 3 in every supported affinity decile
 * (12 seeds checked) with ~10 purchases per user; a stronger feed (visibility 0.2, cap 20)
 * makes the purchase cascade near-critical on the hubs of a 100k-user graph (2× the volume).
 */
export const DEFAULT_PURCHASE_MODEL: PurchaseModel = {
  baseLogit: -4.8,
  socialGamma: 2.0,
  socialWindowDays: 60,
  feedVisibility: 0.15,
  feedCap: 6,
  browsePerSession: 5,
  gamePicksPerSession: 3,
  wishlistRevisit: 0.1,
  wishlistMinUtility: 1.2,
  wishlistRate: 0.1,
  wishlistCap: 12,
};

export interface Wishlists {
  /** Per user, items in the order they were wishlisted, with times. */
  items: number[][];
  at: number[][];
}

export interface PurchaseSimulation {
  /** Ids pu0.. in time order. */
  rows: PurchaseRow[];
  wishlistRows: WishlistRow[];
  ledger: PurchaseLedger;
  wishlists: Wishlists;
}

export interface PurchaseDeps {
  pop: Population;
  graph: SocialGraph;
  catalog: Catalog;
  play: Play;
  campaigns: Campaigns;
}

export interface PurchaseInput {
  startMs: number;
  cutoffMs: number;
  model?: Partial<PurchaseModel>;
}

const FEED = 0;
const WISHLIST = 1;
const GAME = 2;
const BROWSE = 3;
const CAMPAIGN = 4;
/** A campaign's items shown to its control arm, at full price. */
const FEATURED = 5;
/** Sessions end at least this long before the cutoff so their purchases (a minute apart) stay before it. */
const SESSION_MARGIN_MS = 3_600_000;

export function simulatePurchases(deps: PurchaseDeps, input: PurchaseInput, rng: Rng, progress?: Progress): PurchaseSimulation {
  const { pop, graph, catalog: cat, play, campaigns } = deps;
  const m = { ...DEFAULT_PURCHASE_MODEL, ...input.model };
  const n = pop.n;
  const sessions = sessionKeys(pop, input.startMs, input.cutoffMs - SESSION_MARGIN_MS, rng);
  progress?.phase('world: purchases (sessions)', sessions.length);

  const ledger = new PurchaseLedger(n);
  const wishlists: Wishlists = { items: [], at: [] };
  for (let u = 0; u < n; u++) {
    wishlists.items.push([]);
    wishlists.at.push([]);
  }
  const rows: PurchaseRow[] = [];
  const feedCount = new Int32Array(cat.itemCount);
  const seenStamp = new Int32Array(cat.itemCount);
  const touched: number[] = [];
  const cand: number[] = [];
  const source: number[] = [];
  const activeCampaigns: number[] = [];
  const windowMs = m.socialWindowDays * DAY_MS;
  // The friend-feed scan below visits every friend of the shopper in every session (~14M
  // visits on the 100k world), mostly to find nothing recent. It reads each friendship's
  // start per adjacency slot, in scan order (a blocked one never starts), instead of by
  // edge id, and skips a friend whose latest purchase is older than the window before
  // opening their ledger. Same visits, same order, same draws, so the world is unchanged
  // (the demo snapshot test holds it); the stage's CPU fell 16.5 → 14.3 s on the 100k world
  // (three alternating runs each). Interleaving a ledger's items and times in one array,
  // to open one array per friend instead of two, measured no gain and was not kept.
  const slotSince = new Float64Array(graph.nbr.length);
  for (let k = 0; k < slotSince.length; k++) {
    const e = graph.nbrEdge[k]!;
    slotSince[k] = graph.blocked[e] === 1 ? Infinity : graph.since[e]!;
  }
  const lastBoughtAt = new Float64Array(n).fill(-Infinity);

  for (let s = 0; s < sessions.length; s++) {
    const key = sessions[s];
    const u = key % n;
    const t = input.startMs + ((key - u) / n) * 1000;
    const stamp = s + 1;
    cand.length = 0;
    source.length = 0;
    const consider = (item: number, src: number): void => {
      if (seenStamp[item] === stamp) return;
      seenStamp[item] = stamp;
      cand.push(item);
      source.push(src);
    };

    // Friends' recent purchases (unblocked friendships that existed at t).
    touched.length = 0;
    for (let k = graph.offsets[u]; k < graph.offsets[u + 1]; k++) {
      if (slotSince[k] > t) continue;
      const f = graph.nbr[k];
      if (lastBoughtAt[f] < t - windowMs) continue;
      const items = ledger.itemsOf(f);
      const times = ledger.timesOf(f);
      for (let j = items.length - 1; j >= 0 && times[j] >= t - windowMs; j--) {
        const i = items[j];
        if (feedCount[i] === 0) touched.push(i);
        feedCount[i]++;
      }
    }
    let shown = 0;
    for (let j = 0; j < touched.length && shown < m.feedCap; j++) {
      if (rng.uniform() < m.feedVisibility) {
        consider(touched[j], FEED);
        shown++;
      }
    }
    for (const w of wishlists.items[u]) if (rng.uniform() < m.wishlistRevisit) consider(w, WISHLIST);
    const g0 = play.userGameStart[u];
    const gCount = play.userGameStart[u + 1] - g0;
    if (gCount > 0) {
      for (let j = 0; j < m.gamePicksPerSession; j++) {
        const g = play.userGames[g0 + rng.int(gCount)];
        const lo = cat.gameItemStart[g];
        consider(lo + rng.int(cat.gameItemStart[g + 1] - lo), GAME);
      }
    }
    for (let j = 0; j < m.browsePerSession; j++) consider(rng.int(cat.itemCount), BROWSE);
    // Running campaigns the user is assigned to: both arms see the items, only the
    // treated arm gets the discount (and counts it as a discount seen).
    activeCampaigns.length = 0;
    let seenDiscounts = 0;
    for (let k = campaigns.assignedStart[u]; k < campaigns.assignedStart[u + 1]; k++) {
      if (campaigns.assignedAt[k] > t) break;
      const c = campaigns.assignedCampaign[k];
      const treated = campaigns.assignedTreated[k] === 1;
      if (treated) seenDiscounts++;
      if (t <= campaigns.endAt[c]) {
        if (treated) activeCampaigns.push(c);
        for (const i of campaigns.items[c]) consider(i, treated ? CAMPAIGN : FEATURED);
      }
    }

    const type = DISCOUNT_TYPES[pop.discountType[u]];
    let boughtHere = 0;
    for (let j = 0; j < cand.length; j++) {
      const i = cand[j];
      if (!onSale(cat, i, t)) continue;
      const consumable = cat.itemConsumable[i] === 1;
      if (!consumable && ledger.owns(u, i)) continue;
      let discount = 0;
      let campaign = -1;
      for (const c of activeCampaigns) {
        if (campaigns.items[c].includes(i) && campaigns.discount[c] > discount) {
          discount = campaigns.discount[c];
          campaign = c;
        }
      }
      const utility = plantedUtility(
        UTILITY_WEIGHTS, dotRows(pop.taste, u, cat.itemVector, i), plays(play, u, cat.itemGame[i]),
        cat.itemAppeal[i], pop.priceSensitivity[u], cat.itemPrice[i],
      );
      const social = feedCount[i] > 0 ? m.socialGamma * Math.log1p(feedCount[i]) : 0;
      const z = m.baseLogit + utility + social + discountShift(type, discount, seenDiscounts);
      if (rng.uniform() < sigmoid(z)) {
        const at = t + boughtHere * 60_000;
        rows.push({
          id: `pu${rows.length}`, userId: pop.ids[u], itemId: cat.items[i].id, at,
          surface: surfaceFor(source[j], boughtHere > 0, rng),
          pricePaid: Math.round(cat.itemPrice[i] * (1 - discount)), discount,
          recId: null, campaignId: campaign >= 0 ? campaigns.rows[campaign].id : null, split: null,
        });
        ledger.add(u, i, at);
        lastBoughtAt[u] = at;
        boughtHere++;
      } else if (
        !consumable && utility >= m.wishlistMinUtility && wishlists.items[u].length < m.wishlistCap &&
        !wishlists.items[u].includes(i) && rng.uniform() < m.wishlistRate
      ) {
        wishlists.items[u].push(i);
        wishlists.at[u].push(t);
      }
    }
    for (const i of touched) feedCount[i] = 0;
    if ((s & 0xffff) === 0xffff) progress?.tick(0x10000);
  }
  progress?.tick(sessions.length & 0xffff);

  const wishlistRows: WishlistRow[] = [];
  for (let u = 0; u < n; u++) {
    const items = wishlists.items[u];
    for (let k = 0; k < items.length; k++) {
      wishlistRows.push({ userId: pop.ids[u], itemId: cat.items[items[k]].id, at: wishlists.at[u][k] });
    }
  }
  return { rows, wishlistRows, ledger, wishlists };
}

/**
 * Session start times for every user (Poisson count ∝ activity × days since signup),
 * sorted, each encoded as secondsSinceStart · n + user: one Float64Array sort instead of
 * sorting 2.5M objects. Times are whole seconds, rounded up so they never precede signup.
 */
function sessionKeys(pop: Population, startMs: number, lastMs: number, rng: Rng): Float64Array {
  const n = pop.n;
  const out: number[] = [];
  for (let u = 0; u < n; u++) {
    const from = pop.createdAt[u];
    if (from >= lastMs) continue;
    const count = rng.poisson((pop.activity[u] * (lastMs - from)) / DAY_MS);
    for (let k = 0; k < count; k++) {
      const t = from + rng.uniform() * (lastMs - from);
      out.push(Math.ceil((t - startMs) / 1000) * n + u);
    }
  }
  return Float64Array.from(out).sort();
}

function surfaceFor(src: number, afterPurchase: boolean, rng: Rng): Surface {
  if (afterPurchase && rng.bernoulli(0.5)) return 'POST_PURCHASE';
  if (rng.bernoulli(0.08)) return 'CART';
  switch (src) {
    case FEED:
      return 'HOME';
    case WISHLIST:
      return 'WISHLIST';
    case GAME:
      return rng.bernoulli(0.6) ? 'SEARCH' : 'HOME';
    case CAMPAIGN:
      return 'CAMPAIGN';
    case FEATURED:
      return 'HOME';
    default:
      return rng.bernoulli(0.6) ? 'HOME' : 'SEARCH';
  }
}
