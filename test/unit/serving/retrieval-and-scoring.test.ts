import fc from 'fast-check';
import type { ItemRecord } from '../../../src/graph/records';
import { mergeCandidates, type SourcedItem } from '../../../src/retrieval/candidate';
import { ineligibility, isForSale, type EligibilityContext } from '../../../src/retrieval/eligibility';
import { capPerGame, compareScored, meanDirection, socialLift, weightedDirection, type ScoredCandidate } from '../../../src/ranking/item-scoring';
import { reasonsFor } from '../../../src/ranking/reasons';
import { squadScore } from '../../../src/ranking/squad-scoring';

const NOW = Date.parse('2026-11-01T00:00:00Z');

function item(id: string, over: Partial<ItemRecord> = {}): ItemRecord {
  return {
    dataset: 'd', id, name: id, catalog: '3P', type: 'SKIN', price: 500, currency: 'USD', rarity: null, gameId: 'g1', publisherId: 'p1',
    dropAt: null, availableUntil: null, forSale: true, giftable: true, consumable: false, attributes: {}, ...over,
  };
}
const ctx = (over: Partial<EligibilityContext> = {}): EligibilityContext => ({ now: NOW, owned: new Set(), dismissed: new Set(), exclude: new Set(), filters: {}, ...over });

describe('eligibility', () => {
  it('drops owned non-consumables but keeps owned consumables (currency packs can be bought again)', () => {
    const owned = new Set(['a', 'b']);
    expect(ineligibility(item('a'), ctx({ owned }))).toBe('OWNED');
    expect(ineligibility(item('b', { consumable: true, type: 'CURRENCY_PACK' }), ctx({ owned }))).toBeNull();
  });

  it('drops items not for sale, past availableUntil, or not dropped yet', () => {
    expect(ineligibility(item('a', { forSale: false }), ctx())).toBe('NOT_FOR_SALE');
    expect(ineligibility(item('a', { availableUntil: NOW - 1 }), ctx())).toBe('NOT_FOR_SALE');
    expect(ineligibility(item('a', { dropAt: NOW + 1 }), ctx())).toBe('NOT_FOR_SALE');
    expect(isForSale(item('a', { availableUntil: NOW + 1, dropAt: NOW - 1 }), NOW)).toBe(true);
  });

  it('drops dismissed and excluded items, and applies price, catalog, game and giftable filters', () => {
    expect(ineligibility(item('a'), ctx({ dismissed: new Set(['a']) }))).toBe('DISMISSED');
    expect(ineligibility(item('a'), ctx({ exclude: new Set(['a']) }))).toBe('EXCLUDED');
    expect(ineligibility(item('a', { price: 900 }), ctx({ filters: { maxPrice: 800 } }))).toBe('FILTERED');
    expect(ineligibility(item('a', { price: 100 }), ctx({ filters: { minPrice: 200 } }))).toBe('FILTERED');
    expect(ineligibility(item('a', { price: null }), ctx({ filters: { minPrice: 0 } }))).toBe('FILTERED');
    expect(ineligibility(item('a'), ctx({ filters: { catalog: '1P' } }))).toBe('FILTERED');
    expect(ineligibility(item('a'), ctx({ filters: { gameId: 'g2' } }))).toBe('FILTERED');
    expect(ineligibility(item('a', { giftable: false }), ctx({ filters: { giftableOnly: true } }))).toBe('NOT_GIFTABLE');
    expect(ineligibility(item('a'), ctx({ filters: { minPrice: 500, maxPrice: 500, catalog: '3P', gameId: 'g1', giftableOnly: true } }))).toBeNull();
  });
});

describe('mergeCandidates', () => {
  const sourced = fc.record({
    itemId: fc.constantFrom('i1', 'i2', 'i3', 'i4'),
    source: fc.constantFrom('EMBEDDING', 'FRIEND_PURCHASE', 'FRIEND_WISHLIST', 'POPULAR') as fc.Arbitrary<SourcedItem['source']>,
    strength: fc.double({ min: 0, max: 10, noNaN: true }),
    friends: fc.option(fc.array(fc.record({ id: fc.constantFrom('f1', 'f2', 'f3'), name: fc.constant('F'), shares: fc.boolean() }), { maxLength: 3 }), { nil: undefined }),
  });

  it('keeps one candidate per item, every source with its strongest strength, and no friend twice', () => {
    fc.assert(
      fc.property(fc.array(fc.array(sourced, { maxLength: 8 }), { maxLength: 4 }), (lists) => {
        const merged = mergeCandidates(lists);
        const all = lists.flat();
        expect(merged.map((c) => c.itemId).sort()).toEqual([...new Set(all.map((s) => s.itemId))].sort());
        for (const c of merged) {
          for (const [source, strength] of c.sources) {
            expect(strength).toBe(Math.max(...all.filter((s) => s.itemId === c.itemId && s.source === source).map((s) => s.strength)));
          }
          expect(new Set(c.friendsBought.map((f) => f.id)).size).toBe(c.friendsBought.length);
          expect(new Set(c.friendsWished.map((f) => f.id)).size).toBe(c.friendsWished.length);
        }
      }),
    );
  });
});

describe('ordering and diversity', () => {
  const scored = (id: string, score: number | null, gameId: string | null = 'g1', strength = 1): ScoredCandidate => ({
    candidate: { itemId: id, sources: new Map([['POPULAR', strength]]), friendsBought: [], friendsWished: [] },
    item: item(id, { gameId }),
    score,
  });

  it('orders embedded items by score, then the rest by source strength, ties by id', () => {
    const list = [scored('c', null, 'g1', 2), scored('b', 0.5), scored('a', 0.5), scored('d', 0.9), scored('e', null, 'g1', 5)];
    expect([...list].sort(compareScored).map((s) => s.item.id)).toEqual(['d', 'a', 'b', 'e', 'c']);
  });

  it('capPerGame never returns more than the cap of one game nor more than first, and keeps the order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('g1', 'g2', 'g3', null), { maxLength: 40 }),
        fc.integer({ min: 1, max: 20 }),
        fc.option(fc.integer({ min: 1, max: 5 }), { nil: null }),
        (games, first, cap) => {
          const ordered = games.map((g, k) => scored(`i${k}`, 1 - k / 100, g));
          const out = capPerGame(ordered, first, cap);
          expect(out.length).toBeLessThanOrEqual(first);
          const idx = out.map((s) => ordered.indexOf(s));
          expect(idx).toEqual([...idx].sort((a, b) => a - b));
          if (cap !== null) for (const g of ['g1', 'g2', 'g3']) expect(out.filter((s) => s.item.gameId === g).length).toBeLessThanOrEqual(cap);
          else expect(out.length).toBe(Math.min(first, ordered.length));
        },
      ),
    );
  });

  it('meanDirection is the unit mean of the present vectors', () => {
    expect(meanDirection([null, null])).toBeNull();
    const m = meanDirection([[1, 0], [0, 1], null])!;
    expect(m[0]).toBeCloseTo(Math.SQRT1_2, 12);
    expect(m[1]).toBeCloseTo(Math.SQRT1_2, 12);
  });

  it('weightedDirection weighs unit vectors: equal weights give the mean direction, weight 0 drops a part', () => {
    expect(weightedDirection([[null, 1], [[1, 0], 0]])).toBeNull();
    const eq = weightedDirection([[[2, 0], 1], [[0, 5], 1]])!;
    const mean = meanDirection([[1, 0], [0, 1]])!;
    eq.forEach((x, k) => expect(x).toBeCloseTo(mean[k]!, 12));
    expect(weightedDirection([[[2, 0], 0], [[0, 5], 1]])).toEqual([0, 1]);
    const leaning = weightedDirection([[[1, 0], 3], [[0, 1], 1]])!;
    expect(leaning[0]! / leaning[1]!).toBeCloseTo(3, 12);
  });

  it('socialLift is β·ln(1 + friends who bought), 0 without friends or at β 0', () => {
    expect(socialLift(0.2, 0)).toBe(0);
    expect(socialLift(0, 5)).toBe(0);
    expect(socialLift(0.2, 3)).toBeCloseTo(0.2 * Math.log(4), 12);
  });

  it('squadScore penalises an item only some members would want', () => {
    const members = [[1, 0], [0, 1]];
    const shared = [Math.SQRT1_2, Math.SQRT1_2];
    const one = [1, 0];
    // Both have the same mean cosine (≈0.707 vs 0.5) is not the point: "one" is loved by one member only.
    expect(squadScore(members, shared)!).toBeGreaterThan(squadScore(members, one)!);
    expect(squadScore([], one)).toBeNull();
    expect(squadScore(members, one, 0)).toBeCloseTo(0.5, 12);
  });
});

describe('reasons', () => {
  const friends = [
    { id: 'f1', name: 'Ana', shares: true },
    { id: 'f2', name: 'Bo', shares: false },
    { id: 'f3', name: 'Cy', shares: true },
  ];

  it('names only friends who share their activity, and counts the rest', () => {
    const r = reasonsFor({ itemId: 'i', sources: new Map(), friendsBought: [friends[1]!, friends[0]!], friendsWished: [] }, { games: new Set(), gameId: null });
    expect(r[0]).toEqual({ code: 'FRIENDS_OWN', text: 'Ana and 1 other friend own this', friendIds: ['f1'] });
    const hidden = reasonsFor({ itemId: 'i', sources: new Map(), friendsBought: [friends[1]!], friendsWished: [friends[1]!] }, { games: new Set(), gameId: null });
    expect(hidden).toEqual([{ code: 'FRIENDS_OWN', text: '1 of your friends own this', friendIds: [] }]);
  });

  it('a private friend’s wishlist is never mentioned; a sharing friend’s is', () => {
    const r = reasonsFor({ itemId: 'i', sources: new Map(), friendsBought: [], friendsWished: [friends[1]!, friends[2]!] }, { games: new Set(), gameId: null });
    expect(r).toEqual([{ code: 'ON_FRIEND_WISHLIST', text: "On Cy's wishlist", friendIds: ['f3'] }]);
  });

  it('never names a friend who does not share, whatever the mix (property)', () => {
    fc.assert(
      fc.property(fc.subarray(friends), fc.subarray(friends), (bought, wished) => {
        const r = reasonsFor({ itemId: 'i', sources: new Map([['EMBEDDING', 1]]), friendsBought: bought, friendsWished: wished }, { games: new Set(['g']), gameId: 'g' });
        const named = r.flatMap((x) => x.friendIds);
        expect(named).not.toContain('f2');
        expect(r.map((x) => x.text).join(' ')).not.toMatch(/Bo\b/);
      }),
    );
  });
});
