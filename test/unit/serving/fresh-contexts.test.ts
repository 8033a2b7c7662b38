import { readFresh } from '../../../src/services/fresh-contexts';
import type { EmbeddingCatchUp } from '../../../src/services/mutations/refresh';

type Ctx = { embeddingStale: boolean; v: number };

describe('reading contexts fresh', () => {
  /** A graph where each user is stale until caught up `needs` times. */
  function world(needs: Record<string, number>) {
    const caught: Record<string, number> = {};
    const asked: string[][] = [];
    let reads = 0;
    const read = async () => {
      reads++;
      return new Map(Object.keys(needs).map((id) => [id, { embeddingStale: (caught[id] ?? 0) < needs[id]!, v: caught[id] ?? 0 }] as [string, Ctx]));
    };
    const catchUp: EmbeddingCatchUp = {
      async catchUp(_ds, users) {
        asked.push([...users]);
        for (const u of users) caught[u] = (caught[u] ?? 0) + 1;
        return true;
      },
    };
    return { read, catchUp, asked, reads: () => reads };
  }

  it('reads once when no user is stale', async () => {
    const w = world({ a: 0, b: 0 });
    const r = await readFresh(w.catchUp, 'd', w.read);
    expect(w.reads()).toBe(1);
    expect(w.asked).toEqual([]);
    expect([...r.values()].every((c) => !c.embeddingStale)).toBe(true);
  });

  it('catches up only the stale users, then reads again', async () => {
    const w = world({ a: 0, b: 1, c: 1 });
    const r = await readFresh(w.catchUp, 'd', w.read);
    expect(w.asked).toEqual([['b', 'c']]);
    expect(w.reads()).toBe(2);
    expect(r.get('b')).toEqual({ embeddingStale: false, v: 1 });
  });

  it('gives up after two rounds and serves what it read', async () => {
    const w = world({ a: 5 });
    const r = await readFresh(w.catchUp, 'd', w.read);
    expect(w.asked).toEqual([['a'], ['a']]);
    expect(w.reads()).toBe(3);
    expect(r.get('a')!.embeddingStale).toBe(true);
  });

  it('serves stale contexts as read without a catch-up, or when it has nothing to catch up with', async () => {
    const w = world({ a: 1 });
    expect((await readFresh(undefined, 'd', w.read)).get('a')!.embeddingStale).toBe(true);
    const idle: EmbeddingCatchUp = { catchUp: async () => false };
    expect((await readFresh(idle, 'd', w.read)).get('a')!.embeddingStale).toBe(true);
    expect(w.reads()).toBe(2);
  });
});
