import type * as Tf from '@tensorflow/tfjs';
import { disposeRelation, gatherSegmentSum, hasFusedGatherSegmentSum, sparseRelation } from '../../graph-models/layers/gather-segment-sum';
import { ErrorCode } from '../../src/errors/codes';
import type { Logger } from '../../src/logging/logger';
import {
  TfBackendSelector,
  TfBackendUnavailableError,
  defaultLoaders,
  initTfBackend,
  requiredBackend,
  type TfBackendLoader,
  type TfBackendName,
  type TfModule,
} from '../../src/runtime/tf-backend';

/** GIFTGRAPH_TF_REQUIRE_NATIVE=1 (CI): the native backend must be the one in use. */
const REQUIRE_NATIVE = process.env.GIFTGRAPH_TF_REQUIRE_NATIVE === '1';

function recordingLogger(): Logger & { lines: { level: string; msg: string; fields?: Record<string, unknown> }[] } {
  const lines: { level: string; msg: string; fields?: Record<string, unknown> }[] = [];
  const at = (level: string) => (msg: string, fields?: Record<string, unknown>) => void lines.push({ level, msg, fields });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** Fake loaders: `ok` ones resolve to a sentinel "module", the others throw; each counts its calls. */
function fakeLoaders(ok: TfBackendName[], kernels: Partial<Record<TfBackendName, string[]>> = {}) {
  const calls: TfBackendName[] = [];
  const make = (name: TfBackendName): TfBackendLoader => async () => {
    calls.push(name);
    if (!ok.includes(name)) throw new Error(`${name} failed to load\nsecond line is dropped`);
    const getKernel = (k: string, b: string) => (b === name && kernels[name]?.includes(k) ? {} : undefined);
    return { sentinel: name, getKernel } as unknown as TfModule;
  };
  return { calls, loaders: { tensorflow: make('tensorflow'), wasm: make('wasm'), cpu: make('cpu') } };
}

describe('TfBackendSelector (fake loaders)', () => {
  it('requiredBackend asks for native TensorFlow exactly when the config requires it', () => {
    expect(requiredBackend({ tfRequireNative: true })).toEqual({ require: 'tensorflow' });
    expect(requiredBackend({ tfRequireNative: false })).toEqual({});
  });

  it('falls back tensorflow -> wasm -> cpu and logs the choice once, with the reasons', async () => {
    const { calls, loaders } = fakeLoaders(['cpu']);
    const logger = recordingLogger();
    const selector = new TfBackendSelector(loaders);
    const rt = await selector.init({ logger });
    expect(rt.backend).toBe('cpu');
    expect(calls).toEqual(['tensorflow', 'wasm', 'cpu']);
    expect(rt.reason).toContain('tensorflow unavailable: tensorflow failed to load');
    expect(rt.reason).toContain('wasm unavailable: wasm failed to load');
    expect(rt.reason).not.toContain('second line');
    // A second call (other options, even) returns the same runtime and logs nothing.
    const again = await selector.init({ logger, prefer: 'wasm' });
    expect(again).toBe(rt);
    expect(calls).toHaveLength(3);
    expect(logger.lines).toEqual([{ level: 'info', msg: 'TF.js backend: cpu', fields: { reason: rt.reason } }]);
  });

  it('stops at the first backend that loads', async () => {
    const { calls, loaders } = fakeLoaders(['tensorflow', 'wasm', 'cpu']);
    const rt = await new TfBackendSelector(loaders).init({ logger: recordingLogger() });
    expect([rt.backend, rt.reason, calls]).toEqual(['tensorflow', 'first in the default order', ['tensorflow']]);
  });

  it('tries `prefer` first, then the default order', async () => {
    const { calls, loaders } = fakeLoaders(['tensorflow', 'cpu']);
    const rt = await new TfBackendSelector(loaders).init({ logger: recordingLogger(), prefer: 'wasm' });
    expect(rt.backend).toBe('tensorflow');
    expect(calls).toEqual(['wasm', 'tensorflow']);
  });

  it('with require: tensorflow, throws a coded error instead of falling back', async () => {
    const { calls, loaders } = fakeLoaders(['wasm', 'cpu']);
    const logger = recordingLogger();
    const selector = new TfBackendSelector(loaders);
    const err = await selector.init({ logger, require: 'tensorflow', prefer: 'wasm' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TfBackendUnavailableError);
    const e = err as TfBackendUnavailableError;
    expect(e.code).toBe(ErrorCode.TF_NATIVE_UNAVAILABLE);
    expect(e.details).toEqual({ reason: 'TF_NATIVE_UNAVAILABLE', attempts: { tensorflow: 'tensorflow failed to load' } });
    expect(e.message).toContain('npm run tf:native');
    expect(calls).toEqual(['tensorflow']); // no fallback tried
    expect(logger.lines.map((l) => l.level)).toEqual(['error']);
    // The failure is not cached: a later call may still fall back.
    expect((await selector.init({ logger })).backend).toBe('wasm');
  });

  it('skips a backend that lacks a kernel the caller needs', async () => {
    const { calls, loaders } = fakeLoaders(['wasm', 'cpu'], { wasm: ['GatherV2'], cpu: ['GatherV2', 'UnsortedSegmentSum'] });
    const rt = await new TfBackendSelector(loaders).init({ logger: recordingLogger(), kernels: ['GatherV2', 'UnsortedSegmentSum'] });
    expect(rt.backend).toBe('cpu');
    expect(calls).toEqual(['tensorflow', 'wasm', 'cpu']);
    expect(rt.reason).toContain('wasm unavailable: no UnsortedSegmentSum kernel');
  });

  it('rejects require: tensorflow when the process already fell back', async () => {
    const selector = new TfBackendSelector(fakeLoaders(['wasm']).loaders);
    await selector.init({ logger: recordingLogger() });
    await expect(selector.init({ require: 'tensorflow' })).rejects.toBeInstanceOf(TfBackendUnavailableError);
  });
});

describe('the real backends', () => {
  // [[1,2],[3,4]] x [[5,6],[7,8]] = [[19,22],[43,50]], by hand.
  const matmul = (tf: TfModule) => {
    const a = tf.tensor2d([1, 2, 3, 4], [2, 2]);
    const b = tf.tensor2d([5, 6, 7, 8], [2, 2]);
    const c = tf.matMul(a, b);
    const out = Array.from(c.dataSync());
    tf.dispose([a, b, c]);
    return out;
  };

  // Runs first: activating a loader switches the process's engine, and initTfBackend below
  // must make its own choice afterwards.
  it.each(['wasm', 'cpu'] as const)('%s loads offline and multiplies right', async (name) => {
    const tf = await defaultLoaders[name]();
    expect(tf.getBackend()).toBe(name);
    expect(matmul(tf)).toEqual([19, 22, 43, 50]);
    // tfjs 4.22's wasm backend has no UnsortedSegmentSum (message passing, gather's gradient):
    // why initTfBackend takes `kernels`. If this starts failing, wasm gained it: update the README.
    expect(Boolean(tf.getKernel('UnsortedSegmentSum', name))).toBe(name === 'cpu');
  });

  it(`initTfBackend picks ${REQUIRE_NATIVE ? 'tensorflow (GIFTGRAPH_TF_REQUIRE_NATIVE=1)' : 'a working backend'}, logs once, computes right, leaks nothing`, async () => {
    const logger = recordingLogger();
    const rt = await initTfBackend({
      logger,
      kernels: ['GatherV2', 'UnsortedSegmentSum'],
      ...(REQUIRE_NATIVE ? { require: 'tensorflow' as const } : {}),
    });
    if (REQUIRE_NATIVE) expect(rt.backend).toBe('tensorflow');
    expect(['tensorflow', 'cpu']).toContain(rt.backend); // wasm lacks UnsortedSegmentSum
    expect(rt.tf.getBackend()).toBe(rt.backend);
    const before = rt.tf.memory().numTensors;
    expect(matmul(rt.tf)).toEqual([19, 22, 43, 50]);
    // gather + unsortedSegmentSum, the message-passing pair: rows [0,2,2,1] summed into 2 segments.
    const sums = rt.tf.tidy(() => {
      const x = rt.tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2]);
      const msg = rt.tf.gather(x, rt.tf.tensor1d([0, 2, 2, 1], 'int32'));
      return rt.tf.unsortedSegmentSum(msg, rt.tf.tensor1d([0, 0, 1, 1], 'int32'), 2).arraySync();
    });
    expect(sums).toEqual([[6, 8], [8, 10]]);
    // The fused kernel LightGCN propagates with runs on this backend (TensorFlow's own op on
    // tensorflow) and gives the same sums and the transposed sums as its gradient.
    expect(hasFusedGatherSegmentSum()).toBe(true);
    const fused = rt.tf.tidy(() => {
      const rel = sparseRelation(Int32Array.from([0, 2, 2, 1]), Int32Array.from([0, 0, 1, 1]), 3, 2);
      const x = rt.tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2]);
      const dy = rt.tf.tensor2d([1, 10, 100, 1000], [2, 2]);
      const value = gatherSegmentSum(x, rel).arraySync();
      const grad = rt.tf.grad((a: Tf.Tensor) => rt.tf.sum(rt.tf.mul(gatherSegmentSum(a as Tf.Tensor2D, rel), dy)))(x).arraySync();
      disposeRelation(rel);
      return { value, grad };
    });
    expect(fused).toEqual({ value: [[6, 8], [8, 10]], grad: [[1, 10], [100, 1000], [101, 1010]] });
    expect(rt.tf.memory().numTensors).toBe(before);
    expect(await initTfBackend({ logger })).toBe(rt);
    expect(logger.lines).toHaveLength(1);
    expect(logger.lines[0]!.msg).toBe(`TF.js backend: ${rt.backend}`);
  });
});
