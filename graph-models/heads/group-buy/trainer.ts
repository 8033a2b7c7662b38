import fs from 'node:fs';
import path from 'node:path';
import { parseArgs, intArg, numArg } from '../../../src/cli/args';
import { timestampedVersion } from '../../../src/embeddings/artifact-store';
import { BadInputError } from '../../../src/errors/errors';
import { CONTEXT_COLUMNS, FEATURE_COLUMNS, GROUP_BUY_FEATURE_VERSION, PERSON_COLUMNS } from '../../../src/features/group-buy-features';
import type { GraphClient } from '../../../src/graph/graph-client';
import { datasetFingerprint } from '../../../src/graph/queries/fingerprint';
import { DATASETS } from '../../../src/graph/queries/stats';
import type { Manifest } from '../../../src/embeddings/manifest';
import { truthFilePath } from '../../../src/ingest/seed-world';
import { writeArtifactFiles } from '../../training/artifact-writer';
import type { HeadTrainContext } from '../index';
import { evaluateBeibei } from './beibei';
import { saveHead } from './join-network';
import { beibeiReportMd, headModelCard, headReportMd } from './report';
import { GROUP_BUY_DEFAULTS, trainGroupBuyHead, type GroupBuyTrainResult } from './train';

/** The model name: `--model group-buy`, graph-models/artifacts/group-buy/<version>/. */
export const GROUP_BUY_MODEL = 'group-buy';
/** The calibration target on the synthetic world. */
export const TARGET_ECE = 0.05;

/**
 * `npm run train -- --model group-buy --dataset D [--version V] [--seed S] [--epochs N]
 *   [--hidden H] [--lr X] [--beibei-epochs N]`
 *
 * A dataset whose group buys carry times and terms (a synthetic world) trains the serving
 * head and saves a full artifact (manifest kind "head", weights, report, model card). An
 * imported set of bare launches (Beibei) runs its own protocol and saves the report only
 * (no manifest: those features are not the serving head's, so it must not be activatable).
 */
export async function trainGroupBuy(ctx: HeadTrainContext): Promise<void> {
  const args = parseArgs(ctx.argv, { dataset: 'value', version: 'value', seed: 'value', epochs: 'value', hidden: 'value', lr: 'value', 'beibei-epochs': 'value' });
  const dataset = args.values.dataset;
  if (!dataset) throw new BadInputError('--dataset is required for --model group-buy');
  const meta = (await ctx.graph.query(DATASETS.cypher)).find((d) => d.id === dataset);
  if (!meta) throw new BadInputError(`dataset "${dataset}" is not in the graph; seed or import it first`);
  const seed = intArg(args, 'seed', GROUP_BUY_DEFAULTS.seed);
  const version = args.values.version ?? timestampedVersion(dataset, new Date());
  const dir = path.join(ctx.artifactsDir, GROUP_BUY_MODEL, version);
  const t0 = performance.now();
  const log = (l: string) => ctx.logger.info(l);

  if (meta.kind === 'imported') {
    const r = await evaluateBeibei(ctx.graph, { dataset, seed, testShare: 0.2, epochs: intArg(args, 'beibei-epochs', 300, 1), lr: numArg(args, 'lr', 0.05, { positive: true }), log });
    fs.mkdirSync(dir, { recursive: true });
    const run = { command: ctx.command, commit: ctx.commit, backend: ctx.backend };
    fs.writeFileSync(path.join(dir, 'report.json'), JSON.stringify({ ...r, ...run, wallMs: performance.now() - t0 }, null, 2) + '\n');
    fs.writeFileSync(path.join(dir, 'report.md'), beibeiReportMd(r, run));
    log(`saved ${dir} (report only)`);
    console.log(beibeiReportMd(r, run));
    return;
  }

  const result = await trainGroupBuyHead(ctx.graph, {
    ...GROUP_BUY_DEFAULTS,
    dataset, seed,
    maxEpochs: intArg(args, 'epochs', GROUP_BUY_DEFAULTS.maxEpochs, 1),
    hidden: intArg(args, 'hidden', GROUP_BUY_DEFAULTS.hidden, 1),
    lr: numArg(args, 'lr', GROUP_BUY_DEFAULTS.lr, { positive: true }),
    horizon: (meta.cutoff as number | null) ?? null,
    truthFile: truthFilePath(ctx.truthDir, dataset),
    log,
  });
  const manifest = await writeGroupBuyArtifact(ctx.graph, dir, result, { version, seed, backend: ctx.backend, commit: ctx.commit, command: ctx.command, wallMs: performance.now() - t0 });
  console.log(fs.readFileSync(path.join(dir, 'report.md'), 'utf8'));
  log(`saved ${dir} (artifact ${manifest.artifactHash.slice(0, 12)})`);
}

/** Weights + manifest (kind "head") + report + model card for a trained head. */
export async function writeGroupBuyArtifact(
  graph: GraphClient,
  dir: string,
  result: GroupBuyTrainResult,
  run: { version: string; seed: number; backend: string; commit: string | null; command: string; wallMs: number },
): Promise<Manifest> {
  const { model, report } = result;
  await saveHead(dir, model, { featureColumns: FEATURE_COLUMNS, featureVersion: GROUP_BUY_FEATURE_VERSION });
  const snapshot = await datasetFingerprint(graph, report.dataset);
  const l = report.evaluation.launches;
  return writeArtifactFiles(dir, {
    weightFiles: ['model.json', 'weights.bin'],
    manifest: {
      model: GROUP_BUY_MODEL, version: run.version, seq: Date.now(), kind: 'head',
      // A head has no embedding: dimension is its input width (feature columns), and
      // similarity (required by the schema) is unused; the registry leaves vector indexes alone.
      dimension: FEATURE_COLUMNS.length, similarity: 'cosine',
      featureSchema: { version: GROUP_BUY_FEATURE_VERSION, user: [...PERSON_COLUMNS], item: [...CONTEXT_COLUMNS] },
      dataset: report.dataset, dataSnapshot: snapshot.hash,
      metrics: {
        headline: { auc: l.model.auc, brier: l.model.brier, ece: l.model.ece },
        baseline: { auc: l.baseline.auc, brier: l.baseline.brier, ece: l.baseline.ece },
        oracle: l.oracle ? { auc: l.oracle.auc, brier: l.oracle.brier, ece: l.oracle.ece } : null,
        invitees: report.evaluation.invitees,
      },
      backend: run.backend, trainingMs: report.fit.ms, seed: run.seed, createdAt: new Date().toISOString(), commit: run.commit, command: run.command,
      hyperparameters: { ...GROUP_BUY_DEFAULTS, seed: run.seed, hidden: model.weights.hidden, calibration: report.calibration },
    },
    report: { ...report, ...run },
    reportMd: headReportMd(report, run, TARGET_ECE),
    modelCard: headModelCard(report, { ...run, snapshot: snapshot.hash }),
  });
}

