import fc from 'fast-check';
import { nextItemBaselines } from '../../../graph-models/baselines/next-item';
import { csrFromPairs } from '../../../graph-models/evaluation/interactions';
import { evaluateNextPurchase, nextPurchaseEvents, queryScorer, selectCartItemWeight, type NextPurchaseEvent, type TimedPurchases } from '../../../graph-models/evaluation/next-purchase';

const DAY = 86_400_000;

/** CSR of timed purchases from [user, item, day] rows (edges grouped by user in row order). */
function purchases(numUsers: number, rows: [number, number, number][]): TimedPurchases {
  const sorted = [...rows].sort((a, b) => a[0] - b[0]);
  const offsets = new Int32Array(numUsers + 1);
  for (const [u] of sorted) offsets[u + 1]!++;
  for (let u = 0; u < numUsers; u++) offsets[u + 1]! += offsets[u]!;
  return { offsets, targets: Int32Array.from(sorted, (r) => r[1]), time: Float64Array.from(sorted, (r) => r[2] * DAY) };
}

describe('next-purchase events', () => {
  it('pairs consecutive purchases inside the window after the split, skipping re-buys and the same item', () => {
    // User 0: item 1 on day 1 (train), 2 on day 11, 3 on day 12, 1 again on day 13 (a re-buy), 4 on day 30 (too late).
    // User 1: 5 on day 11, 5 again on day 12 (same item).
    const p = purchases(2, [[0, 3, 12], [0, 1, 1], [0, 2, 11], [0, 1, 13], [0, 4, 30], [1, 5, 11], [1, 5, 12]]);
    const events = nextPurchaseEvents(p, { from: 10 * DAY, to: 40 * DAY, windowMs: 7 * DAY });
    expect(events.map((e) => [e.user, e.prev, e.next])).toEqual([[0, 2, 3]]);
    expect([...events[0]!.owned].sort()).toEqual([1, 2]);
  });

  it('never starts an event at or before the split point', () => {
    const p = purchases(1, [[0, 1, 9], [0, 2, 11]]);
    expect(nextPurchaseEvents(p, { from: 10 * DAY, to: 40 * DAY, windowMs: 7 * DAY })).toEqual([]);
  });
});

describe('next-purchase ranking', () => {
  const event: NextPurchaseEvent = { user: 0, prev: 0, next: 2, owned: Int32Array.of(0) };

  it('counts a hit when the next item ranks inside K among items not owned, with NDCG 1/log2(rank+2)', () => {
    // Scores: item 3 beats item 2; item 0 (owned) would beat both but is excluded.
    const m = evaluateNextPurchase([event], (_e, out) => out.set([9, 0, 5, 7]), 4, [1, 2]);
    expect(m.recall[1]).toBe(0);
    expect(m.recall[2]).toBe(1);
    expect(m.ndcg[2]).toBeCloseTo(1 / Math.log2(3), 12);
  });

  it('a constant scorer is not lucky: ties count against the target when the other index is lower', () => {
    const m = evaluateNextPurchase([event], (_e, out) => out.fill(1), 4, [1]);
    expect(m.recall[1]).toBe(0); // item 1 ties and has the lower index
  });

  it('hit rate is monotone in K for any scores', () => {
    fc.assert(
      fc.property(fc.array(fc.float({ noNaN: true, min: -10, max: 10 }), { minLength: 6, maxLength: 6 }), (scores) => {
        const m = evaluateNextPurchase([{ user: 0, prev: 1, next: 4, owned: Int32Array.of(1) }], (_e, out) => out.set(scores), 6, [1, 3, 5]);
        return m.recall[1]! <= m.recall[3]! && m.recall[3]! <= m.recall[5]!;
      }),
    );
  });

  it('the CART query is the normalised sum of the user and the item just bought', () => {
    const user = Float32Array.of(3, 0); // |u| = 3
    const items = Float32Array.of(0, 2, /* 1 */ 1, 0, /* 2 */ 0, 1, /* 3 */ Math.SQRT1_2, Math.SQRT1_2);
    const out = new Float32Array(4);
    queryScorer(user, items, 2, { user: 1, item: 1 })({ user: 0, prev: 0, next: 3, owned: Int32Array.of() }, out);
    // q = (1, 0) + (0, 1) = (1, 1): item 3 scores highest.
    expect(Array.from(out).map((x) => +x.toFixed(5))).toEqual([2, 1, 1, +Math.SQRT2.toFixed(5)]);
  });
});

describe("CART's item weight on validation", () => {
  // 2-d embeddings. The user points at (1, 0); the item just bought (item 0) at (0, 1).
  // Item 1 lies towards the user, item 2 towards the item bought, item 3 in between.
  const items = Float32Array.of(0, 1, /* 1 */ 1, 0.05, /* 2 */ 0.05, 1, /* 3 */ 1, 1);
  const user = Float32Array.of(1, 0);
  const event = (next: number): NextPurchaseEvent => ({ user: 0, prev: 0, next, owned: Int32Array.of(0) });

  it('picks the weight whose query finds the validation next purchases, reporting every weight', () => {
    // Next purchases near the item bought: a high item weight wins.
    const towardsItem = selectCartItemWeight([event(2)], user, items, 2, 4, [0, 1, 4]);
    expect(towardsItem.rows.map((r) => r.itemWeight)).toEqual([0, 1, 4]);
    expect(towardsItem.rows.map((r) => r.metrics.events)).toEqual([1, 1, 1]);
    // K = 10 > 4 items: every weight hits at 20; NDCG tells them apart (rank 0 only with w = 4).
    expect(towardsItem.selected).toBe(4);
    // Near the user: the user's taste alone.
    expect(selectCartItemWeight([event(1)], user, items, 2, 4, [0, 1, 4]).selected).toBe(0);
    // In between: the equal mean.
    expect(selectCartItemWeight([event(3)], user, items, 2, 4, [0, 1, 4]).selected).toBe(1);
  });

  it('keeps the equal mean without validation events, and breaks exact ties towards the smaller weight', () => {
    expect(selectCartItemWeight([], user, items, 2, 4).selected).toBe(1);
    const flat = Float32Array.of(1, 0, 1, 0, 1, 0, 1, 0);
    expect(selectCartItemWeight([event(2)], user, flat, 2, 4, [2, 0.5]).selected).toBe(0.5);
  });
});

describe('next-item baselines', () => {
  // Users 0..2 bought {0,1}, {0,1}, {0,2}; items 0,1 are game 7, item 2 game 8, item 3 game 7.
  const train = csrFromPairs(3, 4, Int32Array.of(0, 0, 1, 1, 2, 2), Int32Array.of(0, 1, 0, 1, 0, 2));
  const b = nextItemBaselines(train, Int32Array.of(7, 7, 8, 7));
  const e: NextPurchaseEvent = { user: 0, prev: 0, next: 1, owned: Int32Array.of(0) };
  const scores = (s: (e: NextPurchaseEvent, out: Float32Array) => void) => {
    const out = new Float32Array(4);
    s(e, out);
    return out;
  };

  it('bought together counts co-buyers of the item just bought, popularity breaking ties', () => {
    const s = scores(b.coPurchase);
    expect(s[1]! > s[2]!).toBe(true); // 2 co-buyers vs 1
    expect(s[2]! > s[3]!).toBe(true); // 1 co-buyer vs none
  });

  it('same game puts the game of the item just bought first, then popularity', () => {
    const s = scores(b.sameGame);
    expect(s[3]! > s[2]!).toBe(true); // unsold, but of game 7
    expect(s[1]! > s[3]!).toBe(true); // same game, more popular
  });
});
