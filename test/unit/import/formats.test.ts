import { join } from 'node:path';
import { readRecords, splitCsv, type FileFormat, type FrameOptions } from '../../../src/import/formats';
import { tempDir } from './tmp-files';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const PAIRS: FrameOptions = { expectedHeader: ['user', 'item'], minFields: 2 };

/** Reads one file and returns what the reader handed on and what it reported. */
async function read(content: string, format: FileFormat, opts: FrameOptions = PAIRS, name = `f-${Math.random().toString(36).slice(2)}`) {
  const path = tmp.write(name, content);
  const records: [number, string[]][] = [];
  const problems: [number | null, string][] = [];
  const headers: string[][] = [];
  const result = await readRecords(path, format, opts, (f, line) => records.push([line, f]), (line, m) => problems.push([line, m]), (h) => headers.push(h));
  return { records, problems, headers, result };
}

describe('readRecords: csv', () => {
  it('requires a header, hands on data lines with their line numbers, and tolerates CRLF, a BOM and trailing blank lines', async () => {
    const r = await read('\uFEFFuserId,itemId,ts\r\n1,10,5\r\n 2 , 20 ,\r\n\r\n\n', 'csv');
    expect(r.problems).toEqual([]);
    expect(r.headers).toEqual([['userId', 'itemId', 'ts']]);
    expect(r.records).toEqual([
      [2, ['1', '10', '5']],
      [3, ['2', '20', '']],
    ]);
    expect(r.result).toEqual({ lines: 5, header: ['userId', 'itemId', 'ts'] });
  });

  it('reports a missing header (first line looks like data), naming the expected header', async () => {
    const r = await read('646,703\n226,1991\n', 'csv');
    expect(r.problems).toEqual([[1, expect.stringMatching(/missing header: the first line looks like data \("646,703"\); expected a header line like "user,item"/)]]);
  });

  it('reports wrong column counts and blank lines in the middle, and keeps going', async () => {
    const r = await read('user,item\n1,2\n\n  \n3,4,5\n6\n7,8\n', 'csv');
    expect(r.problems).toEqual([
      [3, 'blank line in the middle of the file'],
      [4, 'blank line in the middle of the file'],
      [5, 'expected 2 fields like the header (user,item), got 3'],
      [6, 'expected 2 fields like the header (user,item), got 1'],
    ]);
    expect(r.records.map(([line]) => line)).toEqual([2, 7]);
  });

  it('points at --format tsv when a "csv" file is tab-separated', async () => {
    const r = await read('user\titem\n1\t2\n', 'csv');
    expect(r.problems[0]).toEqual([1, expect.stringMatching(/header has 1 column.*use --format tsv/)]);
    expect(r.records).toEqual([]);
  });

  it('does not take line 2 for the header when line 1 cannot be split', async () => {
    const r = await read('"user,item\n1,2\n', 'csv');
    expect(r.problems).toEqual([[1, 'unterminated quoted field']]);
    expect(r.headers).toEqual([]);
  });

  it('reports an empty file (or one with only blank lines) as a whole', async () => {
    expect((await read('', 'csv')).problems).toEqual([[null, 'the file is empty; expected a header line like "user,item"']]);
    expect((await read('\n\n', 'lines')).problems).toEqual([[null, 'the file is empty']]);
  });

  it('reports an unreadable file instead of throwing', async () => {
    const problems: [number | null, string][] = [];
    await readRecords(join(tmp.dir, 'missing.csv'), 'csv', PAIRS, () => {}, (l, m) => problems.push([l, m]));
    expect(problems[0]).toEqual([null, expect.stringMatching(/cannot read the file: ENOENT/)]);
  });
});

describe('splitCsv', () => {
  it('handles quoted fields with commas and doubled quotes, and trims', () => {
    expect(splitCsv('a, b ,c')).toEqual(['a', 'b', 'c']);
    expect(splitCsv('"a,1", "say ""hi""",')).toEqual(['a,1', 'say "hi"', '']);
    expect(splitCsv('"x"')).toEqual(['x']);
  });
  it('says why a line cannot be split', () => {
    expect(splitCsv('"a,b')).toBe('unterminated quoted field');
    expect(splitCsv('"a"b,c')).toMatch(/unexpected text after a quoted field/);
    expect(splitCsv('a"b,c')).toMatch(/a quote inside an unquoted field/);
  });
});

describe('readRecords: tsv', () => {
  it('splits on tabs only, so ids may contain spaces', async () => {
    const r = await read('userId\titemId\nann lee\t10\n', 'tsv');
    expect(r.problems).toEqual([]);
    expect(r.records).toEqual([[2, ['ann lee', '10']]]);
  });
  it('points at --format csv when a "tsv" file is comma-separated', async () => {
    expect((await read('user,item\n1,2\n', 'tsv')).problems[0]).toEqual([1, expect.stringMatching(/use --format csv/)]);
  });
});

describe('readRecords: lines', () => {
  it('splits on any whitespace, has no header, and allows a lone user when minFields is 1', async () => {
    const r = await read('0 1 2  3\n1\t4\n2\n', 'lines', { expectedHeader: ['user', 'item'], minFields: 1 });
    expect(r.problems).toEqual([]);
    expect(r.records).toEqual([
      [1, ['0', '1', '2', '3']],
      [2, ['1', '4']],
      [3, ['2']],
    ]);
    expect(r.result.header).toBeNull();
  });

  it('enforces minFields and refuses commas (a CSV file read as lines)', async () => {
    const r = await read('1\t2\n3\n\n4 5\nuser,item\n', 'lines', { expectedHeader: ['initiator', 'item'], minFields: 2 });
    expect(r.problems).toEqual([
      [2, 'expected at least 2 whitespace-separated fields (initiator item ...), got 1'],
      [3, 'blank line in the middle of the file'],
      [5, expect.stringMatching(/contains a comma.*--format csv/)],
    ]);
  });
});
