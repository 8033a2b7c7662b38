import { createHash } from 'node:crypto';
import type { GraphClient } from '../src/graph/graph-client';
import type { RecordedTransaction } from '../src/graph/recording-graph-client';

/**
 * Baseline (b) of the serving bench: the exact Cypher an API request issued, replayed
 * from a plain GraphClient with no HTTP, GraphQL, scoring or encoding around it.
 *
 * The API process records every transaction a request ran (bench/serve-server.ts):
 * its mode, its statements with their parameters, and when it started and ended. The
 * replay keeps the request's shape: a transaction is issued when the transaction it
 * waited for completes, and the statements of one transaction run in one transaction
 * again, so parallel branches (Promise.all over sources or recipients) stay parallel
 * and sequential steps stay sequential.
 */

/**
 * A transaction of the API process (`start`/`end` on its main thread's clock); `ok` false:
 * it threw, and the replay rolls it back too. `background`: run by the refresh worker for
 * an embedding refresh the request's write queued (the replay runs it like the others).
 */
export type RecordedTx = RecordedTransaction & { background?: true };

export interface RecordedRequest {
  /** The load generator's request id (x-bench-req). */
  id: string;
  txs: RecordedTx[];
}

/**
 * For each transaction, the one it waited for: the latest-ending transaction of the same
 * request that had ended when it started (-1: issued at the request's start). Code
 * issues a statement right after the one it needs returns, so the closest end before a
 * start is its cause; transactions started together (Promise.all) share a parent.
 */
export function dependencyParents(txs: readonly Pick<RecordedTx, 'start' | 'end'>[]): number[] {
  return txs.map((t) => {
    let parent = -1;
    for (let j = 0; j < txs.length; j++) {
      const o = txs[j]!;
      if (o === t || o.end > t.start) continue;
      if (parent === -1 || o.end > txs[parent]!.end || (o.end === txs[parent]!.end && j > parent)) parent = j;
    }
    return parent;
  });
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/**
 * The parameters of a recorded write with its unique values replaced, so a replay commits
 * the same work without tripping a uniqueness constraint: every UUID (generated ids such as
 * `p-<uuid>`) and every occurrence of the given idempotency keys become fresh values,
 * consistently within one call (the key record created and completed by one transaction
 * keeps one key). Everything else is left exactly as recorded. `uuids: false` keeps the
 * UUIDs: for a replay onto the state the recording found (see undoMutation), where a UUID
 * names an existing node the statement must find, such as a group buy to join.
 */
export function freshenParams<T>(value: T, o: { keys: readonly string[]; suffix: string; uuids?: boolean }): T {
  const uuids = new Map<string, string>();
  const fresh = (s: string): string => {
    let out = o.uuids === false ? s : s.replace(UUID, (u) => {
      let v = uuids.get(u);
      if (!v) {
        v = `${u.slice(0, 24)}${createHash('sha256').update(`${u}\u0000${o.suffix}`).digest('hex').slice(0, 12)}`;
        uuids.set(u, v);
      }
      return v;
    });
    for (const k of o.keys) if (k && out.includes(k)) out = out.split(k).join(`${k}.${o.suffix}`);
    return out;
  };
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return fresh(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}

/** Rolls back a replayed transaction whose original threw. */
class RolledBack extends Error {}

/**
 * Replays one recorded request: roots at once, each transaction's dependants when it
 * completes. `rewrite` maps a write transaction's parameters (see freshenParams).
 */
export async function replayRequest(graph: GraphClient, req: RecordedRequest, rewrite?: (params: Record<string, unknown>) => Record<string, unknown>): Promise<void> {
  const parents = dependencyParents(req.txs);
  const children = req.txs.map(() => [] as number[]);
  const roots: number[] = [];
  parents.forEach((p, i) => (p === -1 ? roots : children[p]!).push(i));
  const runTx = async (t: RecordedTx): Promise<void> => {
    const work = async (tx: { run(c: string, p?: Record<string, unknown>): Promise<unknown> }) => {
      // A statement the API issued while others of its transaction ran is sent the same
      // way, without waiting for them; any other waits for every earlier one.
      let running: Promise<unknown>[] = [];
      for (const s of t.statements) {
        if (!s.pipelined) await Promise.all(running.splice(0));
        running.push(tx.run(s.cypher, t.mode === 'WRITE' && rewrite ? rewrite(s.params) : s.params));
      }
      await Promise.all(running);
      if (!t.ok) throw new RolledBack();
    };
    try {
      // An auto-commit read is replayed as one too (no BEGIN, no COMMIT).
      if (t.autoCommit) {
        const s = t.statements[0]!;
        await graph.query(s.cypher, s.params);
        if (!t.ok) throw new RolledBack();
      } else await (t.mode === 'READ' ? graph.read(work) : graph.write(work));
    } catch (e) {
      // The client wraps what a transaction function throws (mapNeo4jError): a transaction
      // that failed when recorded is expected to fail (be rolled back) again.
      if (t.ok) throw e;
    }
  };
  const run = async (i: number): Promise<void> => {
    await runTx(req.txs[i]!);
    await Promise.all(children[i]!.map(run));
  };
  await Promise.all(roots.map(run));
}
