import { ErrorCode } from '../../../src/errors/codes';
import { createGraphClient, type GraphClient, type QueryEvent } from '../../../src/graph/graph-client';
import { testConfig } from '../../support/graph';

describe('the graph client on the real server', () => {
  const target = testConfig().neo4j;
  let graph: GraphClient;
  beforeAll(() => {
    graph = createGraphClient({ target, txTimeoutMs: 500 });
  });
  afterAll(() => graph.close());

  it('a single-statement query returns plain rows and reports the statement to listeners', async () => {
    const events: QueryEvent[] = [];
    const off = graph.onQuery((e) => events.push(e));
    const rows = await graph.query('UNWIND range(1, 3) AS x RETURN x, {double: x * 2} AS m', {});
    off();
    expect(rows).toEqual([
      { x: 1, m: { double: 2 } },
      { x: 2, m: { double: 4 } },
      { x: 3, m: { double: 6 } },
    ]);
    expect(events.map((e) => [e.mode, e.cypher.startsWith('UNWIND')])).toEqual([['READ', true]]);
  });

  it('a query cannot write: it runs in read mode even though it is not inside a transaction function', async () => {
    await expect(graph.query('CREATE (:GraphClientProbe {at: timestamp()})')).rejects.toThrow();
    const [row] = await graph.query('MATCH (n:GraphClientProbe) RETURN count(n) AS n');
    expect(row).toEqual({ n: 0 });
  });

  it('a query over the transaction timeout fails with GRAPH_TIMEOUT', async () => {
    // A cross product of ten billion rows: it runs far past the 500 ms timeout.
    const slow = 'UNWIND range(1, 100000) AS a UNWIND range(1, 100000) AS b WITH a, b WHERE a * b = -1 RETURN count(*) AS n';
    await expect(graph.query(slow)).rejects.toMatchObject({ code: ErrorCode.GRAPH_TIMEOUT });
  });

  it('a query against a server that is not there fails with GRAPH_UNAVAILABLE after its retries', async () => {
    const nowhere = createGraphClient({ target: { ...target, uri: 'bolt://127.0.0.1:1' }, txTimeoutMs: 500 });
    try {
      await expect(nowhere.query('RETURN 1 AS one')).rejects.toMatchObject({ code: ErrorCode.GRAPH_UNAVAILABLE });
    } finally {
      await nowhere.close();
    }
  });
});
