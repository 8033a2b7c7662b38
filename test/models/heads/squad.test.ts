import * as tf from '@tensorflow/tfjs';
import { SQUAD_FEATURE_COUNT, SQUAD_FEATURE_SCHEMA_VERSION, SQUAD_FEATURES } from '../../../src/features/squad-features';
import { fitSquadHead, groupSoftmaxLoss, type SquadExamples } from '../../../graph-models/heads/squad/fit';
import { parseSquadHeadWeights, SQUAD_HEAD_FORMAT, SQUAD_HEAD_FORMAT_VERSION, squadHeadScores, type SquadHeadWeights } from '../../../graph-models/heads/squad/model';
import { SeededRandom } from '../../../graph-models/layers/seeded-random';

const F = SQUAD_FEATURE_COUNT;
const MEAN = SQUAD_FEATURES.indexOf('cos_mean');
const SOCIAL = SQUAD_FEATURES.indexOf('log1p_friend_buyers_60d');

function weights(over: Partial<SquadHeadWeights>): SquadHeadWeights {
  return {
    format: SQUAD_HEAD_FORMAT, formatVersion: SQUAD_HEAD_FORMAT_VERSION, features: [...SQUAD_FEATURES], featureSchemaVersion: SQUAD_FEATURE_SCHEMA_VERSION,
    mean: new Array<number>(F).fill(0), std: new Array<number>(F).fill(1), hidden: 0, wLin: new Array<number>(F).fill(0), w1: [], b1: [], w2: [],
    encoder: 'sage/test', labels: 'any', ...over,
  };
}

/** Groups of 1 + K rows where the bought item has a higher cos_mean and more friend buyers (plus noise). */
function toyGroups(groups: number, K: number, seed: number): SquadExamples {
  const rng = new SeededRandom(seed);
  const u = () => rng.nextFloat();
  const S = K + 1;
  const x = new Float32Array(groups * S * F);
  for (let g = 0; g < groups; g++) {
    for (let r = 0; r < S; r++) {
      const o = (g * S + r) * F;
      for (let k = 0; k < F; k++) x[o + k] = u();
      if (r === 0) {
        x[o + MEAN]! += 0.8;
        x[o + SOCIAL]! += 0.8;
      }
    }
  }
  return { groups, size: S, x, weight: new Float32Array(groups).fill(1) };
}

describe('squad head (models tier)', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('scores rows with the standardised linear term plus the ReLU layer (hand-computed)', () => {
    const x = new Float32Array(2 * F);
    x[MEAN] = 3; // row 0
    x[F + MEAN] = -1; // row 1
    x[F + SOCIAL] = 2;
    const mean = new Array<number>(F).fill(0);
    const std = new Array<number>(F).fill(1);
    mean[MEAN] = 1;
    std[MEAN] = 2; // x̂_mean: row 0 = 1, row 1 = −1
    const wLin = new Array<number>(F).fill(0);
    wLin[SOCIAL] = 0.5;
    const w1 = new Array<number>(F).fill(0);
    w1[MEAN] = 2; // one hidden unit: ReLU(2·x̂_mean − 0.5)
    const w = weights({ mean, std, wLin, hidden: 1, w1, b1: [-0.5], w2: [3] });
    const s = squadHeadScores(w, x, 2);
    expect(s[0]).toBeCloseTo(3 * (2 - 0.5), 10); // social 0
    expect(s[1]).toBeCloseTo(0.5 * 2, 10); // hidden unit off
  });

  it('scores the all-zero head at log(group size) loss (every candidate equally likely)', () => {
    const ex = toyGroups(10, 9, 1);
    expect(groupSoftmaxLoss(weights({}), ex)).toBeCloseTo(Math.log(10), 6);
  });

  it('learns to put the bought item first on a toy problem, keeps the held-out-best epoch and leaks no tensors', () => {
    const train = toyGroups(400, 20, 2);
    const valid = toyGroups(100, 20, 3);
    const before = tf.memory().numTensors;
    const fit = fitSquadHead(train, valid, { seed: 4, hidden: 4, epochs: 15, patience: 4, encoder: 'sage/test', labels: 'any' });
    expect(tf.memory().numTensors).toBe(before);
    const best = Math.min(...fit.history.map((h) => h.validLoss));
    expect(groupSoftmaxLoss(fit.weights, valid)).toBeCloseTo(best, 4);
    expect(best).toBeLessThan(Math.log(21) - 0.5);
    // Both planted signals get positive weight through the linear term.
    expect(fit.weights.wLin[MEAN]!).toBeGreaterThan(0);
    expect(fit.weights.wLin[SOCIAL]!).toBeGreaterThan(0);
    // The saved form round-trips through the parser serving uses.
    const parsed = parseSquadHeadWeights(JSON.parse(JSON.stringify(fit.weights)), 'weights.json');
    expect(Array.from(squadHeadScores(parsed, valid.x, 5))).toEqual(Array.from(squadHeadScores(fit.weights, valid.x, 5)));
  });

  it('trains the linear head (hidden 0) and zeroes the weight of a column that never varied', () => {
    const train = toyGroups(200, 10, 5);
    const PRICE = SQUAD_FEATURES.indexOf('log1p_price_dollars');
    for (let r = 0; r < train.groups * train.size; r++) train.x[r * F + PRICE] = 2;
    const fit = fitSquadHead(train, toyGroups(50, 10, 6), { seed: 7, hidden: 0, epochs: 5, patience: 5, encoder: 'sage/test', labels: 'together' });
    expect(fit.weights.hidden).toBe(0);
    expect(fit.weights.w1).toEqual([]);
    expect(fit.weights.wLin[PRICE]).toBe(0);
    expect(fit.weights.std[PRICE]).toBe(1);
  });

  it('refuses weights files of another head or with missing numbers, naming the problem', () => {
    expect(() => parseSquadHeadWeights({ ...weights({}), format: 'giftgraph/gift-recipient-head' }, 'w.json')).toThrow(/w.json is not a squad head: format/);
    expect(() => parseSquadHeadWeights({ ...weights({}), wLin: [1, 2] }, 'w.json')).toThrow(/wLin must be 10 finite numbers/);
    expect(() => parseSquadHeadWeights({ ...weights({}), labels: 'all' }, 'w.json')).toThrow(/labels/);
  });
});
