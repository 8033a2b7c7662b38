import { DAY_MS } from '../../../src/clock/clock';
import { birthdayDays, holidayDensity, nextGiftDistribution, HOLIDAY_KERNEL, BIRTHDAY_KERNEL } from '../../../src/world/gift-model';
import { OCCASIONS } from '../../../src/world/occasions';

const sum = (xs: ArrayLike<number>) => Array.from(xs).reduce((a, b) => a + b, 0);

describe('gift model', () => {
  it('uses kernels that each sum to 1', () => {
    expect(sum(HOLIDAY_KERNEL.map(([, w]) => w))).toBeCloseTo(1, 12);
    expect(sum(BIRTHDAY_KERNEL.map(([, w]) => w))).toBeCloseTo(1, 12);
  });

  it('spreads a full year of holiday mass over a year of days', () => {
    const first = Date.UTC(2025, 0, 15);
    const h = holidayDensity(first, 365);
    expect(sum(h.mass)).toBeCloseTo(sum(OCCASIONS.map((o) => o.giftMass)), 6);
    const christmasEve = Math.round((Date.UTC(2025, 11, 24) - first) / DAY_MS);
    expect(OCCASIONS[h.occasion[christmasEve]].id).toBe('winter-holidays');
    expect(h.occasion[Math.round((Date.UTC(2025, 3, 1) - first) / DAY_MS)]).toBe(-1);
  });

  it('places a birthday kernel around the anniversary', () => {
    const first = Date.UTC(2025, 2, 1);
    const days = birthdayDays(3, 10, first, 30);
    expect(days.map(([d]) => d)).toEqual([6, 7, 8, 9, 10]);
    expect(sum(days.map(([, w]) => w))).toBeCloseTo(1, 12);
  });

  it('favours close friends and friends with a birthday coming up, and sums to 1', () => {
    const first = Date.UTC(2025, 3, 1); // no holiday in the next 30 days
    const birthdays: Record<number, readonly [number, number]> = { 0: [9, 1], 1: [9, 1], 2: [4, 10] };
    const p = nextGiftDistribution(
      { generosity: 0.5, friends: [0, 1, 2], share: [0.5, 0.25, 0.25], birthday: (v) => birthdays[v] },
      first, 30, holidayDensity(first, 30),
    );
    expect(sum(p)).toBeCloseTo(1, 10);
    expect(p[0]).toBeCloseTo(2 * p[1], 10); // same birthday timing, twice the closeness
    expect(p[2]).toBeGreaterThan(p[1]); // same closeness, birthday in the window
  });
});
