import * as tf from '@tensorflow/tfjs-node';
import { scaleRows } from './graph-models/layers/message-passing';
const n = 40981, d = 64;
const x = tf.randomNormal([n, d]) as tf.Tensor2D; const s = tf.randomUniform([n]) as tf.Tensor1D;
function time(name: string, f: (a: tf.Tensor2D) => tf.Tensor2D, reps = 50) {
  tf.tidy(() => f(x).dataSync());
  const t0 = performance.now();
  tf.tidy(() => { let a = x; for (let i = 0; i < reps; i++) a = f(a); tf.sum(a).dataSync(); });
  console.log(name, ((performance.now() - t0) / reps).toFixed(2), 'ms');
}
time('scaleRows transposes', (a) => scaleRows(a, s));
time('mul broadcast column', (a) => tf.mul(a, tf.expandDims(s, 1)));
time('add same shape', (a) => tf.add(a, x));
const sc = tf.expandDims(s, 1);
time('mul prebuilt column', (a) => tf.mul(a, sc));
