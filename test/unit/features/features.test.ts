import fc from 'fast-check';
import { buildRelation, graphAsOf, nodeSet, sortedBySrcDst, SPLIT_TEST, SPLIT_TRAIN, type HeteroGraph } from '../../../src/features/hetero-graph';
import { ITEM_FEATURES, USER_FEATURES, itemFeatures, userFeatures } from '../../../src/features/node-features';
import { holdOut, splitInteractions } from '../../../src/features/splits';

const DAY = 86_400_000;
const T0 = Date.parse('2026-10-01T00:00:00Z');

/** 3 users, 3 items: u0 bought i0 (day 1) and i1 (day 10); u1 bought i1 (day 2); u0–u1 friends since day 0; u2–u0 since day 20. */
function toy(split: Uint8Array | null = null): HeteroGraph {
  const f64 = (a: number[]) => Float64Array.from(a);
  const i32 = (a: number[]) => Int32Array.from(a);
  return {
    dataset: 'toy',
    nodes: { user: nodeSet(['u0', 'u1', 'u2']), item: nodeSet(['i0', 'i1', 'i2']), game: nodeSet([]), guild: nodeSet([]) },
    relations: {
      purchased: buildRelation('purchased', 'user', 'item', 3, i32([0, 0, 1]), i32([1, 0, 1]), f64([T0 + 10 * DAY, T0 + DAY, T0 + 2 * DAY]), { pricePaid: f64([500, 100, 500]) }, split),
      friend: buildRelation('friend', 'user', 'user', 3, i32([0, 1, 0, 2]), i32([1, 0, 2, 0]), f64([T0, T0, T0 + 20 * DAY, T0 + 20 * DAY])),
    },
    nodeProps: {
      user: { createdAt: [T0 - 365.25 * DAY, null, null] },
      item: { price: [100, 500, null], catalog: ['1P', '3P', null], rarity: [null, 'EPIC', null], type: ['BOOST', 'SKIN', 'ITEM'], gameId: [null, 'g1', null] },
      game: {},
      guild: {},
    },
  };
}

describe('hetero graph CSR', () => {
  it('sorts edges by source then target and keeps attributes aligned', () => {
    const r = toy().relations.purchased!;
    expect(Array.from(r.offsets)).toEqual([0, 2, 3, 3]);
    expect(Array.from(r.targets)).toEqual([0, 1, 1]);
    expect(Array.from(r.time)).toEqual([T0 + DAY, T0 + 10 * DAY, T0 + 2 * DAY]);
    expect(Array.from(r.attrs.pricePaid!)).toEqual([100, 500, 500]);
  });

  it('builds the same CSR from edges given in (src, dst) order as from the same edges shuffled', () => {
    const edges = fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 5 })), { maxLength: 40 });
    fc.assert(
      fc.property(edges, fc.func(fc.integer()), (pairs, key) => {
        const shuffled = pairs.map((p, i) => ({ p, k: key(i) })).sort((a, b) => a.k - b.k).map((x) => x.p);
        // Sorted with ties in their shuffled order, which the CSR keeps: the time column tells them apart.
        const sorted = shuffled.map((p, i) => ({ p, i })).sort((a, b) => a.p[0] - b.p[0] || a.p[1] - b.p[1] || a.i - b.i);
        const build = (es: { p: [number, number]; i: number }[]) =>
          buildRelation('r', 'user', 'item', 6, Int32Array.from(es, (e) => e.p[0]), Int32Array.from(es, (e) => e.p[1]), Float64Array.from(es, (e) => e.i));
        const a = build(sorted);
        const b = build(shuffled.map((p, i) => ({ p, i })));
        expect(sortedBySrcDst(Int32Array.from(sorted, (e) => e.p[0]), Int32Array.from(sorted, (e) => e.p[1]))).toBe(true);
        expect([Array.from(a.offsets), Array.from(a.targets), Array.from(a.time)]).toEqual([Array.from(b.offsets), Array.from(b.targets), Array.from(b.time)]);
      }),
    );
  });

  it('tells edges out of (src, dst) order apart from sorted ones', () => {
    expect(sortedBySrcDst(Int32Array.from([0, 0, 1]), Int32Array.from([1, 1, 0]))).toBe(true);
    expect(sortedBySrcDst(Int32Array.from([0, 1, 0]), Int32Array.from([1, 0, 2]))).toBe(false);
    expect(sortedBySrcDst(Int32Array.from([0, 0]), Int32Array.from([2, 1]))).toBe(false);
  });

  it('as of t drops every edge after t, in every relation', () => {
    const g = graphAsOf(toy(), T0 + 5 * DAY);
    expect(Array.from(g.relations.purchased!.targets)).toEqual([0, 1]);
    expect(g.relations.friend!.targets.length).toBe(2);
  });
});

describe('node features as of t', () => {
  it('counts only what happened by t (no leak from the future)', () => {
    const g = toy();
    const early = userFeatures(g, T0 + 5 * DAY);
    const late = userFeatures(g, T0 + 30 * DAY);
    const d = USER_FEATURES.length;
    expect(early[0]).toBeCloseTo(Math.log1p(1)); // u0: only i0 by day 5
    expect(late[0]).toBeCloseTo(Math.log1p(2));
    expect(early[1]).toBeCloseTo(Math.log1p(1)); // u0's friend u2 arrives on day 20
    expect(late[1]).toBeCloseTo(Math.log1p(2));
    expect(early[6]).toBeCloseTo(1 / 10, 2); // one year old account
    expect(early[d + 6]).toBe(0); // unknown creation time
    expect(early[8]).toBe(1); // u0's one purchase by day 5 was 1P
  });

  it('encodes item attributes one-hot with an unknown column, and popularity as of t', () => {
    const x = itemFeatures(toy(), T0 + 30 * DAY);
    const d = ITEM_FEATURES.length;
    const at = (i: number, name: string) => x[i * d + ITEM_FEATURES.indexOf(name as never)];
    expect(at(1, 'log1p_purchases')).toBeCloseTo(Math.log1p(2));
    expect(at(1, 'rarity_EPIC')).toBe(1);
    expect(at(2, 'rarity_unknown')).toBe(1);
    expect(at(0, 'price_band_lt2')).toBe(1);
    expect(at(1, 'price_band_lt10')).toBe(1);
    expect(at(2, 'price_known')).toBe(0);
    expect(at(2, 'catalog_unknown')).toBe(1);
    expect(x.length).toBe(3 * d);
  });
});

describe('interaction splits', () => {
  it('keeps a published split and removes test interactions from the training graph', () => {
    const s = splitInteractions(toy(Uint8Array.from([SPLIT_TRAIN, SPLIT_TEST, SPLIT_TRAIN])), { seed: 1, validFraction: 0 });
    expect(s.kind).toBe('published');
    expect(Array.from(s.test.users)).toEqual([0]);
    expect(Array.from(s.test.items)).toEqual([0]); // the test edge was u0 -> i0 (day 1) after sorting by item
    expect(s.trainGraph.relations.purchased!.targets.length).toBe(2);
  });

  it('splits a synthetic world by time: nothing after the split point reaches the training graph', () => {
    const s = splitInteractions(toy(), { seed: 1, validFraction: 0, cutoff: T0 + 30 * DAY, testDays: 25 });
    expect(s.kind).toBe('time');
    expect(s.splitAt).toBe(T0 + 5 * DAY);
    expect(Array.from(s.test.items)).toEqual([1]); // u0's i1 on day 10
    expect(s.trainGraph.relations.friend!.targets.length).toBe(2); // the day-20 friendship is gone too
  });

  it('holds out a seeded fraction for validation, the same for the same seed', () => {
    const p = { users: Int32Array.from({ length: 1000 }, (_, i) => i), items: Int32Array.from({ length: 1000 }, (_, i) => i % 7) };
    const a = holdOut(p, 0.1, 42);
    const b = holdOut(p, 0.1, 42);
    expect(Array.from(a.held.users)).toEqual(Array.from(b.held.users));
    expect(a.held.users.length).toBeGreaterThan(60);
    expect(a.held.users.length).toBeLessThan(140);
    expect(a.held.users.length + a.kept.users.length).toBe(1000);
  });
});
