import { buildRelation, nodeSet } from '../../../src/features/hetero-graph';
import { csrFromPairs, friendsWhoBought } from '../../../graph-models/evaluation/interactions';
import type { Scorer } from '../../../graph-models/evaluation/ranking-metrics';
import { friendPurchasesWithin, selectSocialLift, socialBlendScorer, type FriendCounter } from '../../../graph-models/evaluation/social-blend';

/** A base scorer from a fixed [users x items] table. */
const table = (rows: number[][]): Scorer => (users, out) => {
  const n = rows[0]!.length;
  const s = out ?? new Float32Array(users.length * n);
  users.forEach((u, b) => s.set(rows[u]!, b * n));
  return s;
};

const DAY = 86_400_000;
const counted = (counts: FriendCounter, u: number) => {
  const m = new Map<number, number>();
  counts(u, (j, n) => m.set(j, n));
  return new Map([...m].sort((a, b) => a[0] - b[0]));
};

describe('social lift on top of the encoder', () => {
  // Users 0..3, items 0..3. User 0's friends: 1 and 2; both bought item 3, user 1 also item 2.
  const friends = csrFromPairs(4, 4, Int32Array.of(0, 0, 1, 2), Int32Array.of(1, 2, 0, 0));
  const train = csrFromPairs(4, 4, Int32Array.of(1, 1, 2, 3), Int32Array.of(3, 2, 3, 0));
  const counts = friendsWhoBought(train, friends);
  const base = table([[0.5, 0.4, 0.1, 0.0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]);

  it('adds β·ln(1 + friends who bought the item), nothing at β 0', () => {
    const s = socialBlendScorer(base, counts, 0.2, 4)(Int32Array.of(0));
    expect(s[0]).toBeCloseTo(0.5, 6);
    expect(s[1]).toBeCloseTo(0.4, 6);
    expect(s[2]).toBeCloseTo(0.1 + 0.2 * Math.log(2), 6);
    expect(s[3]).toBeCloseTo(0.2 * Math.log(3), 6);
    expect(Array.from(socialBlendScorer(base, counts, 0, 4)(Int32Array.of(0)))).toEqual(Array.from(base(Int32Array.of(0))));
    expect(() => socialBlendScorer(base, counts, -1, 4)).toThrow(RangeError);
  });

  it('scores a batch of users independently (no count leaks from one user to the next)', () => {
    const scorer = socialBlendScorer(base, counts, 0.2, 4);
    const both = scorer(Int32Array.of(0, 1));
    const alone = scorer(Int32Array.of(1));
    expect(Array.from(both.subarray(4))).toEqual(Array.from(alone));
  });

  it('picks the β under which the held-out purchases rank best, scoring β 0 once', () => {
    // User 0 goes on to buy item 3 (two friends bought it): a large enough β finds it at rank 1.
    const valid = csrFromPairs(4, 4, Int32Array.of(0), Int32Array.of(3));
    const sel = selectSocialLift({ base, train, valid, numItems: 4, counters: [{ windowDays: null, counts }], betas: [0, 0.1, 1] });
    expect(sel.rows.map((r) => r.beta)).toEqual([0, 0.1, 1]);
    // Recall@20 ties (4 items); NDCG separates: only β 1 lifts item 3 above 0.5.
    expect(sel.selected).toEqual({ beta: 1, windowDays: null });
    // Buying what the encoder ranks first: β 0, the smallest of the ties.
    expect(selectSocialLift({ base, train, valid: csrFromPairs(4, 4, Int32Array.of(0), Int32Array.of(0)), numItems: 4, counters: [{ windowDays: null, counts }], betas: [0, 0.1, 1] }).selected.beta).toBe(0);
  });
});

describe('friendPurchasesWithin (the timed count)', () => {
  // Users a (0), b (1), c (2), d (3); items 0..2; t = day 100.
  const t = 100 * DAY;
  const users = nodeSet(['a', 'b', 'c', 'd']);
  const items = nodeSet(['i0', 'i1', 'i2']);
  const friendPairs: [number, number, number][] = [[0, 1, 10 * DAY], [0, 2, 10 * DAY], [0, 3, 150 * DAY]]; // a–d only after t
  const both = friendPairs.flatMap(([x, y, at]) => [[x, y, at], [y, x, at]] as [number, number, number][]);
  const friend = buildRelation('friend', 'user', 'user', 4, Int32Array.from(both, (p) => p[0]), Int32Array.from(both, (p) => p[1]), Float64Array.from(both, (p) => p[2]));
  // b bought i0 on days 95 and 97 (twice) and i1 on day 20; c bought i0 on day 80 and i2 on day 120 (after t); d bought i1 on day 99.
  const buys: [number, number, number][] = [[1, 0, 95], [1, 0, 97], [1, 1, 20], [2, 0, 80], [2, 2, 120], [3, 1, 99]];
  const purchased = buildRelation('purchased', 'user', 'item', 4, Int32Array.from(buys, (p) => p[0]), Int32Array.from(buys, (p) => p[1]), Float64Array.from(buys, (p) => p[2] * DAY));
  const g = { nodes: { user: users, item: items, game: nodeSet([]), guild: nodeSet([]) }, relations: { friend, purchased } };

  it('counts each friend once per item, only friendships and purchases up to t, within the window', () => {
    expect(counted(friendPurchasesWithin(g, { t, windowDays: null }), 0)).toEqual(new Map([[0, 2], [1, 1]]));
    expect(counted(friendPurchasesWithin(g, { t, windowDays: 10 }), 0)).toEqual(new Map([[0, 1]])); // b's day-95/97 purchase only
    expect(counted(friendPurchasesWithin(g, { t, windowDays: 30 }), 0)).toEqual(new Map([[0, 2]]));
    expect(counted(friendPurchasesWithin(g, { t: 200 * DAY, windowDays: null }), 0)).toEqual(new Map([[0, 2], [1, 2], [2, 1]]));
  });

  it('is the same count as the untimed one when everything is inside the window', () => {
    const all = friendPurchasesWithin(g, { t: 1_000 * DAY, windowDays: null });
    const csr = (r: typeof friend, n: number) => {
      const src: number[] = [];
      for (let u = 0; u < 4; u++) for (let e = r.offsets[u]!; e < r.offsets[u + 1]!; e++) src.push(u);
      return csrFromPairs(4, n, Int32Array.from(src), r.targets);
    };
    const untimed = friendsWhoBought(csr(purchased, 3), csr(friend, 4));
    for (const u of [0, 1, 2, 3]) expect(counted(all, u)).toEqual(counted(untimed, u));
  });

  it('lets the selection pick the window under which the held-out purchases rank best', () => {
    // a goes on to buy i0, but the encoder prefers i1 by 0.5. With every purchase counted,
    // i1's old purchase by b lifts it past i0 (0.5 + ln 2 > ln 3); within 30 days only i0
    // counts (b and c), and within 10 days too (b alone: ln 2 > 0.5), a tie the longer window wins.
    const base = table([[0, 0.5, 0], [0, 0, 0], [0, 0, 0], [0, 0, 0]]);
    const train = csrFromPairs(4, 3, Int32Array.of(), Int32Array.of());
    const valid = csrFromPairs(4, 3, Int32Array.of(0), Int32Array.of(0));
    const sel = selectSocialLift({
      base, train, valid, numItems: 3, betas: [0, 1],
      counters: [null, 30, 10].map((windowDays) => ({ windowDays, counts: friendPurchasesWithin(g, { t, windowDays }) })),
    });
    expect(sel.rows.map((r) => [r.windowDays, r.beta])).toEqual([[null, 0], [null, 1], [30, 1], [10, 1]]);
    expect(sel.rows.map((r) => r.valid.ndcg[20]! === 1)).toEqual([false, false, true, true]);
    expect(sel.selected).toEqual({ beta: 1, windowDays: 30 });
  });
});
