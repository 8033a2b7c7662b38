/**
 * The planted-truth comparison on a synthetic world. The truth file gives, per sender,
 * P(recipient of the next gift = friend) over the `nextGiftWindowDays` AFTER the dataset's
 * cutoff, a window no row of the graph covers. So the honest comparison scores every
 * ranker with features as of the cutoff and measures the EXPECTED recall of its top K
 * under that distribution:
 *
 *   E[Recall@K](ranker, u) = Σ_{v ∈ topK_ranker(u)} P_u(v)      (one next gift: recall = hit)
 *   oracle(u)              = Σ of the K largest P_u(v)            (the ceiling)
 *
 * averaged over senders in the truth with at least one candidate; reported also over
 * senders with more than K candidates (with ≤ K friends every ranker scores the ceiling).
 * Only code under an `evaluation/` folder reads truth files (architecture test).
 */
import fs from 'node:fs';
import { readTruthFile } from '../../../../src/world/truth';
import { groupBySender, rankGroup } from '../metrics';

export interface TruthRecallRow {
  /** Mean E[Recall@K] of each ranker and of the oracle. */
  expectedRecall: Record<string, number>;
  /** The same, over senders with more than K candidates. */
  expectedRecallNonTrivial: Record<string, number>;
  senders: number;
  sendersNonTrivial: number;
}

export interface TruthRecallReport {
  windowDays: number;
  cutoffMs: number;
  byK: Record<number, TruthRecallRow>;
}

/** The part of a world's truth this head is judged against. */
export interface NextGiftTruth {
  windowDays: number;
  cutoffMs: number;
  /** sender id → friend id → P(next gift goes to that friend); at most 20 friends each. */
  nextGiftRecipients: Record<string, Record<string, number>>;
}

/** Reads the next-gift truth of a synthetic world, or null when the dataset has no truth file. */
export async function loadNextGiftTruth(truthFile: string): Promise<NextGiftTruth | null> {
  if (!fs.existsSync(truthFile)) return null;
  const truth = await readTruthFile(truthFile);
  return { windowDays: truth.nextGiftWindowDays, cutoffMs: truth.cutoffMs, nextGiftRecipients: truth.nextGiftRecipients };
}

/**
 * `rows`: candidate rows at the cutoff (sender/friend user indices); `users`: index → id;
 * `scores`: ranker name → [n] scores.
 */
export function truthRecall(
  truth: NextGiftTruth,
  rows: { n: number; sender: Int32Array; friend: Int32Array },
  users: readonly string[],
  scores: Record<string, ArrayLike<number>>,
  ks: readonly number[],
): TruthRecallReport {
  const byK: Record<number, TruthRecallRow> = {};
  const groups = groupBySender(rows).filter((g) => truth.nextGiftRecipients[users[rows.sender[g[0]!]!]!] !== undefined);
  for (const k of ks) {
    const sum: Record<string, number> = { oracle: 0, ...Object.fromEntries(Object.keys(scores).map((s) => [s, 0])) };
    const sumNt: Record<string, number> = { ...Object.fromEntries(Object.keys(sum).map((s) => [s, 0])) };
    let nt = 0;
    for (const g of groups) {
      const dist = truth.nextGiftRecipients[users[rows.sender[g[0]!]!]!]!;
      const p = (i: number) => dist[users[rows.friend[i]!]!] ?? 0;
      const probs = g.map(p).sort((a, b) => b - a);
      const oracle = probs.slice(0, k).reduce((a, b) => a + b, 0);
      const nonTrivial = g.length > k;
      if (nonTrivial) nt++;
      sum.oracle! += oracle;
      if (nonTrivial) sumNt.oracle! += oracle;
      for (const [name, s] of Object.entries(scores)) {
        const got = rankGroup(g, s, rows.friend).slice(0, k).reduce((a, i) => a + p(i), 0);
        sum[name]! += got;
        if (nonTrivial) sumNt[name]! += got;
      }
    }
    const mean = (o: Record<string, number>, n: number) => Object.fromEntries(Object.entries(o).map(([key, v]) => [key, n > 0 ? v / n : NaN]));
    byK[k] = { expectedRecall: mean(sum, groups.length), expectedRecallNonTrivial: mean(sumNt, nt), senders: groups.length, sendersNonTrivial: nt };
  }
  return { windowDays: truth.windowDays, cutoffMs: truth.cutoffMs, byK };
}

