/**
 * Gift-recipient pair features AS OF a time t: the one module that turns a (sender,
 * friend) history into the model's input row, shared by training
 * (graph-models/heads/gift-recipient) and serving (src/ranking/gift-recipient-ranker.ts),
 * so both compute identical numbers (no train/serve skew). Pure: no driver, no tensors,
 * no clock; plain arrays in, a Float32Array row out.
 *
 * No leakage by construction: the caller may pass a pair's WHOLE history (training does,
 * and reuses it across cut points); every event after t is ignored here. The contract per
 * event kind, "counts at t":
 *   - a gift, a wishlist entry, a friendship: its time ≤ t;
 *   - an interaction row (one per pair and UTC day, `day` = that day's midnight): only a
 *     COMPLETED day, day + 1 day ≤ t (the row of the day containing t also holds activity
 *     after t);
 *   - an unknown time (NaN / null; imported data has none) counts, as in node-features.ts.
 * The label a trainer pairs with a row is "a gift sender -> friend in (t, t + windowDays]".
 */

import { DAY_MS } from '../clock/clock';

/** Column names, in row order; the manifest records them and a model refuses another schema. */
export const GIFT_FEATURES = [
  // Interactions (the world's closeness shows up here first).
  // Counts over a window are scaled to the part of it the log covers (count · days /
  // covered days), so a window half before the log began reads like a full one.
  'log1p_active_days_7d_scaled',
  'log1p_active_days_28d_scaled',
  'log1p_active_days_90d_scaled',
  'log1p_messages_28d_scaled',
  'log1p_messages_90d_scaled',
  'log1p_voice_minutes_90d_scaled',
  'log1p_played_together_90d_scaled',
  // How intense an active day is (coverage-free): busier pairs message and talk more per day.
  'log1p_messages_per_active_day_90d',
  'log1p_voice_minutes_per_active_day_90d',
  'log1p_played_together_per_active_day_90d',
  'days_since_last_interaction_clip90_div90',
  // Share of each interaction window the interaction log covers: a missing-data indicator.
  // A window before the log began reads as "no interactions" only because nothing was
  // recorded; with the coverage beside it the model can tell the two apart (training cut
  // points far in the past see no log, serving sees a full one).
  'interaction_coverage_7d',
  'interaction_coverage_28d',
  'interaction_coverage_90d',
  // Birthday of the recipient (people gift from 3 days before to a day after).
  'birthday_known',
  'birthday_in_window',
  'birthday_just_after_window',
  'birthday_within_7d',
  'days_to_birthday_div365',
  // Holidays (sender-level: the same for every friend; they move the probability, not the order).
  'holidays_in_window',
  'days_to_next_holiday_clip90_div90',
  // Past gifts between the two, and the sender's habits.
  'log1p_gifts_to_friend',
  'log1p_gifts_to_friend_90d',
  'log1p_gifts_from_friend',
  'never_gifted_friend',
  'days_since_last_gift_to_friend_clip365_div365',
  'gift_share_to_friend',
  'log1p_sender_gifts_365d',
  'log1p_sender_gifts_90d',
  // The recipient and the friendship.
  'log1p_recipient_wishlist',
  'log1p_friendship_age_days',
  'log1p_sender_friends',
  'log1p_recipient_friends',
  'log1p_common_friends',
  // The horizon asked about: training mixes window lengths (see the trainer).
  'log_window_days',
] as const;

export type GiftFeatureName = (typeof GIFT_FEATURES)[number];
export const GIFT_FEATURE_COUNT = GIFT_FEATURES.length;
/** Bumped whenever a column's meaning changes; recorded in the manifest. */
export const GIFT_FEATURE_SCHEMA_VERSION = 1;

const COL: Record<GiftFeatureName, number> = Object.fromEntries(GIFT_FEATURES.map((f, i) => [f, i])) as Record<GiftFeatureName, number>;

/** Daily interaction rows of one pair (either direction), struct of arrays, any order. */
export interface InteractionRows {
  /** [n] the UTC midnight of each active day. */
  day: ArrayLike<number>;
  messages: ArrayLike<number>;
  voiceMinutes: ArrayLike<number>;
  playedTogether: ArrayLike<number>;
}

/** Everything about one (sender, friend) pair the features read; times are epoch ms. */
export interface GiftPairHistory {
  /** When the friendship began; null = unknown (counted as older than any t). */
  since: number | null;
  /** The friend's birthday 'YYYY-MM-DD' (the year is ignored), or null. */
  recipientBirthday: string | null;
  interactions: InteractionRows;
  /** Times of the sender's gifts to this friend. */
  giftsToFriend: ArrayLike<number>;
  /** Times of this friend's gifts to the sender. */
  giftsFromFriend: ArrayLike<number>;
  /** Times the friend wishlisted an item (the wishlist as of t = entries at or before t). */
  recipientWishlist: ArrayLike<number>;
  /** `since` of each of the friend's unblocked friendships (the friend's degree as of t). */
  recipientFriendSince: ArrayLike<number>;
  /** Per common unblocked friend w: the later of since(sender, w) and since(friend, w). */
  commonFriendSince: ArrayLike<number>;
}

/** The sender's side, shared by all their candidate friends. */
export interface GiftSenderHistory {
  /** Times of all the sender's gifts. */
  giftsSent: ArrayLike<number>;
  /** `since` of each of the sender's unblocked friendships. */
  friendSince: ArrayLike<number>;
}

export interface GiftFeatureContext {
  /** The "now" of the row: nothing after it counts. */
  t: number;
  /** The horizon: P(gift in (t, t + windowDays]). */
  windowDays: number;
  /** Holiday calendar (the dataset's Occasion nodes). */
  occasions: ReadonlyArray<{ month: number; day: number }>;
  /**
   * First UTC day the dataset's interaction log covers (the synthetic world records only its
   * last weeks); null = the log is complete. Recorded in the artifact at training time.
   */
  interactionLogStart: number | null;
}

const counts = (t: number | null | undefined, at: number): boolean => t === null || t === undefined || Number.isNaN(t) || t <= at;

/** Number of times in `times` that count at t (≤ t or unknown), and of those in (t − spanMs, t]. */
function countAsOf(times: ArrayLike<number>, t: number, spanMs = Infinity): number {
  let n = 0;
  for (let i = 0; i < times.length; i++) {
    const x = times[i]!;
    if (Number.isNaN(x)) {
      if (spanMs === Infinity) n++;
      continue;
    }
    if (x <= t && x > t - spanMs) n++;
  }
  return n;
}

/** Midnight (UTC) of the day containing `ms`. */
export function utcDay(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

/** Parses 'YYYY-MM-DD' (or 'MM-DD' tail) into [month, day]; null when absent or malformed. */
export function parseBirthday(s: string | null | undefined): readonly [number, number] | null {
  if (!s) return null;
  const m = /(\d{1,2})-(\d{1,2})$/.exec(s);
  if (!m) return null;
  const month = Number(m[1]);
  const day = Number(m[2]);
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  return [month, day];
}

/**
 * Whole days from the UTC day of t to the next month/day anniversary (0 = that day is
 * today), 0 … 365. Feb 29 rolls into Mar 1 in common years, as Date.UTC does (and as the
 * world's calendar does).
 */
export function daysUntilAnniversary(t: number, month: number, day: number): number {
  const today = utcDay(t);
  const y = new Date(today).getUTCFullYear();
  for (const year of [y - 1, y, y + 1]) {
    const at = Date.UTC(year, month - 1, day);
    if (at >= today) return Math.round((at - today) / DAY_MS);
  }
  return 365; // unreachable: next year's anniversary is always ≥ today
}

/** Days until the recipient's next birthday from t, or null when unknown. */
export function daysToBirthday(t: number, birthday: string | null | undefined): number | null {
  const b = parseBirthday(birthday);
  return b ? daysUntilAnniversary(t, b[0], b[1]) : null;
}

/** Fraction of the `days` days before t (completed days) on or after the log start. */
function coverage(t: number, days: number, logStart: number | null): number {
  if (logStart === null) return 1;
  const lastDay = utcDay(t) - DAY_MS; // the last completed day
  const firstDay = lastDay - (days - 1) * DAY_MS;
  const from = Math.max(firstDay, utcDay(logStart));
  if (from > lastDay) return 0;
  return Math.round((lastDay - from) / DAY_MS + 1) / days;
}

/**
 * Interaction sums over the completed days in (t − days, t]: active days, messages,
 * voice minutes, played together; and the days since the last completed active day
 * (Infinity when none ever).
 */
export function interactionTotals(rows: InteractionRows, t: number, days: number): { activeDays: number; messages: number; voiceMinutes: number; playedTogether: number; daysSinceLast: number } {
  const lastDay = utcDay(t) - DAY_MS;
  const firstDay = lastDay - (days - 1) * DAY_MS;
  let activeDays = 0;
  let messages = 0;
  let voiceMinutes = 0;
  let playedTogether = 0;
  let latest = -Infinity;
  for (let i = 0; i < rows.day.length; i++) {
    const d = rows.day[i]!;
    if (!(d <= lastDay)) continue; // also drops NaN: an undated interaction cannot be placed in a window
    if (d > latest) latest = d;
    if (d < firstDay) continue;
    activeDays++;
    messages += rows.messages[i]! || 0;
    voiceMinutes += rows.voiceMinutes[i]! || 0;
    playedTogether += rows.playedTogether[i]! || 0;
  }
  const daysSinceLast = latest === -Infinity ? Infinity : Math.round((utcDay(t) - latest) / DAY_MS);
  return { activeDays, messages, voiceMinutes, playedTogether, daysSinceLast };
}

/**
 * The feature row of one (sender, friend) pair at ctx.t, written into `out` at `offset`
 * (a fresh Float32Array [GIFT_FEATURE_COUNT] when `out` is omitted). Deterministic; events
 * after t never change it (see the module comment).
 */
export function giftPairFeatures(ctx: GiftFeatureContext, sender: GiftSenderHistory, pair: GiftPairHistory, out?: Float32Array, offset = 0): Float32Array {
  const row = out ?? new Float32Array(GIFT_FEATURE_COUNT);
  const set = (f: GiftFeatureName, v: number) => {
    row[offset + COL[f]] = v;
  };
  const { t, windowDays: w } = ctx;
  if (!(w > 0)) throw new RangeError(`windowDays must be positive, got ${String(w)}`);

  const i7 = interactionTotals(pair.interactions, t, 7);
  const i28 = interactionTotals(pair.interactions, t, 28);
  const i90 = interactionTotals(pair.interactions, t, 90);
  const c7 = coverage(t, 7, ctx.interactionLogStart);
  const c28 = coverage(t, 28, ctx.interactionLogStart);
  const c90 = coverage(t, 90, ctx.interactionLogStart);
  const scaled = (count: number, cov: number) => (cov > 0 ? Math.log1p(count / cov) : 0);
  const perDay = (count: number) => (i90.activeDays > 0 ? Math.log1p(count / i90.activeDays) : 0);
  set('log1p_active_days_7d_scaled', scaled(i7.activeDays, c7));
  set('log1p_active_days_28d_scaled', scaled(i28.activeDays, c28));
  set('log1p_active_days_90d_scaled', scaled(i90.activeDays, c90));
  set('log1p_messages_28d_scaled', scaled(i28.messages, c28));
  set('log1p_messages_90d_scaled', scaled(i90.messages, c90));
  set('log1p_voice_minutes_90d_scaled', scaled(i90.voiceMinutes, c90));
  set('log1p_played_together_90d_scaled', scaled(i90.playedTogether, c90));
  set('log1p_messages_per_active_day_90d', perDay(i90.messages));
  set('log1p_voice_minutes_per_active_day_90d', perDay(i90.voiceMinutes));
  set('log1p_played_together_per_active_day_90d', perDay(i90.playedTogether));
  set('days_since_last_interaction_clip90_div90', Math.min(90, i90.daysSinceLast) / 90);
  set('interaction_coverage_7d', c7);
  set('interaction_coverage_28d', c28);
  set('interaction_coverage_90d', c90);

  // Birthday: the planted and the real habit both gift in the few days before it.
  const db = daysToBirthday(t, pair.recipientBirthday);
  set('birthday_known', db === null ? 0 : 1);
  set('birthday_in_window', db !== null && db <= w ? 1 : 0);
  set('birthday_just_after_window', db !== null && db > w && db <= w + 3 ? 1 : 0);
  set('birthday_within_7d', db !== null && db <= 7 ? 1 : 0);
  set('days_to_birthday_div365', db === null ? 0.5 : db / 365);

  // Holidays whose run-up (up to 6 days before) or day falls in the window.
  let holidays = 0;
  let nextHoliday = Infinity;
  for (const o of ctx.occasions) {
    const d = daysUntilAnniversary(t, o.month, o.day);
    if (d <= w + 6) holidays++;
    nextHoliday = Math.min(nextHoliday, d);
  }
  set('holidays_in_window', holidays);
  set('days_to_next_holiday_clip90_div90', Math.min(90, nextHoliday) / 90);

  // Gifts.
  let toFriend = 0;
  let toFriend90 = 0;
  let lastTo = -Infinity;
  for (let i = 0; i < pair.giftsToFriend.length; i++) {
    const x = pair.giftsToFriend[i]!;
    if (!counts(x, t)) continue;
    toFriend++;
    if (!Number.isNaN(x)) {
      if (x > t - 90 * DAY_MS) toFriend90++;
      if (x > lastTo) lastTo = x;
    }
  }
  const senderAll = countAsOf(sender.giftsSent, t);
  set('log1p_gifts_to_friend', Math.log1p(toFriend));
  set('log1p_gifts_to_friend_90d', Math.log1p(toFriend90));
  set('log1p_gifts_from_friend', Math.log1p(countAsOf(pair.giftsFromFriend, t)));
  set('never_gifted_friend', toFriend === 0 ? 1 : 0);
  set('days_since_last_gift_to_friend_clip365_div365', lastTo === -Infinity ? 1 : Math.min(365, (t - lastTo) / DAY_MS) / 365);
  set('gift_share_to_friend', toFriend / Math.max(1, senderAll));
  set('log1p_sender_gifts_365d', Math.log1p(countAsOf(sender.giftsSent, t, 365 * DAY_MS)));
  set('log1p_sender_gifts_90d', Math.log1p(countAsOf(sender.giftsSent, t, 90 * DAY_MS)));

  // Recipient and friendship.
  set('log1p_recipient_wishlist', Math.log1p(countAsOf(pair.recipientWishlist, t)));
  const age = pair.since === null || Number.isNaN(pair.since) ? 0 : Math.max(0, (t - pair.since) / DAY_MS);
  set('log1p_friendship_age_days', Math.log1p(age));
  set('log1p_sender_friends', Math.log1p(countAsOf(sender.friendSince, t)));
  set('log1p_recipient_friends', Math.log1p(countAsOf(pair.recipientFriendSince, t)));
  set('log1p_common_friends', Math.log1p(countAsOf(pair.commonFriendSince, t)));
  set('log_window_days', Math.log(w));
  return row;
}

/** Whether the friend is a candidate at t: the friendship existed (since ≤ t or unknown). */
export function isCandidateAt(pair: Pick<GiftPairHistory, 'since'>, t: number): boolean {
  return counts(pair.since, t);
}

/** What a ranker shows beside a probability: a few of the row's inputs, in plain units. */
export interface GiftSignals {
  /** Active days (interaction rows) in the 28 completed days before t. */
  interactions28d: number;
  /** Days until the friend's next birthday (0 = today), null when unknown. */
  daysToBirthday: number | null;
  /** Items on the friend's wishlist as of t. */
  onWishlistCount: number;
  /** Gifts the sender gave this friend before t. */
  giftsSent: number;
  /** Whole days since the sender's last gift to this friend, null when never. */
  lastGiftDaysAgo: number | null;
}

export function giftSignals(t: number, pair: GiftPairHistory): GiftSignals {
  let last = -Infinity;
  for (let i = 0; i < pair.giftsToFriend.length; i++) {
    const x = pair.giftsToFriend[i]!;
    if (x <= t && x > last) last = x;
  }
  return {
    interactions28d: interactionTotals(pair.interactions, t, 28).activeDays,
    daysToBirthday: daysToBirthday(t, pair.recipientBirthday),
    onWishlistCount: countAsOf(pair.recipientWishlist, t),
    giftsSent: countAsOf(pair.giftsToFriend, t),
    lastGiftDaysAgo: last === -Infinity ? null : Math.floor((t - last) / DAY_MS),
  };
}
