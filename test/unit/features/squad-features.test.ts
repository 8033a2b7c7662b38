import fc from 'fast-check';
import { memberCosines, SQUAD_FEATURE_COUNT, SQUAD_FEATURES, squadItemFeatures, type SquadItemFacts } from '../../../src/features/squad-features';
import { squadScore } from '../../../src/ranking/squad-scoring';
import { squadContextFromRows, squadItemFacts } from '../../../src/ranking/squad-ranker';

const col = (name: (typeof SQUAD_FEATURES)[number]) => SQUAD_FEATURES.indexOf(name);

function row(f: SquadItemFacts): Float32Array {
  const x = new Float32Array(SQUAD_FEATURE_COUNT);
  squadItemFeatures(f, x);
  return x;
}

const base: SquadItemFacts = { cosines: [0.5], members: 1, membersPlaying: 0, membersWishing: 0, friendBuyers: 0, membersExposed: 0, recentBuys: 0, price: null };

describe('squad (squad, item) features', () => {
  it('computes every column of a hand-checked pair', () => {
    const x = row({ cosines: [0.2, 0.6, -0.2, 0.4], members: 4, membersPlaying: 3, membersWishing: 1, friendBuyers: 3, membersExposed: 2, recentBuys: 7, price: 999 });
    // mean 0.25; deviations −0.05, 0.35, −0.45, 0.15 -> squares sum 0.35 -> σ = √(0.35 / 4).
    expect(x[col('cos_mean')]).toBeCloseTo(0.25, 6);
    expect(x[col('cos_min')]).toBeCloseTo(-0.2, 6);
    expect(x[col('cos_max')]).toBeCloseTo(0.6, 6);
    expect(x[col('cos_std')]).toBeCloseTo(Math.sqrt(0.0875), 6);
    expect(x[col('share_members_play_game')]).toBeCloseTo(0.75, 6);
    expect(x[col('share_members_wishlisted')]).toBeCloseTo(0.25, 6);
    expect(x[col('log1p_friend_buyers_60d')]).toBeCloseTo(Math.log(4), 6);
    expect(x[col('share_members_exposed_60d')]).toBeCloseTo(0.5, 6);
    expect(x[col('log1p_recent_buys_28d')]).toBeCloseTo(Math.log(8), 6);
    expect(x[col('log1p_price_dollars')]).toBeCloseTo(Math.log1p(9.99), 6);
  });

  it('writes an unknown price as 0 and only inside its own row of a shared buffer', () => {
    const x = new Float32Array(3 * SQUAD_FEATURE_COUNT).fill(-7);
    squadItemFeatures(base, x, SQUAD_FEATURE_COUNT);
    expect(Array.from(x.subarray(0, SQUAD_FEATURE_COUNT)).every((v) => v === -7)).toBe(true);
    expect(Array.from(x.subarray(2 * SQUAD_FEATURE_COUNT)).every((v) => v === -7)).toBe(true);
    expect(x[SQUAD_FEATURE_COUNT + col('log1p_price_dollars')]).toBe(0);
    expect(x[SQUAD_FEATURE_COUNT + col('cos_std')]).toBe(0);
  });

  it('refuses a pair without any member cosine or without members', () => {
    expect(() => row({ ...base, cosines: [] })).toThrow(RangeError);
    expect(() => row({ ...base, members: 0 })).toThrow(RangeError);
  });

  it('cos_mean − cos_std is exactly the untrained squadScore with spread penalty 1 (the head can learn that baseline)', () => {
    const vec = fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 3, maxLength: 3 });
    fc.assert(
      fc.property(fc.array(vec, { minLength: 1, maxLength: 8 }), vec, (members, item) => {
        const x = row({ ...base, cosines: memberCosines(members, item), members: members.length });
        expect(x[col('cos_mean')]! - x[col('cos_std')]!).toBeCloseTo(squadScore(members, item, 1)!, 4);
      }),
    );
  });

  it('keeps min ≤ mean ≤ max, σ ≥ 0 and every share in [0, 1] for any valid facts', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }).chain((m) =>
          fc.record({
            cosines: fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 1, maxLength: m }),
            members: fc.constant(m),
            membersPlaying: fc.integer({ min: 0, max: m }),
            membersWishing: fc.integer({ min: 0, max: m }),
            friendBuyers: fc.nat(1000),
            membersExposed: fc.integer({ min: 0, max: m }),
            recentBuys: fc.nat(100_000),
            price: fc.option(fc.integer({ min: 0, max: 100_000 }), { nil: null }),
          }),
        ),
        (f) => {
          const x = row(f);
          expect(x.every((v) => Number.isFinite(v))).toBe(true);
          expect(x[col('cos_min')]!).toBeLessThanOrEqual(x[col('cos_mean')]! + 1e-6);
          expect(x[col('cos_mean')]!).toBeLessThanOrEqual(x[col('cos_max')]! + 1e-6);
          expect(x[col('cos_std')]!).toBeGreaterThanOrEqual(0);
          for (const c of ['share_members_play_game', 'share_members_wishlisted', 'share_members_exposed_60d'] as const) {
            expect(x[col(c)]!).toBeGreaterThanOrEqual(0);
            expect(x[col(c)]!).toBeLessThanOrEqual(1);
          }
        },
      ),
    );
  });
});

describe('squad serving context (the query rows folded per candidate)', () => {
  it('counts distinct outside friends per item, members exposed, wishlists and games', () => {
    const ctx = squadContextFromRows(1000, 3, {
      members: [
        { games: ['g1'], wished: ['i1'], friendBuys: [['f1', 'i1'], ['f2', 'i1'], ['f1', 'i2']] },
        { games: ['g1', 'g2'], wished: ['i1', 'i1'], friendBuys: [['f1', 'i1']] },
        { games: [], wished: [], friendBuys: [] },
      ],
      recentBuys: new Map([['i1', 4]]),
    });
    // f1 is a friend of two members: one buyer of i1 from the squad's point of view, not two.
    expect(ctx.friendBuyers.get('i1')).toBe(2);
    expect(ctx.friendBuyers.get('i2')).toBe(1);
    expect(ctx.membersExposed.get('i1')).toBe(2);
    expect(ctx.membersExposed.get('i2')).toBe(1);
    expect(ctx.wishedBy.get('i1')).toBe(2);
    const facts = squadItemFacts([[1, 0], [0, 1]], { id: 'i1', embedding: [0.6, 0.8], gameId: 'g1', price: 500 }, ctx);
    expect(Array.from(facts.cosines)).toEqual([0.6, 0.8]);
    expect(facts).toMatchObject({ members: 3, membersPlaying: 2, membersWishing: 2, friendBuyers: 2, membersExposed: 2, recentBuys: 4, price: 500 });
    const other = squadItemFacts([[1, 0]], { id: 'i9', embedding: [1, 0], gameId: null, price: null }, ctx);
    expect(other).toMatchObject({ membersPlaying: 0, membersWishing: 0, friendBuyers: 0, membersExposed: 0, recentBuys: 0, price: null });
  });
});
