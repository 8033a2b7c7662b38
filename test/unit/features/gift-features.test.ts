import fc from 'fast-check';
import {
  GIFT_FEATURE_COUNT, GIFT_FEATURES, daysToBirthday, daysUntilAnniversary, giftPairFeatures, giftSignals, isCandidateAt,
  type GiftFeatureContext, type GiftPairHistory, type GiftSenderHistory,
} from '../../../src/features/gift-features';

const DAY = 86_400_000;
/** 2026-10-04T12:00Z: midday, so "completed days" and "today" differ. */
const T = Date.parse('2026-10-04T12:00:00Z');
const MIDNIGHT = Date.parse('2026-10-04T00:00:00Z');
const col = (row: Float32Array, name: (typeof GIFT_FEATURES)[number]) => row[GIFT_FEATURES.indexOf(name)]!;

const ctx: GiftFeatureContext = { t: T, windowDays: 28, occasions: [{ month: 10, day: 31 }, { month: 12, day: 24 }], interactionLogStart: null };

function pair(over: Partial<GiftPairHistory> = {}): GiftPairHistory {
  return {
    since: T - 100 * DAY,
    recipientBirthday: '1999-10-10',
    interactions: { day: [], messages: [], voiceMinutes: [], playedTogether: [] },
    giftsToFriend: [],
    giftsFromFriend: [],
    recipientWishlist: [],
    recipientFriendSince: [],
    commonFriendSince: [],
    ...over,
  };
}
const sender: GiftSenderHistory = { giftsSent: [], friendSince: [] };

describe('calendar helpers', () => {
  it('counts whole days to the next anniversary from the UTC day of t (0 = today)', () => {
    expect(daysUntilAnniversary(T, 10, 4)).toBe(0);
    expect(daysUntilAnniversary(T, 10, 10)).toBe(6);
    expect(daysUntilAnniversary(T, 10, 3)).toBe(364); // 2027-10-03
    expect(daysToBirthday(T, '2001-12-24')).toBe(81);
    expect(daysToBirthday(T, null)).toBeNull();
    expect(daysToBirthday(T, 'garbage')).toBeNull();
  });

  it('rolls Feb 29 into Mar 1 in a common year, as Date.UTC and the world calendar do', () => {
    expect(daysUntilAnniversary(Date.parse('2027-02-28T00:00:00Z'), 2, 29)).toBe(1);
  });
});

describe('giftPairFeatures (hand-computed)', () => {
  it('returns one finite value per documented column', () => {
    const row = giftPairFeatures(ctx, sender, pair());
    expect(row).toHaveLength(GIFT_FEATURE_COUNT);
    expect(new Set(GIFT_FEATURES).size).toBe(GIFT_FEATURE_COUNT);
    expect([...row].every(Number.isFinite)).toBe(true);
  });

  it('counts interactions on completed days only: the row of the day containing t is the future', () => {
    const rows = {
      day: [MIDNIGHT - 1 * DAY, MIDNIGHT - 10 * DAY, MIDNIGHT - 60 * DAY, MIDNIGHT],
      messages: [3, 5, 7, 100],
      voiceMinutes: [0, 20, 0, 100],
      playedTogether: [1, 0, 0, 100],
    };
    const row = giftPairFeatures(ctx, sender, pair({ interactions: rows }));
    expect(col(row, 'log1p_active_days_7d_scaled')).toBeCloseTo(Math.log1p(1), 6);
    expect(col(row, 'log1p_active_days_28d_scaled')).toBeCloseTo(Math.log1p(2), 6);
    expect(col(row, 'log1p_active_days_90d_scaled')).toBeCloseTo(Math.log1p(3), 6);
    expect(col(row, 'log1p_messages_28d_scaled')).toBeCloseTo(Math.log1p(8), 6);
    expect(col(row, 'log1p_messages_90d_scaled')).toBeCloseTo(Math.log1p(15), 6);
    expect(col(row, 'log1p_voice_minutes_90d_scaled')).toBeCloseTo(Math.log1p(20), 6);
    expect(col(row, 'log1p_messages_per_active_day_90d')).toBeCloseTo(Math.log1p(5), 6);
    // Last completed active day: yesterday's midnight, 1 day before today's midnight.
    expect(col(row, 'days_since_last_interaction_clip90_div90')).toBeCloseTo(1 / 90, 6);
    expect(col(row, 'interaction_coverage_28d')).toBe(1);
    expect(giftSignals(T, pair({ interactions: rows })).interactions28d).toBe(2);
  });

  it('scales counts to the part of a window the interaction log covers, and says how much that is', () => {
    // Log starts 14 days before today: the last 14 completed days are covered.
    const c = { ...ctx, interactionLogStart: MIDNIGHT - 14 * DAY };
    const rows = { day: [MIDNIGHT - 2 * DAY, MIDNIGHT - 3 * DAY], messages: [1, 1], voiceMinutes: [0, 0], playedTogether: [0, 0] };
    const row = giftPairFeatures(c, sender, pair({ interactions: rows }));
    expect(col(row, 'interaction_coverage_7d')).toBe(1);
    expect(col(row, 'interaction_coverage_28d')).toBeCloseTo(14 / 28, 6);
    expect(col(row, 'interaction_coverage_90d')).toBeCloseTo(14 / 90, 6);
    expect(col(row, 'log1p_active_days_28d_scaled')).toBeCloseTo(Math.log1p(2 / (14 / 28)), 5);
    const before = giftPairFeatures({ ...ctx, interactionLogStart: MIDNIGHT + 5 * DAY }, sender, pair());
    expect(col(before, 'interaction_coverage_90d')).toBe(0);
    expect(col(before, 'log1p_active_days_90d_scaled')).toBe(0);
  });

  it('flags a birthday inside the window, just after it, and within a week', () => {
    const inWeek = giftPairFeatures(ctx, sender, pair({ recipientBirthday: '2000-10-10' }));
    expect([col(inWeek, 'birthday_in_window'), col(inWeek, 'birthday_just_after_window'), col(inWeek, 'birthday_within_7d')]).toEqual([1, 0, 1]);
    expect(col(inWeek, 'days_to_birthday_div365')).toBeCloseTo(6 / 365, 6);
    const after = giftPairFeatures(ctx, sender, pair({ recipientBirthday: '2000-11-02' })); // 29 days
    expect([col(after, 'birthday_in_window'), col(after, 'birthday_just_after_window'), col(after, 'birthday_within_7d')]).toEqual([0, 1, 0]);
    const unknown = giftPairFeatures(ctx, sender, pair({ recipientBirthday: null }));
    expect([col(unknown, 'birthday_known'), col(unknown, 'birthday_in_window')]).toEqual([0, 0]);
  });

  it('counts holidays whose run-up reaches into the window and the days to the next one', () => {
    const row = giftPairFeatures(ctx, sender, pair());
    expect(col(row, 'holidays_in_window')).toBe(1); // Halloween in 27 days; Dec 24 in 81
    expect(col(row, 'days_to_next_holiday_clip90_div90')).toBeCloseTo(27 / 90, 6);
  });

  it('reads past gifts both ways, the sender habits, wishlist, friendship and common friends as of t', () => {
    const p = pair({
      since: T - 9 * DAY,
      giftsToFriend: [T - 10 * DAY, T - 200 * DAY, T + DAY],
      giftsFromFriend: [T - 5 * DAY, T + 2 * DAY],
      recipientWishlist: [T - DAY, T, T + DAY],
      recipientFriendSince: [T - 50 * DAY, T - DAY, T + DAY],
      commonFriendSince: [T - 3 * DAY, T + 3 * DAY],
    });
    const s: GiftSenderHistory = { giftsSent: [T - 10 * DAY, T - 200 * DAY, T - 400 * DAY, T - 30 * DAY, T + DAY], friendSince: [T - 9 * DAY, NaN, T + DAY] };
    const row = giftPairFeatures(ctx, s, p);
    expect(col(row, 'log1p_gifts_to_friend')).toBeCloseTo(Math.log1p(2), 6);
    expect(col(row, 'log1p_gifts_to_friend_90d')).toBeCloseTo(Math.log1p(1), 6);
    expect(col(row, 'log1p_gifts_from_friend')).toBeCloseTo(Math.log1p(1), 6);
    expect(col(row, 'never_gifted_friend')).toBe(0);
    expect(col(row, 'days_since_last_gift_to_friend_clip365_div365')).toBeCloseTo(10 / 365, 6);
    expect(col(row, 'gift_share_to_friend')).toBeCloseTo(2 / 4, 6);
    expect(col(row, 'log1p_sender_gifts_365d')).toBeCloseTo(Math.log1p(3), 6);
    expect(col(row, 'log1p_sender_gifts_90d')).toBeCloseTo(Math.log1p(2), 6);
    expect(col(row, 'log1p_recipient_wishlist')).toBeCloseTo(Math.log1p(2), 6); // at t counts
    expect(col(row, 'log1p_friendship_age_days')).toBeCloseTo(Math.log1p(9), 5);
    expect(col(row, 'log1p_sender_friends')).toBeCloseTo(Math.log1p(2), 6); // unknown since counts
    expect(col(row, 'log1p_recipient_friends')).toBeCloseTo(Math.log1p(2), 6);
    expect(col(row, 'log1p_common_friends')).toBeCloseTo(Math.log1p(1), 6);
    expect(col(row, 'log_window_days')).toBeCloseTo(Math.log(28), 6);
    expect(giftSignals(T, p)).toEqual({ interactions28d: 0, daysToBirthday: 6, onWishlistCount: 2, giftsSent: 2, lastGiftDaysAgo: 10 });
  });

  it('a friendship that begins after t is not a candidate; an unknown start is', () => {
    expect(isCandidateAt({ since: T + 1 }, T)).toBe(false);
    expect(isCandidateAt({ since: T }, T)).toBe(true);
    expect(isCandidateAt({ since: null }, T)).toBe(true);
  });

  it('writes into a caller buffer at an offset without touching the rest', () => {
    const buf = new Float32Array(3 * GIFT_FEATURE_COUNT).fill(-7);
    giftPairFeatures(ctx, sender, pair(), buf, GIFT_FEATURE_COUNT);
    expect(buf[0]).toBe(-7);
    expect(buf[2 * GIFT_FEATURE_COUNT]).toBe(-7);
    expect([...buf.subarray(GIFT_FEATURE_COUNT, 2 * GIFT_FEATURE_COUNT)]).toEqual([...giftPairFeatures(ctx, sender, pair())]);
  });
});

describe('no leakage across t (property-based)', () => {
  const times = (lo: number, hi: number) => fc.array(fc.integer({ min: lo, max: hi }), { maxLength: 8 });
  // Past events: up to 400 days before t; future events: after t (interaction days: from today's midnight on).
  const past = times(-400 * DAY, 0).map((a) => a.map((x) => T + x));
  const future = times(1, 60 * DAY).map((a) => a.map((x) => T + x));
  const pastDays = fc.array(fc.integer({ min: 1, max: 120 }), { maxLength: 8 }).map((a) => a.map((d) => MIDNIGHT - d * DAY));
  const futureDays = fc.array(fc.integer({ min: 0, max: 60 }), { maxLength: 8 }).map((a) => a.map((d) => MIDNIGHT + d * DAY));
  const history = fc.record({ gTo: past, gFrom: past, wish: past, rf: past, cf: past, sent: past, fs: past, days: pastDays, logStart: fc.option(fc.integer({ min: -100, max: 10 }), { nil: null }), w: fc.integer({ min: 1, max: 40 }) });
  const later = fc.record({ gTo: future, gFrom: future, wish: future, rf: future, cf: future, sent: future, fs: future, days: futureDays });

  const build = (h: { gTo: number[]; gFrom: number[]; wish: number[]; rf: number[]; cf: number[]; sent: number[]; fs: number[]; days: number[] }) => ({
    sender: { giftsSent: h.sent, friendSince: h.fs },
    pair: pair({
      giftsToFriend: h.gTo, giftsFromFriend: h.gFrom, recipientWishlist: h.wish, recipientFriendSince: h.rf, commonFriendSince: h.cf,
      interactions: { day: h.days, messages: h.days.map((_, i) => i + 1), voiceMinutes: h.days.map((_, i) => 2 * i), playedTogether: h.days.map(() => 1) },
    }),
  });

  it('adding any events after t never changes a feature or a signal', () => {
    fc.assert(
      fc.property(history, later, (h, f) => {
        const c: GiftFeatureContext = { ...ctx, windowDays: h.w, interactionLogStart: h.logStart === null ? null : MIDNIGHT + h.logStart * DAY };
        const a = build(h);
        const b = build({
          gTo: [...h.gTo, ...f.gTo], gFrom: [...h.gFrom, ...f.gFrom], wish: [...f.wish, ...h.wish], rf: [...h.rf, ...f.rf], cf: [...f.cf, ...h.cf],
          sent: [...h.sent, ...f.sent], fs: [...h.fs, ...f.fs], days: [...f.days, ...h.days],
        });
        // Interaction attributes stay aligned with their days after the shuffle above.
        b.pair.interactions = {
          day: [...f.days, ...h.days],
          messages: [...f.days.map(() => 99), ...h.days.map((_, i) => i + 1)],
          voiceMinutes: [...f.days.map(() => 99), ...h.days.map((_, i) => 2 * i)],
          playedTogether: [...f.days.map(() => 99), ...h.days.map(() => 1)],
        };
        expect([...giftPairFeatures(c, b.sender, b.pair)]).toEqual([...giftPairFeatures(c, a.sender, a.pair)]);
        expect(giftSignals(T, b.pair)).toEqual(giftSignals(T, a.pair));
      }),
      { numRuns: 300, seed: 20261004 },
    );
  });

  it('is invariant to the order events are given in', () => {
    fc.assert(
      fc.property(history, (h) => {
        const a = build(h);
        const rev = build({ ...h, gTo: [...h.gTo].reverse(), gFrom: [...h.gFrom].reverse(), wish: [...h.wish].reverse(), sent: [...h.sent].reverse(), cf: [...h.cf].reverse() });
        expect([...giftPairFeatures(ctx, rev.sender, rev.pair)]).toEqual([...giftPairFeatures(ctx, a.sender, a.pair)]);
      }),
      { numRuns: 200, seed: 7 },
    );
  });
});
