import type { GraphClient, Tx } from './graph-client';

/** One transaction as it ran: its statements and parameters, when it started and ended. */
export interface RecordedTransaction {
  mode: 'READ' | 'WRITE';
  /** A single-statement read the client ran as an auto-commit transaction (`query`). */
  autoCommit?: true;
  /** `performance.now()` of the recording thread, ms. */
  start: number;
  end: number;
  /**
   * In the order they were issued. `pipelined`: issued while an earlier statement of the
   * transaction was still running (Promise.all over statements of one transaction), so
   * the driver sent it without waiting; absent or false: issued after the others returned.
   */
  statements: { cypher: string; params: Record<string, unknown>; pipelined?: boolean }[];
  /** False when the transaction threw. */
  ok: boolean;
}

/**
 * Wraps a client so that each read and write transaction is handed, once it ends, to the
 * sink `sinkFor()` returns at its start (none: not recorded). The sink is looked up per
 * transaction so callers can route by async context: the serve benchmark by request, the
 * refresh worker by refresh call. A retried transaction function records its last attempt.
 */
export function recordingGraphClient(inner: GraphClient, sinkFor: () => ((t: RecordedTransaction) => void) | undefined): GraphClient {
  /** Records `t` from its start to its end, then hands it to `sink`. */
  const record = <T>(sink: (t: RecordedTransaction) => void, t: RecordedTransaction, run: Promise<T>): Promise<T> =>
    run.then(
      (v) => ((t.end = performance.now()), sink(t), v),
      (e: unknown) => {
        t.end = performance.now();
        t.ok = false;
        sink(t);
        throw e;
      },
    );
  const wrap = (mode: 'READ' | 'WRITE') => <T>(work: (tx: Tx) => Promise<T>): Promise<T> => {
    const run = mode === 'READ' ? inner.read.bind(inner) : inner.write.bind(inner);
    const sink = sinkFor();
    if (!sink) return run(work);
    const t: RecordedTransaction = { mode, start: performance.now(), end: 0, statements: [], ok: true };
    return record(
      sink,
      t,
      run((tx) => {
        t.statements = [];
        let running = 0;
        return work({
          run: (cypher, params = {}) => {
            t.statements.push(running > 0 ? { cypher, params, pipelined: true } : { cypher, params });
            running++;
            return tx.run(cypher, params).finally(() => running--);
          },
        });
      }),
    );
  };
  const query = (cypher: string, params: Record<string, unknown> = {}) => {
    const sink = sinkFor();
    if (!sink) return inner.query(cypher, params);
    const t: RecordedTransaction = { mode: 'READ', autoCommit: true, start: performance.now(), end: 0, statements: [{ cypher, params }], ok: true };
    return record(sink, t, inner.query(cypher, params));
  };
  return {
    read: wrap('READ'),
    write: wrap('WRITE'),
    query,
    schema: (c) => inner.schema(c),
    explain: (c, p) => inner.explain(c, p),
    onQuery: (l) => inner.onQuery(l),
    close: () => inner.close(),
  };
}
