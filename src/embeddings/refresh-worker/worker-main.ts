/**
 * The refresh worker's composition root: a worker thread of the API process that owns its
 * own driver, model registry and EmbeddingRefresher, and answers RefreshRequests from the
 * main thread (refresh-worker.ts). Started only through RefreshWorker.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { systemClock } from '../../clock/clock';
import { GiftgraphError } from '../../errors/errors';
import { createGraphClient } from '../../graph/graph-client';
import { recordingGraphClient, type RecordedTransaction } from '../../graph/recording-graph-client';
import { consoleLogger } from '../../logging/logger';
import { ArtifactStore } from '../artifact-store';
import { EmbeddingRefresher } from '../embedding-refresher';
import { ModelRegistry } from '../registry';
import type { CloseRequest, RefreshReply, RefreshRequest, RefreshWorkerInit, WorkerFailure, WorkerTransaction } from './protocol';

// The worker reads the encoder's weights with TF.js's CPU backend and encodes with the
// plain-array forward pass; the native backend stays on the main thread (tfjs-node's addon
// does not load twice in one process). Prod mode silences the CPU backend's banner.
tf.enableProdMode();

const port = parentPort!;
const init = workerData as RefreshWorkerInit;
const logger = consoleLogger(init.logLevel, 'refresh-worker');
const inner = createGraphClient({ target: init.target, txTimeoutMs: init.txTimeoutMs });
const calls = new AsyncLocalStorage<RecordedTransaction[]>();
const graph = init.recordTransactions
  ? recordingGraphClient(inner, () => {
      const list = calls.getStore();
      return list ? (t) => list.push(t) : undefined;
    })
  : inner;
const registry = new ModelRegistry({ graph, store: new ArtifactStore(init.artifactsDir), clock: systemClock, logger });
const refresher = new EmbeddingRefresher({ graph, registry, clock: systemClock, logger });
let closing = false;

port.on('message', (m: RefreshRequest | CloseRequest) => {
  if ('close' in m) {
    closing = true;
    void close();
    return;
  }
  if (closing) return;
  const transactions: RecordedTransaction[] = [];
  void calls.run(transactions, async (): Promise<RefreshReply> => {
    try {
      const result = await refresher.refresh(m.dataset, { users: m.users, items: m.items, asOf: m.asOf });
      return { id: m.id, ok: true, result, transactions: transactions.map(toEpoch) };
    } catch (e) {
      return { id: m.id, ok: false, error: failure(e), transactions: transactions.map(toEpoch) };
    }
  }).then((reply) => port.postMessage(reply));
});

async function close(): Promise<void> {
  await refresher.dispose();
  await inner.close();
  port.close();
}

function failure(e: unknown): WorkerFailure {
  if (e instanceof GiftgraphError) return { code: e.code, message: e.message, details: e.details };
  return { code: null, message: e instanceof Error ? e.message : String(e), details: {} };
}

const toEpoch = (t: RecordedTransaction): WorkerTransaction => ({ ...t, start: performance.timeOrigin + t.start, end: performance.timeOrigin + t.end });
