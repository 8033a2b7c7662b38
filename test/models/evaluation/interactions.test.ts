import fc from 'fast-check';
import { assertCsr, coldStartUsers, csrFromPairs, degree, friendsWhoBought, itemCounts, nnz, nonEmptyRows, row, transpose } from '../../../graph-models/evaluation/interactions';

const i32 = (xs: number[]) => Int32Array.from(xs);

describe('csrFromPairs', () => {
  it('sorts rows ascending and keeps duplicated pairs once', () => {
    const m = csrFromPairs(3, 5, i32([2, 0, 2, 0, 2]), i32([4, 3, 1, 3, 4]));
    expect(Array.from(m.offsets)).toEqual([0, 1, 1, 3]);
    expect(Array.from(m.items)).toEqual([3, 1, 4]);
    expect(nnz(m)).toBe(3);
    expect(Array.from(row(m, 2))).toEqual([1, 4]);
    expect(degree(m, 1)).toBe(0);
    expect(() => assertCsr(m)).not.toThrow();
  });

  it('rejects out-of-range pairs, echoing the pair', () => {
    expect(() => csrFromPairs(2, 2, i32([0, 2]), i32([0, 0]))).toThrow('pair #1 (user 2, item 0)');
    expect(() => csrFromPairs(2, 2, i32([0]), i32([]))).toThrow('same length');
  });

  it('derives popularity, the transpose, non-empty rows and cold-start users', () => {
    const m = csrFromPairs(3, 3, i32([0, 0, 1, 2, 2, 2]), i32([0, 1, 1, 0, 1, 2]));
    expect(Array.from(itemCounts(m))).toEqual([2, 3, 1]);
    const t = transpose(m);
    expect(Array.from(t.offsets)).toEqual([0, 2, 5, 6]);
    expect(Array.from(t.items)).toEqual([0, 2, 0, 1, 2, 2]);
    expect(Array.from(nonEmptyRows(csrFromPairs(3, 1, i32([2]), i32([0]))))).toEqual([2]);
    expect(Array.from(coldStartUsers(m, 2))).toEqual([0, 1]);
  });

  it('assertCsr names the broken invariant', () => {
    expect(() => assertCsr({ numUsers: 1, numItems: 3, offsets: i32([0, 2]), items: i32([2, 1]) })).toThrow('not strictly ascending');
    expect(() => assertCsr({ numUsers: 1, numItems: 3, offsets: i32([0, 1]), items: i32([5]) })).toThrow('item 5, outside 0..2');
  });
});


describe('friendsWhoBought', () => {
  it('counts, per item, the friends who have it, for any graph, and leaves its scratch clean between users', () => {
    const pairs = (rows: number, cols: number) => fc.uniqueArray(fc.tuple(fc.nat(rows - 1), fc.nat(cols - 1)), { selector: ([a, b]) => `${a},${b}`, maxLength: 40 });
    fc.assert(
      fc.property(pairs(6, 5), pairs(6, 6), (bought, friends) => {
        const csr = (ps: [number, number][], cols: number) => csrFromPairs(6, cols, Int32Array.from(ps, (p) => p[0]), Int32Array.from(ps, (p) => p[1]));
        const train = csr(bought, 5);
        const social = csr(friends, 6);
        const counts = friendsWhoBought(train, social);
        for (const u of [0, 1, 2, 3, 4, 5, 0]) {
          const got = new Map<number, number>();
          counts(u, (j, n) => got.set(j, n));
          const want = new Map<number, number>();
          for (const [a, f] of friends) if (a === u) for (const [b, j] of bought) if (b === f) want.set(j, (want.get(j) ?? 0) + 1);
          expect(new Map([...got].sort())).toEqual(new Map([...want].sort()));
        }
      }),
    );
  });
});
