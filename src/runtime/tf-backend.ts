import path from 'node:path';
import type * as Tf from '@tensorflow/tfjs';
import { ErrorCode } from '../errors/codes';
import { GiftgraphError } from '../errors/errors';
import { consoleLogger, type Logger } from '../logging/logger';

/**
 * Which TF.js backend runs the models, chosen once per process.
 *
 * Order: native TensorFlow (`@tensorflow/tfjs-node`, whose addon `npm run tf:native`
 * builds), then WebAssembly (`@tensorflow/tfjs-backend-wasm`, single-threaded SIMD under
 * Node, its .wasm files read from the package's dist folder), then plain JS (`cpu`).
 * On this project's 2-core machine a 2048² fp32 matmul runs at ~200 GFLOP/s native (on par
 * with NumPy/OpenBLAS), ~35 on wasm (one thread) and ~1.3 on cpu; gather + segment sum
 * over 1M edges takes ~0.16 s native, ~2 s on wasm, ~3.4 s on cpu
 * (`npm run bench -- tf-backends`), hence the order. Caveat: wasm has no
 * UnsortedSegmentSum kernel and cpu's is O(segments × edges × d); see `kernels` below.
 */
export type TfBackendName = 'tensorflow' | 'wasm' | 'cpu';

/** The TF.js namespace every backend shares (tfjs-node re-exports it, plus `tf.node`). */
export type TfModule = typeof Tf;

export interface TfRuntime {
  tf: TfModule;
  backend: TfBackendName;
  /** One sentence: why this backend (preferred, or what failed before it). */
  reason: string;
}

export interface TfBackendOptions {
  /** Where the one "TF.js backend" line goes; default: an info-level console logger. */
  logger?: Logger;
  /** Try this backend first, then the others in the default order. */
  prefer?: TfBackendName;
  /**
   * Fail instead of falling back: with 'tensorflow' only the native backend is tried and a
   * `TfBackendUnavailableError` is thrown when it does not load (CI sets this through
   * GIFTGRAPH_TF_REQUIRE_NATIVE, so a broken native build cannot pass on the fallback).
   */
  require?: 'tensorflow';
  /**
   * Kernels the caller's models run (e.g. 'UnsortedSegmentSum', which message passing and
   * the gradient of `tf.gather` use). A backend that lacks any of them is skipped,
   * like one that failed to load: the wasm backend has no UnsortedSegmentSum kernel.
   */
  kernels?: readonly string[];
}

/**
 * The `require` option a process's config asks for: native TensorFlow when
 * GIFTGRAPH_TF_REQUIRE_NATIVE=1 (CI), else none (fall back in the default order).
 */
export function requiredBackend(config: { tfRequireNative: boolean }): Pick<TfBackendOptions, 'require'> {
  return config.tfRequireNative ? { require: 'tensorflow' } : {};
}

/** Loads one backend and makes it active; throws (or returns false from setBackend) on failure. */
export type TfBackendLoader = () => Promise<TfModule>;

export const DEFAULT_ORDER: readonly TfBackendName[] = ['tensorflow', 'wasm', 'cpu'];

/**
 * The native backend is required but did not load. Code INTERNAL until the error catalog
 * gains a dedicated code; `details.reason` is the stable discriminator meanwhile.
 */
export class TfBackendUnavailableError extends GiftgraphError {
  constructor(message: string, details: { reason: 'TF_NATIVE_UNAVAILABLE'; attempts: Record<string, string> }) {
    super(ErrorCode.TF_NATIVE_UNAVAILABLE, message, details);
  }
}

/** The real loaders. Each `require`s its package only when tried. */
export const defaultLoaders: Record<TfBackendName, TfBackendLoader> = {
  tensorflow: async () => {
    // Throws "native addon module (tfjs_binding.node) can not be found" without the addon.
    const tf = (await import('@tensorflow/tfjs-node')) as unknown as TfModule;
    return activate(tf, 'tensorflow');
  },
  wasm: async () => {
    const tf = await import('@tensorflow/tfjs');
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    // A file-system prefix (trailing slash): emscripten reads the .wasm with fs, no fetch.
    const dist = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep;
    wasm.setWasmPaths(dist);
    return activate(tf, 'wasm');
  },
  cpu: async () => activate(await import('@tensorflow/tfjs'), 'cpu'),
};

async function activate(tf: TfModule, name: TfBackendName): Promise<TfModule> {
  // setBackend resolves false (after a console warning) when the backend fails to init.
  if (!(await tf.setBackend(name))) throw new Error(`tf.setBackend('${name}') returned false`);
  await tf.ready();
  if (tf.getBackend() !== name) throw new Error(`active backend is ${tf.getBackend()}, not ${name}`);
  return tf;
}

/**
 * Chooses and activates a backend. The first call decides for the process (TF.js has one
 * engine per process) and logs one line; later calls return the same runtime without
 * logging, and throw only if it does not meet their `require`.
 */
export class TfBackendSelector {
  private chosen: Promise<TfRuntime> | undefined;

  constructor(private readonly loaders: Record<TfBackendName, TfBackendLoader> = defaultLoaders) {}

  init(opts: TfBackendOptions = {}): Promise<TfRuntime> {
    this.chosen ??= this.select(opts);
    // A failed first choice is not cached: a caller may retry (e.g. after `npm run tf:native`).
    this.chosen.catch(() => (this.chosen = undefined));
    return this.chosen.then((rt) => {
      if (opts.require && rt.backend !== opts.require) {
        throw new TfBackendUnavailableError(
          `backend ${opts.require} is required, but this process already runs TF.js on ${rt.backend} (${rt.reason})`,
          { reason: 'TF_NATIVE_UNAVAILABLE', attempts: {} },
        );
      }
      return rt;
    });
  }

  private async select(opts: TfBackendOptions): Promise<TfRuntime> {
    const logger = opts.logger ?? consoleLogger('info', 'tf');
    const order = opts.require
      ? [opts.require]
      : opts.prefer
        ? [opts.prefer, ...DEFAULT_ORDER.filter((b) => b !== opts.prefer)]
        : [...DEFAULT_ORDER];
    const attempts: Record<string, string> = {};
    for (const name of order) {
      try {
        const tf = await this.loaders[name]();
        const missing = (opts.kernels ?? []).filter((k) => !tf.getKernel(k, name));
        if (missing.length) throw new Error(`no ${missing.join(', ')} kernel`);
        const reason = explain(name, opts, attempts);
        logger.info(`TF.js backend: ${name}`, { reason });
        return { tf, backend: name, reason };
      } catch (e) {
        attempts[name] = firstLine(e);
      }
    }
    if (opts.require) {
      const msg = `TF.js backend ${opts.require} is required but did not load: ${attempts[opts.require]}` +
        ' (build the native addon with `npm run tf:native`)';
      logger.error(msg);
      throw new TfBackendUnavailableError(msg, { reason: 'TF_NATIVE_UNAVAILABLE', attempts });
    }
    // The cpu backend ships inside @tensorflow/tfjs: reaching this means the install is broken.
    throw new GiftgraphError(ErrorCode.INTERNAL, `no TF.js backend loaded: ${JSON.stringify(attempts)}`, { attempts });
  }
}

function explain(name: TfBackendName, opts: TfBackendOptions, failed: Record<string, string>): string {
  const tried = Object.keys(failed);
  if (opts.require === name) return `required (${name})`;
  if (tried.length === 0) return opts.prefer === name ? 'preferred' : 'first in the default order';
  const why = tried.map((b) => `${b} unavailable: ${failed[b]}`).join('; ');
  return failed.tensorflow ? `${why} (\`npm run tf:native\` builds the native addon)` : why;
}

function firstLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split('\n')[0]!.trim().slice(0, 300);
}

const processSelector = new TfBackendSelector();

/** The process-wide backend choice (see `TfBackendSelector.init`). */
export function initTfBackend(opts: TfBackendOptions = {}): Promise<TfRuntime> {
  return processSelector.init(opts);
}
