import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { HeteroGraph, Relation } from '../../../src/features/hetero-graph';
import { TRUTH_VERSION, type WorldTruth } from '../../../src/world/truth';
import { DEFAULT_PURCHASE_MODEL } from '../../../src/world/purchases';
import { oracleScorer, socialOracleScorer } from '../../../graph-models/evaluation/oracle';

const DAY = 86_400_000;

/** A relation in CSR form from [src, dst, day] edges (grouped by src). */
function relation(name: string, numSrc: number, edges: [number, number, number][]): Relation {
  const sorted = [...edges].sort((a, b) => a[0] - b[0]);
  const offsets = new Int32Array(numSrc + 1);
  for (const [s] of sorted) offsets[s + 1]!++;
  for (let s = 0; s < numSrc; s++) offsets[s + 1]! += offsets[s]!;
  return { name, src: 'user', dst: name === 'friend' ? 'user' : 'item', offsets, targets: Int32Array.from(sorted, (e) => e[1]), time: Float64Array.from(sorted, (e) => e[2] * DAY), attrs: {}, split: null };
}

describe('planted-truth oracles', () => {
  // Three users, three items; every utility term zero except appeal, so U(u, i) = appeal_i.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gg-oracle-'));
  const file = path.join(dir, 'w.truth.json');
  const users = ['a', 'b', 'c'];
  const items = ['i0', 'i1', 'i2'];
  const truth: WorldTruth = {
    version: TRUTH_VERSION, seed: 1, users: 3, cutoffMs: 0, historyDays: 0, dim: 1,
    utilityWeights: { taste: 0, playsGame: 0, priceRefCents: 100 },
    userTaste: { a: [0], b: [0], c: [0] }, userCommunity: {}, userPriceSensitivity: {}, userDiscountType: {}, userGames: {},
    itemVector: { i0: [0], i1: [0], i2: [0] }, itemAppeal: { i0: 1, i1: 0.5, i2: 0 }, itemPrice: { i0: 100, i1: 100, i2: 100 }, itemGame: {},
    nextGiftRecipients: {}, nextGiftWindowDays: 28, groupBuyFillProbability: {},
  };
  fs.writeFileSync(file, JSON.stringify(truth));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  // a's friends: b (since day 0) and c (since day 100, after t = 90). Friends' purchases:
  // b bought i2 on day 80 and i1 on day 10 (outside the 60-day window); c bought i2 on day 85.
  const g = {
    nodes: { user: { ids: users }, item: { ids: items } },
    relations: {
      friend: relation('friend', 3, [[0, 1, 0], [1, 0, 0], [0, 2, 100], [2, 0, 100]]),
      purchased: relation('purchased', 3, [[1, 2, 80], [1, 1, 10], [2, 2, 85]]),
    },
  } as unknown as HeteroGraph;

  it('the utility oracle ranks by U alone', async () => {
    const s = (await oracleScorer(file, users, items))!(Int32Array.of(0));
    expect(Array.from(s)).toEqual([1, 0.5, 0]);
  });

  it("the social oracle adds γ·ln(1 + friends who bought the item in the window), counting friendships and purchases up to t only", async () => {
    const s = (await socialOracleScorer(file, g, { t: 90 * DAY }))!(Int32Array.of(0, 2));
    const gamma = DEFAULT_PURCHASE_MODEL.socialGamma;
    // User a: only b counts (c befriended a after t); b's i1 purchase is older than the window.
    expect(s[2]).toBeCloseTo(gamma * Math.log1p(1), 6);
    expect(s[1]).toBeCloseTo(0.5, 6);
    expect(s[0]).toBeCloseTo(1, 6);
    // User c: friend a bought nothing.
    expect(Array.from(s.subarray(3))).toEqual([1, 0.5, 0]);
    // At t = 120 both friends count, each item once per friend.
    const later = (await socialOracleScorer(file, g, { t: 120 * DAY }))!(Int32Array.of(0));
    expect(later[2]).toBeCloseTo(gamma * Math.log1p(2), 6);
  });

  it('is null without a truth file', async () => {
    expect(await socialOracleScorer(path.join(dir, 'missing.json'), g, { t: 0 })).toBeNull();
  });
});
