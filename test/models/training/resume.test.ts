import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { csrFromPairs } from '../../../graph-models/evaluation/interactions';
import { SeededRandom } from '../../../graph-models/layers/seeded-random';
import { readCheckpoint, writeCheckpoint } from '../../../graph-models/training/checkpoint';
import type { Trainable } from '../../../graph-models/training/fit-loop';
import { lightGcnTrainable } from '../../../graph-models/training/lightgcn-trainable';
import { fitResumable } from '../../../graph-models/training/run-steps';
import { useCpuBackend } from '../layers/cpu-backend';

beforeAll(useCpuBackend);

/** 30 users × 40 items, 6 training and 1 validation item each, from a fixed stream. */
function toyData() {
  const rng = new SeededRandom(3);
  const tu: number[] = [];
  const ti: number[] = [];
  const vu: number[] = [];
  const vi: number[] = [];
  for (let u = 0; u < 30; u++) {
    const seen = new Set<number>();
    while (seen.size < 7) seen.add((u + rng.nextInt(12)) % 40);
    [...seen].forEach((i, k) => (k < 6 ? (tu.push(u), ti.push(i)) : (vu.push(u), vi.push(i))));
  }
  return {
    train: csrFromPairs(30, 40, Int32Array.from(tu), Int32Array.from(ti)),
    valid: csrFromPairs(30, 40, Int32Array.from(vu), Int32Array.from(vi)),
  };
}

/** Trains LightGCN (BPR, Adam) up to `epochs` from the checkpoint in `dir` when there is one; returns the weights after the last epoch. */
async function train(dir: string, epochs: number, log: string[]): Promise<Float32Array[]> {
  const { train: t, valid } = toyData();
  const runOptions = { lr: 0.01 };
  const made = lightGcnTrainable(t, valid, null, {
    model: { numUsers: 30, numItems: 40, dim: 8, numLayers: 2, seed: 1 },
    loss: { kind: 'bpr' },
    lr: 0.01,
    batchSize: 32,
    l2: 1e-4,
    seed: 9,
    validK: 5,
    checkpointDir: dir,
    runOptions,
  });
  try {
    // evalEvery 1: a checkpoint after every epoch; patience high: no early stop.
    await fitResumable(made.trainable, { resume: true, checkpointDir: dir, log: (l) => log.push(l), maxEpochs: epochs, evalEvery: 1, patience: 100, timeBudgetMs: 0 }, runOptions);
    // The weights after the last epoch, not the best ones the loop restored: the last checkpoint's.
    return readCheckpoint(dir)!.current;
  } finally {
    made.dispose();
  }
}

describe('learning-rate decay', () => {
  it('scales the size of Adam\'s next step and nothing else: two identical runs, one rate halved after a step, move by exactly half as much', () => {
    const { train: t, valid } = toyData();
    const make = () => lightGcnTrainable(t, valid, null, { model: { numUsers: 30, numItems: 40, dim: 8, numLayers: 2, seed: 1 }, loss: { kind: 'bpr' }, lr: 0.01, batchSize: 32, l2: 1e-4, seed: 9, validK: 5, checkpointDir: null, runOptions: {} });
    const a = make();
    const b = make();
    try {
      a.trainable.step(0, 0);
      b.trainable.step(0, 0);
      const w1 = a.trainable.snapshot();
      expect(b.trainable.snapshot()).toEqual(w1);
      b.trainable.setLearningRateScale!(0.5);
      a.trainable.step(0, 1);
      b.trainable.step(0, 1);
      const delta = (w: Float32Array[]) => w.flatMap((x, k) => Array.from(x, (v, j) => v - w1[k]![j]!));
      const da = delta(a.trainable.snapshot());
      const db = delta(b.trainable.snapshot());
      const largest = Math.max(...da.map(Math.abs));
      expect(largest).toBeGreaterThan(1e-3);
      expect(Math.max(...da.map((d, i) => Math.abs(db[i]! - 0.5 * d)))).toBeLessThan(1e-6);
    } finally {
      a.dispose();
      b.dispose();
    }
  });
});

describe('--resume', () => {
  it('continues a LightGCN run as if it had never stopped: same weights, bit for bit, Adam\'s moments included', async () => {
    const straight = fs.mkdtempSync(path.join(os.tmpdir(), 'gg-resume-a-'));
    const split = fs.mkdtempSync(path.join(os.tmpdir(), 'gg-resume-b-'));
    const log: string[] = [];
    try {
      const before = tf.memory().numTensors;
      const uninterrupted = await train(straight, 4, log);
      await train(split, 2, log);
      const resumed = await train(split, 4, log);
      expect(log.at(-1)).toMatch(/^resuming from epoch 2 \(best validation R@20 [0-9.]+ at epoch \d\)$/);
      expect(resumed.map((w) => Array.from(w))).toEqual(uninterrupted.map((w) => Array.from(w)));
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      fs.rmSync(straight, { recursive: true, force: true });
      fs.rmSync(split, { recursive: true, force: true });
    }
  });

  it('refuses a checkpoint written with other options, or, where asked (a refit of other selected weights), starts afresh and says why', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gg-resume-c-'));
    try {
      writeCheckpoint(dir, { state: { epoch: 3, bestEpoch: 3, bestMetric: 0, evalsWithoutGain: 0, history: [] }, current: [Float32Array.of(3)], best: null, options: { refitFromSelected: 3, selectedEpoch: 40 }, optimizer: null });
      let w = -1;
      let steps = 0;
      const fake: Trainable = {
        stepsPerEpoch: 1,
        examplesPerStep: 1,
        step: () => (steps++, 0),
        validate: () => 0,
        snapshot: () => [Float32Array.of(w)],
        restore: (ws) => void (w = ws[0]![0]!),
      };
      const o = { resume: true, checkpointDir: dir, maxEpochs: 3, evalEvery: 3, patience: Infinity, timeBudgetMs: 0, validated: false };
      const options = { refitFromSelected: 3, selectedEpoch: 60 };
      await expect(fitResumable(fake, o, options)).rejects.toThrow(/--resume: the checkpoint in .* was written with \{"refitFromSelected":3,"selectedEpoch":40\}/);
      const log: string[] = [];
      const r = await fitResumable(fake, { ...o, log: (l) => log.push(l), onOtherOptions: 'restart' }, options);
      expect(log).toEqual([expect.stringMatching(/^not resuming: the checkpoint in .* was written with .*"selectedEpoch":40.*starting afresh$/)]);
      // All three epochs ran, none restored from the checkpoint.
      expect([r.state.epoch, steps, w]).toEqual([3, 3, -1]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
