/**
 * A stand-in refresh worker for RefreshWorker's unit tests: no Neo4j, no encoder. It
 * answers by the request's dataset: `crash` exits the thread mid-call, `fail` replies
 * with a coded failure, `odd` with an uncoded one, anything else succeeds with one
 * recorded transaction.
 */
import { parentPort } from 'node:worker_threads';
import type { CloseRequest, RefreshReply, RefreshRequest } from '../../src/embeddings/refresh-worker/protocol';

const port = parentPort!;
port.on('message', (m: RefreshRequest | CloseRequest) => {
  if ('close' in m) return port.close();
  if (m.dataset === 'crash') process.exit(3);
  const at = performance.timeOrigin + performance.now();
  const transactions = [{ mode: 'READ' as const, start: at, end: at + 1, statements: [{ cypher: 'RETURN 1', params: {} }], ok: true }];
  const reply: RefreshReply =
    m.dataset === 'fail'
      ? { id: m.id, ok: false, error: { code: 'MODEL_NOT_READY', message: 'no servable encoder', details: { dataset: m.dataset } }, transactions }
      : m.dataset === 'odd'
        ? { id: m.id, ok: false, error: { code: null, message: 'something odd', details: {} }, transactions: [] }
        : { id: m.id, ok: true, result: { version: `v-${m.dataset}`, written: m.users.length + m.items.length, ms: 0, missing: { users: [], items: [] } }, transactions };
  port.postMessage(reply);
});
