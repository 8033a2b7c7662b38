import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readCheckpoint, writeCheckpoint } from '../../../graph-models/training/checkpoint';
import { fit, type Trainable } from '../../../graph-models/training/fit-loop';

/** A fake model whose validation metric follows a script, with one "weight" = the epoch it was last set at. */
function scripted(metrics: number[]): Trainable & { w: number; epochsRun: number } {
  const m = {
    w: 0,
    epochsRun: 0,
    stepsPerEpoch: 2,
    examplesPerStep: 10,
    step(epoch: number, s: number) {
      if (s === 0) m.epochsRun++;
      m.w = epoch + 1;
      return 1 / (epoch + 1);
    },
    validate: () => metrics[m.w - 1] ?? 0,
    snapshot: () => [Float32Array.of(m.w)],
    restore: (ws: Float32Array[]) => {
      m.w = ws[0]![0]!;
    },
  };
  return m;
}

describe('fit loop', () => {
  it('stops after `patience` evaluations without gain and restores the best weights', async () => {
    const m = scripted([0.1, 0.3, 0.2, 0.25, 0.29, 0.1, 0.5]);
    const r = await fit(m, { maxEpochs: 7, evalEvery: 1, patience: 3, timeBudgetMs: 0 });
    expect(r.stopped).toBe('converged');
    expect(r.state.bestEpoch).toBe(2);
    expect(m.w).toBe(2);
    expect(m.epochsRun).toBe(5);
  });

  it('reports each step with this run\'s steps per epoch and epoch count, for the progress bar', async () => {
    const seen: string[] = [];
    await fit(scripted([0.1, 0.2]), { maxEpochs: 2, evalEvery: 1, patience: 5, timeBudgetMs: 0, onStep: (e, s, _l, _x, steps, epochs) => seen.push(`${e}.${s}/${steps}x${epochs}`) });
    expect(seen).toEqual(['0.0/2x2', '0.1/2x2', '1.0/2x2', '1.1/2x2']);
  });

  it('stops at the time budget and resumes from the state it left', async () => {
    let t = 0;
    const m = scripted([0.1, 0.2, 0.3, 0.4]);
    const first = await fit(m, { maxEpochs: 4, evalEvery: 1, patience: 5, timeBudgetMs: 15, now: () => (t += 10) });
    expect(first.stopped).toBe('time-budget');
    expect(first.state.epoch).toBeLessThan(4);
    const m2 = scripted([0.1, 0.2, 0.3, 0.4]);
    const second = await fit(m2, { maxEpochs: 4, evalEvery: 1, patience: 5, timeBudgetMs: 0, resumeFrom: { ...first.state, best: [Float32Array.of(first.state.bestEpoch)] } });
    expect(second.state.epoch).toBe(4);
    expect(second.state.bestEpoch).toBe(4);
    expect(second.state.history.map((h) => h.epoch)).toEqual([1, 2, 3, 4]);
  });

  it('resumed after it converged, trains no further epoch and keeps the best weights', async () => {
    const first = await fit(scripted([0.1, 0.3, 0.2, 0.25, 0.29, 0.1, 0.5]), { maxEpochs: 7, evalEvery: 1, patience: 3, timeBudgetMs: 0 });
    const m = scripted([0.1, 0.3, 0.2, 0.25, 0.29, 0.1, 0.5]);
    const again = await fit(m, { maxEpochs: 7, evalEvery: 1, patience: 3, timeBudgetMs: 0, resumeFrom: { ...first.state, best: [Float32Array.of(first.state.bestEpoch)] } });
    expect(again.stopped).toBe('converged');
    expect(m.epochsRun).toBe(0);
    expect(again.state.epoch).toBe(first.state.epoch);
    expect(m.w).toBe(2);
  });

  describe('learning-rate decay on plateaus', () => {
    /** `scripted` that also records the learning-rate multiplier each epoch trained at. */
    function withRate(metrics: number[]) {
      const m = scripted(metrics);
      const scales: number[] = [];
      let scale = 1;
      const step = m.step.bind(m);
      return Object.assign(m, {
        scales,
        setLearningRateScale: (s: number) => {
          scale = s;
        },
        step: (epoch: number, s: number) => {
          if (s === 0) scales.push(scale);
          return step(epoch, s);
        },
      });
    }

    it('multiplies the rate by the factor after every `afterEvals` evaluations without a gain, a gain resetting the count', async () => {
      // Gains at 1, 2, 5; no gain at 3, 4 (decay), 6, 7 (decay), 8 (patience 3: stop).
      const m = withRate([0.1, 0.3, 0.2, 0.25, 0.4, 0.1, 0.2, 0.3]);
      const events: Array<number | undefined> = [];
      const r = await fit(m, { maxEpochs: 20, evalEvery: 1, patience: 3, timeBudgetMs: 0, lrDecay: { factor: 0.5, afterEvals: 2 }, onEpoch: (e) => events.push(e.decayedTo) });
      expect(r.stopped).toBe('converged');
      expect(m.scales).toEqual([1, 1, 1, 1, 0.5, 0.5, 0.5, 0.25]);
      expect(r.state.history.map((h) => h.lrScale)).toEqual(m.scales);
      expect(events).toEqual([undefined, undefined, undefined, 0.5, undefined, undefined, 0.25, undefined]);
      // The evaluation that ends the run does not decay: nothing trains after it.
      expect(r.state.lrScale).toBe(0.25);
      expect(r.state.bestEpoch).toBe(5);
    });

    it('counts evaluations, not epochs, when validation runs every few epochs', async () => {
      const m = withRate([0, 0.5, 0, 0.4, 0, 0.4, 0, 0.4, 0, 0.6]);
      const r = await fit(m, { maxEpochs: 10, evalEvery: 2, patience: 5, timeBudgetMs: 0, lrDecay: { factor: 0.1, afterEvals: 2 } });
      expect(m.scales.map((s) => Number(s.toPrecision(3)))).toEqual([1, 1, 1, 1, 1, 1, 0.1, 0.1, 0.1, 0.1]);
      expect(r.state.bestEpoch).toBe(10);
    });

    it('resumes at the decayed rate it checkpointed, and a resumed run may take decay up from its state', async () => {
      const metrics = [0.3, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2];
      // Stopped after epoch 3 (as a time budget would), whose evaluation decayed the rate.
      const first = await fit(withRate(metrics), { maxEpochs: 3, evalEvery: 1, patience: 9, timeBudgetMs: 0, lrDecay: { factor: 0.5, afterEvals: 2 } });
      expect(first.state.lrScale).toBe(0.5);
      const m = withRate(metrics);
      const second = await fit(m, { maxEpochs: 6, evalEvery: 1, patience: 9, timeBudgetMs: 0, lrDecay: { factor: 0.5, afterEvals: 2 }, resumeFrom: { ...first.state, best: [Float32Array.of(1)] } });
      expect(m.scales).toEqual([0.5, 0.5, 0.25]);
      expect(second.state.history.map((h) => h.lrScale)).toEqual([1, 1, 1, 0.5, 0.5, 0.25]);

      // A run checkpointed without decay resumes with it: the count of evaluations without
      // a gain carries over (4 here), so the next one (5) does not decay, the sixth does.
      const plain = await fit(withRate(metrics), { maxEpochs: 5, evalEvery: 1, patience: 9, timeBudgetMs: 0 });
      expect(plain.state.lrScale).toBeUndefined();
      expect(plain.state.history.every((h) => h.lrScale === undefined)).toBe(true);
      const later = withRate(metrics);
      const taken = await fit(later, { maxEpochs: 8, evalEvery: 1, patience: 9, timeBudgetMs: 0, lrDecay: { factor: 0.5, afterEvals: 2 }, resumeFrom: { ...plain.state, best: [Float32Array.of(1)] } });
      expect(later.scales).toEqual([1, 1, 0.5]);
      expect(taken.state.history.map((h) => h.lrScale)).toEqual([undefined, undefined, undefined, undefined, undefined, 1, 1, 0.5]);
    });

    it('refuses a trainable that cannot change its rate, and factors outside (0, 1)', async () => {
      await expect(fit(scripted([0.1]), { maxEpochs: 1, evalEvery: 1, patience: 3, timeBudgetMs: 0, lrDecay: { factor: 0.5, afterEvals: 1 } })).rejects.toThrow(/setLearningRateScale/);
      for (const factor of [0, 1, 1.5, NaN]) {
        await expect(fit(withRate([0.1]), { maxEpochs: 1, evalEvery: 1, patience: 3, timeBudgetMs: 0, lrDecay: { factor, afterEvals: 1 } })).rejects.toThrow(/0 < factor < 1/);
      }
      await expect(fit(withRate([0.1]), { maxEpochs: 1, evalEvery: 1, patience: 3, timeBudgetMs: 0, lrDecay: { factor: 0.5, afterEvals: 0 } })).rejects.toThrow(/afterEvals/);
    });
  });

  it('writes and reads checkpoints whole, the optimiser\'s state included', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gg-ckpt-'));
    const state = { epoch: 3, bestEpoch: 2, bestMetric: 0.25, evalsWithoutGain: 1, history: [] };
    const optimizer = { names: ['iter', 'w/m', 'w/v'], shapes: [[], [2], [2]], values: [Float32Array.of(7), Float32Array.of(0.5, -0.5), Float32Array.of(0.25, 1)] };
    writeCheckpoint(dir, { state, current: [Float32Array.of(1, 2), Float32Array.of(3)], best: [Float32Array.of(4, 5), Float32Array.of(6)], options: { lr: 1 }, optimizer });
    const c = readCheckpoint(dir)!;
    expect(c.state).toEqual(state);
    expect(c.current.map((a) => Array.from(a))).toEqual([[1, 2], [3]]);
    expect(c.best!.map((a) => Array.from(a))).toEqual([[4, 5], [6]]);
    expect(c.options).toEqual({ lr: 1 });
    expect(c.optimizer).toEqual(optimizer);
    fs.rmSync(dir, { recursive: true });
  });

  it('reads a checkpoint written without optimiser state (before it was saved) as having none', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gg-ckpt-'));
    const state = { epoch: 1, bestEpoch: 1, bestMetric: 0.1, evalsWithoutGain: 0, history: [] };
    writeCheckpoint(dir, { state, current: [Float32Array.of(1)], best: null, options: {}, optimizer: null });
    // What older code wrote: no `optimizer` key at all.
    const meta = JSON.parse(fs.readFileSync(path.join(dir, 'state.json'), 'utf8')) as Record<string, unknown>;
    delete meta.optimizer;
    fs.writeFileSync(path.join(dir, 'state.json'), JSON.stringify(meta));
    expect(readCheckpoint(dir)!.optimizer).toBeNull();
    fs.rmSync(dir, { recursive: true });
  });
});
