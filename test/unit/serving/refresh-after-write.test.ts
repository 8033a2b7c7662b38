import { RefreshAfterWrite } from '../../../src/services/mutations/refresh';

describe('refresh after a write', () => {
  function fake(fail = false) {
    const calls: { users?: string[]; items?: string[] }[] = [];
    const done: { users?: string[]; items?: string[] }[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    return {
      calls, done, release,
      refresh: {
        async refresh(_ds: string, o: { users?: string[]; items?: string[] }) {
          calls.push(o);
          // The acting user's refresh completes at once; the background one waits for the gate.
          if (calls.length > 1) await gate;
          if (fail) throw new Error('model not ready');
          done.push(o);
        },
      },
    };
  }

  it("answers once the acting user's nodes are refreshed; the others finish in the background and drain() waits for them", async () => {
    const f = fake();
    const r = new RefreshAfterWrite({ refresh: f.refresh, logger: { warn: () => undefined } });
    await r.run('d', { users: ['u1'] }, { items: ['i1'] });
    expect(f.done).toEqual([{ users: ['u1'] }]);
    expect(f.calls).toEqual([{ users: ['u1'] }, { items: ['i1'] }]);
    let drained = false;
    const d = r.drain().then(() => (drained = true));
    await new Promise((res) => setImmediate(res));
    expect(drained).toBe(false);
    f.release();
    await d;
    expect(f.done).toEqual([{ users: ['u1'] }, { items: ['i1'] }]);
  });

  it('a failed refresh is logged, never thrown: the write it follows has committed', async () => {
    const f = fake(true);
    const warnings: string[] = [];
    const r = new RefreshAfterWrite({ refresh: f.refresh, logger: { warn: (m) => void warnings.push(m) } });
    f.release();
    await expect(r.run('d', { users: ['u1'] }, { users: ['u2'] })).resolves.toBeUndefined();
    await r.drain();
    expect(warnings).toHaveLength(2);
  });

  it('does nothing without a refresher or without nodes', async () => {
    await expect(new RefreshAfterWrite({ refresh: null, logger: { warn: () => undefined } }).run('d', { users: ['u1'] })).resolves.toBeUndefined();
    const f = fake();
    await new RefreshAfterWrite({ refresh: f.refresh, logger: { warn: () => undefined } }).run('d', {}, {});
    expect(f.calls).toEqual([]);
  });
});
