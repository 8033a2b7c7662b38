import fs from 'node:fs';
import path from 'node:path';
import { ErrorCode } from '../../errors/codes';
import { GiftgraphError } from '../../errors/errors';
import { danglingReference, LABEL, NODE_ORDER, NODE_PROPS, nodeParams, relationshipGroups } from '../graph-shape';
import type { GraphRows } from '../rows';

/**
 * A dataset's rows as the CSV files of Neo4j's offline importer (`neo4j-admin database
 * import full`), one file per node label and per relationship group, each with its own
 * typed header (https://neo4j.com/docs/operations-manual/5/tools/neo4j-admin/neo4j-admin-import/).
 *
 * The files hold exactly what the transactional loader writes (graph-shape.ts), so both
 * paths give the same graph (the bulk-seed test compares their fingerprints):
 * - every node carries `dataset`, `importRun` and `id` (the id is also its `:ID` in the
 *   label's own id space, so relationships name endpoints by local id, as rows do);
 * - numbers are `double`: the driver sends JavaScript numbers as floats, so that is what
 *   the loader stores too; booleans `boolean`; everything else a quoted string;
 * - null is an empty unquoted field, which the importer leaves unset, as CREATE does.
 * References are checked here, before anything is written: a relationship naming a
 * missing node is IMPORT_INVALID, as it is for the loader.
 */

export interface ImportFiles {
  /** `[label, file]` per node file. */
  nodes: [string, string][];
  /** `[type, file]` per relationship file (one type may have several: OF_ITEM from gifts, impressions, clicks). */
  relationships: [string, string][];
  nodeCount: number;
  relationshipCount: number;
  /** Whether a quoted field spans lines: the importer must then read each file on one
   * thread (`--multiline-fields`), so it is asked to only when one does. */
  multilineFields: boolean;
}

type ColumnType = 'double' | 'boolean' | 'string';

/** Rows buffered per write: large enough that syscalls do not matter, small enough to stay a few MB. */
const LINES_PER_WRITE = 20_000;

export function writeImportFiles(rows: GraphRows, o: { dir: string; dataset: string; importRun: string }): ImportFiles {
  fs.mkdirSync(o.dir, { recursive: true });
  const out: ImportFiles = { nodes: [], relationships: [], nodeCount: 0, relationshipCount: 0, multilineFields: false };
  const quote = quoter(() => {
    out.multilineFields = true;
  });
  const ids = new Map<string, Set<string>>();
  for (const kind of NODE_ORDER) {
    const label = LABEL[kind];
    const params = (rows[kind] as unknown[]).map((r) => nodeParams(kind, r));
    const known = new Set<string>();
    ids.set(label, known);
    for (const p of params) known.add(String(p.id));
    const props = typedColumns(params, NODE_PROPS[kind], `${kind}`);
    const header = [`id:ID(${label})`, 'dataset', 'importRun', ...props.map(([name, type]) => columnHeader(name, type))].join(',');
    const constant = `${quote(o.dataset)},${quote(o.importRun)}`;
    const file = path.join(o.dir, `nodes-${label}.csv`);
    writeCsv(file, header, params, (p) => {
      let line = `${quote(String(p.id))},${constant}`;
      for (const [name, type] of props) line += `,${field(p[name], type, quote)}`;
      return line;
    });
    out.nodes.push([label, file]);
    out.nodeCount += params.length;
  }
  let group = 0;
  for (const g of relationshipGroups(rows)) {
    if (g.rels.length === 0) continue;
    // One spec, one pair of labels: its endpoints are checked against two id sets.
    const [fromLabel, toLabel] = [g.rels[0]!.from[0], g.rels[0]!.to[0]];
    const fromIds = ids.get(fromLabel);
    const toIds = ids.get(toLabel);
    for (const r of g.rels) {
      const bad = !fromIds?.has(r.from[1]) ? r.from : !toIds?.has(r.to[1]) ? r.to : null;
      if (bad) throw danglingReference(g.kind, bad[0], bad[1]);
    }
    // A plain loop: flatMap over every relationship's keys took ~3 s of garbage at 100k users.
    const nameSet = new Set<string>();
    for (const r of g.rels) for (const name in r.props) nameSet.add(name);
    const names = [...nameSet];
    const props = typedColumns(g.rels.map((r) => r.props), names, `${g.kind} ${g.type}`);
    const header = [`:START_ID(${fromLabel})`, `:END_ID(${toLabel})`, ...props.map(([name, type]) => columnHeader(name, type))].join(',');
    const file = path.join(o.dir, `rels-${String(group++).padStart(2, '0')}-${g.type}.csv`);
    writeCsv(file, header, g.rels, (r) => {
      let line = `${quote(r.from[1])},${quote(r.to[1])}`;
      for (const [name, type] of props) line += `,${field(r.props[name], type, quote)}`;
      return line;
    });
    out.relationships.push([g.type, file]);
    out.relationshipCount += g.rels.length;
  }
  return out;
}

/**
 * The type of each named column from its non-null values; columns with no value at all
 * are left out (every entry would be unset). Mixed types are a bug in the rows, not data
 * to guess about.
 */
function typedColumns(records: readonly Record<string, unknown>[], names: readonly string[], what: string): [string, ColumnType][] {
  const out: [string, ColumnType][] = [];
  for (const name of names) {
    let type: ColumnType | null = null;
    for (const r of records) {
      const v = r[name];
      if (v === null || v === undefined) continue;
      const t: ColumnType = typeof v === 'number' ? 'double' : typeof v === 'boolean' ? 'boolean' : typeof v === 'string' ? 'string' : fail(`${what}.${name} holds a ${Array.isArray(v) ? 'list' : typeof v}, which the import files do not carry`);
      if (type !== null && type !== t) fail(`${what}.${name} mixes ${type} and ${t} values`);
      type = t;
    }
    if (type !== null) out.push([name, type]);
  }
  return out;
}

const fail = (message: string): never => {
  throw new GiftgraphError(ErrorCode.IMPORT_INVALID, message, {});
};

const columnHeader = (name: string, type: ColumnType) => (type === 'string' ? name : `${name}:${type}`);

/**
 * Quotes a string field, inner quotes doubled (RFC 4180), and reports a field that spans
 * lines (the importer reads those only with --multiline-fields).
 */
function quoter(onMultiline: () => void): (s: string) => string {
  return (s) => {
    if (s.includes('\n') || s.includes('\r')) onMultiline();
    return s.includes('"') ? `"${s.replace(/"/g, '""')}"` : `"${s}"`;
  };
}

function field(v: unknown, type: ColumnType, quote: (s: string) => string): string {
  if (v === null || v === undefined) return '';
  if (type === 'string') return quote(String(v));
  if (type === 'double' && !Number.isFinite(v as number)) fail(`a number column holds ${String(v)}`);
  return String(v);
}

function writeCsv<T>(file: string, header: string, records: readonly T[], line: (r: T) => string): void {
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeSync(fd, header + '\n');
    for (let i = 0; i < records.length; i += LINES_PER_WRITE) {
      let chunk = '';
      for (let k = i; k < Math.min(records.length, i + LINES_PER_WRITE); k++) chunk += line(records[k]!) + '\n';
      fs.writeSync(fd, chunk);
    }
  } finally {
    fs.closeSync(fd);
  }
}
