import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import {
  GATHER_SEGMENT_SUM,
  disposeRelation,
  gatherSegmentSum,
  hasFusedGatherSegmentSum,
  registerGatherSegmentSumKernels,
  sparseRelation,
  transposeRelation,
} from '../../../graph-models/layers/gather-segment-sum';
import { aggregateSum, message } from '../../../graph-models/layers/message-passing';
import { useCpuBackend } from './cpu-backend';

beforeAll(useCpuBackend);

/** A relation as plain data: edges in any order, with repeats, and values for x and the output gradient. */
const relationCase = fc
  .record({ numSrc: fc.integer({ min: 1, max: 7 }), numDst: fc.integer({ min: 1, max: 7 }), d: fc.integer({ min: 1, max: 4 }), e: fc.integer({ min: 0, max: 25 }) })
  .chain(({ numSrc, numDst, d, e }) =>
    fc.record({
      numSrc: fc.constant(numSrc),
      numDst: fc.constant(numDst),
      d: fc.constant(d),
      src: fc.array(fc.integer({ min: 0, max: numSrc - 1 }), { minLength: e, maxLength: e }),
      dst: fc.array(fc.integer({ min: 0, max: numDst - 1 }), { minLength: e, maxLength: e }),
      x: fc.array(fc.integer({ min: -40, max: 40 }), { minLength: numSrc * d, maxLength: numSrc * d }),
      dy: fc.array(fc.integer({ min: -40, max: 40 }), { minLength: numDst * d, maxLength: numDst * d }),
    }),
  );

/** Value and input gradient of Σ (f(x) ⊙ dy), i.e. f's vector–Jacobian product with dy. */
function valueAndGrad(f: (x: tf.Tensor2D) => tf.Tensor2D, x: number[], shape: [number, number], dy: number[], dyShape: [number, number]) {
  return tf.tidy(() => {
    const xt = tf.tensor2d(x.map((v) => v / 4), shape);
    const value = f(xt);
    const grad = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(f(a as tf.Tensor2D), tf.tensor2d(dy.map((v) => v / 4), dyShape))))(xt);
    return { value: Array.from(value.dataSync()), grad: Array.from(grad.dataSync()) };
  });
}

describe('gatherSegmentSum (fused message + sum aggregation)', () => {
  it('runs the fused kernel on the CPU backend', () => {
    registerGatherSegmentSumKernels(); // idempotent
    expect(hasFusedGatherSegmentSum()).toBe(true);
  });

  it('equals gather + unsortedSegmentSum, value and gradient, for edges in any order (property)', () => {
    fc.assert(
      fc.property(relationCase, ({ numSrc, numDst, d, src, dst, x, dy }) => {
        const rel = sparseRelation(Int32Array.from(src), Int32Array.from(dst), numSrc, numDst);
        const srcT = tf.tensor1d(src, 'int32');
        const dstT = tf.tensor1d(dst, 'int32');
        try {
          const fused = valueAndGrad((a) => gatherSegmentSum(a, rel), x, [numSrc, d], dy, [numDst, d]);
          const reference = valueAndGrad((a) => aggregateSum(message(a, srcT), dstT, numDst), x, [numSrc, d], dy, [numDst, d]);
          // Quarters of small integers: every partial sum is exact in float32, in any order.
          expect(fused).toEqual(reference);
        } finally {
          disposeRelation(rel);
          tf.dispose([srcT, dstT]);
        }
      }),
      { numRuns: 150, seed: 7 },
    );
  });

  it('sums into the right rows by hand, zero rows for receivers without edges, and transposes', () => {
    // Edges 0→1, 2→1, 2→0, 1→1 over 3 senders and 3 receivers (receiver 2 has none).
    const rel = sparseRelation(Int32Array.from([0, 2, 2, 1]), Int32Array.from([1, 1, 0, 1]), 3, 3);
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2]);
    expect(tf.tidy(() => gatherSegmentSum(x, rel).arraySync())).toEqual([[5, 6], [9, 12], [0, 0]]);
    // Transposed: sender 0 receives receiver-row 1, sender 1 row 1, sender 2 rows 1 and 0.
    expect(tf.tidy(() => gatherSegmentSum(x, transposeRelation(rel)).arraySync())).toEqual([[3, 4], [3, 4], [4, 6]]);
    // Sorted by receiver, edge order kept within one.
    expect([Array.from(rel.forward.dst.dataSync()), Array.from(rel.forward.src.dataSync())]).toEqual([[0, 1, 1, 1], [2, 0, 2, 1]]);
    disposeRelation(rel);
    x.dispose();
  });

  it('rejects ids outside their node range and edge lists of different lengths', () => {
    expect(() => sparseRelation(Int32Array.from([0, 3]), Int32Array.from([0, 0]), 3, 1)).toThrow('src[1] = 3 is outside 0 … 2');
    expect(() => sparseRelation(Int32Array.from([0]), Int32Array.from([-1]), 1, 2)).toThrow('dst[0] = -1 is outside 0 … 1');
    expect(() => sparseRelation(Int32Array.from([0]), Int32Array.from([]), 1, 1)).toThrow('equally long');
  });

  it('keeps no tensor beyond its output, training step included', () => {
    const rel = sparseRelation(Int32Array.from([0, 1, 1]), Int32Array.from([1, 0, 1]), 2, 2);
    const w = tf.variable(tf.tensor2d([1, 2, 3, 4], [2, 2]));
    const optimizer = tf.train.sgd(0.1);
    const before = tf.memory().numTensors;
    optimizer.minimize(() => tf.sum(tf.square(gatherSegmentSum(w as tf.Tensor2D, rel))) as tf.Scalar);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([w]);
    optimizer.dispose();
    disposeRelation(rel);
  });

  it('falls back to gather + segment sum, same values, on a backend without the kernel', () => {
    const rel = sparseRelation(Int32Array.from([0, 2, 2, 1]), Int32Array.from([1, 1, 0, 1]), 3, 3);
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2]);
    const fused = tf.tidy(() => gatherSegmentSum(x, rel).arraySync());
    tf.unregisterKernel(GATHER_SEGMENT_SUM, 'cpu');
    try {
      expect(hasFusedGatherSegmentSum()).toBe(false);
      expect(tf.tidy(() => gatherSegmentSum(x, rel).arraySync())).toEqual(fused);
    } finally {
      registerGatherSegmentSumKernels();
      disposeRelation(rel);
      x.dispose();
    }
    expect(hasFusedGatherSegmentSum()).toBe(true);
  });
});
