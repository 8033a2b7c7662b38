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
}

const registry: QueryDef[] = [];

export function defineQuery(name: string, cypher: string, sampleParams: Record<string, unknown>): QueryDef {
  const q = { name, cypher, sampleParams };
  registry.push(q);
  return q;
}

export function registeredQueries(): readonly QueryDef[] {
  return registry;
}
