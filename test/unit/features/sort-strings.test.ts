import fc from 'fast-check';
import { sortStrings } from '../../../src/features/sort-strings';

/** A code unit from a small alphabet (shared prefixes and duplicates are common), or any UTF-16 unit (lone surrogates included). */
const unit = fc.oneof(
  fc.constantFrom('u', 'i', '0', '1', '9', '-', 'U'),
  fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
);
const strings = fc.array(fc.string({ unit, maxLength: 8 }), { maxLength: 300 });

describe('sortStrings', () => {
  it('orders any strings exactly as the default sort does, duplicates and prefixes included', () => {
    fc.assert(
      fc.property(strings, (ids) => {
        expect(sortStrings(ids)).toEqual([...ids].sort());
      }),
      { numRuns: 300 },
    );
  });

  it('orders many repeats of a few strings, prefixes of one another and NUL-extended, as the default sort does', () => {
    const pool = fc.array(fc.string({ unit: fc.constantFrom('a', 'b', '\u0000'), maxLength: 3 }), { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(pool.chain((p) => fc.array(fc.constantFrom(...p), { minLength: 20, maxLength: 200 })), (ids) => {
        expect(sortStrings(ids)).toEqual([...ids].sort());
      }),
      { numRuns: 200 },
    );
  });

  it('orders ids like the datasets\' the default way, not numerically, and leaves its input alone', () => {
    const ids = ['u10', 'u9', 'i2', 'u1', 'u100', 'i10', 'u', ''];
    const before = [...ids];
    expect(sortStrings(ids)).toEqual(['', 'i10', 'i2', 'u', 'u1', 'u10', 'u100', 'u9']);
    expect(ids).toEqual(before);
  });

  it('sorts many ids sharing long prefixes (partitions well past insertion-sort size)', () => {
    const ids = Array.from({ length: 5000 }, (_, k) => `gowalla-user-${(k * 7919) % 5003}`);
    expect(sortStrings(ids)).toEqual([...ids].sort());
  });
});
