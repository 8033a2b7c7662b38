import { readTogether, type GraphClient, type Row, type Tx } from '../../../src/graph/graph-client';

/** A client that logs which entry point each call came through and answers each statement with one row naming it. */
function loggingClient(): { graph: GraphClient; log: string[] } {
  const log: string[] = [];
  const answer = (cypher: string): Promise<Row[]> => new Promise((resolve) => setTimeout(() => (log.push(`done ${cypher}`), resolve([{ from: cypher }])), 0));
  const tx: Tx = { run: (cypher) => (log.push(`send ${cypher}`), answer(cypher)) };
  const graph: GraphClient = {
    read: (work) => (log.push('read'), work(tx)),
    write: (work) => (log.push('write'), work(tx)),
    query: (cypher) => (log.push('query'), tx.run(cypher)),
    schema: async () => undefined,
    explain: async () => null,
    onQuery: () => () => undefined,
    close: async () => undefined,
  };
  return { graph, log };
}

describe('readTogether', () => {
  it('runs a lone statement as an auto-commit query, with no transaction around it', async () => {
    const { graph, log } = loggingClient();
    expect(await readTogether(graph, [{ cypher: 'A', params: {} }])).toEqual([[{ from: 'A' }]]);
    expect(log).toEqual(['query', 'send A', 'done A']);
  });

  it('runs several statements in one read transaction, all sent before any answers, rows in statement order', async () => {
    const { graph, log } = loggingClient();
    const rows = await readTogether(graph, ['A', 'B', 'C'].map((cypher) => ({ cypher, params: {} })));
    expect(rows).toEqual([[{ from: 'A' }], [{ from: 'B' }], [{ from: 'C' }]]);
    expect(log).toEqual(['read', 'send A', 'send B', 'send C', 'done A', 'done B', 'done C']);
  });

  it('asks the graph nothing for no statements', async () => {
    const { graph, log } = loggingClient();
    expect(await readTogether(graph, [])).toEqual([]);
    expect(log).toEqual([]);
  });
});
