import fs from 'node:fs';
import { readTruthFile } from '../../src/world/truth';
import { trueAffinity } from '../../src/world/oracle';
import { DEFAULT_PURCHASE_MODEL } from '../../src/world/purchases';
import type { HeteroGraph } from '../../src/features/hetero-graph';
import type { Scorer } from './ranking-metrics';
import { friendPurchasesWithin, socialBlendScorer } from './social-blend';

/**
 * The planted-truth ceiling on a synthetic world: items ranked by the utility the
 * generator itself used to decide purchases (src/world/oracle.ts). Only evaluation code
 * reads the truth file (test/unit/architecture.test.ts enforces it). Returns null when
 * the dataset has no truth file (imported data).
 */
export async function oracleScorer(truthFile: string, userIds: readonly string[], itemIds: readonly string[]): Promise<Scorer | null> {
  if (!fs.existsSync(truthFile)) return null;
  const truth = await readTruthFile(truthFile);
  return (users, out) => {
    const n = itemIds.length;
    const scores = out ?? new Float32Array(users.length * n);
    users.forEach((u, r) => {
      const uid = userIds[u]!;
      for (let i = 0; i < n; i++) scores[r * n + i] = trueAffinity(truth, uid, itemIds[i]!);
    });
    return scores;
  };
}

/**
 * The planted ceiling with social influence as of the split point: U(u, i) plus the
 * generator's social logit γ·ln(1 + n), n = u's friends (friendship started by `t`) who
 * bought i in the `windowDays` up to `t` (γ and the window default to the generator's:
 * src/world/purchases.ts, where a friend's purchase stays in the feed and lifts the
 * odds that long). Purchases after `t` lift later ones
 * too, but no ranking made at `t` can know them, so this is the best ranking at `t` by
 * the generator's own purchase odds (feeds shown by chance are left at their expectation
 * of "more friends, more lift").
 */
export async function socialOracleScorer(
  truthFile: string, g: Pick<HeteroGraph, 'nodes' | 'relations'>, o: { t: number; gamma?: number; windowDays?: number },
): Promise<Scorer | null> {
  const gamma = o.gamma ?? DEFAULT_PURCHASE_MODEL.socialGamma;
  const windowDays = o.windowDays ?? DEFAULT_PURCHASE_MODEL.socialWindowDays;
  const base = await oracleScorer(truthFile, g.nodes.user.ids, g.nodes.item.ids);
  if (!base || !g.relations.friend || !g.relations.purchased) return base;
  return socialBlendScorer(base, friendPurchasesWithin(g, { t: o.t, windowDays }), gamma, g.nodes.item.ids.length);
}
