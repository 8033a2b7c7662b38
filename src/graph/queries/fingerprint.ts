import { createHash } from 'node:crypto';
import type { GraphClient } from '../graph-client';
import { defineQuery, type QueryDef } from './query';
import { STAT_LABELS, STAT_RELS } from './stats';

/** Properties that name the load (or a model's output) rather than the data; left out of the fingerprint. */
const VOLATILE = new Set(['dataset', 'importRun', 'embedding', 'embeddingVersion', 'embeddingSeq']);

const nodeQuery = (label: string): QueryDef =>
  defineQuery(`fingerprintNodes${label}`, `MATCH (n:${label} {dataset: $ds}) RETURN n.id AS id, properties(n) AS p`, { ds: 'demo' });
const relQuery = (from: string, type: string): QueryDef =>
  defineQuery(
    `fingerprintRels${from}${type}`,
    `MATCH (a:${from} {dataset: $ds})-[r:${type}]->(b) RETURN a.id AS a, labels(b)[0] AS bl, b.id AS b, properties(r) AS p`,
    { ds: 'demo' },
  );
const NODE_QUERIES = STAT_LABELS.map((l) => [l, nodeQuery(l)] as const);
const REL_QUERIES = STAT_RELS.map(([f, t]) => [t, relQuery(f, t)] as const);
const EXTRA_RELS = [['SOLD_BY', relQuery('Item', 'SOLD_BY')], ['OF_ITEM', relQuery('Gift', 'OF_ITEM')], ['FOR_ITEM', relQuery('GroupBuy', 'FOR_ITEM')]] as const;

/**
 * A hash of everything a dataset holds, read back from Neo4j: every node's properties and
 * every relationship's endpoints and properties, as sorted canonical lines. Two loads of
 * the same data give the same fingerprint whatever their import run or dataset name.
 */
export async function datasetFingerprint(graph: GraphClient, dataset: string): Promise<{ hash: string; lines: number }> {
  const lines: string[] = [];
  for (const [label, q] of NODE_QUERIES) {
    for (const r of await graph.query(q.cypher, { ds: dataset })) lines.push(`N ${label} ${String(r.id)} ${canonical(r.p)}`);
  }
  for (const [type, q] of [...REL_QUERIES, ...EXTRA_RELS]) {
    for (const r of await graph.query(q.cypher, { ds: dataset })) lines.push(`R ${type} ${String(r.a)} ${String(r.bl)}:${String(r.b)} ${canonical(r.p)}`);
  }
  lines.sort();
  const h = createHash('sha256');
  for (const l of lines) h.update(l + '\n');
  return { hash: h.digest('hex'), lines: lines.length };
}

function canonical(p: unknown): string {
  const o = (p ?? {}) as Record<string, unknown>;
  return JSON.stringify(Object.keys(o).filter((k) => !VOLATILE.has(k)).sort().map((k) => [k, o[k]]));
}
