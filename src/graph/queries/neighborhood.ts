import type { GraphClient } from '../graph-client';
import { defineQuery, type QueryDef } from './query';

/** Node kinds the explorer can start from, with their labels. */
export const START_LABELS = {
  USER: 'User',
  ITEM: 'Item',
  GAME: 'Game',
  GUILD: 'Guild',
  SQUAD: 'Squad',
  GROUP_BUY: 'GroupBuy',
  GIFT: 'Gift',
  PUBLISHER: 'Publisher',
} as const;
export type StartKind = keyof typeof START_LABELS;

/**
 * Relationship types the explorer follows: the social and commerce structure. Daily
 * INTERACTED counts are left out (hundreds per friend pair would drown the picture).
 */
const EXPLORED = 'FRIEND|MEMBER_OF|PLAYED|PURCHASED|WISHLISTED|SENT|TO|OF_ITEM|INITIATED|JOINED|INVITED|FOR_ITEM|FOR_GAME|IN_SQUAD|PUBLISHED_BY|SOLD_BY';

export const NEIGHBORHOOD_START: Record<StartKind, QueryDef> = Object.fromEntries(
  (Object.keys(START_LABELS) as StartKind[]).map((k) => [
    k,
    defineQuery(
      `neighborhoodStart${START_LABELS[k]}`,
      `MATCH (s:${START_LABELS[k]} {dataset: $ds, id: $id}) USING INDEX SEEK s:${START_LABELS[k]}(dataset, id) RETURN elementId(s) AS eid, labels(s)[0] AS label, s.id AS id, coalesce(s.name, s.id) AS name`,
      { ds: 'demo', id: 'x' },
    ),
  ]),
) as Record<StartKind, QueryDef>;

export const NEIGHBORHOOD_STEP = defineQuery(
  'neighborhoodStep',
  `UNWIND $frontier AS eid
   MATCH (a) WHERE elementId(a) = eid
   CALL (a) {
     MATCH (a)-[r:${EXPLORED}]-(b)
     WHERE b.dataset = $ds
     RETURN r, b ORDER BY b.id LIMIT toInteger($perNode)
   }
   RETURN elementId(startNode(r)) AS src, type(r) AS type, elementId(endNode(r)) AS dst,
          elementId(b) AS eid, labels(b)[0] AS label, b.id AS id, coalesce(b.name, b.id) AS name
   LIMIT toInteger($limit)`,
  { ds: 'demo', frontier: ['4:x:1'], perNode: 10, limit: 100 },
);

export interface HoodNode {
  eid: string;
  label: string;
  id: string;
  name: string;
  depth: number;
}
export interface HoodEdge {
  src: string;
  dst: string;
  type: string;
}

/**
 * Breadth-first exploration, one round trip per level: at most `limit` nodes in all,
 * at most `limit` neighbours taken from each node. Returns nothing when the start node
 * does not exist (the caller turns that into NOT_FOUND).
 */
export async function exploreNeighborhood(
  graph: GraphClient,
  o: { dataset: string; kind: StartKind; id: string; depth: number; limit: number },
): Promise<{ nodes: HoodNode[]; edges: HoodEdge[] } | null> {
  const start = (await graph.query(NEIGHBORHOOD_START[o.kind].cypher, { ds: o.dataset, id: o.id }))[0];
  if (!start) return null;
  const nodes = new Map<string, HoodNode>();
  nodes.set(String(start.eid), { eid: String(start.eid), label: String(start.label), id: String(start.id), name: String(start.name), depth: 0 });
  const edges = new Map<string, HoodEdge>();
  let frontier = [String(start.eid)];
  for (let depth = 1; depth <= o.depth && frontier.length > 0 && nodes.size < o.limit; depth++) {
    const rows = await graph.query(NEIGHBORHOOD_STEP.cypher, { ds: o.dataset, frontier, perNode: o.limit, limit: o.limit * 4 });
    const next: string[] = [];
    for (const r of rows) {
      const eid = String(r.eid);
      if (!nodes.has(eid)) {
        if (nodes.size >= o.limit) continue;
        nodes.set(eid, { eid, label: String(r.label), id: String(r.id), name: String(r.name), depth });
        next.push(eid);
      }
      const e = { src: String(r.src), dst: String(r.dst), type: String(r.type) };
      edges.set(`${e.src}|${e.type}|${e.dst}`, e);
    }
    frontier = next;
  }
  const kept = [...edges.values()].filter((e) => nodes.has(e.src) && nodes.has(e.dst));
  return { nodes: [...nodes.values()], edges: kept };
}
