import fc from 'fast-check';
import { priceBand } from '../../../src/services/gift-service';
import { validateFeed, type CatalogItemInput } from '../../../src/services/mutations/catalog-mutations';
import { effectiveStatus } from '../../../src/services/mutations/group-buy-mutations';
import { payloadHash } from '../../../src/services/mutations/idempotent';

describe('idempotency payload hash', () => {
  it('does not depend on the order of object keys, and differs for another payload or operation', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 5 }), fc.oneof(fc.integer(), fc.string(), fc.boolean(), fc.constant(null))), (obj) => {
        const reversed = Object.fromEntries(Object.entries(obj).reverse());
        expect(payloadHash('op', reversed)).toBe(payloadHash('op', obj));
        expect(payloadHash('op2', obj)).not.toBe(payloadHash('op', obj));
        expect(payloadHash('op', { ...obj, __extra: 1 })).not.toBe(payloadHash('op', obj));
      }),
    );
  });

  it('treats an absent optional field like null (a retry that omits it is the same payload)', () => {
    expect(payloadHash('op', { a: 1, b: undefined })).toBe(payloadHash('op', { a: 1, b: null }));
  });
});

describe('group-buy status', () => {
  it('an OPEN group buy past its deadline reads EXPIRED; closed states stay as they are', () => {
    expect(effectiveStatus('OPEN', 1000, 999)).toBe('OPEN');
    expect(effectiveStatus('OPEN', 1000, 1000)).toBe('EXPIRED');
    expect(effectiveStatus('FILLED', 1000, 5000)).toBe('FILLED');
    expect(effectiveStatus('CANCELLED', 1000, 5000)).toBe('CANCELLED');
    expect(effectiveStatus('OPEN', null, 5000)).toBe('OPEN');
  });
});

describe('gift price band', () => {
  it('is half to twice the median of past gift prices; none without history', () => {
    expect(priceBand([])).toBeNull();
    expect(priceBand([400])).toEqual({ min: 200, max: 800 });
    expect(priceBand([100, 300, 900, 500])).toEqual({ min: 200, max: 800 });
  });

  it('always contains the median (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 100_000 }), { minLength: 1, maxLength: 30 }), (prices) => {
        const b = priceBand(prices)!;
        const s = [...prices].sort((a, c) => a - c);
        const median = s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
        expect(b.min).toBeLessThanOrEqual(median);
        expect(b.max).toBeGreaterThanOrEqual(median);
      }),
    );
  });
});

describe('catalog feed validation', () => {
  const ok: CatalogItemInput = { id: 'sk1', name: 'Gold skin', catalog: '3P', type: 'SKIN', price: 999, currency: 'USD', gameId: 'g1', attributes: { platform: 'pc', tier: 2, limited: true } };

  it('accepts well-formed 1P and 3P items', () => {
    expect(validateFeed([ok, { id: 'b1', name: 'Boost', catalog: '1P', type: 'BOOST', price: 299, currency: 'EUR' }])).toEqual([]);
  });

  it('lists every problem with its item index, so a publisher fixes the feed in one go', () => {
    const problems = validateFeed([
      ok,
      { ...ok, id: 'bad id', price: -1, currency: 'usd', gameId: null },
      { ...ok, catalog: '1P', type: 'SKIN' },
      { ...ok, id: 'sk1' },
      { ...ok, id: 'x', attributes: { '1bad': 1, nested: { a: 1 } } },
      { ...ok, id: 'y', dropAt: 10, availableUntil: 5 },
    ]);
    for (const expected of ['items[1].id', 'items[1].price', 'items[1].currency', 'items[1].gameId', 'items[2].type', 'items[2].gameId', 'items[3].id', 'items[4].attributes.1bad', 'items[4].attributes.nested', 'items[5].availableUntil']) {
      expect(problems.some((p) => p.startsWith(expected))).toBe(true);
    }
  });

  it('refuses an empty feed and one over 200 items', () => {
    expect(validateFeed([])).toHaveLength(1);
    expect(validateFeed(Array.from({ length: 201 }, (_, k) => ({ ...ok, id: `i${k}` }))).some((p) => p.startsWith('items: 1..200'))).toBe(true);
  });
});
