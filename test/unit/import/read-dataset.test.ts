import { ErrorCode } from '../../../src/errors/codes';
import { ImportValidationError } from '../../../src/import/errors';
import { readDataset } from '../../../src/import/read-dataset';
import { parseImportArgs } from '../../../src/import/spec';
import type { Logger } from '../../../src/logging/logger';
import { tempDir } from './tmp-files';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

/** Writes `files` under a fresh subfolder name and parses `argv` relative to the temp dir. */
function spec(files: Record<string, string>, ...argv: string[]) {
  for (const [name, content] of Object.entries(files)) tmp.write(name, content);
  return parseImportArgs(argv, { cwd: tmp.dir });
}

async function invalid(p: Promise<unknown>): Promise<ImportValidationError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ImportValidationError);
    expect((e as ImportValidationError).code).toBe(ErrorCode.IMPORT_INVALID);
    return e as ImportValidationError;
  }
  throw new Error('expected an ImportValidationError (and nothing returned)');
}

describe('readDataset: csv with header, published split, social', () => {
  it('maps pairs to purchases, users and items (prefixed, first-seen order), undirected friendships once', async () => {
    const s = spec(
      {
        'lfm-train.txt': 'user,item\n0,10\n1,10\n0,11\n0,10\n',
        'lfm-test.txt': 'user,item\n1,11\n0,10\n',
        'lfm-trust.txt': 'user,friend\n0,1\n1,0\n2,2\n1,2\n',
      },
      '--dataset', 'mini', '--train', 'lfm-train.txt', '--test', 'lfm-test.txt', '--social', 'lfm-trust.txt', '--format', 'csv',
    );
    const { rows, stats } = await readDataset(s);

    expect(rows.purchases).toEqual([
      { id: 'pu1', userId: 'u0', itemId: 'i10', at: null, surface: null, pricePaid: null, discount: 0, recId: null, campaignId: null, split: 'train' },
      { id: 'pu2', userId: 'u1', itemId: 'i10', at: null, surface: null, pricePaid: null, discount: 0, recId: null, campaignId: null, split: 'train' },
      { id: 'pu3', userId: 'u0', itemId: 'i11', at: null, surface: null, pricePaid: null, discount: 0, recId: null, campaignId: null, split: 'train' },
      // the 4th train line repeats (0,10) in the same split: dropped; the same pair in test is a different split: kept
      { id: 'pu4', userId: 'u1', itemId: 'i11', at: null, surface: null, pricePaid: null, discount: 0, recId: null, campaignId: null, split: 'test' },
      { id: 'pu5', userId: 'u0', itemId: 'i10', at: null, surface: null, pricePaid: null, discount: 0, recId: null, campaignId: null, split: 'test' },
    ]);
    expect(rows.friendships).toEqual([
      { a: 'u0', b: 'u1', since: null, blocked: false, blockedBy: null },
      { a: 'u1', b: 'u2', since: null, blocked: false, blockedBy: null },
    ]);
    expect(rows.users).toEqual(['0', '1', '2'].map((raw) => ({ id: 'u' + raw, name: raw, createdAt: null, birthday: null })));
    expect(rows.items).toEqual([
      { id: 'i10', name: '10', catalog: null, type: 'ITEM', price: null, currency: null, rarity: null, gameId: null, publisherId: null, dropAt: null, availableUntil: null, forSale: null, giftable: null, consumable: null },
      expect.objectContaining({ id: 'i11', name: '11' }),
    ]);
    expect(rows.groupBuys).toEqual([]);
    expect(rows.gifts).toEqual([]);
    expect(stats).toEqual({
      files: [
        { path: tmp.dir + '/lfm-train.txt', role: 'interactions', lines: 5 },
        { path: tmp.dir + '/lfm-test.txt', role: 'interactions', lines: 3 },
        { path: tmp.dir + '/lfm-trust.txt', role: 'social', lines: 5 },
      ],
      users: 3,
      items: 2,
      interactionsBySplit: { unsplit: 0, train: 3, test: 2 },
      duplicatesDropped: 1,
      trainTestOverlap: 1,
      selfLoopsDropped: 1,
      friendships: 2,
      groupBuys: 0,
      participations: 0,
      duplicateParticipantsDropped: 0,
    });
  });

  it('fills `at` from a timestamp column (seconds or ms), null when the cell is empty; keeps raw ids as written', async () => {
    const s = spec(
      { 'events.csv': 'userId,itemId,rating,timestamp\n007,a-1,5,1700000000\n8,b 2,3,1700000000123\n9,c,1,\n' },
      '--dataset', 'ts', '--interactions', 'events.csv',
    );
    const { rows, stats } = await readDataset(s);
    expect(rows.purchases.map((p) => [p.userId, p.itemId, p.at, p.split])).toEqual([
      ['u007', 'ia-1', 1_700_000_000_000, null],
      ['u8', 'ib 2', 1_700_000_000_123, null],
      ['u9', 'ic', null, null],
    ]);
    expect(stats.interactionsBySplit).toEqual({ unsplit: 3, train: 0, test: 0 });
  });
});

describe('readDataset: tsv with other file and header names', () => {
  it('reads interactions.tsv (userId, itemId) and friends.tsv by extension, and warns about header names it does not know', async () => {
    const warnings: unknown[] = [];
    const logger: Logger = { debug() {}, info() {}, error() {}, warn: (m, f) => warnings.push([m, f]) };
    const s = spec(
      { 'interactions.tsv': 'userId\titemId\tweight\nalice\tsword\t3\nbob\tshield\t1\n', 'friends.tsv': 'member\tbuddy\nbob\talice\ncarol\tbob\n' },
      '--dataset', 'tsv-set', '--interactions', 'interactions.tsv', '--social', 'friends.tsv',
    );
    const { rows, stats } = await readDataset(s, { logger });
    expect(rows.purchases.map((p) => `${p.userId}>${p.itemId}`)).toEqual(['ualice>isword', 'ubob>ishield']);
    expect(rows.friendships.map((f) => `${f.a}-${f.b}`)).toEqual(['ualice-ubob', 'ubob-ucarol']);
    expect(rows.users.map((u) => u.id)).toEqual(['ualice', 'ubob', 'ucarol']);
    expect(stats.friendships).toBe(2);
    expect(warnings).toEqual([[expect.stringMatching(/header names not recognised/), { path: tmp.dir + '/friends.tsv', header: ['member', 'buddy'] }]]);
  });
});

describe('readDataset: lines format', () => {
  it('reads `user item item ...`, keeps a user with no items, and counts a repeated item as a duplicate', async () => {
    const s = spec(
      { 'g-train.txt': '0 1 2 3\n1 3 3\n2\n', 'g-test.txt': '0 4\n1 1\n' },
      '--dataset', 'gw', '--train', 'g-train.txt', '--test', 'g-test.txt', '--format', 'lines',
    );
    const { rows, stats } = await readDataset(s);
    expect(rows.purchases.map((p) => `${p.id}:${p.userId}>${p.itemId}/${p.split}`)).toEqual([
      'pu1:u0>i1/train', 'pu2:u0>i2/train', 'pu3:u0>i3/train', 'pu4:u1>i3/train', 'pu5:u0>i4/test', 'pu6:u1>i1/test',
    ]);
    expect(rows.users.map((u) => u.id)).toEqual(['u0', 'u1', 'u2']);
    expect(rows.items.map((i) => i.id)).toEqual(['i1', 'i2', 'i3', 'i4']);
    expect(stats).toMatchObject({ users: 3, items: 4, interactionsBySplit: { unsplit: 0, train: 4, test: 2 }, duplicatesDropped: 1, trainTestOverlap: 0 });
  });

  it('reads a social adjacency list in lines format (via --social-format)', async () => {
    const s = spec({ 'adj.txt': '1 2 3\n2 1\n3 3\n' }, '--dataset', 'adj', '--social', 'adj.txt', '--social-format', 'lines');
    const { rows, stats } = await readDataset(s);
    expect(rows.friendships.map((f) => `${f.a}-${f.b}`)).toEqual(['u1-u2', 'u1-u3']);
    expect(stats.selfLoopsDropped).toBe(1);
  });
});

describe('readDataset: Beibei-like group buys', () => {
  it('makes one group buy per line with the file status, the initiator and participants as participations, nothing else', async () => {
    const s = spec(
      { 'bb-tune.txt': '5\t100\t6\n7\t101\t8\t9\t7\n', 'bb-invalid.txt': '5\t102\n' },
      '--dataset', 'bb', '--group-buys', 'bb-tune.txt:FILLED', '--group-buys', 'bb-invalid.txt:EXPIRED',
    );
    const { rows, stats } = await readDataset(s);
    const nulls = { groupPrice: null, targetSize: null, createdAt: null, deadline: null, closedAt: null };
    expect(rows.groupBuys).toEqual([
      { id: 'gb1', initiatorId: 'u5', itemId: 'i100', status: 'FILLED', ...nulls },
      { id: 'gb2', initiatorId: 'u7', itemId: 'i101', status: 'FILLED', ...nulls },
      { id: 'gb3', initiatorId: 'u5', itemId: 'i102', status: 'EXPIRED', ...nulls },
    ]);
    expect(rows.participations.map((p) => `${p.groupBuyId}:${p.userId}:${p.joinedAt}`)).toEqual([
      'gb1:u5:null', 'gb1:u6:null', 'gb2:u7:null', 'gb2:u8:null', 'gb2:u9:null', 'gb3:u5:null',
    ]);
    expect(rows.invitations).toEqual([]);
    expect(rows.friendships).toEqual([]);
    expect(rows.purchases).toEqual([]);
    expect(rows.users.map((u) => u.id)).toEqual(['u5', 'u6', 'u7', 'u8', 'u9']);
    expect(stats).toMatchObject({ groupBuys: 3, participations: 6, duplicateParticipantsDropped: 1, users: 5, items: 3 });
  });
});

describe('readDataset: validation', () => {
  it('checks every file, then throws one error naming each problem by file:line, and returns nothing', async () => {
    const s = spec(
      {
        'v-train.csv': 'user,item\n1,2\n\n3,4\n5,\n6,7,8\n',
        'v-test.csv': '10,20\n11,21\n',
        'v-trust.csv': 'user,friend\n,1\n',
        'v-gb.txt': '1\t2\n3\n',
      },
      '--dataset', 'v', '--train', 'v-train.csv', '--test', 'v-test.csv', '--social', 'v-trust.csv', '--group-buys', 'v-gb.txt:FILLED',
    );
    const err = await invalid(readDataset(s));
    const f = (n: string) => tmp.dir + '/' + n;
    expect(err.problems).toEqual([
      { file: f('v-train.csv'), line: 3, message: 'blank line in the middle of the file' },
      { file: f('v-train.csv'), line: 5, message: 'empty item id (column 2 "item")' },
      { file: f('v-train.csv'), line: 6, message: 'expected 2 fields like the header (user,item), got 3' },
      { file: f('v-test.csv'), line: 1, message: expect.stringMatching(/missing header.*expected a header line like "user,item"/) },
      { file: f('v-trust.csv'), line: 2, message: 'empty user id (column 1 "user")' },
      { file: f('v-gb.txt'), line: 2, message: 'expected at least 2 whitespace-separated fields (initiator item participant ...), got 1' },
    ]);
    expect(err.totalProblems).toBe(6);
    expect(err.message).toContain(`${f('v-train.csv')}:5: empty item id`);
    expect(err.message).toContain(`${f('v-gb.txt')}:2: expected at least 2`);
    expect(err.details).toEqual({ problems: err.problems, totalProblems: 6 });
  });

  it('lists at most maxProblems but counts them all', async () => {
    const s = spec({ 'many.csv': 'user,item\n' + '1\n'.repeat(30) + '2,3\n' }, '--dataset', 'many', '--interactions', 'many.csv');
    const err = await invalid(readDataset(s, { maxProblems: 5 }));
    expect(err.problems.map((p) => p.line)).toEqual([2, 3, 4, 5, 6]);
    expect(err.totalProblems).toBe(30);
    expect(err.message).toMatch(/30 problems \(first 5 shown\)/);
  });

  it('rejects a bad timestamp with its column name', async () => {
    const s = spec({ 'bad-ts.csv': 'user,item,time\n1,2,2024-01-01\n' }, '--dataset', 'badts', '--interactions', 'bad-ts.csv');
    const err = await invalid(readDataset(s));
    expect(err.problems).toEqual([{ file: tmp.dir + '/bad-ts.csv', line: 2, message: 'time: expected epoch seconds or milliseconds, got "2024-01-01"' }]);
  });

  it('is deterministic: the same files give the same rows and ids', async () => {
    const s = spec({ 'det.csv': 'user,item\n3,1\n2,1\n3,2\n' }, '--dataset', 'det', '--interactions', 'det.csv');
    expect(await readDataset(s)).toEqual(await readDataset(s));
  });
});
