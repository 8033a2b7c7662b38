/**
 * Users and their hidden traits: community, taste vector, price sensitivity, discount
 * response, shopping activity and generosity. User index k is also growth order: users
 * are sorted by `createdAt`, so the social graph can grow by index.
 */
import { DAY_MS } from '../clock/clock';
import type { UserRow } from '../ingest/rows';
import { isoDate } from './calendar';
import { GENRES } from './genres';
import { userName } from './names';
import type { Rng } from './prng';
import { LATENT_DIM, mixRow, normalizeRow } from './vectors';

/**
 * How a user reacts to a discount (the hidden uplift truth):
 * - BUYS_ANYWAY: barely moved by discounts, buys at full price as usual;
 * - ONLY_ON_DISCOUNT: rarely buys at full price, strongly moved by a discount;
 * - LEARNS_TO_WAIT: buys at full price until shown discounts, then increasingly waits for them.
 */
export const DISCOUNT_TYPES = ['BUYS_ANYWAY', 'ONLY_ON_DISCOUNT', 'LEARNS_TO_WAIT'] as const;
export type DiscountType = (typeof DISCOUNT_TYPES)[number];
const DISCOUNT_TYPE_SHARE = [0.5, 0.25, 0.25];

export interface Population {
  n: number;
  ids: string[];
  communityCount: number;
  /** [n] community index. */
  community: Int32Array;
  /** [communityCount * LATENT_DIM], unit vectors. */
  communityCentroid: Float64Array;
  /** [n] epoch ms, ascending. */
  createdAt: Float64Array;
  /** [n] 1–12 and 1–28/30/31. */
  birthMonth: Uint8Array;
  birthDay: Uint8Array;
  /** [n * LATENT_DIM] hidden taste. */
  taste: Float64Array;
  /** [n] weight on log(price) in the purchase utility; higher = more price-averse. */
  priceSensitivity: Float64Array;
  /** [n] index into DISCOUNT_TYPES. */
  discountType: Uint8Array;
  /** [n] shopping sessions per day. */
  activity: Float64Array;
  /** [n] scale of the user's gifting rate (0 = never gifts). */
  generosity: Float64Array;
  rows: UserRow[];
}

export interface PopulationInput {
  users: number;
  communities: number;
  startMs: number;
  cutoffMs: number;
  genreCentroid: Float64Array;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function generatePopulation(input: PopulationInput, rng: Rng): Population {
  const { users: n, communities: cc, startMs, cutoffMs } = input;

  // Community sizes are uneven (log-normal weights): a few big scenes, many small ones.
  const cumWeight = new Float64Array(cc);
  let acc = 0;
  for (let c = 0; c < cc; c++) {
    acc += rng.logNormal(0, 0.6);
    cumWeight[c] = acc;
  }
  const communityCentroid = new Float64Array(cc * LATENT_DIM);
  for (let c = 0; c < cc; c++) {
    const g1 = rng.int(GENRES.length);
    const g2 = rng.int(GENRES.length);
    mixRow(rng, communityCentroid, c, [
      { src: input.genreCentroid, row: g1, weight: 0.8 },
      { src: input.genreCentroid, row: g2, weight: 0.4 },
    ], 0.2);
    normalizeRow(communityCentroid, c);
  }

  // A founding cohort joins in the first days, everyone else over the window (but not in
  // the final week, so every user has some history before the cutoff).
  const created = new Float64Array(n);
  const span = cutoffMs - startMs;
  const lateEnd = Math.max(startMs + 1, cutoffMs - 7 * DAY_MS);
  for (let i = 0; i < n; i++) {
    created[i] = rng.bernoulli(0.35)
      ? startMs + rng.uniform() * Math.min(3 * DAY_MS, span)
      : startMs + rng.uniform() * (lateEnd - startMs);
  }
  created.sort();
  for (let i = 0; i < n; i++) created[i] = Math.floor(created[i]);

  const community = new Int32Array(n);
  const taste = new Float64Array(n * LATENT_DIM);
  const birthMonth = new Uint8Array(n);
  const birthDay = new Uint8Array(n);
  const priceSensitivity = new Float64Array(n);
  const discountType = new Uint8Array(n);
  const activity = new Float64Array(n);
  const generosity = new Float64Array(n);
  const ids: string[] = new Array<string>(n);
  const rows: UserRow[] = new Array<UserRow>(n);
  for (let u = 0; u < n; u++) {
    const c = rng.pickCumulative(cumWeight);
    community[u] = c;
    mixRow(rng, taste, u, [{ src: communityCentroid, row: c, weight: 1 }], 0.3);
    const month = 1 + rng.int(12);
    const day = 1 + rng.int(DAYS_IN_MONTH[month - 1]);
    birthMonth[u] = month;
    birthDay[u] = day;
    priceSensitivity[u] = Math.min(2.5, Math.max(0.1, rng.logNormal(Math.log(0.6), 0.5)));
    discountType[u] = rng.pickWeighted(DISCOUNT_TYPE_SHARE);
    activity[u] = rng.logNormal(Math.log(24 / 365), 0.6);
    generosity[u] = rng.bernoulli(0.35) ? 0 : rng.logNormal(Math.log(0.35), 0.7);
    const id = `u${u}`;
    ids[u] = id;
    rows[u] = {
      id,
      name: userName(rng),
      createdAt: created[u],
      birthday: isoDate(1985 + rng.int(26), month, day),
    };
  }
  return {
    n, ids, communityCount: cc, community, communityCentroid, createdAt: created, birthMonth, birthDay,
    taste, priceSensitivity, discountType, activity, generosity, rows,
  };
}
