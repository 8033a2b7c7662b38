/**
 * How each hidden discount type shifts the purchase logit: the planted uplift behind the
 * campaign exposure log. Numbers are logit shifts (≈ log odds ratios, since base purchase
 * probabilities are small): +1.1 ≈ ×3 the odds.
 */
import type { DiscountType } from './population';

/**
 * Logit shift for buying at `discount` (fraction off, 0 = full price) for a user of `type`
 * who has been shown `seenDiscounts` campaign discounts before.
 */
export function discountShift(type: DiscountType, discount: number, seenDiscounts: number): number {
  switch (type) {
    case 'BUYS_ANYWAY':
      // Slightly cheaper is slightly nicer; no habit change.
      return 0.8 * discount;
    case 'ONLY_ON_DISCOUNT':
      return discount > 0 ? 1.5 + 4 * discount : -1.5;
    case 'LEARNS_TO_WAIT':
      // Full price gets less attractive with every discount seen (saturating after two).
      return discount > 0 ? 0.8 + 3 * discount : -1.5 * Math.min(1, seenDiscounts / 2);
  }
}
