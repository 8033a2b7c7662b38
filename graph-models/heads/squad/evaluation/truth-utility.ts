/**
 * The planted-truth oracle for squads: an item's squad utility is the mean planted purchase
 * utility U(member, item) over the members (src/world/oracle.ts, the U the generator buys
 * with), and the oracle ranks a squad's items by it. The only reader of truth files in
 * this head (test/unit/architecture.test.ts allows `evaluation/` folders only).
 */
import fs from 'node:fs';
import { plantedUtility } from '../../../../src/world/oracle';
import { readTruthFile, type WorldTruth } from '../../../../src/world/truth';

/** Fills `out[k]` with the mean planted utility of `items[k]` over `members` (user indices). */
export type SquadUtility = (members: Int32Array, items: ArrayLike<number>, out: Float32Array) => void;

/** null when the dataset has no truth file (an imported dataset). */
export async function loadSquadUtility(truthFile: string, userIds: readonly string[], itemIds: readonly string[]): Promise<SquadUtility | null> {
  if (!fs.existsSync(truthFile)) return null;
  return squadUtility(await readTruthFile(truthFile), userIds, itemIds);
}

/**
 * Dense tables from the truth (ids → the graph's indices) so a squad × catalogue pass costs
 * one dot product per (member, item). Throws on an id the truth does not know.
 */
export function squadUtility(truth: WorldTruth, userIds: readonly string[], itemIds: readonly string[]): SquadUtility {
  const w = truth.utilityWeights;
  const d = truth.dim;
  const iv = new Float64Array(itemIds.length * d);
  const appeal = new Float64Array(itemIds.length);
  const price = new Float64Array(itemIds.length);
  const game: (string | null)[] = [];
  itemIds.forEach((id, i) => {
    const v = truth.itemVector[id];
    if (v === undefined) throw new RangeError(`the truth file has no item "${id}"`);
    iv.set(v, i * d);
    appeal[i] = truth.itemAppeal[id] ?? 0;
    price[i] = truth.itemPrice[id] ?? w.priceRefCents;
    game.push(truth.itemGame[id] ?? null);
  });
  const user = (u: number) => {
    const id = userIds[u]!;
    const taste = truth.userTaste[id];
    if (taste === undefined) throw new RangeError(`the truth file has no user "${id}"`);
    return { taste, games: new Set(truth.userGames[id] ?? []), s: truth.userPriceSensitivity[id] ?? 0 };
  };
  return (members, items, out) => {
    const ms = Array.from(members, user);
    for (let k = 0; k < items.length; k++) {
      const i = items[k]!;
      let sum = 0;
      for (const m of ms) {
        let dot = 0;
        for (let j = 0; j < d; j++) dot += m.taste[j]! * iv[i * d + j]!;
        const g = game[i];
        sum += plantedUtility(w, dot, g !== null && g !== undefined && m.games.has(g), appeal[i]!, m.s, price[i]!);
      }
      out[k] = sum / ms.length;
    }
  };
}
