/** report.md tables and MODEL_CARD.md of a squad-head run (plain strings). */
import type { RankingReport } from '../../evaluation/ranking-metrics';
import { MEAN_COSINE_BASELINE, POPULAR_BASELINE, SQUADSCORE_BASELINE, type SquadHeadReport, type SquadTestFigures, type WindowSummary } from './run';

const f4 = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? 'n/a' : x.toFixed(4));

const LABEL_TEXT = {
  together: 'bought together: items two or more members bought in the window (plus FILLED group buys two or more members joined)',
  any: 'bought by any member in the window (plus those group buys)',
} as const;

function rankingTable(f: SquadTestFigures): string[] {
  const row = (name: string, r: RankingReport | null) => (r ? `| ${name} | ${r.users} | ${f4(r.recall[10])} | ${f4(r.recall[20])} | ${f4(r.ndcg[20])} |` : null);
  return [
    '| ranker | squads | Recall@10 | Recall@20 | NDCG@20 |',
    '|---|---|---|---|---|',
    row('squad head (ours, validation-selected)', f.head)!,
    row(`baseline: ${POPULAR_BASELINE}`, f.popular)!,
    row(`baseline: ${SQUADSCORE_BASELINE}`, f.squadScore)!,
    row(`reference: ${MEAN_COSINE_BASELINE}`, f.meanCosine)!,
    ...(f.oracle ? [row('planted-truth oracle: mean planted utility over members', f.oracle)!] : []),
  ];
}

const windowLine = (role: string, w: WindowSummary) =>
  `| ${role} | (${w.from}, ${w.to}] | ${w.squads} | ${w.withTogether} (${w.together} items) | ${w.withAny} (${w.any} items) |`;

export function formatSquadHeadReport(r: SquadHeadReport): string {
  const s = r.split;
  const primary = r.test[s.trainLabels];
  const other = r.test[s.trainLabels === 'together' ? 'any' : 'together'];
  return [
    `## Test window (${s.test.from}, ${s.test.to}], features as of ${s.test.from}`,
    '',
    `Full ranking of the ${s.items}-item catalogue per squad, minus every item a member owned at ${s.test.from}; Recall/NDCG averaged over squads with at least one label.`,
    '',
    `### Labels: ${LABEL_TEXT.together}`,
    '',
    ...rankingTable(r.test.together),
    '',
    `### Labels: ${LABEL_TEXT.any}`,
    '',
    ...rankingTable(r.test.any),
    '',
    `The head was trained on "${s.trainLabels}" labels (${primary.head.users} test squads have one); the same weights are scored on "${other.labels}" labels.`,
    '',
    '### Squads and labels per window (squads with ≥ 2 members at the window start)',
    '',
    '| role | window | squads | with a "together" label | with an "any" label |',
    '|---|---|---|---|---|',
    ...s.windows.map((w) => windowLine('training', w)),
    windowLine('test', s.test),
    '',
    `Training: ${s.windows.length} windows of ${s.windowDays} days before ${new Date(s.splitAt).toISOString().slice(0, 10)}, ${s.trainGroups} groups (1 bought item + ${s.negatives} sampled eligible items each), ${s.validGroups} groups of held-out squads for early stopping.`,
    `Held-out loss by epoch: ${r.fit.history.map((h) => `${h.epoch}: ${h.validLoss.toFixed(4)}`).join(', ')} (best ${r.fit.bestEpoch}).`,
  ].join('\n');
}

export function squadModelCard(version: string, dataset: string, snapshot: string, r: SquadHeadReport, o: { command: string; commit: string | null; backend: string; encoder: string; hidden: number }): string {
  const t = r.test.together;
  const a = r.test.any;
  const oracleLine = t.oracle && a.oracle
    ? `\n- Planted truth: ranking by the members' mean planted utility reaches Recall@20 ${f4(t.oracle.recall[20])} (together) / ${f4(a.oracle.recall[20])} (any). It is not a ceiling here: the world's purchases also follow social exposure (friends' purchases in the feed, γ = 2 per ln(1 + friends)), which the utility leaves out and the head's social columns capture.`
    : '';
  return `# Model card: squad/${version}

- What: a score per (squad, item) for "would this friend group buy it together": a linear term${o.hidden > 0 ? ` plus a ${o.hidden}-unit ReLU layer` : ''} over standardised pair features (src/features/squad-features.ts: mean / min / max / spread of the members' embedding cosines with the item, shares of members who play its game or wishlisted it, the members' other friends who bought it in the last 60 days and how many members see them, its purchases in the last 28 days, its price). Trained with a sampled softmax (each bought item against ${r.split.negatives} uniformly sampled items the squad could have bought) on the ${r.split.windows.length} windows of ${r.split.windowDays} days before the test window; early stopping on held-out squads (graph-models/heads/squad/).
- Replaces: the untrained spread penalty of squadScore (mean cosine − 1 × spread, src/ranking/squad-scoring.ts).
- Serves: yes, through src/ranking/squad-ranker.ts once activated (\`npm run models -- activate --model squad --version ${version} --dataset ${dataset}\`). Serving computes the same features with the same module from one Cypher round trip (src/graph/queries/squad-signals.ts) and the stored embeddings.
- Embeddings: ${o.encoder}, applied to the graph as of each window's start (the encoder is inductive). The cosine columns assume the served embeddings come from the same encoder; after activating another sage version, retrain this head.
- Data: dataset "${dataset}", snapshot ${snapshot.slice(0, 16)}; training labels end at ${new Date(r.split.splitAt).toISOString().slice(0, 10)}, test = the last ${r.split.testDays} days, read once.
- Test (bought together, ${t.head.users} squads): Recall@20 ${f4(t.head.recall[20])}, NDCG@20 ${f4(t.head.ndcg[20])} vs most popular among the members ${f4(t.popular.recall[20])} / ${f4(t.popular.ndcg[20])} and untrained squadScore ${f4(t.squadScore.recall[20])} / ${f4(t.squadScore.ndcg[20])}.
- Test (bought by any member, ${a.head.users} squads): Recall@20 ${f4(a.head.recall[20])} vs ${f4(a.popular.recall[20])} (most popular among the members) and ${f4(a.squadScore.recall[20])} (squadScore).${oracleLine}
- Reproduce: \`${o.command}\` at commit ${o.commit ?? '(uncommitted)'} on backend ${o.backend}.
- Limits: "bought together" is rare (${r.split.test.withTogether} of ${r.split.test.squads} squads in the test window), so the head trains on purchases by any member by default and is scored on both. The encoder that makes the cosines was itself trained on purchases up to the split, including the training windows' purchases (not their features): the cosine columns may look slightly better in training than they will be at serving; the test window is untouched. DETECTED squads' membership is taken as given at every window (detection runs on the current friendship graph). Gifts received are not counted as owned.
`;
}
