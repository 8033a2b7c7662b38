/**
 * `npm run train -- --model gift-recipient --dataset D [--version V] [--seed S] [--hidden H]
 *   [--lr 0.003] [--epochs 30] [--patience 4] [--stride 7] [--cut-points 70] [--negative-keep 0.1]`
 *
 * Exports the dataset (HeteroGraph + gifts + holidays), runs run.ts (rolling training cut
 * points before the split, validation-selected, test on the last 28 days read once, the
 * interaction-count baseline, the planted-truth comparison on a synthetic world) and saves
 * graph-models/artifacts/gift-recipient/<version>/ with weights.json, manifest.json
 * (kind "head"), report.json, report.md and MODEL_CARD.md.
 */
import fs from 'node:fs';
import path from 'node:path';
import { intArg, numArg, parseArgs, type FlagSpec } from '../../../src/cli/args';
import { timestampedVersion } from '../../../src/embeddings/artifact-store';
import { BadInputError } from '../../../src/errors/errors';
import { GIFT_FEATURE_COUNT, GIFT_FEATURE_SCHEMA_VERSION, GIFT_FEATURES } from '../../../src/features/gift-features';
import { loadHeteroGraph } from '../../../src/features/load-graph';
import { datasetFingerprint } from '../../../src/graph/queries/fingerprint';
import { datasetOccasions, exportGifts } from '../../../src/graph/queries/gift-signals';
import { DATASETS } from '../../../src/graph/queries/stats';
import { truthFilePath } from '../../../src/ingest/seed-world';
import { writeArtifactFiles } from '../../training/artifact-writer';
import type { HeadTrainContext } from '../index';
import { loadNextGiftTruth } from './evaluation/truth-recall';
import { formatGiftHeadReport, modelCard } from './report';
import { runGiftHead, type GiftHeadRun } from './run';

export const GIFT_HEAD_NAME = 'gift-recipient';
export const WEIGHTS_FILE = 'weights.json';

const FLAGS: FlagSpec = { dataset: 'value', version: 'value', seed: 'value', hidden: 'value', lr: 'value', epochs: 'value', patience: 'value', stride: 'value', 'cut-points': 'value', 'negative-keep': 'value' };

export async function trainGiftRecipient(ctx: HeadTrainContext): Promise<void> {
  const parsed = parseArgs(ctx.argv, FLAGS);
  const args = parsed.values;
  const dataset = args.dataset;
  if (!dataset) throw new BadInputError('--dataset is required for --model gift-recipient');
  const meta = (await ctx.graph.query(DATASETS.cypher)).find((d) => d.id === dataset);
  if (!meta) throw new BadInputError(`dataset "${dataset}" is not in the graph; seed or import it first`);
  const cutoff = typeof meta.cutoff === 'number' ? meta.cutoff : null;
  const t0 = performance.now();
  const g = await loadHeteroGraph(ctx.graph, dataset);
  const gifts = await exportGifts(ctx.graph, dataset);
  if (gifts.length === 0) throw new BadInputError(`dataset "${dataset}" has no gifts to learn from`);
  const occasions = await datasetOccasions(ctx.graph, dataset);
  const snapshot = await datasetFingerprint(ctx.graph, dataset);
  const truth = await loadNextGiftTruth(truthFilePath(ctx.truthDir, dataset));
  // An imported dataset has no cutoff: its timeline ends at its last gift.
  const end = cutoff ?? gifts.reduce((m, x) => Math.max(m, x.at), -Infinity);
  const seed = intArg(parsed, 'seed', 42);
  const hyper = {
    hidden: intArg(parsed, 'hidden', 16), lr: numArg(parsed, 'lr', 0.003), epochs: intArg(parsed, 'epochs', 30), patience: intArg(parsed, 'patience', 4),
    strideDays: intArg(parsed, 'stride', 7), cutPoints: intArg(parsed, 'cut-points', 70), negativeKeep: numArg(parsed, 'negative-keep', 0.1),
  };
  ctx.logger.info(`exported ${dataset}: ${g.nodes.user.ids.length} users, ${gifts.length} gifts, ${occasions.length} holidays`);
  const run = runGiftHead(g, gifts, occasions, { cutoff: end, seed, truth, log: (l) => ctx.logger.info(l), ...hyper });
  const version = args.version ?? timestampedVersion(dataset, new Date());
  const dir = path.join(ctx.artifactsDir, GIFT_HEAD_NAME, version);
  const { table, artifactHash } = writeGiftHeadArtifact(dir, {
    version, dataset, run, snapshot: snapshot.hash, backend: ctx.backend, commit: ctx.commit, command: ctx.command, seed, hyperparameters: hyper,
    wallMs: performance.now() - t0,
  });
  console.log(`\n${table}\n`);
  ctx.logger.info(`saved ${path.relative(process.cwd(), dir)} (artifact ${artifactHash.slice(0, 12)})`);
}

/**
 * Saves a run as an artifact directory: weights.json, manifest.json (kind "head"),
 * report.json, report.md (model vs baseline vs oracle) and MODEL_CARD.md. Returns the
 * report table and the artifact hash.
 */
export function writeGiftHeadArtifact(
  dir: string,
  o: { version: string; dataset: string; run: GiftHeadRun; snapshot: string; backend: string; commit: string | null; command: string; seed: number; hyperparameters: Record<string, unknown>; wallMs: number },
): { table: string; artifactHash: string } {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, WEIGHTS_FILE), JSON.stringify(o.run.weights) + '\n');
  const r = o.run.report;
  const table = formatGiftHeadReport(r);
  const m = r.test.model.ranking;
  const manifest = writeArtifactFiles(dir, {
    weightFiles: [WEIGHTS_FILE],
    manifest: {
      model: GIFT_HEAD_NAME, version: o.version, seq: Date.now(), kind: 'head',
      // A head has no embedding: `dimension` is its input width, `similarity` a required field only.
      dimension: GIFT_FEATURE_COUNT, similarity: 'cosine',
      // featureSchema.user holds the PAIR features (src/features/gift-features.ts); no item features.
      featureSchema: { version: GIFT_FEATURE_SCHEMA_VERSION, user: [...GIFT_FEATURES], item: [] },
      dataset: o.dataset, dataSnapshot: o.snapshot,
      metrics: {
        headline: { recall1: m.recall[1], recall5: m.recall[5], ndcg5: m.ndcg[5], auc: r.test.model.auc, ece: r.test.model.calibration.ece, brier: r.test.model.calibration.brier },
        baseline: { recall1: r.test.baseline.ranking.recall[1], recall5: r.test.baseline.ranking.recall[5], ndcg5: r.test.baseline.ranking.ndcg[5], auc: r.test.baseline.auc },
        oracle: r.oracle ? r.oracle.byK[5] ?? null : null,
      },
      backend: o.backend, trainingMs: r.fit.ms, seed: o.seed, createdAt: new Date().toISOString(), commit: o.commit, command: o.command,
      hyperparameters: { ...o.hyperparameters, windowDays: r.split.windowDays, testDays: r.split.testDays, output: 'cloglog with ln(window) offset' },
    },
    report: { ...r, dataset: o.dataset, backend: o.backend, wallMs: o.wallMs, commit: o.commit, command: o.command, seed: o.seed },
    reportMd: `# gift-recipient on ${o.dataset}\n\nCommand: \`${o.command}\`  \nCommit: ${o.commit ?? 'uncommitted'}  \nBackend: ${o.backend}  \nSeed: ${o.seed}  \nWall time: ${(o.wallMs / 1000).toFixed(0)} s (training ${(r.fit.ms / 1000).toFixed(1)} s, best epoch ${r.fit.bestEpoch} of ${r.fit.history.length})\n\n${table}\n`,
    modelCard: modelCard(o.version, o.dataset, o.snapshot, r, o.command, o.commit, o.backend),
  });
  return { table, artifactHash: manifest.artifactHash };
}
