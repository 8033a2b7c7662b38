import { Rng } from '../../../src/world/prng';
import { BPR_PRESETS, bprPresetFor, mfScorer, trainBprMf } from '../../../graph-models/baselines/bpr-mf';
import { mostPopularScorer } from '../../../graph-models/baselines/most-popular';
import { csrFromPairs, type Csr } from '../../../graph-models/evaluation/interactions';
import { evaluateRanking } from '../../../graph-models/evaluation/ranking-metrics';
import { splitValidation } from '../../../graph-models/evaluation/validation-split';

/**
 * A planted two-taste world: users 0..39 like items 0..14, users 40..79 like 15..29; each
 * user has 8 liked items in train and 3 other liked items in test. Popularity is flat by
 * construction, so most-popular is near chance while any working MF separates the tastes.
 */
function plantedSplit(): { train: Csr; test: Csr } {
  const rng = new Rng(42);
  const tr: [number, number][] = [];
  const te: [number, number][] = [];
  for (let u = 0; u < 80; u++) {
    const base = u < 40 ? 0 : 15;
    const liked = rng.shuffle([...Array(15).keys()].map((k) => base + k));
    liked.slice(0, 8).forEach((i) => tr.push([u, i]));
    liked.slice(8, 11).forEach((i) => te.push([u, i]));
  }
  const csr = (pairs: [number, number][]) => csrFromPairs(80, 30, Int32Array.from(pairs, (p) => p[0]), Int32Array.from(pairs, (p) => p[1]));
  return { train: csr(tr), test: csr(te) };
}

describe('BPR-MF', () => {
  const { train, test } = plantedSplit();

  it('learns the planted tastes: far above most-popular at K = 5', () => {
    const res = trainBprMf(train, { dim: 8, epochs: 60, batchSize: 64, learningRate: 0.02, seed: 1 });
    const mf = evaluateRanking({ train, test, scorer: mfScorer(res.model), ks: [5] });
    const pop = evaluateRanking({ train, test, scorer: mostPopularScorer(train), ks: [5] });
    // Chance within the right taste: 5 picks among the 7 unseen liked items -> recall 5/7 ≈ 0.71 when every pick is in-taste.
    expect(mf.recall[5]).toBeGreaterThan(0.6);
    expect(pop.recall[5]).toBeLessThan(0.45);
    expect(res.history[res.history.length - 1]!.loss).toBeLessThan(res.history[0]!.loss);
  });

  it('is deterministic for a seed, for every optimizer and sampling', () => {
    for (const optimizer of ['adam', 'lazy-adam', 'adagrad', 'sgd'] as const) {
      for (const sampling of ['users', 'pairs'] as const) {
        const run = () => trainBprMf(train, { dim: 4, epochs: 3, batchSize: 32, optimizer, sampling, seed: 5 }).model;
        const a = run();
        expect(run()).toEqual(a);
        expect(a.userEmb.every(Number.isFinite)).toBe(true);
      }
    }
    const other = trainBprMf(train, { dim: 4, epochs: 3, batchSize: 32, seed: 6 }).model;
    expect(other.userEmb).not.toEqual(trainBprMf(train, { dim: 4, epochs: 3, batchSize: 32, seed: 5 }).model.userEmb);
  });

  it('early-stops on a validation split and returns the best validated epoch', () => {
    const split = splitValidation(train, 0.2, 3);
    let clock = 0;
    const res = trainBprMf(split.train, {
      dim: 8,
      epochs: 200,
      batchSize: 64,
      learningRate: 0.05,
      seed: 1,
      validation: split.validation,
      evalEvery: 5,
      patience: 2,
      selectBy: { metric: 'ndcg', k: 5 },
      now: () => (clock += 10),
    });
    const validated = res.history.filter((h) => h.validation);
    expect(validated.map((h) => h.epoch)).toEqual(validated.map((_, n) => 5 * (n + 1)));
    const best = Math.max(...validated.map((h) => h.validation!.ndcg));
    expect(res.history.find((h) => h.epoch === res.bestEpoch)!.validation!.ndcg).toBe(best);
    // Stopped after 2 validations without improvement (or at the cap).
    expect(res.history.length === 200 || res.history.length === res.bestEpoch + 10).toBe(true);
    expect(res.msPerEpoch).toBe(10);
    // The returned model is the best one, not the last one.
    const again = evaluateRanking({ train: split.train, test: split.validation, scorer: mfScorer(res.model), ks: [5] });
    expect(again.ndcg[5]).toBeCloseTo(best, 12);
  });

  it('picks the reference preset for lastfm-sized data and the large one beyond 2e8 scores per ranking', () => {
    const empty = (u: number, i: number) => csrFromPairs(u, i, new Int32Array(0), new Int32Array(0));
    expect(bprPresetFor(empty(1_892, 17_632))).toEqual(BPR_PRESETS.reference);
    expect(bprPresetFor(empty(29_858, 40_981))).toEqual(BPR_PRESETS.large);
  });

  it('rejects bad options, echoing the value', () => {
    expect(() => trainBprMf(train, { dim: 0 })).toThrow('dim must be a positive integer, got 0');
    expect(() => trainBprMf(train, { epochs: 1.5 })).toThrow('epochs must be a positive integer, got 1.5');
  });

  it('rejects a validation split of another shape', () => {
    expect(() => trainBprMf(train, { validation: csrFromPairs(3, 3, new Int32Array(0), new Int32Array(0)) })).toThrow('validation is 3 x 3, train is 80 x 30');
  });
});
