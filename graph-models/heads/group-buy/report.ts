import type { BeibeiReport } from './beibei';
import type { ProbabilityMetrics } from './evaluate';
import type { GroupBuyTrainReport } from './train';

/** Markdown for the group-buy head's report.md and MODEL_CARD.md (pure formatting). */

const f4 = (x: number) => (Number.isFinite(x) ? x.toFixed(4) : 'n/a');
const row = (name: string, m: ProbabilityMetrics, note = '') => `| ${name} | ${m.n} | ${m.positives} | ${f4(m.auc)} | ${f4(m.brier)} | ${f4(m.ece)} | ${note} |`;
const HEADER = '| predictor | launches | filled | AUC | Brier | ECE (10 bins) | note |\n|---|---|---|---|---|---|---|';

export function reliabilityTable(m: ProbabilityMetrics): string {
  const lines = m.bins.filter((b) => b.count > 0).map((b) => `| [${b.lo.toFixed(1)}, ${b.hi.toFixed(1)}) | ${b.count} | ${f4(b.meanProb)} | ${f4(b.fracPositive)} |`);
  return `| bin | launches | mean predicted | observed fill rate |\n|---|---|---|---|\n${lines.join('\n')}`;
}

export function headReportMd(r: GroupBuyTrainReport, run: { version: string; command: string; commit: string | null; backend: string; wallMs: number; seed: number }, targetEce: number): string {
  const e = r.evaluation;
  const l = e.launches;
  const eceMet = l.model.ece <= targetEce;
  return `# group-buy conversion head on ${r.dataset} (${run.version})

Command: \`${run.command}\`  
Commit: ${run.commit ?? 'uncommitted'}  
Backend: ${run.backend}  
Seed: ${run.seed}  
Wall time: ${(run.wallMs / 1000).toFixed(0)} s (fit ${(r.fit.ms / 1000).toFixed(0)} s, best epoch ${r.fit.bestEpoch} of ${r.fit.epochs})

Split by launch time (labels: FILLED = 1, EXPIRED = 0; CANCELLED and OPEN excluded: ${JSON.stringify(r.split.excluded)}):
${r.split.train} train launches (${r.split.trainSnapshots} snapshots), ${r.split.valid} validation (from ${r.split.validStart}),
${r.split.test} test (from ${r.split.testStart}); ${r.split.purged} purged (deadline after the next part began),
${r.split.beyondHorizon} dropped (deadline after the horizon ${r.split.horizon}: their label would depend on filling early).
Calibration: ${r.calibration.method} (a = ${r.calibration.params.a.toFixed(4)}, b = ${r.calibration.params.b.toFixed(4)}): ${r.calibration.reason}.

## Test launches, scored at launch (createdAt + 15 min)

${HEADER}
${row('head (ours, calibrated)', l.model)}
${row('head before calibration', l.uncalibrated)}
${row("baseline: item's fill rate over training launches", l.baseline, `global prior ${r.baselinePrior.toFixed(3)} for unseen items`)}
${l.oracle ? row('planted-truth oracle (ex-ante fill probability)', l.oracle, l.oracleMissing ? `${l.oracleMissing} launches missing from the truth` : 'the ECE floor of this test set') : '| planted-truth oracle | – | – | – | – | – | no truth file (imported data) |'}

Target ECE ≤ ${targetEce}: **${eceMet ? 'met' : 'not met'}** (${f4(l.model.ece)}).${l.oracle ? ` With ${l.model.n} test launches, 10-bin ECE is noisy: the oracle, calibrated by construction, measures ${f4(l.oracle.ece)} here.` : ''}${l.eceVsTruth ? ` Against the planted fill probabilities instead of the outcomes (same bins, no label noise) the head's ECE is ${f4(l.eceVsTruth.model)} (baseline ${f4(l.eceVsTruth.baseline)}).` : ''}

Reliability (head, calibrated):

${reliabilityTable(l.model)}

## Test groups part-way through their life (one seeded instant each, what serving sees)

${HEADER}
${row('head (ours)', e.midLife.model)}
${row('head before calibration', e.midLife.uncalibrated)}
${row('baseline', e.midLife.baseline)}

## Whom to invite: realised joins at the test launches

Invitees pending at launch ranked by the head's join probability vs the baseline order
(friends who play the item's game, then by interactions with the initiator over 28 days).
In a FILLED group an invitee who would have joined after it filled counts as not joined (censored), for both.

| ranking | invitees | joined | pooled AUC | groups | top-1 joined |
|---|---|---|---|---|---|
| head join probability | ${e.invitees.invitees} | ${e.invitees.joined} | ${f4(e.invitees.modelAuc)} | ${e.invitees.groups} | ${f4(e.invitees.modelHitAt1)} |
| baseline (plays game, interactions) | ${e.invitees.invitees} | ${e.invitees.joined} | ${f4(e.invitees.baselineAuc)} | ${e.invitees.groups} | ${f4(e.invitees.baselineHitAt1)} |

Validation loss trajectory (epoch: value): ${r.fit.history.filter((_, i) => i % 5 === 0).map((h) => `${h.epoch}: ${h.validLoss.toFixed(4)}`).join(', ')}
`;
}

export function headModelCard(r: GroupBuyTrainReport, run: { version: string; command: string; commit: string | null; backend: string; snapshot: string }): string {
  const l = r.evaluation.launches;
  return `# Model card: group-buy/${run.version}

- What: the probability that a group-buy offer fills by its deadline. A per-invitee join network (tanh layer with 8 units plus a linear skip) gives each pending invitee a join probability q_i; a learned "invitations still to come" term adds one more; the fill probability is the Poisson-binomial tail P(at least targetSize − participants of them join), trained end to end on FILLED/EXPIRED outcomes plus a per-invitee join loss, then ${r.calibration.method === 'platt' ? 'Platt-calibrated on the validation group buys at launch and part-way' : 'left uncalibrated (too few validation launches)'}.
- Whom to invite: the marginal gain of inviting a friend is q_friend · P(exactly need − 1 of the others join), read off the same tail.
- Features (src/features/group-buy-features.ts, shared with serving): plays the item's game, explicit squad-mate of the initiator, interactions with the initiator (28 days), forwarded invite, purchase history (all, same game), past group-buy join rate, share of the invite window left; item price, discount, target size, window and days left, game activity (28 days), item purchases, initiator's and item's past launches and fill rates. Profile facts are as of the launch.
- Not used: user/item embeddings. The embeddings in the graph are written as of now by the serving encoder, after the group buys they would describe (a filled group's purchases pull its members towards the item), so they would leak the label into training.
- Labels: FILLED = 1, EXPIRED = 0; CANCELLED (no verdict on demand) and OPEN excluded. Split by launch time; launches with a deadline after the dataset cutoff are left out so the latest launches are not biased towards quick fills.
- Data: dataset "${r.dataset}", snapshot ${run.snapshot.slice(0, 16)}; ${r.split.train} / ${r.split.valid} / ${r.split.test} train / validation / test launches.
- Test (at launch): AUC ${f4(l.model.auc)}, Brier ${f4(l.model.brier)}, ECE ${f4(l.model.ece)}; baseline AUC ${f4(l.baseline.auc)}, Brier ${f4(l.baseline.brier)}${l.oracle ? `; oracle AUC ${f4(l.oracle.auc)}, Brier ${f4(l.oracle.brier)}, ECE ${f4(l.oracle.ece)}` : ''}.
- Serving: src/ranking/group-buy-conversion.ts (FILLED = 1, EXPIRED/CANCELLED = 0, OPEN past its deadline = 0).
- Limits: a few hundred launches train it; taste (what the invitee would like) is only seen through purchase counts, so the join ranking is weak; censoring of late joiners in filled groups biases the join term downwards (the fill loss and calibration correct the group probability, not the per-invitee q).
- Reproduce: \`${run.command}\` at commit ${run.commit ?? '(uncommitted)'} on backend ${run.backend}.
`;
}

export function beibeiReportMd(r: BeibeiReport, run: { command: string; commit: string | null; backend: string }): string {
  const t = r.test;
  return `# group-buy conversion on Beibei (${r.dataset})

Command: \`${run.command}\`  
Commit: ${run.commit ?? 'uncommitted'}  
Backend: ${run.backend}

${r.launches} launches (${r.filled} successful). Protocol (/work/shared/datasets/README.md): split by initiator
(seeded hash, ${Math.round(r.split.testShare * 100)}% of initiators to test, seed ${r.split.seed}): ${r.split.trainInitiators} train initiators
(${r.split.trainLaunches} launches), ${r.split.testInitiators} test initiators (${r.split.testLaunches} launches). Logistic regression
(TF.js, full-batch Adam, ${r.fit.epochs} epochs, lr ${r.fit.lr}).

${HEADER}
${row("baseline: item's fill rate over training launches", t.baseline)}
${row('model, item history only', t.withoutInitiator)}
${row('model, item + initiator history', t.withInitiator)}

Caveats (read before quoting the last row):
- Successful launches are one sample per initiator per file (tune, test) while failed launches are all of them, so an
  initiator with many launches in this data mostly has many failures. Initiator-history features (the initiator's other
  launches, leave-one-out) pick up that sampling: the AUC gain over the item-only model measures the data's construction
  as much as initiators' behaviour, and would not transfer to a log of all launches.
- No timestamps: "history" is the initiator's other launches in the same split, earlier or later.
- No target size, deadline, price, invitations or social graph: the synthetic-world head cannot run here; these are
  launch-level features only. The item-only model carries the same information as the baseline (its fill rate and
  volume), so it does not beat it.

Reliability (item + initiator history):

${reliabilityTable(t.withInitiator)}
`;
}

