import type { GraphClient } from '../graph-client';
import { defineQuery, type QueryDef } from './query';

/**
 * Embeddings live on the nodes they describe (`embedding`, `embeddingVersion`,
 * `embeddingSeq`) and are searched through one Neo4j vector index per label. A write
 * carries the producing model's seq and never overwrites an embedding of a newer one,
 * so a stale batch job cannot clobber what a newer model (or a fresh refresh) wrote.
 *
 * A user also carries `embeddingDue` (bumped by each write that changes their
 * neighbourhood, commerce-writes.ts) and `embeddingDone` (the `embeddingDue` a refresh
 * read before re-encoding them): the stored embedding is behind a committed write while
 * due > done.
 */
export type EmbeddedLabel = 'User' | 'Item';

export const VECTOR_INDEX: Record<EmbeddedLabel, string> = { User: 'user_embedding', Item: 'item_embedding' };

const writeQuery = (label: EmbeddedLabel): QueryDef =>
  defineQuery(
    `writeEmbeddings${label}`,
    `UNWIND $rows AS r
     MATCH (n:${label} {dataset: $ds, id: r.id}) USING INDEX SEEK n:${label}(dataset, id)
     WITH n, r WHERE coalesce(n.embeddingSeq, -1) <= $seq
     SET n.embedding = r.e, n.embeddingVersion = $version, n.embeddingSeq = $seq,
         n.embeddingDone = CASE WHEN r.due IS NOT NULL AND coalesce(n.embeddingDone, 0) < r.due THEN r.due ELSE n.embeddingDone END
     RETURN count(n) AS written`,
    { ds: 'demo', rows: [{ id: 'u1', e: [0.1], due: null }], seq: 1, version: 'v' },
  );
/** The write-back statement per label (exported so a benchmark can tell a write-back apart among recorded statements). */
export const WRITE_EMBEDDINGS: Record<EmbeddedLabel, QueryDef> = { User: writeQuery('User'), Item: writeQuery('Item') };

const missingQuery = (label: EmbeddedLabel): QueryDef =>
  defineQuery(
    `missingEmbeddings${label}`,
    `MATCH (n:${label} {dataset: $ds}) WHERE n.embeddingVersion IS NULL OR n.embeddingVersion <> $version RETURN count(n) AS c`,
    { ds: 'demo', version: 'v' },
  );
const MISSING: Record<EmbeddedLabel, QueryDef> = { User: missingQuery('User'), Item: missingQuery('Item') };

const nearestQuery = (label: EmbeddedLabel): QueryDef =>
  defineQuery(
    `nearest${label}`,
    `CALL db.index.vector.queryNodes($index, toInteger($k), $vector) YIELD node, score
     WITH node, score WHERE node.dataset = $ds
     RETURN node.id AS id, score`,
    { index: VECTOR_INDEX[label], k: 10, vector: [0.1], ds: 'demo' },
    'a vector index query (the planner shows a procedure call, no label scan)',
  );
const NEAREST: Record<EmbeddedLabel, QueryDef> = { User: nearestQuery('User'), Item: nearestQuery('Item') };

export async function writeEmbeddings(
  graph: GraphClient,
  o: {
    dataset: string; label: EmbeddedLabel; version: string; seq: number; ids: string[]; vectors: Float32Array; dim: number; batch?: number;
    /** Per user id, the `embeddingDue` read before the neighbourhood these vectors encode (a refresh); recorded as `embeddingDone`. */
    due?: ReadonlyMap<string, number>;
  },
): Promise<number> {
  let written = 0;
  const batch = o.batch ?? 2000;
  for (let i = 0; i < o.ids.length; i += batch) {
    const rows = o.ids.slice(i, i + batch).map((id, k) => ({ id, e: Array.from(o.vectors.subarray((i + k) * o.dim, (i + k + 1) * o.dim)), due: o.due?.get(id) ?? null }));
    const r = await graph.write((tx) => tx.run(WRITE_EMBEDDINGS[o.label].cypher, { ds: o.dataset, rows, seq: o.seq, version: o.version }));
    written += Number(r[0]?.written ?? 0);
  }
  return written;
}

export async function countMissingEmbeddings(graph: GraphClient, dataset: string, label: EmbeddedLabel, version: string): Promise<number> {
  return Number((await graph.query(MISSING[label].cypher, { ds: dataset, version }))[0]?.c ?? 0);
}

/** Approximate nearest neighbours from the vector index, then filtered to the dataset (over-fetch k accordingly). */
export async function nearest(graph: GraphClient, o: { dataset: string; label: EmbeddedLabel; vector: number[]; k: number }): Promise<{ id: string; score: number }[]> {
  const rows = await graph.query(NEAREST[o.label].cypher, { index: VECTOR_INDEX[o.label], k: o.k, vector: o.vector, ds: o.dataset });
  return rows.map((r) => ({ id: String(r.id), score: Number(r.score) }));
}

export interface VectorIndexInfo {
  name: string;
  label: string;
  dimension: number | null;
  similarity: string | null;
  state: string;
}

export async function vectorIndexes(graph: GraphClient): Promise<VectorIndexInfo[]> {
  const rows = await graph.query(
    `SHOW VECTOR INDEXES YIELD name, labelsOrTypes, options, state RETURN name, labelsOrTypes[0] AS label, options, state`,
  );
  return rows.map((r) => {
    const cfg = ((r.options as Record<string, unknown> | null)?.indexConfig ?? {}) as Record<string, unknown>;
    return {
      name: String(r.name),
      label: String(r.label),
      dimension: typeof cfg['vector.dimensions'] === 'number' ? (cfg['vector.dimensions'] as number) : null,
      similarity: typeof cfg['vector.similarity_function'] === 'string' ? String(cfg['vector.similarity_function']).toLowerCase() : null,
      state: String(r.state),
    };
  });
}

/**
 * Creates (or re-creates, when its dimension or similarity differ) the vector index of a
 * label to match a model manifest. Schema statements run outside any data transaction.
 */
export async function ensureVectorIndex(graph: GraphClient, label: EmbeddedLabel, dimension: number, similarity: 'cosine' | 'euclidean'): Promise<'created' | 'kept' | 'recreated'> {
  const name = VECTOR_INDEX[label];
  const existing = (await vectorIndexes(graph)).find((i) => i.name === name);
  if (existing && existing.dimension === dimension && existing.similarity === similarity) return 'kept';
  if (existing) await graph.schema(`DROP INDEX ${name} IF EXISTS`);
  await graph.schema(
    `CREATE VECTOR INDEX ${name} IF NOT EXISTS FOR (n:${label}) ON n.embedding
     OPTIONS {indexConfig: {\`vector.dimensions\`: ${Math.floor(dimension)}, \`vector.similarity_function\`: '${similarity}'}}`,
  );
  await graph.schema('CALL db.awaitIndexes(300)');
  return existing ? 'recreated' : 'created';
}
