import * as tf from '@tensorflow/tfjs';
import { registerFastCpuKernels } from '../../../graph-models/layers/cpu-kernels';
import { SeededRandom } from '../../../graph-models/layers/seeded-random';
import { useCpuBackend } from './cpu-backend';

const rng = new SeededRandom(1);
const randomValues = (n: number): number[] => Array.from({ length: n }, () => Math.round((rng.nextFloat() - 0.5) * 100) / 4);

beforeAll(async () => {
  await useCpuBackend();
  registerFastCpuKernels();
  registerFastCpuKernels(); // idempotent
});

describe('the CPU kernels for message passing', () => {
  it('UnsortedSegmentSum matches its definition, dropping out-of-range ids', () => {
    for (let trial = 0; trial < 20; trial++) {
      const E = rng.nextInt(30);
      const n = 1 + rng.nextInt(8);
      const d = 1 + rng.nextInt(5);
      const x = randomValues(E * d);
      const ids = Array.from({ length: E }, () => rng.nextInt(n + 2) - 1);
      const want = new Array<number>(n * d).fill(0);
      ids.forEach((s, e) => {
        if (s >= 0 && s < n) for (let k = 0; k < d; k++) want[s * d + k]! += x[e * d + k]!;
      });
      const got = tf.tidy(() => Array.from(tf.unsortedSegmentSum(tf.tensor2d(x, [E, d]), tf.tensor1d(ids, 'int32'), n).dataSync()));
      expect(got).toEqual(want);
    }
  });

  it('UnsortedSegmentSum handles int32 values, rank-3 inputs and 2-D segment ids', () => {
    expect(tf.tidy(() => tf.unsortedSegmentSum(tf.tensor1d([1, 2, 3, 4], 'int32'), tf.tensor1d([1, 0, 1, 3], 'int32'), 4).arraySync())).toEqual([2, 4, 0, 4]);
    expect(tf.tidy(() => tf.unsortedSegmentSum(tf.tensor3d([[[1, 2]], [[3, 4]], [[5, 6]]]), tf.tensor1d([0, 0, 1], 'int32'), 2).arraySync())).toEqual([[[4, 6]], [[5, 6]]]);
    expect(tf.tidy(() => tf.unsortedSegmentSum(tf.tensor3d([[[1], [2]], [[3], [4]]]), tf.tensor2d([[0, 1], [1, 1]], undefined, 'int32') as tf.Tensor as tf.Tensor1D, 2).arraySync())).toEqual([[1], [9]]);
  });

  it('GatherV2 matches its definition on any axis and index shape, and checks indices', () => {
    const x = tf.tensor3d(randomValues(2 * 5 * 3), [2, 5, 3]);
    const xs = x.arraySync();
    expect(tf.tidy(() => tf.gather(x, tf.tensor1d([4, 0, 4], 'int32'), 1).arraySync())).toEqual(xs.map((a) => [a[4], a[0], a[4]]));
    expect(tf.tidy(() => tf.gather(x, tf.tensor2d([[1], [0]], undefined, 'int32') as tf.Tensor as tf.Tensor1D, 0).arraySync())).toEqual([[xs[1]], [xs[0]]]);
    expect(tf.tidy(() => tf.gather(x, tf.tensor1d([2], 'int32'), -1).arraySync())).toEqual(xs.map((a) => a.map((r) => [r[2]])));
    expect(tf.tidy(() => tf.gather(tf.tensor1d([5, 6, 7], 'int32'), tf.tensor1d([2, 2], 'int32')).arraySync())).toEqual([7, 7]);
    expect(tf.tidy(() => tf.gather(tf.tensor2d([[1, 2], [3, 4]]), tf.tensor1d([], 'int32')).shape)).toEqual([0, 2]);
    expect(() => tf.tidy(() => tf.gather(x, tf.tensor1d([5], 'int32'), 1))).toThrow(/index value 5 is not in \[0, 4\]/);
    // batchDims > 0 goes to the original kernel.
    const batched = tf.tidy(() => tf.gather(tf.tensor2d([[1, 2], [3, 4]]), tf.tensor2d([[1], [0]], undefined, 'int32') as tf.Tensor as tf.Tensor1D, 1, 1).arraySync());
    expect(batched).toEqual([[2], [3]]);
    x.dispose();
  });

  it('Transpose matches its definition (identity, 2-D, and the general fallback)', () => {
    const m = tf.tensor2d(randomValues(12), [3, 4]);
    const ms = m.arraySync();
    expect(tf.tidy(() => tf.transpose(m).arraySync())).toEqual(ms[0]!.map((_, c) => ms.map((row) => row[c])));
    expect(tf.tidy(() => tf.transpose(m, [0, 1]).arraySync())).toEqual(ms);
    const t = tf.tensor3d(randomValues(24), [2, 3, 4]);
    const ts = t.arraySync();
    expect(tf.tidy(() => tf.transpose(t, [2, 0, 1]).arraySync())).toEqual(ts[0]![0]!.map((_, k) => ts.map((a) => a.map((r) => r[k]))));
    tf.dispose([m, t]);
  });

  it("serves tf.gather's gradient (a scatter-add of dy into the gathered rows)", () => {
    const table = tf.tensor2d([[1, 1], [2, 2], [3, 3]]);
    const idx = tf.tensor1d([2, 0, 2], 'int32');
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, idx), tf.tensor2d([[1, 2], [3, 4], [5, 6]]))))(table);
    expect(g.arraySync()).toEqual([[3, 4], [0, 0], [6, 8]]);
    tf.dispose([table, idx, g]);
  });
});
