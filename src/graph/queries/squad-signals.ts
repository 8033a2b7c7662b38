import type { GraphClient } from '../graph-client';
import { defineQuery } from './query';

/**
 * What the friend-group (squad) head reads from the graph, on both of its paths:
 * - training: every squad of a dataset with its members (and when each joined) and the
 *   FILLED group buys that two or more of its members joined (the HeteroGraph export leaves
 *   squads and group buys out, so the encoders' inputs do not change), keyset-paginated;
 * - serving: for one squad's members and a bounded list of candidate items, the raw facts
 *   the pair features count (src/features/squad-features.ts), in ONE round trip.
 * Rows are plain values; times are epoch ms.
 */

/** Squads of a dataset by id (keyset): the (dataset, id) index serves filter and order. */
export const SQUAD_EXPORT = defineQuery(
  'squadExport',
  `MATCH (s:Squad {dataset: $ds}) USING INDEX SEEK s:Squad(dataset, id) WHERE s.id > $after
   WITH s ORDER BY s.id LIMIT toInteger($limit)
   CALL (s) {
     MATCH (s)<-[m:IN_SQUAD]-(u:User)
     RETURN collect([u.id, m.since]) AS members
   }
   CALL (s) {
     OPTIONAL MATCH (s)<-[:IN_SQUAD]-(u:User)-[:JOINED]->(g:GroupBuy)
     WHERE g.status = 'FILLED'
     WITH g, count(DISTINCT u) AS joined WHERE g IS NOT NULL AND joined >= 2
     MATCH (g)-[:FOR_ITEM]->(i:Item)
     RETURN collect([g.id, i.id, coalesce(g.closedAt, g.createdAt)]) AS groupBuys
   }
   RETURN s.id AS id, s.kind AS kind, s.createdAt AS createdAt, members, groupBuys`,
  { ds: 'demo', after: '', limit: 1000 },
);

export interface ExportedSquad {
  id: string;
  kind: 'EXPLICIT' | 'DETECTED';
  createdAt: number | null;
  /** Members with the time they joined (null when unknown). */
  members: Array<{ userId: string; since: number | null }>;
  /** FILLED group buys two or more members joined: the item and when the group filled. */
  groupBuys: Array<{ id: string; itemId: string; at: number | null }>;
}

export async function exportSquads(graph: GraphClient, dataset: string, batch = 5_000): Promise<ExportedSquad[]> {
  const out: ExportedSquad[] = [];
  let after = '';
  for (;;) {
    const rows = await graph.query(SQUAD_EXPORT.cypher, { ds: dataset, after, limit: batch });
    for (const r of rows) {
      out.push({
        id: String(r.id),
        kind: r.kind === 'DETECTED' ? 'DETECTED' : 'EXPLICIT',
        createdAt: typeof r.createdAt === 'number' ? r.createdAt : null,
        members: (r.members as unknown[][]).map(([u, since]) => ({ userId: String(u), since: typeof since === 'number' ? since : null })),
        groupBuys: (r.groupBuys as unknown[][]).map(([g, i, at]) => ({ id: String(g), itemId: String(i), at: typeof at === 'number' ? at : null })),
      });
    }
    if (rows.length < batch) return out;
    after = String(rows[rows.length - 1]!.id);
  }
}

/**
 * The squad head's serving facts as of $asOf for members $members and candidate items
 * $items (local ids; both bounded by the caller: ≤ 50 members, a page of candidates):
 * per member, the games they played by $asOf, which candidates they wishlisted by $asOf,
 * and which candidates their non-member friends (friendship unblocked and begun by $asOf)
 * bought in ($socialFrom, $asOf]; per candidate, its purchases in ($recentFrom, $asOf].
 * Unknown times count as "before" for played / wishlisted / friendship, and never inside
 * a window, exactly as the HeteroGraph export counts them (graphAsOf keeps unknown times).
 * An unknown member or item id is simply absent from the result.
 */
export const SQUAD_SIGNALS = defineQuery(
  'squadSignals',
  `CALL () {
     UNWIND $items AS iid
     MATCH (i:Item {dataset: $ds, id: iid}) USING INDEX SEEK i:Item(dataset, id)
     RETURN collect([i.id, COUNT { (i)<-[p:PURCHASED]-(:User) WHERE p.at > $recentFrom AND p.at <= $asOf }]) AS recent
   }
   UNWIND $members AS mid
   MATCH (m:User {dataset: $ds, id: mid}) USING INDEX SEEK m:User(dataset, id)
   RETURN m.id AS id, recent,
     COLLECT { MATCH (m)-[pl:PLAYED]->(g:Game) WHERE pl.at IS NULL OR pl.at <= $asOf RETURN DISTINCT g.id } AS games,
     COLLECT { MATCH (m)-[w:WISHLISTED]->(i:Item) WHERE i.id IN $items AND (w.at IS NULL OR w.at <= $asOf) RETURN DISTINCT i.id } AS wished,
     COLLECT {
       MATCH (m)-[f:FRIEND]-(fr:User)-[p:PURCHASED]->(i:Item)
       WHERE NOT coalesce(f.blocked, false) AND (f.since IS NULL OR f.since <= $asOf) AND NOT fr.id IN $members
         AND p.at > $socialFrom AND p.at <= $asOf AND i.id IN $items
       RETURN DISTINCT [fr.id, i.id]
     } AS friendBuys`,
  { ds: 'demo', members: ['u1', 'u2'], items: ['i1'], asOf: 0, socialFrom: 0, recentFrom: 0 },
);

export interface SquadSignalRows {
  /** Per member found: games played, candidates wishlisted, [friend, item] recent friend purchases of candidates. */
  members: Array<{ id: string; games: string[]; wished: string[]; friendBuys: Array<[string, string]> }>;
  /** Candidate item id -> purchases in ($recentFrom, $asOf]. */
  recentBuys: Map<string, number>;
}

export async function squadSignalRows(
  graph: GraphClient,
  o: { dataset: string; memberIds: readonly string[]; itemIds: readonly string[]; asOf: number; socialFrom: number; recentFrom: number },
): Promise<SquadSignalRows> {
  const rows = await graph.query(SQUAD_SIGNALS.cypher, {
    ds: o.dataset, members: [...o.memberIds], items: [...o.itemIds], asOf: o.asOf, socialFrom: o.socialFrom, recentFrom: o.recentFrom,
  });
  const recentBuys = new Map<string, number>();
  for (const [id, n] of (rows[0]?.recent as unknown[][] | undefined) ?? []) recentBuys.set(String(id), Number(n));
  return {
    members: rows.map((r) => ({
      id: String(r.id),
      games: (r.games as unknown[]).map(String),
      wished: (r.wished as unknown[]).map(String),
      friendBuys: (r.friendBuys as unknown[][]).map(([f, i]) => [String(f), String(i)] as [string, string]),
    })),
    recentBuys,
  };
}
