import { KeyedQueue } from '../../../src/embeddings/keyed-queue';

const tick = () => new Promise<void>((r) => setImmediate(r));

describe('KeyedQueue', () => {
  it('runs tasks sharing a key one at a time, in call order', async () => {
    const q = new KeyedQueue();
    const log: string[] = [];
    const task = (name: string) => async () => {
      log.push(`start ${name}`);
      await tick();
      log.push(`end ${name}`);
      return name;
    };
    const results = await Promise.all([q.run(['a'], task('1')), q.run(['a', 'b'], task('2')), q.run(['b'], task('3'))]);
    expect(results).toEqual(['1', '2', '3']);
    expect(log).toEqual(['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3']);
    expect(q.size).toBe(0);
  });

  it('runs tasks with disjoint keys concurrently', async () => {
    const q = new KeyedQueue();
    const log: string[] = [];
    const task = (name: string) => async () => {
      log.push(`start ${name}`);
      await tick();
      log.push(`end ${name}`);
    };
    await Promise.all([q.run(['a'], task('1')), q.run(['b'], task('2'))]);
    expect(log.slice(0, 2)).toEqual(['start 1', 'start 2']);
  });

  it('keeps serving a key after a task on it failed', async () => {
    const q = new KeyedQueue();
    const failed = q.run(['a'], async () => {
      throw new Error('boom');
    });
    const next = q.run(['a'], async () => 'ok');
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('ok');
  });
});
