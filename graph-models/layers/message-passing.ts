/**
 * The message-passing primitives, named as PyTorch Geometric names the steps of its
 * `MessagePassing` base class (Fey & Lenssen, "Fast Graph Representation Learning with
 * PyTorch Geometric", 2019):
 *
 *     x_i' = update( aggregate_{j ∈ N(i)} message(x_i, x_j, e_ji) )
 *
 * - message:   `tf.gather` of sender rows along the edges;
 * - aggregate: `tf.unsortedSegmentSum` into receiver rows (mean = sum / in-degree;
 *              softmax-weighted for attention);
 * - update:    the layer's own (linear map, activation, normalisation).
 *
 * Edges are given as two int32 index vectors over one relation, `srcIndex: [E]` into the
 * sender rows and `dstIndex: [E]` into the receiver rows (PyG's `edge_index[0]` and
 * `edge_index[1]`); every index must lie inside its rows (gather checks; the segment sum
 * relies on it). No dense adjacency is ever built. Every function is differentiable
 * (gather's gradient is a segment sum and vice versa) and backend-agnostic; none keeps
 * a tensor, so callers wrap them in `tf.tidy` as usual.
 */
import * as tf from '@tensorflow/tfjs';
import { registerFastCpuKernels } from './cpu-kernels';

// The CPU backend's own segment sum is O(numSegments · E · d); see cpu-kernels.ts.
registerFastCpuKernels();

/**
 * message: the sender representation on every edge, `x_j`.
 * `x: [numSrc, d]`, `srcIndex: [E]` int32 → `[E, d]`.
 */
export function message(x: tf.Tensor2D, srcIndex: tf.Tensor1D): tf.Tensor2D {
  return tf.gather(x, srcIndex);
}

/**
 * aggregate (sum): `out_i = Σ_{e: dst(e) = i} messages_e`.
 * `messages: [E, d]`, `dstIndex: [E]` int32 → `[numDst, d]`; rows with no edge are 0.
 */
export function aggregateSum(messages: tf.Tensor2D, dstIndex: tf.Tensor1D, numDst: number): tf.Tensor2D {
  // TF.js's CPU kernel failed on zero segments; with no receivers there is nothing to sum anyway.
  if (numDst === 0) return tf.zeros([0, messages.shape[1]]);
  // The gradient of a segment sum is a gather of dy (every edge's message receives its
  // receiver's gradient). TF.js's built-in gradient also masks negative ids with an
  // [E, 1] × [E, d] logicalAnd and a select, 0.3 s per call on the CPU backend for
  // Last.fm-sized edge lists; our ids are never negative, so the mask is skipped.
  const segmentSum = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => ({
    value: tf.unsortedSegmentSum(args[0] as tf.Tensor, dstIndex, numDst),
    gradFunc: (dy: tf.Tensor) => tf.gather(dy, dstIndex),
  }));
  return segmentSum(messages) as tf.Tensor2D;
}

/** In-degree of every receiver: `dstIndex: [E]` int32 → `[numDst]` float32. */
export function degree(dstIndex: tf.Tensor1D, numDst: number): tf.Tensor1D {
  if (numDst === 0) return tf.zeros([0]);
  return tf.unsortedSegmentSum(tf.onesLike(dstIndex).toFloat(), dstIndex, numDst);
}

/**
 * `out[i, :] = x[i, :] · scale[i]`, `x: [n, d]`, `scale: [n]` → `[n, d]`.
 *
 * On TF.js's CPU backend, written as `(xᵀ · scale)ᵀ`: it broadcasts a `[d]` row over
 * `[n, d]` with a flat loop but an `[n, 1]` column with per-element index arithmetic
 * (measured ~150 ns per element: 0.7 s for one [74k, 64] product), and the two 2-D
 * transposes are cheap there (cpu-kernels.ts). Elsewhere the column product: native
 * TensorFlow runs it in ~1 ms on a [41k, 64] input, the two transposes in ~15 ms. The same
 * products either way, so the same values.
 */
export function scaleRows(x: tf.Tensor2D, scale: tf.Tensor1D): tf.Tensor2D {
  if (tf.getBackend() === 'cpu') return tf.transpose(tf.mul(tf.transpose(x), scale)) as tf.Tensor2D;
  return tf.mul(x, tf.expandDims(scale, 1));
}

/**
 * aggregate (mean): `out_i = (1 / |N(i)|) Σ_{j ∈ N(i)} messages_j`, and 0 for a receiver
 * with no edge (its degree is clamped to 1, never divided by 0).
 * `messages: [E, d]`, `dstIndex: [E]` → `[numDst, d]`.
 */
export function aggregateMean(messages: tf.Tensor2D, dstIndex: tf.Tensor1D, numDst: number): tf.Tensor2D {
  const sum = aggregateSum(messages, dstIndex, numDst);
  const deg = tf.maximum(degree(dstIndex, numDst), 1);
  return scaleRows(sum, tf.reciprocal(deg) as tf.Tensor1D);
}

/**
 * Largest negative gap to the relation-wide maximum score kept by {@link segmentSoftmax};
 * e^-60 ≈ 9e-27 is still a normal float32, so every receiver's denominator stays > 0.
 */
export const SOFTMAX_MIN_LOGIT = -60;

/**
 * Softmax of edge scores over each receiver's incoming edges (GAT's α_ij):
 * `α_e = exp(s_e) / Σ_{e': dst(e') = dst(e)} exp(s_e')`.
 * `scores: [E]`, `dstIndex: [E]` → `[E]`, summing to 1 per receiver with ≥ 1 edge.
 *
 * TF.js has no segment max, so the shift that keeps `exp` finite is the maximum over the
 * whole relation (softmax is shift-invariant per segment, so this is exact), and scores
 * more than 60 below that maximum are raised to it − 60 ({@link SOFTMAX_MIN_LOGIT}).
 * That clamp changes α only for a receiver whose every score lies 60 below another
 * receiver's best one, where it turns an underflow (0/0) into a uniform α.
 */
export function segmentSoftmax(scores: tf.Tensor1D, dstIndex: tf.Tensor1D, numDst: number): tf.Tensor1D {
  if (scores.shape[0] === 0 || numDst === 0) return tf.zeros([0]);
  const shifted = tf.maximum(tf.sub(scores, tf.max(scores)), SOFTMAX_MIN_LOGIT);
  const e = tf.exp(shifted);
  const denom = tf.unsortedSegmentSum(e, dstIndex, numDst);
  return tf.div(e, tf.gather(denom, dstIndex));
}

/** Row-wise L2 normalisation `x / max(‖x‖₂, ε)`; a zero row stays zero. `[n, d]` → `[n, d]`. */
export function l2NormalizeRows(x: tf.Tensor2D, epsilon = 1e-12): tf.Tensor2D {
  const norm = tf.sqrt(tf.maximum(tf.sum(tf.square(x), 1), epsilon * epsilon));
  return scaleRows(x, tf.reciprocal(norm) as tf.Tensor1D);
}
