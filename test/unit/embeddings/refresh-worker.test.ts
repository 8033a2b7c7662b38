import path from 'node:path';
import { fixedClock } from '../../../src/clock/clock';
import { RefreshWorker } from '../../../src/embeddings/refresh-worker/refresh-worker';
import { ErrorCode } from '../../../src/errors/codes';
import { GiftgraphError } from '../../../src/errors/errors';
import type { RecordedTransaction } from '../../../src/graph/recording-graph-client';
import { silentLogger } from '../../../src/logging/logger';

/** RefreshWorker's plumbing over a scripted worker thread (test/support/scripted-refresh-worker.ts). */
describe('RefreshWorker', () => {
  const transactions: RecordedTransaction[] = [];
  const worker = new RefreshWorker({
    init: { target: { uri: 'bolt://127.0.0.1:1', user: 'neo4j', password: 'x', database: 'neo4j' }, txTimeoutMs: 1000, logLevel: 'silent', artifactsDir: '/nowhere' },
    clock: fixedClock(0),
    logger: silentLogger,
    onTransactions: (txs) => transactions.push(...txs),
    entry: path.join(__dirname, '..', '..', 'support', 'scripted-refresh-worker.ts'),
  });
  afterAll(() => worker.dispose());

  it('matches each answer to its call when several are in flight', async () => {
    const results = await Promise.all(['a', 'b', 'c'].map((ds, k) => worker.refresh(ds, { users: Array.from({ length: k }, (_, i) => `u${i}`) })));
    expect(results.map((r) => [r.version, r.written])).toEqual([['v-a', 0], ['v-b', 1], ['v-c', 2]]);
  }, 30_000);

  it('hands the worker\'s transactions to the caller on the caller\'s clock', async () => {
    transactions.length = 0;
    const t0 = performance.now();
    await worker.refresh('a', { users: ['u1'] });
    const t1 = performance.now();
    expect(transactions).toHaveLength(1);
    expect(transactions[0]!.start).toBeGreaterThanOrEqual(t0 - 1);
    expect(transactions[0]!.start).toBeLessThanOrEqual(t1 + 1);
    expect(transactions[0]!.statements).toEqual([{ cypher: 'RETURN 1', params: {} }]);
  }, 30_000);

  it('rethrows a coded failure as the same GiftgraphError, and an uncoded one as a plain Error', async () => {
    const coded = await worker.refresh('fail', { users: ['u1'] }).catch((e: unknown) => e);
    expect(coded).toBeInstanceOf(GiftgraphError);
    expect(coded).toMatchObject({ code: ErrorCode.MODEL_NOT_READY, message: 'no servable encoder', details: { dataset: 'fail' } });
    const odd = await worker.refresh('odd', {}).catch((e: unknown) => e);
    expect(odd).toBeInstanceOf(Error);
    expect(odd).not.toBeInstanceOf(GiftgraphError);
    expect((odd as Error).message).toBe('something odd');
  }, 30_000);

  it('fails the calls in flight when the worker dies, and starts a new worker for the next call', async () => {
    const inFlight = worker.refresh('a', { users: ['u1'] });
    const crashed = await worker.refresh('crash', { users: ['u1'] }).catch((e: unknown) => e);
    expect(crashed).toBeInstanceOf(GiftgraphError);
    expect((crashed as GiftgraphError).code).toBe(ErrorCode.INTERNAL);
    // The call sent before the crash was answered first (the worker handles messages in order).
    await expect(inFlight).resolves.toMatchObject({ version: 'v-a' });
    await expect(worker.refresh('b', { users: ['u1'] })).resolves.toMatchObject({ version: 'v-b', written: 1 });
  }, 30_000);

  it('closes on dispose and starts again on the next call', async () => {
    await worker.dispose();
    await expect(worker.refresh('c', {})).resolves.toMatchObject({ version: 'v-c' });
  }, 30_000);
});
