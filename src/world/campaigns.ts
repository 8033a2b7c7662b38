/**
 * Discount campaigns and their randomised exposure log. Each campaign discounts a set of
 * items (one game's, or the first-party shop's) for a few days; a random sample of users
 * is assigned, and both arms are shown the campaign's items while it runs: the treated half
 * at the discount, the control half at full price. The randomised contrast is therefore the
 * discount alone, and purchases respond to it per the user's hidden discount type
 * (discount-response.ts): an uplift-modelling dataset with a known answer.
 */
import { DAY_MS } from '../clock/clock';
import type { CampaignRow, ExposureRow } from '../ingest/rows';
import { anniversaries } from './calendar';
import { onSale, type Catalog } from './catalog';
import type { Population } from './population';
import type { Rng } from './prng';

export interface Campaigns {
  rows: CampaignRow[];
  exposures: ExposureRow[];
  /** [campaigns] */
  startAt: Float64Array;
  endAt: Float64Array;
  discount: Float64Array;
  /** Item indices per campaign. */
  items: Int32Array[];
  /**
   * Assignments per user, ascending by time: campaigns
   * assignedCampaign[assignedStart[u] .. assignedStart[u + 1]), first shown at
   * assignedAt[...], treated when assignedTreated[...] is 1.
   */
  assignedStart: Int32Array;
  assignedCampaign: Int32Array;
  assignedAt: Float64Array;
  assignedTreated: Uint8Array;
}

export interface CampaignsInput {
  campaigns: number;
  startMs: number;
  cutoffMs: number;
  /** Share of eligible users assigned to each campaign (half treated). */
  assignedShare?: number;
}

const DISCOUNTS = [0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5];

export function generateCampaigns(pop: Population, cat: Catalog, input: CampaignsInput, rng: Rng): Campaigns {
  const { startMs, cutoffMs } = input;
  const share = input.assignedShare ?? 0.3;
  const earliest = startMs + 20 * DAY_MS;
  const windows: Array<{ start: number; days: number; name: string | null }> = [];
  // Seasonal sales on the two big holidays when they fall inside the history.
  for (const [month, day, name] of [[12, 24, 'Winter Sale'], [7, 15, 'Summer Sale']] as const) {
    for (const t of anniversaries(month, day, earliest + 5 * DAY_MS, cutoffMs - 6 * DAY_MS)) {
      if (windows.length < input.campaigns) windows.push({ start: t - 5 * DAY_MS, days: 7, name });
    }
  }
  while (windows.length < input.campaigns) {
    const days = rng.intBetween(4, 10);
    const latest = cutoffMs - (days + 1) * DAY_MS;
    if (latest <= earliest) break;
    windows.push({ start: Math.floor(earliest + rng.uniform() * (latest - earliest)), days, name: null });
  }
  windows.sort((a, b) => a.start - b.start);

  const rows: CampaignRow[] = [];
  const items: Int32Array[] = [];
  const startAt: number[] = [];
  const endAt: number[] = [];
  const discount: number[] = [];
  for (const w of windows) {
    const end = w.start + w.days * DAY_MS;
    const game = rng.bernoulli(0.3) ? -1 : rng.int(cat.gameCount);
    const lo = game < 0 ? 0 : cat.gameItemStart[game];
    const hi = game < 0 ? cat.firstPartyCount : cat.gameItemStart[game + 1];
    const eligible: number[] = [];
    for (let i = lo; i < hi; i++) if (onSale(cat, i, w.start) && cat.itemUntil[i] >= end) eligible.push(i);
    if (eligible.length === 0) continue;
    rng.shuffle(eligible);
    const chosen = eligible.slice(0, rng.intBetween(6, 20)).sort((a, b) => a - b);
    const d = rng.choice(DISCOUNTS);
    const label = w.name ?? (game < 0 ? 'Shop Sale' : `${cat.games[game].name} Sale`);
    rows.push({ id: `c${rows.length}`, name: label, discount: d, startAt: w.start, endAt: end, itemIds: chosen.map((i) => cat.items[i].id) });
    items.push(Int32Array.from(chosen));
    startAt.push(w.start);
    endAt.push(end);
    discount.push(d);
  }

  const exposures: ExposureRow[] = [];
  const perUser: Array<Array<[number, number, number]> | undefined> = new Array(pop.n);
  rows.forEach((c, ci) => {
    for (let u = 0; u < pop.n; u++) {
      if (pop.createdAt[u] >= c.startAt || !rng.bernoulli(share)) continue;
      const treated = rng.bernoulli(0.5);
      const at = Math.floor(c.startAt + rng.uniform() * Math.min(DAY_MS, c.endAt - c.startAt));
      exposures.push({ campaignId: c.id, userId: pop.ids[u], at, treated });
      (perUser[u] ??= []).push([ci, at, treated ? 1 : 0]);
    }
  });
  const assignedStart = new Int32Array(pop.n + 1);
  const flatC: number[] = [];
  const flatAt: number[] = [];
  const flatT: number[] = [];
  for (let u = 0; u < pop.n; u++) {
    const list = perUser[u];
    if (list) {
      list.sort((a, b) => a[1] - b[1]);
      for (const [ci, at, treated] of list) {
        flatC.push(ci);
        flatAt.push(at);
        flatT.push(treated);
      }
    }
    assignedStart[u + 1] = flatC.length;
  }
  return {
    rows, exposures, items,
    startAt: Float64Array.from(startAt), endAt: Float64Array.from(endAt), discount: Float64Array.from(discount),
    assignedStart, assignedCampaign: Int32Array.from(flatC), assignedAt: Float64Array.from(flatAt),
    assignedTreated: Uint8Array.from(flatT),
  };
}
