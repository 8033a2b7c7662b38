import fs from 'node:fs';
import { csrFromPairs, type Csr } from './interactions';

/**
 * A small direct reader for published splits whose ids already are 0-based integers
 * (the lastfm and gowalla folders of /work/shared/datasets, and anything in the same
 * shape). The project importer (src/import) maps arbitrary string ids to graph rows for
 * Neo4j; the evaluator only needs dense integer pairs, so this reads them straight into
 * typed arrays and keeps the ids as indices (index = id), which is what the published
 * tables were computed on.
 *
 * Formats:
 * - `csv`: a header line (ignored apart from being required), then `user,item[,...]`.
 * - `lines`: no header; `user item item ...` separated by spaces or tabs (LightGCN's
 *   train.txt/test.txt). A user alone on a line has no items.
 */
export type SplitFormat = 'csv' | 'lines';

export interface PairFile {
  path: string;
  format: SplitFormat;
}

/** Parallel arrays of pairs, in file order; `maxUser`/`maxItem` are -1 when the file has no pairs. */
export interface Pairs {
  users: Int32Array;
  items: Int32Array;
  maxUser: number;
  maxItem: number;
}

/** Growable Int32Array (amortised doubling) so a 1M-pair file never becomes a JS number[]. */
class IntBuffer {
  private data = new Int32Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  toArray(): Int32Array {
    return this.data.slice(0, this.length);
  }
}

function parseId(field: string, where: string): number {
  // Digits only: "1e3", "-1", "0x10", "" must not pass as ids.
  if (!/^\d{1,10}$/.test(field)) throw new SyntaxError(`${where}: expected a non-negative integer id, got ${JSON.stringify(field)}`);
  const v = Number(field);
  if (v > 0x7ffffffe) throw new RangeError(`${where}: id ${field} does not fit an Int32 index`);
  return v;
}

/** Parses file text in one of the formats above. Throws SyntaxError naming `name:line` on the first bad line. */
export function parsePairs(text: string, format: SplitFormat, name = '<text>'): Pairs {
  const users = new IntBuffer();
  const items = new IntBuffer();
  let maxUser = -1;
  let maxItem = -1;
  const lines = text.split(/\r?\n/);
  let last = lines.length;
  while (last > 0 && lines[last - 1].trim() === '') last--;
  const first = format === 'csv' ? 1 : 0;
  if (format === 'csv') {
    const header = (lines[0] ?? '').trim();
    if (header === '' || /^\d/.test(header)) throw new SyntaxError(`${name}:1: csv needs a header line (e.g. "user,item"), got ${JSON.stringify(header)}`);
  }
  for (let ln = first; ln < last; ln++) {
    const where = `${name}:${ln + 1}`;
    const line = lines[ln].trim();
    if (line === '') throw new SyntaxError(`${where}: blank line inside the file`);
    if (format === 'csv') {
      const fields = line.split(',');
      if (fields.length < 2) throw new SyntaxError(`${where}: expected "user,item", got ${JSON.stringify(line)}`);
      const u = parseId(fields[0].trim(), where);
      const i = parseId(fields[1].trim(), where);
      users.push(u);
      items.push(i);
      if (u > maxUser) maxUser = u;
      if (i > maxItem) maxItem = i;
    } else {
      const fields = line.split(/[ \t]+/);
      const u = parseId(fields[0], where);
      if (u > maxUser) maxUser = u;
      for (let f = 1; f < fields.length; f++) {
        const i = parseId(fields[f], where);
        users.push(u);
        items.push(i);
        if (i > maxItem) maxItem = i;
      }
    }
  }
  return { users: users.toArray(), items: items.toArray(), maxUser, maxItem };
}

export function readPairs(file: PairFile): Pairs {
  return parsePairs(fs.readFileSync(file.path, 'utf8'), file.format, file.path);
}

export interface SplitSpec {
  train: PairFile;
  test: PairFile;
  /** Friendships, either or both directions; stored symmetric, self-loops dropped. */
  social?: PairFile;
  /** Defaults to max user id seen anywhere + 1. Give it when trailing users have no pairs. */
  numUsers?: number;
  /** Defaults to max item id seen in train or test + 1. */
  numItems?: number;
}

export interface Split {
  train: Csr;
  test: Csr;
  /** [numUsers x numUsers] symmetric friendship CSR, when `social` was given. */
  social?: Csr;
}

/** Reads a train/test(/social) split into CSRs sharing one index space. */
export function readSplit(spec: SplitSpec): Split {
  const train = readPairs(spec.train);
  const test = readPairs(spec.test);
  const social = spec.social ? readPairs(spec.social) : undefined;
  const seenUsers = Math.max(train.maxUser, test.maxUser, social ? Math.max(social.maxUser, social.maxItem) : -1) + 1;
  const seenItems = Math.max(train.maxItem, test.maxItem) + 1;
  const numUsers = spec.numUsers ?? seenUsers;
  const numItems = spec.numItems ?? seenItems;
  if (numUsers < seenUsers) throw new RangeError(`numUsers ${numUsers} is smaller than the largest user id + 1 in the files (${seenUsers})`);
  if (numItems < seenItems) throw new RangeError(`numItems ${numItems} is smaller than the largest item id + 1 in the files (${seenItems})`);
  const out: Split = {
    train: csrFromPairs(numUsers, numItems, train.users, train.items),
    test: csrFromPairs(numUsers, numItems, test.users, test.items),
  };
  if (social) out.social = symmetricGraph(numUsers, social.users, social.items);
  return out;
}

/** Undirected graph over users from pairs in either or both directions; self-loops dropped. */
export function symmetricGraph(numUsers: number, a: Int32Array, b: Int32Array): Csr {
  let n = 0;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) n++;
  const src = new Int32Array(2 * n);
  const dst = new Int32Array(2 * n);
  n = 0;
  for (let k = 0; k < a.length; k++) {
    if (a[k] === b[k]) continue;
    src[n] = a[k];
    dst[n++] = b[k];
    src[n] = b[k];
    dst[n++] = a[k];
  }
  return csrFromPairs(numUsers, numUsers, src, dst);
}
