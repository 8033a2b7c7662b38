import { RefreshAfterWrite } from '../../../src/services/mutations/refresh';

type Nodes = { users?: string[]; items?: string[] };

describe('refresh after a write', () => {
  /** A refresher whose calls each wait for the test to release them, in call order. */
  function fake(fail = false) {
    const calls: Nodes[] = [];
    const done: Nodes[] = [];
    const gates: (() => void)[] = [];
    return {
      calls, done,
      release: (n = gates.length) => gates.splice(0, n).forEach((g) => g()),
      refresh: {
        async refresh(_ds: string, o: Nodes) {
          calls.push(o);
          await new Promise<void>((r) => gates.push(r));
          if (fail) throw new Error('model not ready');
          done.push(o);
        },
      },
    };
  }
  const tick = () => new Promise((r) => setImmediate(r));
  const quiet = { warn: () => undefined };

  it('answers before the users are refreshed: the acting users alone, then the other nodes, in the background; drain() waits for them', async () => {
    const f = fake();
    const r = new RefreshAfterWrite({ refresh: f.refresh, logger: quiet });
    await r.run('d', { users: ['u1'] }, { users: ['u2'], items: ['i1'] });
    expect(f.calls).toEqual([{ users: ['u1'] }, { users: ['u2'], items: ['i1'] }]);
    expect(f.done).toEqual([]);
    let drained = false;
    const d = r.drain().then(() => (drained = true));
    await tick();
    expect(drained).toBe(false);
    f.release();
    await d;
    expect(f.done).toEqual([{ users: ['u1'] }, { users: ['u2'], items: ['i1'] }]);
  });

  it("embeds a write's own items (a catalog feed's new items) before it answers", async () => {
    const f = fake();
    const r = new RefreshAfterWrite({ refresh: f.refresh, logger: quiet });
    let answered = false;
    const run = r.run('d', { items: ['new1'] }).then(() => (answered = true));
    await tick();
    expect(answered).toBe(false);
    f.release();
    await run;
    expect(f.done).toEqual([{ items: ['new1'] }]);
  });

  it("catchUp waits for the user's pending refresh instead of starting another, and refreshes users without one", async () => {
    const f = fake();
    const r = new RefreshAfterWrite({ refresh: f.refresh, logger: quiet });
    await r.run('d', { users: ['u1'] });
    let caughtUp = false;
    const c = r.catchUp('d', ['u1', 'u9']).then((x) => (caughtUp = x));
    await tick();
    expect(f.calls).toEqual([{ users: ['u1'] }, { users: ['u9'] }]);
    f.release(1);
    await tick();
    expect(caughtUp).toBe(false);
    f.release();
    await c;
    expect(caughtUp).toBe(true);
    // Same user in another dataset: not the pending one.
    const other = r.catchUp('e', ['u1']);
    await tick();
    expect(f.calls.at(-1)).toEqual({ users: ['u1'] });
    f.release();
    await other;
  });

  it('forgets a finished refresh: a later catchUp of that user refreshes it again', async () => {
    const f = fake();
    const r = new RefreshAfterWrite({ refresh: f.refresh, logger: quiet });
    await r.run('d', { users: ['u1'] });
    f.release();
    await r.drain();
    const c = r.catchUp('d', ['u1']);
    await tick();
    expect(f.calls).toHaveLength(2);
    f.release();
    await expect(c).resolves.toBe(true);
  });

  it('runs at most maxConcurrent background refreshes, the rest in arrival order', async () => {
    const f = fake();
    const r = new RefreshAfterWrite({ refresh: f.refresh, logger: quiet, maxConcurrent: 1 });
    await r.run('d', { users: ['u1'] });
    await r.run('d', { users: ['u2'] });
    await r.run('d', { users: ['u3'] });
    expect(f.calls).toEqual([{ users: ['u1'] }]);
    f.release();
    await tick();
    expect(f.calls).toEqual([{ users: ['u1'] }, { users: ['u2'] }]);
    f.release();
    await tick();
    f.release();
    await r.drain();
    expect(f.done).toEqual([{ users: ['u1'] }, { users: ['u2'] }, { users: ['u3'] }]);
  });

  it("starts queued acting users' refreshes before the other nodes' queued earlier", async () => {
    const f = fake();
    const r = new RefreshAfterWrite({ refresh: f.refresh, logger: quiet, maxConcurrent: 1 });
    await r.run('d', { users: ['u1'] }, { items: ['i1'] }); // u1 runs; i1 queued
    await r.run('d', { users: ['u2'] }, { items: ['i2'] }); // u2 queued ahead of i1
    for (let k = 0; k < 4; k++) {
      f.release();
      await tick();
    }
    await r.drain();
    expect(f.calls).toEqual([{ users: ['u1'] }, { users: ['u2'] }, { items: ['i1'] }, { items: ['i2'] }]);
  });

  it('does not queue a node again while a queued refresh (not yet reading) names it', async () => {
    const f = fake();
    const r = new RefreshAfterWrite({ refresh: f.refresh, logger: quiet, maxConcurrent: 1 });
    await r.run('d', { users: ['u1'] }); // running
    await r.run('d', { users: ['u2'] }, { items: ['i1'] }); // queued: u2, then i1
    await r.run('d', { users: ['u2'] }, { users: ['u3'], items: ['i1'] }); // u2 and i1 already queued
    await r.run('d', { users: ['u1'] }); // u1's refresh is running (it read before this write): queued again
    f.release();
    await tick();
    f.release();
    await tick();
    f.release();
    await tick();
    f.release();
    await tick();
    f.release();
    await r.drain();
    // Acting users' lane first: u2, then u1 again; then the other nodes: i1, u3.
    expect(f.calls).toEqual([{ users: ['u1'] }, { users: ['u2'] }, { users: ['u1'] }, { items: ['i1'] }, { users: ['u3'] }]);
  });

  it('a read starts a queued refresh of its user at once, past the bound', async () => {
    const f = fake();
    const r = new RefreshAfterWrite({ refresh: f.refresh, logger: quiet, maxConcurrent: 1 });
    await r.run('d', { users: ['u1'] });
    await r.run('d', { users: ['u2'] });
    const c = r.catchUp('d', ['u2']);
    await tick();
    expect(f.calls).toEqual([{ users: ['u1'] }, { users: ['u2'] }]);
    f.release();
    await expect(c).resolves.toBe(true);
    await r.drain();
    expect(f.calls).toHaveLength(2);
    expect(() => new RefreshAfterWrite({ refresh: f.refresh, logger: quiet, maxConcurrent: 0 })).toThrow(RangeError);
  });

  it('a failed refresh is logged, never thrown: the write it follows has committed', async () => {
    const f = fake(true);
    const warnings: string[] = [];
    const r = new RefreshAfterWrite({ refresh: f.refresh, logger: { warn: (m) => void warnings.push(m) } });
    await expect(r.run('d', { users: ['u1'] }, { users: ['u2'] })).resolves.toBeUndefined();
    const c = r.catchUp('d', ['u3']);
    await tick();
    f.release();
    await r.drain();
    await expect(c).resolves.toBe(true);
    expect(warnings).toHaveLength(3);
  });

  it('does nothing without a refresher or without nodes', async () => {
    const none = new RefreshAfterWrite({ refresh: null, logger: quiet });
    await expect(none.run('d', { users: ['u1'] })).resolves.toBeUndefined();
    await expect(none.catchUp('d', ['u1'])).resolves.toBe(false);
    const f = fake();
    const r = new RefreshAfterWrite({ refresh: f.refresh, logger: quiet });
    await r.run('d', {}, {});
    await expect(r.catchUp('d', [])).resolves.toBe(false);
    expect(f.calls).toEqual([]);
  });
});
