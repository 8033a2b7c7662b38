import type { FriendshipRow, GraphRows, UserRow } from '../../../src/ingest/rows';
import { clustering, degreeStats } from '../../../src/world/properties';

const users = (n: number): UserRow[] => Array.from({ length: n }, (_, i) => ({ id: `u${i}`, name: `n${i}`, createdAt: 0, birthday: null }));
const edges = (pairs: Array<[number, number]>): FriendshipRow[] =>
  pairs.map(([a, b]) => ({ a: `u${a}`, b: `u${b}`, since: 0, blocked: false, blockedBy: null }));
const graph = (n: number, pairs: Array<[number, number]>): Pick<GraphRows, 'users' | 'friendships'> => ({ users: users(n), friendships: edges(pairs) });

describe('degreeStats', () => {
  it('computes median, max, mean and their ratio on a star', () => {
    // Star: centre degree 4, leaves 1 → median 1, max 4.
    const s = degreeStats(graph(5, [[0, 1], [0, 2], [0, 3], [0, 4]]));
    expect(s).toEqual({ median: 1, max: 4, mean: 8 / 5, ratioMaxToMedian: 4 });
  });

  it('rejects friendships to unknown users, naming them', () => {
    expect(() => degreeStats({ users: users(1), friendships: edges([[0, 9]]) })).toThrow(/u9/);
  });
});

describe('clustering', () => {
  it('is 1 on a triangle and 0 on a star', () => {
    expect(clustering(graph(3, [[0, 1], [1, 2], [0, 2]])).average).toBeCloseTo(1, 12);
    expect(clustering(graph(5, [[0, 1], [0, 2], [0, 3], [0, 4]])).average).toBe(0);
  });

  it('matches a hand count on a triangle with a tail', () => {
    // 0-1-2 triangle plus 2-3: C0 = C1 = 1, C2 = 1/3, C3 = 0 → mean 7/12.
    const c = clustering(graph(4, [[0, 1], [1, 2], [0, 2], [2, 3]]));
    expect(c.average).toBeCloseTo(7 / 12, 12);
    // Degrees 2,2,3,1: <k> = 2, <k²> = 4.5 → (4.5 − 2)² / (4 · 8).
    expect(c.randomExpected).toBeCloseTo(2.5 ** 2 / 32, 12);
    expect(c.ratio).toBeCloseTo((7 / 12) / (2.5 ** 2 / 32), 10);
  });

  it('counts every triangle of K5 (a hub-free clique)', () => {
    const pairs: Array<[number, number]> = [];
    for (let a = 0; a < 5; a++) for (let b = a + 1; b < 5; b++) pairs.push([a, b]);
    expect(clustering(graph(5, pairs)).average).toBeCloseTo(1, 12);
  });
});
