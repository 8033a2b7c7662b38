/**
 * A named Cypher statement the code builds. Every query module exports its statements
 * through `defineQuery`, so the EXPLAIN test can plan each one against the real schema
 * and fail on a label scan where an index should serve.
 */
export interface QueryDef {
  name: string;
  cypher: string;
  /** Parameters that make the statement plannable (values don't matter to EXPLAIN). */
  sampleParams: Record<string, unknown>;
  /** Why a label scan is right for this statement (it reads every node of a tiny label); absent = must use an index. */
  labelScanOk?: string;
}

const registry: QueryDef[] = [];

export function defineQuery(name: string, cypher: string, sampleParams: Record<string, unknown>, labelScanOk?: string): QueryDef {
  const q: QueryDef = labelScanOk ? { name, cypher, sampleParams, labelScanOk } : { name, cypher, sampleParams };
  registry.push(q);
  return q;
}

export function registeredQueries(): readonly QueryDef[] {
  return registry;
}
