import type { GraphClient } from '../graph-client';
import { defineQuery } from './query';

/**
 * Model activation state lives in the graph, not in a process: every stateless API
 * instance behind a load balancer sees the same active version. Each activation is a
 * (:ModelActivation) node; exactly one per (dataset, model) has `active: true`.
 */
export interface Activation {
  dataset: string;
  model: string;
  version: string;
  seq: number;
  dimension: number;
  similarity: string;
  activatedAt: number;
  active: boolean;
}

export const ACTIVE_MODEL = defineQuery(
  'activeModel',
  `MATCH (a:ModelActivation {dataset: $ds, model: $model}) WHERE a.active
   RETURN a.dataset AS dataset, a.model AS model, a.version AS version, a.seq AS seq, a.dimension AS dimension,
          a.similarity AS similarity, a.activatedAt AS activatedAt, a.active AS active`,
  { ds: 'demo', model: 'sage' },
);

export const ACTIVATION_HISTORY = defineQuery(
  'activationHistory',
  `MATCH (a:ModelActivation {dataset: $ds, model: $model})
   RETURN a.dataset AS dataset, a.model AS model, a.version AS version, a.seq AS seq, a.dimension AS dimension,
          a.similarity AS similarity, a.activatedAt AS activatedAt, a.active AS active
   ORDER BY a.activatedAt DESC`,
  { ds: 'demo', model: 'sage' },
);

const ACTIVATE = defineQuery(
  'activateModel',
  `OPTIONAL MATCH (old:ModelActivation {dataset: $ds, model: $model}) WHERE old.active
   SET old.active = false
   CREATE (a:ModelActivation {dataset: $ds, model: $model, version: $version, seq: $seq, dimension: $dimension,
                              similarity: $similarity, activatedAt: $now, active: true, previous: old.version})
   RETURN a.version AS version`,
  { ds: 'demo', model: 'sage', version: 'v', seq: 1, dimension: 64, similarity: 'cosine', now: 0 },
);

export async function activeModel(graph: GraphClient, dataset: string, model: string): Promise<Activation | null> {
  const r = (await graph.query(ACTIVE_MODEL.cypher, { ds: dataset, model }))[0];
  return r ? (r as unknown as Activation) : null;
}

export async function activationHistory(graph: GraphClient, dataset: string, model: string): Promise<Activation[]> {
  return (await graph.query(ACTIVATION_HISTORY.cypher, { ds: dataset, model })) as unknown as Activation[];
}

/** Makes `version` the active one (one transaction: the old one is deactivated in the same commit). */
export async function activate(
  graph: GraphClient,
  a: { dataset: string; model: string; version: string; seq: number; dimension: number; similarity: string; now: number },
): Promise<void> {
  await graph.write((tx) => tx.run(ACTIVATE.cypher, { ds: a.dataset, model: a.model, version: a.version, seq: a.seq, dimension: a.dimension, similarity: a.similarity, now: a.now }));
}
