import fc from 'fast-check';
import { csrFromPairs, friendsWhoBought } from '../../../graph-models/evaluation/interactions';
import type { Scorer } from '../../../graph-models/evaluation/ranking-metrics';
import { BLEND_KEY, blendScorer, blendWeightsOf, selectBlend, standardizeRows } from '../../../graph-models/evaluation/score-blend';

/** A scorer from a fixed [users x items] table. */
const table = (rows: number[][]): Scorer => (users, out) => {
  const n = rows[0]!.length;
  const s = out ?? new Float32Array(users.length * n);
  users.forEach((u, b) => s.set(rows[u]!, b * n));
  return s;
};

describe('score blend: model + α·item-kNN + β·ln(1 + friends who have it)', () => {
  it('standardises each row to mean 0 and deviation 1, and leaves a constant row at 0', () => {
    const s = standardizeRows(Float32Array.of(1, 2, 3, 4, 7, 7, 7, 7), 2, 4);
    const first = Array.from(s.subarray(0, 4));
    expect(first.reduce((a, b) => a + b, 0)).toBeCloseTo(0, 6);
    expect(Math.sqrt(first.reduce((a, b) => a + b * b, 0) / 4)).toBeCloseTo(1, 6);
    expect(Array.from(s.subarray(4))).toEqual([0, 0, 0, 0]);
  });

  it('standardising never reorders a row (the model alone ranks as before)', () => {
    fc.assert(
      fc.property(fc.array(fc.float({ min: -100, max: 100, noNaN: true }), { minLength: 2, maxLength: 30 }), (xs) => {
        const z = standardizeRows(Float32Array.from(xs), 1, xs.length);
        for (let a = 0; a < xs.length; a++) for (let b = 0; b < xs.length; b++) if (Math.fround(xs[a]!) < Math.fround(xs[b]!)) expect(z[a]!).toBeLessThanOrEqual(z[b]!);
      }),
    );
  });

  // Users 0..2, items 0..3. User 0's friends 1 and 2 both have item 3.
  const friends = csrFromPairs(3, 3, Int32Array.of(0, 0, 1, 2), Int32Array.of(1, 2, 0, 0));
  const train = csrFromPairs(3, 4, Int32Array.of(1, 2, 0), Int32Array.of(3, 3, 0));
  const model = table([[0.9, 0.5, 0.1, 0.0], [0, 0, 0, 0], [0, 0, 0, 0]]);
  const knn = table([[0, 0, 2, 0], [0, 0, 0, 0], [0, 0, 0, 0]]);
  const parts = { itemKnn: knn, friends: friendsWhoBought(train, friends) };

  it('adds α times the standardised item-kNN row and β·ln(1 + n) to the standardised model row', () => {
    const zModel = standardizeRows(Float32Array.of(0.9, 0.5, 0.1, 0.0), 1, 4);
    const zKnn = standardizeRows(Float32Array.of(0, 0, 2, 0), 1, 4);
    const s = blendScorer(model, parts, { itemKnn: 0.5, social: 0.2 }, 4)(Int32Array.of(0));
    for (let j = 0; j < 4; j++) expect(s[j]).toBeCloseTo(zModel[j]! + 0.5 * zKnn[j]! + (j === 3 ? 0.2 * Math.log(3) : 0), 5);
    expect(() => blendScorer(model, { itemKnn: knn, friends: null }, { itemKnn: 0, social: 0.1 }, 4)).toThrow(RangeError);
    expect(() => blendScorer(model, parts, { itemKnn: -1, social: 0 }, 4)).toThrow(RangeError);
  });

  it('selects the weights under which the held-out items rank best, the model alone when nothing helps', () => {
    // User 0 goes on to want item 2 (item-kNN's pick): only α > 0 lifts it.
    const toKnn = selectBlend({ model, parts, train, valid: csrFromPairs(3, 4, Int32Array.of(0), Int32Array.of(2)), numItems: 4, itemKnn: [0, 2], social: [0, 0.5] });
    expect(toKnn.rows).toHaveLength(4);
    expect(toKnn.selected.itemKnn).toBe(2);
    // User 0 goes on to want item 1, which neither signal favours: the model alone.
    const alone = selectBlend({ model, parts, train, valid: csrFromPairs(3, 4, Int32Array.of(0), Int32Array.of(1)), numItems: 4, itemKnn: [0, 2], social: [0, 0.5] });
    expect(alone.selected).toEqual({ itemKnn: 0, social: 0 });
  });

  it('tries no social weight without a friendship graph, and always scores the model alone', () => {
    const sel = selectBlend({ model, parts: { itemKnn: knn, friends: null }, train, valid: csrFromPairs(3, 4, Int32Array.of(0), Int32Array.of(0)), numItems: 4, itemKnn: [0.1], social: [0.5] });
    expect(sel.rows.map((r) => r.weights)).toEqual([{ itemKnn: 0, social: 0 }, { itemKnn: 0.1, social: 0 }]);
  });

  it('reads the weights an artifact records, none when it records none, and refuses malformed ones', () => {
    expect(blendWeightsOf({ [BLEND_KEY]: { itemKnn: 0.05, social: 0.5 }, lr: 0.001 })).toEqual({ itemKnn: 0.05, social: 0.5 });
    expect(blendWeightsOf({ lr: 0.001 })).toBeNull();
    expect(() => blendWeightsOf({ [BLEND_KEY]: { itemKnn: -1, social: 0 } })).toThrow(RangeError);
  });
});
