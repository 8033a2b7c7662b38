import type { GraphClient } from '../graph-client';
import { defineQuery, type QueryDef } from './query';

/** Node labels counted per dataset (each through its dataset index). */
export const STAT_LABELS = ['User', 'Item', 'Game', 'Publisher', 'Guild', 'Squad', 'Occasion', 'Campaign', 'GroupBuy', 'Gift', 'Impression', 'Click'] as const;

/** Relationship types, each counted from the label it starts at. */
export const STAT_RELS: ReadonlyArray<[from: string, type: string]> = [
  ['User', 'FRIEND'], ['User', 'INTERACTED'], ['User', 'MEMBER_OF'], ['User', 'PLAYED'], ['User', 'PURCHASED'],
  ['User', 'WISHLISTED'], ['User', 'SENT'], ['User', 'INITIATED'], ['User', 'JOINED'], ['User', 'IN_SQUAD'],
  ['User', 'EXPOSED_TO'], ['GroupBuy', 'INVITED'], ['GroupBuy', 'FOR_ITEM'], ['Gift', 'TO'], ['Item', 'FOR_GAME'],
  ['Game', 'PUBLISHED_BY'], ['Campaign', 'DISCOUNTS'],
];

const labelCount = (label: string): QueryDef =>
  defineQuery(`count${label}`, `MATCH (n:${label} {dataset: $ds}) RETURN count(n) AS c`, { ds: 'demo' });
const relCount = (from: string, type: string): QueryDef =>
  defineQuery(`count${from}${type}`, `MATCH (:${from} {dataset: $ds})-[r:${type}]->() RETURN count(r) AS c`, { ds: 'demo' });

const LABEL_QUERIES = STAT_LABELS.map((l) => [l, labelCount(l)] as const);
const REL_QUERIES = STAT_RELS.map(([f, t]) => [t, relCount(f, t)] as const);

export const DATASETS = defineQuery(
  'datasets',
  `MATCH (d:Dataset) RETURN d.id AS id, d.kind AS kind, d.status AS status, d.cutoff AS cutoff, d.seed AS seed, d.source AS source ORDER BY d.id`,
  {},
  'lists every dataset: one bookkeeping node per dataset',
);

export interface DatasetCounts {
  nodes: Record<string, number>;
  relationships: Record<string, number>;
}

export async function datasetCounts(graph: GraphClient, dataset: string): Promise<DatasetCounts> {
  // All counts in one read transaction: a consistent snapshot, one connection.
  return graph.read(async (tx) => {
    const nodes: Record<string, number> = {};
    const relationships: Record<string, number> = {};
    for (const [label, q] of LABEL_QUERIES) nodes[label] = Number((await tx.run(q.cypher, { ds: dataset }))[0]?.c ?? 0);
    for (const [type, q] of REL_QUERIES) relationships[type] = (relationships[type] ?? 0) + Number((await tx.run(q.cypher, { ds: dataset }))[0]?.c ?? 0);
    return { nodes, relationships };
  });
}
