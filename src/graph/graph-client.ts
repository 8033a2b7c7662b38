import neo4j, { type Driver, type ManagedTransaction, type QueryResult } from 'neo4j-driver';
import type { Neo4jTarget } from '../config/config';
import { mapNeo4jError } from '../errors/neo4j-errors';

/** A plain row: property values are JS numbers, strings, booleans, arrays, objects. */
export type Row = Record<string, unknown>;

/** What one statement looked like, for tests that count round trips and benches that replay them. */
export interface QueryEvent {
  cypher: string;
  params: Record<string, unknown>;
  mode: 'READ' | 'WRITE';
  ms: number;
}

/** One transaction's view: run a statement, get plain rows back. */
export interface Tx {
  run(cypher: string, params?: Record<string, unknown>): Promise<Row[]>;
}

export interface GraphClient {
  /** Runs `work` in one read transaction (retried by the driver on transient errors). */
  read<T>(work: (tx: Tx) => Promise<T>): Promise<T>;
  /** Runs `work` in one write transaction: it commits fully or not at all. */
  write<T>(work: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * A single-statement read, run as an auto-commit transaction (retried here on transient
   * errors, as `read` is by the driver).
   */
  query(cypher: string, params?: Record<string, unknown>): Promise<Row[]>;
  /**
   * Runs schema statements (constraints, indexes) in one transaction of their own, in
   * order: all take effect or none. Indexes created together are populated by one scan
   * of the store instead of one scan each.
   */
  schema(statements: string | readonly string[]): Promise<void>;
  /** The planner's plan for a statement (EXPLAIN: nothing runs), as the driver reports it. */
  explain(cypher: string, params?: Record<string, unknown>): Promise<unknown>;
  /** Listen to every statement (returns an unsubscribe function). */
  onQuery(listener: (e: QueryEvent) => void): () => void;
  close(): Promise<void>;
}

export interface GraphClientOptions {
  target: Pick<Neo4jTarget, 'uri' | 'user' | 'password' | 'database'>;
  /** Timeout the server enforces on every transaction this client opens. */
  txTimeoutMs: number;
  maxPoolSize?: number;
}

/** Attempts of an auto-commit read before a retryable failure (a dropped connection, a leader switch) is thrown. */
const READ_ATTEMPTS = 4;
/** Attempts of a schema transaction before a transient failure (a label-lock deadlock) is thrown. */
const SCHEMA_ATTEMPTS = 9;

/**
 * Runs `attempt` until it succeeds, or it has run `tries` times, or it fails with an error
 * `retryable` does not accept; waits 50 ms, then twice as long each time, between attempts.
 * The last failure is thrown as a coded project error.
 */
async function retrying<T>(tries: number, retryable: (err: unknown) => boolean, attempt: () => Promise<T>): Promise<T> {
  for (let k = 0; ; k++) {
    try {
      return await attempt();
    } catch (err) {
      if (k + 1 >= tries || !retryable(err)) throw mapNeo4jError(err);
      await new Promise((r) => setTimeout(r, 50 * 2 ** k));
    }
  }
}

/**
 * The only module that talks to neo4j-driver. Integers come back as JS numbers
 * (`disableLosslessIntegers`): every integer we store (epoch ms, counts, cents) is far
 * below 2^53. Driver errors are mapped to coded project errors here, once.
 */
export function createGraphClient(opts: GraphClientOptions): GraphClient {
  const driver: Driver = neo4j.driver(opts.target.uri, neo4j.auth.basic(opts.target.user, opts.target.password), {
    disableLosslessIntegers: true,
    maxConnectionPoolSize: opts.maxPoolSize ?? 50,
    connectionAcquisitionTimeout: 30_000,
    logging: undefined,
  });
  const database = opts.target.database;
  const listeners = new Set<(e: QueryEvent) => void>();

  /** Runs one statement (`start` sends it), reports it to the listeners, returns plain rows. */
  const timed = async (mode: 'READ' | 'WRITE', cypher: string, params: Record<string, unknown>, start: () => Promise<QueryResult>): Promise<Row[]> => {
    const t0 = performance.now();
    const res = await withoutDriverStack(start);
    emit({ cypher, params, mode, ms: performance.now() - t0 });
    return toRows(res);
  };
  const txOf = (tx: ManagedTransaction, mode: 'READ' | 'WRITE'): Tx => ({
    run: (cypher, params = {}) => timed(mode, cypher, params, () => tx.run(cypher, params)),
  });
  const emit = (e: QueryEvent) => {
    for (const l of listeners) l(e);
  };
  const txConfig = { timeout: opts.txTimeoutMs };

  const exec = async <T>(mode: 'READ' | 'WRITE', work: (tx: Tx) => Promise<T>): Promise<T> => {
    const session = driver.session({ database, defaultAccessMode: mode === 'READ' ? neo4j.session.READ : neo4j.session.WRITE });
    try {
      return mode === 'READ'
        ? await session.executeRead((tx) => work(txOf(tx, 'READ')), txConfig)
        : await session.executeWrite((tx) => work(txOf(tx, 'WRITE')), txConfig);
    } catch (err) {
      throw mapNeo4jError(err);
    } finally {
      await session.close();
    }
  };

  /**
   * Why auto-commit: a managed transaction writes BEGIN on its own, then RUN and PULL, and
   * after the rows COMMIT, and waits for COMMIT's reply (three socket writes, three
   * messages for the server, one more round trip, and a stack captured for the commit's
   * result). A single read gains nothing from the transaction around it; most of what the
   * read paths ask is one statement. Reads are idempotent, so retrying one is safe.
   */
  const autoCommitRead = (cypher: string, params: Record<string, unknown>): Promise<Row[]> =>
    retrying(READ_ATTEMPTS, (err) => neo4j.isRetryableError(err), async () => {
      const session = driver.session({ database, defaultAccessMode: neo4j.session.READ });
      try {
        return await timed('READ', cypher, params, () => session.run(cypher, params, txConfig));
      } finally {
        await session.close();
      }
    });

  return {
    read: (work) => exec('READ', work),
    write: (work) => exec('WRITE', work),
    query: (cypher, params = {}) => autoCommitRead(cypher, params),
    async schema(statements) {
      const list = typeof statements === 'string' ? [statements] : statements;
      // Schema statements from two processes at once (two test workers migrating a fresh
      // database) can deadlock on the label lock; that is transient, so retry with backoff.
      const transient = (err: unknown) => String((err as { code?: string }).code ?? '').startsWith('Neo.TransientError');
      await retrying(SCHEMA_ATTEMPTS, transient, async () => {
        const session = driver.session({ database });
        try {
          const tx = session.beginTransaction(txConfig);
          try {
            for (const cypher of list) {
              const t0 = performance.now();
              await tx.run(cypher);
              emit({ cypher, params: {}, mode: 'WRITE', ms: performance.now() - t0 });
            }
            await tx.commit();
          } finally {
            if (tx.isOpen()) await tx.rollback();
          }
        } finally {
          await session.close();
        }
      });
    },
    async explain(cypher, params = {}) {
      const session = driver.session({ database, defaultAccessMode: neo4j.session.READ });
      try {
        const res = await session.run(`EXPLAIN ${cypher}`, params, txConfig);
        return res.summary.plan;
      } catch (err) {
        throw mapNeo4jError(err);
      } finally {
        await session.close();
      }
    },
    onQuery(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: () => driver.close(),
  };
}

/**
 * Runs independent read statements together and returns each one's rows, in order: one
 * statement as an auto-commit `query`, several as one read transaction that sends them
 * without waiting for each other's rows (pipelined), so a round trip of several reads
 * costs one transaction and a lone read none.
 */
export function readTogether(graph: GraphClient, statements: readonly { cypher: string; params: Record<string, unknown> }[]): Promise<Row[][]> {
  if (statements.length === 0) return Promise.resolve([]);
  if (statements.length === 1) return graph.query(statements[0]!.cypher, statements[0]!.params).then((rows) => [rows]);
  return graph.read((tx) => Promise.all(statements.map((st) => tx.run(st.cypher, st.params))));
}

/**
 * Runs `start` (a synchronous driver call that creates a Result) with V8's stack capture
 * off. Why: the driver's Result constructor takes `new Error('').stack` for every
 * statement, to re-stack a later failure at the call site; formatting that stack was ~10%
 * of the API's CPU per embedding refresh on the 100k world (V8 profile, bench/README.md).
 * Failures still carry the server's code and message, mapped to a coded error by
 * mapNeo4jError; only the driver's JS call site is lost. JS is single-threaded and `start`
 * is synchronous, so no other code runs while the limit is 0.
 */
function withoutDriverStack<T>(start: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return start();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/**
 * One plain object per record, built from its keys and fields: `record.toObject()` and
 * then a copy of it allocated two objects per row (plus an entries array), and a refresh
 * reads thousands of rows. (Allocation profile of a nine-buyer fill's refresh on the 100k
 * world: toObject and the copy were a fifth of its bytes.)
 */
function toRows(res: QueryResult): Row[] {
  const rows = new Array<Row>(res.records.length);
  for (let n = 0; n < rows.length; n++) {
    const r = res.records[n]!;
    const keys = r.keys;
    const row: Row = {};
    for (let k = 0; k < keys.length; k++) row[keys[k] as string] = plain(r.get(k));
    rows[n] = row;
  }
  return rows;
}

/** Driver values -> plain JS: nodes become their property maps, temporal values ISO strings. */
function plain(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (Array.isArray(v)) {
    // Embeddings are lists of 64 floats on every candidate row: a list of plain numbers is
    // returned as the driver built it (no call and no copy per element).
    let k = 0;
    while (k < v.length && typeof v[k] === 'number') k++;
    return k === v.length ? v : v.map(plain);
  }
  if (typeof v !== 'object') return v;
  if (neo4j.isNode(v as never) || neo4j.isRelationship(v as never)) return plain((v as { properties: unknown }).properties);
  if (neo4j.isDate(v as never) || neo4j.isDateTime(v as never) || neo4j.isLocalDateTime(v as never)) return String(v);
  const out: Record<string, unknown> = {};
  const o = v as Record<string, unknown>;
  for (const k in o) if (Object.prototype.hasOwnProperty.call(o, k)) out[k] = plain(o[k]);
  return out;
}
