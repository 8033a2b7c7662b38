import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { PROJECT_ROOT } from '../../../src/config/config';
import { lowerCurrentThreadPriority } from '../../../src/runtime/thread-priority';

/** A worker thread that lowers its own priority, reports, and stays alive until told to stop. */
const lowering = (nice: number) => `
require(${JSON.stringify(path.join(PROJECT_ROOT, 'scripts', 'register-ts.js'))});
const { parentPort } = require('node:worker_threads');
const { lowerCurrentThreadPriority } = require(${JSON.stringify(path.join(PROJECT_ROOT, 'src', 'runtime', 'thread-priority.ts'))});
parentPort.postMessage(lowerCurrentThreadPriority(${nice}));
parentPort.once('message', () => parentPort.close());
`;

describe('lowerCurrentThreadPriority', () => {
  it('lowers the calling worker thread alone on Linux (the main thread keeps its priority), and says why not elsewhere', async () => {
    const before = os.getPriority();
    const w = new Worker(lowering(7), { eval: true });
    try {
      const r = await new Promise<ReturnType<typeof lowerCurrentThreadPriority>>((resolve, reject) => {
        w.once('message', resolve);
        w.once('error', reject);
      });
      if (process.platform !== 'linux') {
        expect(r).toEqual({ applied: false, reason: expect.stringContaining('Linux') });
        return;
      }
      expect(r).toMatchObject({ applied: true, nice: Math.max(7, before) });
      if (!r.applied) return;
      expect(r.tid).not.toBe(process.pid);
      // Read from outside the thread, while it is alive: the kernel holds the new value for it alone.
      expect(os.getPriority(r.tid)).toBe(Math.max(7, before));
      expect(os.getPriority()).toBe(before);
    } finally {
      w.postMessage('stop');
      await new Promise((resolve) => w.once('exit', resolve));
    }
  }, 30_000);

  it('does nothing at nice 0, and refuses values outside 0..19', () => {
    expect(lowerCurrentThreadPriority(0)).toEqual({ applied: false, reason: expect.stringContaining('nice 0') });
    expect(() => lowerCurrentThreadPriority(-1)).toThrow(RangeError);
    expect(() => lowerCurrentThreadPriority(20)).toThrow(RangeError);
    expect(() => lowerCurrentThreadPriority(2.5)).toThrow(RangeError);
  });
});
