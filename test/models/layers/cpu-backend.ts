/**
 * The models tier runs on TF.js's pure-JS CPU backend (no native build needed).
 */
import * as tf from '@tensorflow/tfjs';

/**
 * Selects the CPU backend and swallows the one "install tfjs-node" banner it prints on
 * its first tensor, so test output stays readable. Other warnings still show. (Setting
 * `IS_TEST` would also silence it, but turns on kernel leak checks that misfire on
 * `tf.losses.softmaxCrossEntropy`'s custom gradient.)
 */
export async function useCpuBackend(): Promise<void> {
  await tf.setBackend('cpu');
  const warn = console.warn;
  console.warn = (...args: unknown[]): void => {
    if (typeof args[0] === 'string' && args[0].includes('tfjs-node')) return;
    warn(...args);
  };
  try {
    tf.tidy(() => tf.zeros([1]).dataSync());
  } finally {
    console.warn = warn;
  }
}
