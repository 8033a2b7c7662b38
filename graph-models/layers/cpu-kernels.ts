/**
 * Linear-time replacements for three kernels of TF.js's pure-JS CPU backend that message
 * passing leans on. Same results, different cost:
 *
 * - `UnsortedSegmentSum`: tfjs-backend-cpu 4.22 runs n separate `equal → cast → multiply
 *   → sum` passes over the whole input, O(numSegments · E · d) plus n kernel dispatches.
 *   It is also the gradient of every `tf.gather`. Here: one pass, O(E · d); ids outside
 *   0 … n-1 are dropped as there; float32 sums in edge order.
 * - `GatherV2` (batchDims 0): the built-in one converts every output index to
 *   coordinates and back (`indexToLoc`); here rows are block-copied. Index checks and
 *   their message are the built-in ones.
 * - `Transpose`, identity and 2-D permutations (gather's gradient transposes by the
 *   identity twice): a copy or a plain loop instead of per-element `indexToLoc`.
 *
 * Measured on the CPU backend (2 cores): the segment sum of a [19, 16] input over 19
 * segments took 41 ms before; a LightGCN training step on a 24 × 24 toy graph went from
 * ~80 ms to a few ms under jest. Other inputs (batchDims > 0, other permutations,
 * string or complex tensors) go to the original kernels.
 *
 * Only the `cpu` backend's registrations change; tfjs-node and WebGL keep their native
 * kernels. (The WASM backend of 4.22 has no UnsortedSegmentSum, so gather gradients and
 * this folder's aggregations do not run there.)
 */
import * as tf from '@tensorflow/tfjs';

type KernelConfig = Parameters<typeof tf.registerKernel>[0];
/** A kernel function as `tf.registerKernel` takes it (also gather-segment-sum.ts'). */
export type KernelFunc = KernelConfig['kernelFunc'];
type Values = Float32Array | Int32Array | Uint8Array;

/** The two backend methods the kernels use (MathBackendCPU has both; the base type lacks the second). */
export interface CpuBackend {
  readSync(dataId: tf.DataId): tf.BackendValues;
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Values): tf.TensorInfo;
}

const BACKEND = 'cpu';
const numeric = (dtype: tf.DataType): boolean => dtype === 'float32' || dtype === 'int32' || dtype === 'bool';
const sizeOf = (shape: readonly number[]): number => shape.reduce((p, s) => p * s, 1);
const allocLike = (values: Values, n: number): Values => new (values.constructor as new (n: number) => Values)(n);

/** The kernels as registered before ours, for the inputs ours do not cover. */
const originals = new Map<string, KernelFunc>();

function fallback(name: string, args: Parameters<KernelFunc>[0]): ReturnType<KernelFunc> {
  const original = originals.get(name);
  if (!original) throw new Error(`no original CPU kernel ${name} to fall back to`);
  return original(args);
}

const unsortedSegmentSum: KernelFunc = (args) => {
  const { inputs, backend, attrs } = args;
  const { x, segmentIds } = inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
  if (x.dtype !== 'float32' && x.dtype !== 'int32') return fallback('UnsortedSegmentSum', args);
  const numSegments = (attrs as { numSegments: number }).numSegments;
  const b = backend as unknown as CpuBackend;
  const innerShape = x.shape.slice(segmentIds.shape.length);
  const inner = sizeOf(innerShape);
  const values = b.readSync(x.dataId) as Float32Array | Int32Array;
  const ids = b.readSync(segmentIds.dataId) as Int32Array | Float32Array;
  const out = x.dtype === 'int32' ? new Int32Array(numSegments * inner) : new Float32Array(numSegments * inner);
  for (let e = 0; e < ids.length; e++) {
    const s = ids[e]!;
    if (s < 0 || s >= numSegments) continue;
    const to = s * inner;
    const from = e * inner;
    for (let k = 0; k < inner; k++) out[to + k]! += values[from + k]!;
  }
  return b.makeTensorInfo([numSegments, ...innerShape], x.dtype, out);
};

const gatherV2: KernelFunc = (args) => {
  const { inputs, backend, attrs } = args;
  const { x, indices } = inputs as { x: tf.TensorInfo; indices: tf.TensorInfo };
  const { axis, batchDims } = attrs as { axis: number; batchDims?: number };
  if ((batchDims ?? 0) !== 0 || !numeric(x.dtype)) return fallback('GatherV2', args);
  const b = backend as unknown as CpuBackend;
  const ax = axis < 0 ? axis + x.shape.length : axis;
  const dim = x.shape[ax]!;
  const outer = sizeOf(x.shape.slice(0, ax));
  const inner = sizeOf(x.shape.slice(ax + 1));
  const idx = b.readSync(indices.dataId) as Int32Array | Float32Array;
  for (let i = 0; i < idx.length; i++) {
    const v = idx[i]!;
    if (!(v >= 0 && v <= dim - 1)) throw new Error(`GatherV2: the index value ${v} is not in [0, ${dim - 1}]`);
  }
  const values = b.readSync(x.dataId) as Values;
  const n = idx.length;
  const out = allocLike(values, outer * n * inner);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < n; i++) {
      const from = (o * dim + idx[i]!) * inner;
      const to = (o * n + i) * inner;
      if (inner >= 16) out.set(values.subarray(from, from + inner), to);
      else for (let k = 0; k < inner; k++) out[to + k] = values[from + k]!;
    }
  }
  const shape = [...x.shape.slice(0, ax), ...indices.shape, ...x.shape.slice(ax + 1)];
  return b.makeTensorInfo(shape, x.dtype, out);
};

const transpose: KernelFunc = (args) => {
  const { inputs, backend, attrs } = args;
  const { x } = inputs as { x: tf.TensorInfo };
  const { perm } = attrs as { perm: number[] };
  if (!numeric(x.dtype)) return fallback('Transpose', args);
  const b = backend as unknown as CpuBackend;
  const values = b.readSync(x.dataId) as Values;
  if (perm.every((p, i) => p === i)) return b.makeTensorInfo([...x.shape], x.dtype, values.slice());
  if (perm.length === 2) {
    const [rows, cols] = x.shape as [number, number];
    const out = allocLike(values, rows * cols);
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = values[r * cols + c]!;
    return b.makeTensorInfo([cols, rows], x.dtype, out);
  }
  return fallback('Transpose', args);
};

const OURS: ReadonlyArray<[string, KernelFunc]> = [
  ['UnsortedSegmentSum', unsortedSegmentSum],
  ['GatherV2', gatherV2],
  ['Transpose', transpose],
];

/**
 * Installs the three kernels for the `cpu` backend, keeping the originals as fallback.
 * Idempotent; message-passing.ts calls it on load, so every model of this folder gets it.
 */
export function registerFastCpuKernels(): void {
  for (const [name, kernelFunc] of OURS) {
    const current = tf.getKernel(name, BACKEND);
    if (current?.kernelFunc === kernelFunc) continue;
    if (current) {
      originals.set(name, current.kernelFunc);
      tf.unregisterKernel(name, BACKEND);
    }
    tf.registerKernel({ kernelName: name, backendName: BACKEND, kernelFunc });
  }
}
