import fs from 'node:fs';
import { readTruthFile } from '../../../../src/world/truth';

/**
 * The planted-truth ceiling for group-buy conversion on a synthetic world: each group
 * buy's exact ex-ante fill probability (the generator's Poisson-binomial over the
 * invitees' planted join probabilities, forwarded invitees included, cancellation
 * ignored). Only evaluation code reads the truth file (test/unit/architecture.test.ts).
 * Null when the dataset has no truth file (imported data).
 */
export async function truthFillProbabilities(truthFile: string): Promise<Record<string, number> | null> {
  if (!fs.existsSync(truthFile)) return null;
  return (await readTruthFile(truthFile)).groupBuyFillProbability;
}
