import { formatBaselineRows, runBaselines } from '../../../graph-models/baselines/report';
import { csrFromPairs } from '../../../graph-models/evaluation/interactions';
import { symmetricGraph } from '../../../graph-models/evaluation/read-split';

const i32 = (xs: number[]) => Int32Array.from(xs);

describe('runBaselines', () => {
  // 6 users x 5 items, a friendship ring; enough for every baseline to run.
  const train = csrFromPairs(6, 5, i32([0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5]), i32([0, 1, 1, 2, 2, 3, 3, 4, 0, 4, 1, 3]));
  const test = csrFromPairs(6, 5, i32([0, 1, 2, 3, 4, 5]), i32([2, 3, 4, 0, 1, 0]));
  const social = symmetricGraph(6, i32([0, 1, 2, 3, 4, 5]), i32([1, 2, 3, 4, 5, 0]));
  let t = 0;
  const now = () => (t += 1);

  it('returns one row per baseline in a fixed order, social only with a graph', () => {
    const rows = runBaselines({ train, test, social, ks: [1, 3], bprMf: { dim: 4, epochs: 4, batchSize: 4, evalEvery: 2 }, validationFraction: 0.25, now });
    expect(rows.map((r) => r.name)).toEqual(['most-popular', 'item-knn', 'bpr-mf', 'social']);
    for (const r of rows) {
      expect(r.users).toBe(6);
      expect(Object.keys(r.recall)).toEqual(['1', '3']);
      expect(r.fitMs).toBeGreaterThanOrEqual(0);
    }
    expect(rows[2]!.detail).toMatchObject({ optimizer: 'adam' });
    expect(runBaselines({ train, test, ks: [1], bprMf: false, itemKnn: false, now }).map((r) => r.name)).toEqual(['most-popular']);
    const withUsers = runBaselines({ train, test, social, ks: [1], bprMf: false, userKnn: { k: 3 }, now });
    expect(withUsers.map((r) => r.name)).toEqual(['most-popular', 'item-knn', 'user-knn', 'social']);
    expect(withUsers[2]!.detail).toEqual({ k: 3 });
  });

  it('is deterministic up to the timings', () => {
    const strip = (rows: ReturnType<typeof runBaselines>) => rows.map(({ fitMs: _f, evalMs: _e, detail, ...r }) => ({ ...r, detail: { ...detail, msPerEpoch: 0 } }));
    const run = () => runBaselines({ train, test, social, ks: [3], bprMf: { dim: 4, epochs: 4, batchSize: 4 }, seed: 3 });
    expect(strip(run())).toEqual(strip(run()));
  });

  it('formats a table with R@K and N@K per cut-off', () => {
    const text = formatBaselineRows(runBaselines({ train, test, ks: [1, 3], bprMf: false, now }), [3, 1]);
    const [head, ...lines] = text.split('\n');
    expect(head).toMatch(/^baseline\s+users\s+R@1\s+N@1\s+R@3\s+N@3\s+fit s\s+eval s/);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^most-popular\s+6\s+\d\.\d{4}/);
  });
});
