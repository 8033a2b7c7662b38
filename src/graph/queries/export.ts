import type { GraphClient, Row } from '../graph-client';
import { defineQuery, type QueryDef } from './query';

/**
 * Streams one dataset out of Neo4j in batches, for the model pipeline. Pagination is a
 * keyset on the start node's id within the dataset: the (dataset, id) uniqueness index
 * serves both the filter and the order, so every batch is an index range seek and a
 * million-edge dataset never needs one huge transaction.
 */

export type ExportLabel = 'User' | 'Item' | 'Game' | 'Guild';

/** Node properties the feature stage needs, per label (ids always come first). */
const NODE_PROPS: Record<ExportLabel, string[]> = {
  User: ['createdAt', 'birthday'],
  Item: ['catalog', 'type', 'price', 'rarity', 'gameId', 'publisherId', 'dropAt', 'forSale', 'giftable', 'consumable'],
  Game: ['genre', 'publisherId'],
  Guild: ['createdAt'],
};

/** A relationship type to export: start and end labels, and the relationship properties to carry. */
export interface EdgeSpec {
  name: string;
  from: ExportLabel;
  type: string;
  to: ExportLabel;
  props: string[];
}

export const EXPORT_EDGES: readonly EdgeSpec[] = [
  { name: 'purchased', from: 'User', type: 'PURCHASED', to: 'Item', props: ['at', 'split', 'pricePaid', 'discount'] },
  { name: 'wishlisted', from: 'User', type: 'WISHLISTED', to: 'Item', props: ['at'] },
  { name: 'friend', from: 'User', type: 'FRIEND', to: 'User', props: ['since', 'blocked'] },
  { name: 'played', from: 'User', type: 'PLAYED', to: 'Game', props: ['at', 'minutes'] },
  { name: 'memberOf', from: 'User', type: 'MEMBER_OF', to: 'Guild', props: ['since'] },
  { name: 'forGame', from: 'Item', type: 'FOR_GAME', to: 'Game', props: [] },
  { name: 'interacted', from: 'User', type: 'INTERACTED', to: 'User', props: ['day', 'messages', 'voiceMinutes', 'playedTogether'] },
];

const nodeQuery = (label: ExportLabel): QueryDef =>
  defineQuery(
    `exportNodes${label}`,
    `MATCH (n:${label} {dataset: $ds}) USING INDEX SEEK n:${label}(dataset, id) WHERE n.id > $after
     WITH n ORDER BY n.id LIMIT toInteger($limit)
     RETURN n.id AS id, [${NODE_PROPS[label].map((p) => `n.${p}`).join(', ')}] AS p`,
    { ds: 'demo', after: '', limit: 1000 },
  );

const edgeQuery = (e: EdgeSpec): QueryDef =>
  defineQuery(
    `exportEdges${e.type}`,
    `MATCH (a:${e.from} {dataset: $ds}) USING INDEX SEEK a:${e.from}(dataset, id) WHERE a.id > $after
     WITH a ORDER BY a.id LIMIT toInteger($limit)
     MATCH (a)-[r:${e.type}]->(b:${e.to})
     RETURN a.id AS a, collect([b.id${e.props.map((p) => `, r.${p}`).join('')}]) AS out`,
    { ds: 'demo', after: '', limit: 1000 },
  );

const NODE_QUERIES = Object.fromEntries((Object.keys(NODE_PROPS) as ExportLabel[]).map((l) => [l, nodeQuery(l)])) as Record<ExportLabel, QueryDef>;
const EDGE_QUERIES = new Map(EXPORT_EDGES.map((e) => [e.name, edgeQuery(e)]));

export interface ExportedNodes {
  ids: string[];
  /** Per property (NODE_PROPS order): one value per node, null when absent. */
  props: Record<string, unknown[]>;
}

export async function exportNodes(graph: GraphClient, dataset: string, label: ExportLabel, batch = 20_000): Promise<ExportedNodes> {
  const names = NODE_PROPS[label];
  const out: ExportedNodes = { ids: [], props: Object.fromEntries(names.map((n) => [n, []])) };
  let after = '';
  for (;;) {
    const rows = await graph.query(NODE_QUERIES[label].cypher, { ds: dataset, after, limit: batch });
    for (const r of rows) {
      out.ids.push(String(r.id));
      const p = r.p as unknown[];
      names.forEach((n, i) => out.props[n]!.push(p[i] ?? null));
    }
    if (rows.length < batch) return out;
    after = String(rows[rows.length - 1]!.id);
  }
}

export interface ExportedEdges {
  src: string[];
  dst: string[];
  /** Per relationship property: one value per edge, null when absent. */
  props: Record<string, unknown[]>;
}

/** Every relationship of one spec in the dataset, batched by start node (`batch` start nodes per round trip). */
export async function exportEdges(graph: GraphClient, dataset: string, spec: EdgeSpec, batch = 5_000): Promise<ExportedEdges> {
  const q = EDGE_QUERIES.get(spec.name);
  if (!q) throw new Error(`no export query for edge spec ${spec.name}`);
  const out: ExportedEdges = { src: [], dst: [], props: Object.fromEntries(spec.props.map((p) => [p, []])) };
  let after = '';
  for (;;) {
    // The LIMIT counts start nodes, not edges; a page of start nodes with no edges of this
    // type returns fewer rows, so paging continues from the last start node seen by a
    // second, id-only query when needed.
    const rows = await graph.query(q.cypher, { ds: dataset, after, limit: batch });
    for (const r of rows) appendEdges(out, String(r.a), r.out as unknown[][], spec.props);
    const last = await lastIdOfPage(graph, dataset, spec.from, after, batch);
    if (last === null) return out;
    after = last;
  }
}

function appendEdges(out: ExportedEdges, a: string, list: unknown[][], props: string[]): void {
  for (const e of list) {
    out.src.push(a);
    out.dst.push(String(e[0]));
    props.forEach((p, i) => out.props[p]!.push(e[i + 1] ?? null));
  }
}

const PAGE_END: Record<ExportLabel, QueryDef> = Object.fromEntries(
  (Object.keys(NODE_PROPS) as ExportLabel[]).map((l) => [
    l,
    defineQuery(
      `exportPageEnd${l}`,
      `MATCH (n:${l} {dataset: $ds}) USING INDEX SEEK n:${l}(dataset, id) WHERE n.id > $after WITH n.id AS id ORDER BY id LIMIT toInteger($limit) RETURN collect(id)[-1] AS last, count(*) AS c`,
      { ds: 'demo', after: '', limit: 1000 },
    ),
  ]),
) as Record<ExportLabel, QueryDef>;

/** The id of the last start node in the page after `after`, or null when the page is the last (shorter than `batch`). */
async function lastIdOfPage(graph: GraphClient, dataset: string, label: ExportLabel, after: string, batch: number): Promise<string | null> {
  const r: Row | undefined = (await graph.query(PAGE_END[label].cypher, { ds: dataset, after, limit: batch }))[0];
  if (!r || Number(r.c) < batch) return null;
  return String(r.last);
}
