import type { GraphClient } from '../graph-client';
import { defineQuery } from './query';

/** A detected squad to write: its local id (`ds<n>`), display name and member user ids. */
export interface DetectedSquad {
  id: string;
  name: string;
  memberIds: readonly string[];
}

/**
 * Deletes up to `$limit` of a dataset's DETECTED squads with their IN_SQUAD links. The
 * dataset index finds the dataset's squads; `kind` is a filter on those (EXPLICIT ones
 * are never touched).
 */
export const DELETE_DETECTED_SQUADS = defineQuery(
  'deleteDetectedSquads',
  `MATCH (s:Squad {dataset: $ds}) WHERE s.kind = 'DETECTED'
   WITH s LIMIT toInteger($limit)
   DETACH DELETE s
   RETURN count(*) AS c`,
  { ds: 'demo', limit: 1000 },
);

/**
 * Creates a batch of DETECTED squads and links their members, looked up by the unique
 * (dataset, id) index (pinned by a hint: see friend-graph.ts for why). A member id with no user is skipped, not an error: the caller
 * read the ids from the same dataset moments before. `$run` null leaves `importRun`
 * absent (squads detected outside an import belong to no run).
 */
export const CREATE_DETECTED_SQUADS = defineQuery(
  'createDetectedSquads',
  `UNWIND $squads AS s
   CREATE (q:Squad {dataset: $ds, id: s.id, name: s.name, kind: 'DETECTED', createdAt: $now, importRun: $run})
   WITH q, s
   UNWIND s.memberIds AS uid
   MATCH (u:User {dataset: $ds, id: uid}) USING INDEX SEEK u:User(dataset, id)
   CREATE (u)-[:IN_SQUAD {since: $now}]->(q)
   RETURN count(*) AS c`,
  { ds: 'demo', now: 0, run: null, squads: [{ id: 'ds0', name: 'Squad', memberIds: ['u1'] }] },
);

export interface ReplaceSquadsOptions {
  dataset: string;
  squads: readonly DetectedSquad[];
  /** Epoch ms stamped as the squads' `createdAt` and the links' `since`. */
  now: number;
  /** Import run to stamp on the new squads, or null for none. */
  importRun: string | null;
  /** Squads per write transaction. Default 1000 (≤ 12k links, small on a 1 GiB heap). */
  batchSize?: number;
}

export interface ReplaceSquadsStats {
  deleted: number;
  created: number;
  links: number;
}

/**
 * Replaces a dataset's DETECTED squads: deletes the old ones, then creates the given
 * ones, both in batches. Not one transaction (a 100k-user world has ~15k squads and
 * ~70k links, more than a transaction should hold under the server's timeout): a reader
 * in between sees some or none of them, and a failure midway leaves a partial set that
 * the next run replaces in full. Two runs on one dataset at once are not supported (the
 * second's creates fail on the (dataset, id) constraint). EXPLICIT squads are untouched;
 * an EXPLICIT squad whose id is `ds<n>` would collide (the synthetic world and the
 * importer never use that prefix).
 */
export async function replaceDetectedSquads(graph: Pick<GraphClient, 'write'>, o: ReplaceSquadsOptions): Promise<ReplaceSquadsStats> {
  const batch = o.batchSize ?? 1000;
  let deleted = 0;
  for (;;) {
    const rows = await graph.write((tx) => tx.run(DELETE_DETECTED_SQUADS.cypher, { ds: o.dataset, limit: batch }));
    const c = Number(rows[0]?.c ?? 0);
    deleted += c;
    if (c < batch) break;
  }
  let links = 0;
  for (let i = 0; i < o.squads.length; i += batch) {
    const squads = o.squads.slice(i, i + batch).map((s) => ({ id: s.id, name: s.name, memberIds: [...s.memberIds] }));
    const rows = await graph.write((tx) => tx.run(CREATE_DETECTED_SQUADS.cypher, { ds: o.dataset, now: o.now, run: o.importRun, squads }));
    links += Number(rows[0]?.c ?? 0);
  }
  return { deleted, created: o.squads.length, links };
}
