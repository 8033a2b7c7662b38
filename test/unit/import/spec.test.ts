import { parseImportArgs, formatFromExtension } from '../../../src/import/spec';
import { badInput } from '../../support/errors';
import { tempDir } from './tmp-files';

// Files "exist" when listed here; the cwd is fixed, so paths resolve the same everywhere.
const present = new Set(['/data/train.txt', '/data/test.txt', '/data/trust.txt', '/data/i.csv', '/data/f.tsv', '/data/tune.txt', '/data/invalid.txt', '/data/a:b.txt']);
const parse = (...argv: string[]) => parseImportArgs(argv, { cwd: '/data', isFile: (p) => present.has(p) });

describe('parseImportArgs', () => {
  it('parses the Last.fm shape: published split + social, one --format for all', () => {
    expect(parse('--dataset', 'lastfm', '--train', 'train.txt', '--test', 'test.txt', '--social', 'trust.txt', '--format', 'csv')).toEqual({
      dataset: 'lastfm',
      interactions: null,
      train: { path: '/data/train.txt', format: 'csv' },
      test: { path: '/data/test.txt', format: 'csv' },
      social: { path: '/data/trust.txt', format: 'csv' },
      groupBuys: [],
    });
  });

  it('infers csv/tsv from the extension, and --social-format overrides --format for --social', () => {
    const byExt = parse('--dataset=d', '--interactions=i.csv', '--social', 'f.tsv');
    expect(byExt.interactions).toEqual({ path: '/data/i.csv', format: 'csv' });
    expect(byExt.social).toEqual({ path: '/data/f.tsv', format: 'tsv' });
    const mixed = parse('--dataset', 'd', '--train', 'train.txt', '--social', 'trust.txt', '--format', 'lines', '--social-format', 'csv');
    expect(mixed.train?.format).toBe('lines');
    expect(mixed.social?.format).toBe('csv');
  });

  it('takes group buys as repeated flags or several values, in order, splitting FILE:STATUS at the last colon', () => {
    const spec = parse('--dataset', 'beibei', '--group-buys', 'tune.txt:FILLED', 'test.txt:FILLED', '--group-buys=invalid.txt:EXPIRED', '--group-buys', 'a:b.txt:EXPIRED');
    expect(spec.groupBuys).toEqual([
      { path: '/data/tune.txt', status: 'FILLED' },
      { path: '/data/test.txt', status: 'FILLED' },
      { path: '/data/invalid.txt', status: 'EXPIRED' },
      { path: '/data/a:b.txt', status: 'EXPIRED' },
    ]);
  });

  it('rejects unknown flags, stray values and missing values', () => {
    expect(badInput(() => parse('--dataset', 'd', '--train', 'train.txt', '--fromat', 'csv')).message).toMatch(/unknown flag "--fromat"/);
    expect(badInput(() => parse('--dataset', 'd', 'train.txt')).message).toMatch(/unexpected argument "train.txt"/);
    expect(badInput(() => parse('--dataset', 'd', '--train', '--format', 'csv')).message).toMatch(/--train needs a value/);
    expect(badInput(() => parse('--dataset', 'd', '--group-buys')).message).toMatch(/--group-buys needs a value/);
    expect(badInput(() => parse('--dataset', 'd', '--train', 'train.txt', '--train', 'test.txt', '--format', 'csv')).message).toMatch(/--train given twice/);
  });

  it('requires --dataset and checks its name, echoing the value', () => {
    expect(badInput(() => parse('--train', 'train.txt', '--format', 'csv')).message).toMatch(/--dataset is required/);
    for (const bad of ['LastFM', '1lastfm', 'last fm', 'a'.repeat(33), 'lastfm!']) {
      expect(badInput(() => parse('--dataset', bad, '--train', 'train.txt', '--format', 'csv')).message).toContain(JSON.stringify(bad));
    }
    expect(parse('--dataset', 'a'.repeat(32), '--train', 'train.txt', '--format', 'csv').dataset).toBe('a'.repeat(32));
  });

  it('rejects a missing file, a file given twice, a bad format and a bad STATUS', () => {
    expect(badInput(() => parse('--dataset', 'd', '--train', 'nope.txt', '--format', 'csv')).message).toMatch(/--train: file not found.*"nope.txt"/);
    expect(badInput(() => parse('--dataset', 'd', '--train', 'train.txt', '--test', 'train.txt', '--format', 'csv')).message).toMatch(/already given as --train/);
    expect(badInput(() => parse('--dataset', 'd', '--train', 'train.txt', '--format', 'json')).message).toMatch(/--format must be one of csv\|tsv\|lines, got "json"/);
    expect(badInput(() => parse('--dataset', 'd', '--group-buys', 'tune.txt:DONE')).message).toMatch(/STATUS must be one of FILLED\|EXPIRED, got "DONE"/);
    expect(badInput(() => parse('--dataset', 'd', '--group-buys', 'tune.txt')).message).toMatch(/expects FILE:STATUS/);
    expect(badInput(() => parse('--dataset', 'd', '--group-buys', 'nope.txt:FILLED')).message).toMatch(/file not found/);
  });

  it('rejects unsplit interactions mixed with a split, a format it cannot infer, and an empty import', () => {
    expect(badInput(() => parse('--dataset', 'd', '--interactions', 'i.csv', '--train', 'train.txt', '--format', 'csv')).message).toMatch(/cannot be combined/);
    expect(badInput(() => parse('--dataset', 'd', '--train', 'train.txt')).message).toMatch(/cannot tell the format of "train.txt".*--format/);
    expect(badInput(() => parse('--dataset', 'd', '--interactions', 'i.csv', '--social', 'trust.txt')).message).toMatch(/--social-format/);
    expect(badInput(() => parse('--dataset', 'd', '--train', 'train.txt', '--format', 'csv', '--social-format', 'csv')).message).toMatch(/without --social/);
    expect(badInput(() => parse('--dataset', 'd', '--format', 'csv')).message).toMatch(/nothing to import/);
  });

  it('checks files on disk by default (a directory is not a file)', () => {
    const tmp = tempDir();
    try {
      tmp.write('train.csv', 'user,item\n1,2\n');
      expect(parseImportArgs(['--dataset', 'd', '--train', 'train.csv'], { cwd: tmp.dir }).train?.format).toBe('csv');
      expect(() => parseImportArgs(['--dataset', 'd', '--train', '.', '--format', 'csv'], { cwd: tmp.dir })).toThrow(/not a regular file/);
    } finally {
      tmp.cleanup();
    }
  });
});

describe('formatFromExtension', () => {
  it('knows .csv and .tsv/.tab, case-insensitively, and nothing else', () => {
    expect(formatFromExtension('/x/a.CSV')).toBe('csv');
    expect(formatFromExtension('/x/a.tab')).toBe('tsv');
    expect(formatFromExtension('/x/a.txt')).toBeNull();
  });
});
