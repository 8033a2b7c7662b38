import fs from 'node:fs';
import { readTruthFile } from '../../src/world/truth';
import { trueAffinity } from '../../src/world/oracle';
import type { Scorer } from './ranking-metrics';

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
