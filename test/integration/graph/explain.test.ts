import type { GraphClient } from '../../../src/graph/graph-client';
import { registeredQueries } from '../../../src/graph/queries';
// Statements built outside src/graph/queries register themselves on import too.
import '../../../src/ingest/import-runs';
import { testGraph } from '../../support/graph';

interface PlanNode {
  operatorType: string;
  arguments: Record<string, unknown>;
  children: PlanNode[];
}

/** Operators that mean "read every node (of a label)" where an index lookup was intended. */
const SCANS = /^(AllNodesScan|NodeByLabelScan)/;

function operators(plan: PlanNode, out: string[] = []): string[] {
  out.push(`${plan.operatorType}: ${String(plan.arguments.Details ?? '')}`);
  for (const c of plan.children) operators(c, out);
  return out;
}

describe('every query the code builds is served by an index (EXPLAIN on the real schema)', () => {
  let graph: GraphClient;
  beforeAll(async () => {
    graph = await testGraph();
  });
  afterAll(() => graph.close());

  const queries = registeredQueries();

  it('registers the API queries', () => {
    expect(queries.length).toBeGreaterThan(20);
  });

  it.each(queries.map((q) => [q.name, q] as const))('%s plans without a full label scan', async (_name, q) => {
    const ops = await explain(graph, q.cypher, q.sampleParams);
    const scans = ops.filter((o) => SCANS.test(o));
    expect(q.labelScanOk ? [] : scans).toEqual([]);
    // A lookup by id must go through the (dataset, id) index: the per-dataset index alone
    // would read the whole dataset and filter (the planner picks it on stale statistics).
    if (/\{dataset: \$ds, id:|\.id > \$after/.test(q.cypher)) {
      expect(ops.filter((o) => /Index(Seek|SeekByRange)/.test(o) && /dataset, id|\.dataset.*\.id|dataset = .* AND .*id/.test(o))).not.toEqual([]);
    }
  });
});

async function explain(graph: GraphClient, cypher: string, params: Record<string, unknown>): Promise<string[]> {
  const plan = await graph.explain(cypher, params);
  return operators(plan as PlanNode);
}
