import { readRecords, type FrameResult } from './formats';
import type { ProblemLog } from './errors';
import type { GroupBuyFile, ImportFile, ImportedGroupBuyStatus } from './spec';

/**
 * What each file means (interactions, social, group buys) on top of its format's framing:
 * which columns are ids, the optional timestamp column, empty ids. Output is the raw ids
 * exactly as read (no prefixes, no dedupe): map-rows.ts decides what becomes a row.
 */

export type Split = 'train' | 'test' | null;
export type PairRole = 'interactions' | 'social';

/**
 * A parsed interactions or social file, in file order. Pair k is (left[k], right[k]) with
 * time at[k] (epoch ms, null when the file has no time column or the cell is empty);
 * right[k] null means a `lines` row with a user and nothing after it (a user with no
 * interactions, or no friends). Parallel arrays rather than one object per pair: Gowalla
 * is ~1M pairs.
 */
export interface ParsedPairs {
  role: PairRole;
  split: Split;
  file: string;
  left: string[];
  right: (string | null)[];
  at: (number | null)[];
}

/** A parsed group-buy file: each entry is [initiator, item, ...participants], raw ids. */
export interface ParsedGroupBuys {
  file: string;
  status: ImportedGroupBuyStatus;
  entries: string[][];
}

export interface FileReport {
  path: string;
  role: PairRole | 'groupBuys';
  lines: number;
  header: string[] | null;
}

const EXPECTED_HEADER: Record<PairRole, readonly string[]> = { interactions: ['user', 'item'], social: ['user', 'friend'] };

/** Header names of the optional time column of an interactions file (compared lowercase). */
const TIME_COLUMNS = new Set(['timestamp', 'time', 'ts']);

/**
 * Header names we recognise for the first two columns (lowercase, '_' and '-' removed).
 * Anything else non-numeric is still accepted as a header (other datasets name columns
 * their own way); `unrecognisedHeader` lets the caller warn about it.
 */
const KNOWN_NAMES: Record<PairRole, readonly [ReadonlySet<string>, ReadonlySet<string>]> = {
  interactions: [new Set(['user', 'userid', 'uid', 'u']), new Set(['item', 'itemid', 'iid', 'i', 'artist', 'artistid'])],
  social: [new Set(['user', 'userid', 'uid', 'u', 'source', 'src']), new Set(['friend', 'friendid', 'user', 'userid', 'target', 'dst', 'v'])],
};

/** True when a csv/tsv header's first two names are not ones we know (the import still proceeds). */
export function unrecognisedHeader(role: PairRole, header: readonly string[]): boolean {
  const norm = (s: string) => s.toLowerCase().replace(/[_-]/g, '');
  const [first, second] = KNOWN_NAMES[role];
  return !first.has(norm(header[0] ?? '')) || !second.has(norm(header[1] ?? ''));
}

/**
 * Reads an interactions (train/test/unsplit) or social file. csv/tsv: column 1 is the user,
 * column 2 the item (or friend), extra columns are allowed; for interactions a column named
 * timestamp/time/ts fills `at`. lines: `user other other ...`, a user alone is allowed.
 * Problems go to `problems`; once there is any, records are checked but not kept.
 */
export async function readPairFile(
  file: ImportFile,
  role: PairRole,
  split: Split,
  problems: ProblemLog,
): Promise<{ parsed: ParsedPairs; report: FileReport }> {
  const parsed: ParsedPairs = { role, split, file: file.path, left: [], right: [], at: [] };
  const report = (line: number | null, message: string) => problems.add(file.path, line, message);
  const names = EXPECTED_HEADER[role];
  let header: string[] = [...names];
  let timeCol = -1;

  const onHeader = (h: string[]) => {
    header = h;
    if (role === 'interactions') timeCol = h.findIndex((n, k) => k >= 2 && TIME_COLUMNS.has(n.toLowerCase()));
  };
  const onRecord = (f: string[], line: number) => {
    const user = f[0]!;
    if (user === '') return report(line, `empty ${names[0]} id (column 1${colName(header, 0)})`);
    if (file.format === 'lines') {
      if (problems.count > 0) return;
      if (f.length === 1) {
        parsed.left.push(user);
        parsed.right.push(null);
        parsed.at.push(null);
      }
      for (let k = 1; k < f.length; k++) {
        parsed.left.push(user);
        parsed.right.push(f[k]!);
        parsed.at.push(null);
      }
      return;
    }
    const other = f[1]!;
    if (other === '') return report(line, `empty ${names[1]} id (column 2${colName(header, 1)})`);
    let at: number | null = null;
    if (timeCol >= 0) {
      const t = parseTimestamp(f[timeCol]!);
      if (typeof t === 'string') return report(line, `${header[timeCol]}: ${t}`);
      at = t;
    }
    if (problems.count > 0) return;
    parsed.left.push(user);
    parsed.right.push(other);
    parsed.at.push(at);
  };

  const framed: FrameResult = await readRecords(file.path, file.format, { expectedHeader: names, minFields: file.format === 'lines' ? 1 : 2 }, onRecord, report, onHeader);
  return { parsed, report: { path: file.path, role, lines: framed.lines, header: framed.header } };
}

/**
 * Reads a group-buy file: `initiator item [participant ...]` per line, whitespace-separated
 * (tabs in Beibei), no header; fewer than 2 fields is a problem.
 */
export async function readGroupBuyFile(file: GroupBuyFile, problems: ProblemLog): Promise<{ parsed: ParsedGroupBuys; report: FileReport }> {
  const parsed: ParsedGroupBuys = { file: file.path, status: file.status, entries: [] };
  const report = (line: number | null, message: string) => problems.add(file.path, line, message);
  const onRecord = (f: string[]) => {
    if (problems.count === 0) parsed.entries.push(f);
  };
  const framed = await readRecords(file.path, 'lines', { expectedHeader: ['initiator', 'item', 'participant'], minFields: 2 }, onRecord, report);
  return { parsed, report: { path: file.path, role: 'groupBuys', lines: framed.lines, header: null } };
}

function colName(header: readonly string[], k: number): string {
  return header[k] ? ` ${JSON.stringify(header[k])}` : '';
}

/**
 * Epoch seconds or milliseconds -> epoch ms; '' -> null (unknown); anything else -> why not.
 * The unit is decided per value: below 1e11 it is seconds (1e11 s is the year 5138, 1e11 ms
 * is March 1973), so milliseconds before 1973 would be misread; no dataset we know has any.
 */
export function parseTimestamp(cell: string): number | null | string {
  if (cell === '') return null;
  if (!/^\d+(\.\d+)?$/.test(cell)) return `expected epoch seconds or milliseconds, got ${JSON.stringify(cell)}`;
  const v = Number(cell);
  return Math.round(v < 1e11 ? v * 1000 : v);
}
