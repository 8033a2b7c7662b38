import { join, resolve } from 'node:path';
import { readDataset } from '../../../src/import/read-dataset';
import { parseImportArgs } from '../../../src/import/spec';

/**
 * The importer against the real public datasets (present in CI at ../shared/datasets from
 * the project root), checked against the counts their README states. Where the README
 * gives a count over ids that may not all appear in the files (users, items), we assert
 * what the files hold, measured once by an independent script, and that it does not
 * exceed the README's figure. Each read takes about 0.3 s (Last.fm) to 1–2 s (Gowalla, Beibei).
 */
const DATASETS = resolve(__dirname, '../../..', '../shared/datasets');
const parse = (...argv: string[]) => parseImportArgs(argv, { cwd: DATASETS });

describe('real datasets', () => {
  it('Last.fm (SocialLGN split): 92,834 pairs in train+test, 12,717 undirected friendships, 1,892 users', async () => {
    const { rows, stats } = await readDataset(
      parse('--dataset', 'lastfm', '--train', 'lastfm/train_set.txt', '--test', 'lastfm/test_set.txt', '--social', 'lastfm/trust.txt', '--format', 'csv'),
    );
    expect(stats.interactionsBySplit).toEqual({ unsplit: 0, train: 74_267, test: 18_567 });
    expect(stats.interactionsBySplit.train + stats.interactionsBySplit.test).toBe(92_834);
    expect(stats.friendships).toBe(12_717);
    expect(stats.users).toBe(1_892); // every user of the README appears in train, test or trust
    expect(stats.items).toBe(17_632);
    expect(stats).toMatchObject({ duplicatesDropped: 0, trainTestOverlap: 0, selfLoopsDropped: 0 });
    expect(stats.files.map((f) => [f.path, f.lines])).toEqual([
      [join(DATASETS, 'lastfm/train_set.txt'), 74_268],
      [join(DATASETS, 'lastfm/test_set.txt'), 18_568],
      [join(DATASETS, 'lastfm/trust.txt'), 25_435],
    ]);
    expect(rows.purchases).toHaveLength(92_834);
    expect(rows.friendships.every((f) => f.a < f.b)).toBe(true);
  });

  it('Gowalla (LightGCN split, lines format): 810,128 train + 217,242 test pairs, disjoint', async () => {
    const { rows, stats } = await readDataset(parse('--dataset', 'gowalla', '--train', 'gowalla/train.txt', '--test', 'gowalla/test.txt', '--format', 'lines'));
    expect(stats.interactionsBySplit).toEqual({ unsplit: 0, train: 810_128, test: 217_242 });
    expect(stats).toMatchObject({ users: 29_858, items: 40_981, duplicatesDropped: 0, trainTestOverlap: 0, friendships: 0 });
    expect(rows.purchases).toHaveLength(1_027_370);
    expect(rows.purchases[rows.purchases.length - 1]!.id).toBe('pu1027370');
  });

  it('Beibei (GBGCN): 154,184 + 178,642 FILLED and 211,291 EXPIRED group buys', async () => {
    const { rows, stats } = await readDataset(
      parse('--dataset', 'beibei', '--group-buys', 'beibei/tune.txt:FILLED', 'beibei/test.txt:FILLED', 'beibei/invalid.txt:EXPIRED'),
    );
    const byStatus = { FILLED: 0, EXPIRED: 0 } as Record<string, number>;
    for (const g of rows.groupBuys) byStatus[g.status] = (byStatus[g.status] ?? 0) + 1;
    expect(byStatus).toEqual({ FILLED: 154_184 + 178_642, EXPIRED: 211_291 });
    expect(stats.files.map((f) => f.lines)).toEqual([154_184, 178_642, 211_291]);
    // data_size.txt says 190,080 users and 30,782 items; these three files name fewer.
    expect(stats).toMatchObject({ users: 189_821, items: 30_551, groupBuys: 544_117, participations: 879_945, duplicateParticipantsDropped: 0 });
    expect(rows.purchases).toEqual([]);
    expect(rows.friendships).toEqual([]);
  });
});
