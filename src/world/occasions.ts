/**
 * The occasions calendar: fixed-date holidays (lunar new year is pinned to Feb 1; the real
 * one moves, but a fixed date keeps the planted gifting seasons easy to recover) plus the
 * per-user BIRTHDAY occasion, which is not an OccasionRow.
 */
import type { OccasionRow } from '../ingest/rows';

export interface Occasion {
  /** Slug, also the Occasion node id and `GiftRow.occasion`. */
  id: string;
  name: string;
  month: number;
  day: number;
  /**
   * Expected gifts per unit of sender–recipient gifting weight around this holiday, in
   * the same units as `BIRTHDAY_GIFT_MASS` (gift-model.ts): winter gifting dominates.
   */
  giftMass: number;
}

export const BIRTHDAY_OCCASION = 'BIRTHDAY';

export const OCCASIONS: readonly Occasion[] = [
  { id: 'new-year', name: 'New Year', month: 1, day: 1, giftMass: 0.15 },
  { id: 'lunar-new-year', name: 'Lunar New Year', month: 2, day: 1, giftMass: 0.25 },
  { id: 'valentines', name: "Valentine's Day", month: 2, day: 14, giftMass: 0.3 },
  { id: 'summer-festival', name: 'Summer Festival', month: 7, day: 15, giftMass: 0.25 },
  { id: 'halloween', name: 'Halloween', month: 10, day: 31, giftMass: 0.15 },
  { id: 'winter-holidays', name: 'Winter Holidays', month: 12, day: 24, giftMass: 1.0 },
];

export function occasionRows(): OccasionRow[] {
  return OCCASIONS.map((o) => ({ id: o.id, name: o.name, month: o.month, day: o.day }));
}
