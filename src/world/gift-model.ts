/**
 * The planted gifting model, shared by the gift simulation (gifts.ts) and the truth it
 * reports (next-gift recipient distributions), so both come from one formula.
 *
 * Sender u gifts friend v at rate (gifts per day)
 *   λ_uv(t) = G_u · π_uv · ( b/365 + H(t) + B · K_v(t) )
 * where G_u is u's generosity, π_uv = closeness_uv / Σ_w closeness_uw (unblocked friends),
 * b = BACKGROUND_PER_YEAR, H(t) the holiday density (each occasion's giftMass spread by
 * HOLIDAY_KERNEL), B = BIRTHDAY_GIFT_MASS and K_v(t) v's birthday kernel (BIRTHDAY_KERNEL
 * around each anniversary). Rates are piecewise constant per UTC day.
 */
import { DAY_MS } from '../clock/clock';
import { anniversaries } from './calendar';
import { OCCASIONS } from './occasions';

export const BACKGROUND_PER_YEAR = 0.6;
export const BIRTHDAY_GIFT_MASS = 1.5;
/** [day offset from the occasion, share of its mass]: people gift in the run-up. Sums to 1. */
export const HOLIDAY_KERNEL: ReadonlyArray<readonly [number, number]> = [
  [-6, 0.05], [-5, 0.05], [-4, 0.1], [-3, 0.1], [-2, 0.15], [-1, 0.25], [0, 0.25], [1, 0.05],
];
export const BIRTHDAY_KERNEL: ReadonlyArray<readonly [number, number]> = [
  [-3, 0.05], [-2, 0.1], [-1, 0.2], [0, 0.55], [1, 0.1],
];

export interface HolidayDensity {
  /** Midnight of day 0. */
  firstDayMs: number;
  /** [days] H on that day (gifts per unit of G·π per day). */
  mass: Float64Array;
  /** [days] index into OCCASIONS of the holiday that day belongs to, -1 for none. */
  occasion: Int16Array;
}

/** H(t) for `days` UTC days from `firstDayMs` (a midnight). */
export function holidayDensity(firstDayMs: number, days: number): HolidayDensity {
  const mass = new Float64Array(days);
  const occasion = new Int16Array(days).fill(-1);
  const lastDayMs = firstDayMs + (days - 1) * DAY_MS;
  OCCASIONS.forEach((o, oi) => {
    for (const t of anniversaries(o.month, o.day, firstDayMs - 2 * DAY_MS, lastDayMs + 7 * DAY_MS)) {
      for (const [off, w] of HOLIDAY_KERNEL) {
        const d = Math.round((t + off * DAY_MS - firstDayMs) / DAY_MS);
        if (d < 0 || d >= days) continue;
        const add = o.giftMass * w;
        if (occasion[d] < 0 || add > mass[d]) occasion[d] = oi;
        mass[d] += add;
      }
    }
  });
  return { firstDayMs, mass, occasion };
}

/** Day indices (from `firstDayMs`) and kernel weights of a birthday's anniversaries in [0, days). */
export function birthdayDays(month: number, day: number, firstDayMs: number, days: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  const lastDayMs = firstDayMs + (days - 1) * DAY_MS;
  for (const t of anniversaries(month, day, firstDayMs - 2 * DAY_MS, lastDayMs + 4 * DAY_MS)) {
    for (const [off, w] of BIRTHDAY_KERNEL) {
      const d = Math.round((t + off * DAY_MS - firstDayMs) / DAY_MS);
      if (d >= 0 && d < days) out.push([d, w]);
    }
  }
  return out;
}

export interface RecipientModel {
  /** The sender's generosity G (> 0). */
  generosity: number;
  /** Friends' user indices and their π (summing to 1). */
  friends: ArrayLike<number>;
  share: ArrayLike<number>;
  /** Birthday month/day of a user. */
  birthday: (user: number) => readonly [number, number];
}

/**
 * P(the sender's next gift goes to friend j), for the first gift in the `days` UTC days
 * from `firstDayMs`, conditional on there being one. With per-day totals R_d = Σ_j λ_j(d)
 * and survival S_d = exp(−Σ_{d'<d} R_d'), the first gift falls on day d with probability
 * S_d (1 − e^{−R_d}) and goes to j with probability λ_j(d) / R_d; dividing by 1 − S_days
 * (which those terms telescope to) makes the result sum to exactly 1.
 */
export function nextGiftDistribution(model: RecipientModel, firstDayMs: number, days: number, holidays: HolidayDensity): Float64Array {
  const k = model.friends.length;
  const g = model.generosity;
  const background = BACKGROUND_PER_YEAR / 365;
  const total = new Float64Array(days);
  for (let d = 0; d < days; d++) total[d] = g * (background + holidays.mass[d]);
  const bdays: Array<Array<[number, number]>> = [];
  for (let j = 0; j < k; j++) {
    const [month, day] = model.birthday(model.friends[j]);
    const list = birthdayDays(month, day, firstDayMs, days);
    bdays.push(list);
    for (const [d, w] of list) total[d] += g * model.share[j] * BIRTHDAY_GIFT_MASS * w;
  }
  // q_d = S_d (1 − e^{−R_d}) / R_d: the weight of one unit of rate on day d.
  const q = new Float64Array(days);
  let survival = 1;
  for (let d = 0; d < days; d++) {
    const r = total[d];
    q[d] = r > 0 ? (survival * -Math.expm1(-r)) / r : survival;
    survival *= Math.exp(-r);
  }
  const norm = 1 - survival;
  let baseWeight = 0;
  for (let d = 0; d < days; d++) baseWeight += g * (background + holidays.mass[d]) * q[d];
  const out = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    let p = model.share[j] * baseWeight;
    for (const [d, w] of bdays[j]) p += g * model.share[j] * BIRTHDAY_GIFT_MASS * w * q[d];
    out[j] = norm > 0 ? p / norm : 0;
  }
  return out;
}

/** A sender's giftable friends (unblocked, closeness > 0) with π ∝ closeness. */
export function senderShares(
  graph: { offsets: Int32Array; nbr: Int32Array; nbrEdge: Int32Array; blocked: Uint8Array },
  closeness: Float64Array,
  u: number,
): { friends: number[]; edges: number[]; share: Float64Array } {
  const friends: number[] = [];
  const edges: number[] = [];
  let sum = 0;
  for (let k = graph.offsets[u]; k < graph.offsets[u + 1]; k++) {
    const e = graph.nbrEdge[k];
    if (graph.blocked[e] === 1 || closeness[e] <= 0) continue;
    friends.push(graph.nbr[k]);
    edges.push(e);
    sum += closeness[e];
  }
  const share = new Float64Array(friends.length);
  for (let j = 0; j < friends.length; j++) share[j] = closeness[edges[j]] / sum;
  return { friends, edges, share };
}
