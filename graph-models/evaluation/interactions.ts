/**
 * The data contract between the evaluator, the baselines and the models: interaction sets
 * as CSR (compressed sparse rows) over dense indices.
 *
 * Users are 0..numUsers-1 and items 0..numItems-1. Row u of a `Csr` is
 * `items[offsets[u] .. offsets[u+1])`: sorted ascending, no duplicates. A social graph is
 * the same shape with users on both sides (`numItems === numUsers`), one row per direction.
 *
 *   offsets: Int32Array [numUsers + 1]   offsets[0] = 0, non-decreasing, offsets[U] = nnz
 *   items:   Int32Array [nnz]
 *
 * Nothing here allocates per interaction beyond the typed arrays, so a 1M-edge split costs
 * ~8 MB.
 */
export interface Csr {
  readonly numUsers: number;
  readonly numItems: number;
  /** [numUsers + 1] row starts into `items`. */
  readonly offsets: Int32Array;
  /** [nnz] column indices, ascending within a row, unique within a row. */
  readonly items: Int32Array;
}

function checkCount(name: string, n: number): void {
  if (!Number.isSafeInteger(n) || n < 0 || n > 0x7fffffff) throw new RangeError(`${name} must be an integer in [0, 2^31), got ${String(n)}`);
}

/**
 * Builds a CSR from parallel (user, item) arrays in any order. Duplicated pairs are kept
 * once. Throws a RangeError echoing the first pair whose index is out of range. O(nnz + U)
 * plus a per-row sort (rows are usually short).
 */
export function csrFromPairs(numUsers: number, numItems: number, users: Int32Array, items: Int32Array): Csr {
  checkCount('numUsers', numUsers);
  checkCount('numItems', numItems);
  if (users.length !== items.length) throw new RangeError(`users and items must have the same length, got ${users.length} and ${items.length}`);
  const counts = new Int32Array(numUsers + 1);
  for (let k = 0; k < users.length; k++) {
    const u = users[k];
    const i = items[k];
    if (!(u >= 0 && u < numUsers) || !(i >= 0 && i < numItems)) {
      throw new RangeError(`pair #${k} (user ${u}, item ${i}) is outside ${numUsers} users x ${numItems} items`);
    }
    counts[u + 1]++;
  }
  for (let u = 0; u < numUsers; u++) counts[u + 1] += counts[u];
  const cursor = counts.slice(0, numUsers);
  const raw = new Int32Array(users.length);
  for (let k = 0; k < users.length; k++) raw[cursor[users[k]]++] = items[k];

  // Sort each row, then squeeze duplicates out in one forward pass.
  const offsets = new Int32Array(numUsers + 1);
  let write = 0;
  for (let u = 0; u < numUsers; u++) {
    const row = raw.subarray(counts[u], counts[u + 1]);
    row.sort();
    offsets[u] = write;
    for (let k = 0; k < row.length; k++) {
      if (k === 0 || row[k] !== row[k - 1]) raw[write++] = row[k];
    }
  }
  offsets[numUsers] = write;
  return { numUsers, numItems, offsets, items: write === raw.length ? raw : raw.slice(0, write) };
}

/** Number of stored pairs. */
export function nnz(m: Csr): number {
  return m.offsets[m.numUsers];
}

/** Row u as a view (no copy). */
export function row(m: Csr, u: number): Int32Array {
  return m.items.subarray(m.offsets[u], m.offsets[u + 1]);
}

/** Row length of u. */
export function degree(m: Csr, u: number): number {
  return m.offsets[u + 1] - m.offsets[u];
}

/** [numItems] how many rows contain each item (train popularity when `m` is the train split). */
export function itemCounts(m: Csr): Int32Array {
  const c = new Int32Array(m.numItems);
  const { items } = m;
  for (let k = 0; k < items.length; k++) c[items[k]]++;
  return c;
}

/** The item-major view: rows are items, columns users. Rows come out sorted because users are visited in order. */
export function transpose(m: Csr): Csr {
  const offsets = new Int32Array(m.numItems + 1);
  const { items } = m;
  for (let k = 0; k < items.length; k++) offsets[items[k] + 1]++;
  for (let i = 0; i < m.numItems; i++) offsets[i + 1] += offsets[i];
  const cursor = offsets.slice(0, m.numItems);
  const users = new Int32Array(items.length);
  for (let u = 0; u < m.numUsers; u++) {
    for (let k = m.offsets[u]; k < m.offsets[u + 1]; k++) users[cursor[items[k]]++] = u;
  }
  return { numUsers: m.numItems, numItems: m.numUsers, offsets, items: users };
}

/** Users with at least one stored item, ascending. */
export function nonEmptyRows(m: Csr): Int32Array {
  let n = 0;
  for (let u = 0; u < m.numUsers; u++) if (m.offsets[u + 1] > m.offsets[u]) n++;
  const out = new Int32Array(n);
  n = 0;
  for (let u = 0; u < m.numUsers; u++) if (m.offsets[u + 1] > m.offsets[u]) out[n++] = u;
  return out;
}

/**
 * Users whose train row has at most `maxTrainItems` items (0 = no history at all): the
 * cold-start slice to pass as `evaluateRanking({ subset })`.
 */
export function coldStartUsers(train: Csr, maxTrainItems: number): Int32Array {
  const out: number[] = [];
  for (let u = 0; u < train.numUsers; u++) if (degree(train, u) <= maxTrainItems) out.push(u);
  return Int32Array.from(out);
}

/** Throws unless `m` satisfies the contract above (bounds, monotone offsets, sorted unique rows). */
export function assertCsr(m: Csr, name = 'csr'): void {
  const { offsets, items, numUsers, numItems } = m;
  checkCount(`${name}.numUsers`, numUsers);
  checkCount(`${name}.numItems`, numItems);
  if (offsets.length !== numUsers + 1) throw new RangeError(`${name}.offsets must have numUsers + 1 = ${numUsers + 1} entries, got ${offsets.length}`);
  if (offsets[0] !== 0 || offsets[numUsers] !== items.length) {
    throw new RangeError(`${name}.offsets must start at 0 and end at items.length = ${items.length}, got ${offsets[0]}..${offsets[numUsers]}`);
  }
  for (let u = 0; u < numUsers; u++) {
    const a = offsets[u];
    const b = offsets[u + 1];
    if (b < a) throw new RangeError(`${name}.offsets decrease at user ${u} (${a} > ${b})`);
    for (let k = a; k < b; k++) {
      const i = items[k];
      if (!(i >= 0 && i < numItems)) throw new RangeError(`${name}: user ${u} has item ${i}, outside 0..${numItems - 1}`);
      if (k > a && i <= items[k - 1]) throw new RangeError(`${name}: row of user ${u} is not strictly ascending at item ${i}`);
    }
  }
}

/**
 * Per-item counts over a sparse set of items, reusable without reallocation: `add` counts
 * one, `flush` visits each counted item once with its count and leaves the tally empty.
 */
export class ItemTally {
  private readonly count: Int32Array;
  private readonly touched: number[] = [];

  constructor(numItems: number) {
    this.count = new Int32Array(numItems);
  }

  add(item: number): void {
    if (this.count[item] === 0) this.touched.push(item);
    this.count[item]!++;
  }

  flush(visit: (item: number, count: number) => void): void {
    for (const j of this.touched) {
      visit(j, this.count[j]!);
      this.count[j] = 0;
    }
    this.touched.length = 0;
  }
}

/**
 * For a user u, the items u's friends have in `train`, each with how many friends have it:
 * the count behind the social baseline and, without purchase times, the social lift
 * (social-blend.ts has the timed count). `social` is the [numUsers x numUsers] friendship
 * Csr. The returned function reuses one tally, so calling it per user allocates nothing.
 */
export function friendsWhoBought(train: Csr, social: Csr): (u: number, visit: (item: number, friends: number) => void) => void {
  const tally = new ItemTally(train.numItems);
  return (u, visit) => {
    for (let e = social.offsets[u]!; e < social.offsets[u + 1]!; e++) {
      const f = social.items[e]!;
      for (let a = train.offsets[f]!; a < train.offsets[f + 1]!; a++) tally.add(train.items[a]!);
    }
    tally.flush(visit);
  };
}
