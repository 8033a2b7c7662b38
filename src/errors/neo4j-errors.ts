import { ErrorCode } from './codes';
import { GiftgraphError, GraphUnavailableError } from './errors';

/**
 * The one place driver errors become project errors. Connection trouble is
 * GRAPH_UNAVAILABLE; a transaction that hit its timeout is GRAPH_TIMEOUT; a
 * GiftgraphError thrown inside a transaction function passes through unchanged.
 * Everything else is INTERNAL with the driver's code kept for the logs.
 */
export function mapNeo4jError(err: unknown): GiftgraphError {
  if (err instanceof GiftgraphError) return err;
  const e = err as { code?: string; message?: string; name?: string };
  const code = e?.code ?? '';
  const message = e?.message ?? String(err);
  if (code === 'ServiceUnavailable' || code === 'SessionExpired' || /ECONNREFUSED|connect ETIMEDOUT/.test(message)) {
    return new GraphUnavailableError(`Neo4j is not reachable: ${message}`, err);
  }
  if (code.includes('TransactionTimedOut') || code.includes('Transaction.TransactionTimedOutClientConfiguration')) {
    return new GiftgraphError(ErrorCode.GRAPH_TIMEOUT, `the graph query timed out: ${message}`, { neo4jCode: code }, { cause: err });
  }
  return new GiftgraphError(ErrorCode.INTERNAL, `graph error: ${message}`, { neo4jCode: code }, { cause: err });
}
