/**
 * `npm run train -- --model squad --dataset D [--version V] [--encoder <sage version>] [--seed S]
 *   [--hidden 8] [--lr 0.01] [--epochs 60] [--patience 8] [--windows 3] [--negatives 50] [--labels any|together]`
 *
 * Exports the dataset (HeteroGraph + squads), embeds it as of each window with the sage
 * encoder artifact (default: the newest one trained on D), runs run.ts (training windows
 * before the split, validation-selected, test on the last 28 days read once, the
 * baselines, the planted-truth oracle on a synthetic world) and saves
 * graph-models/artifacts/squad/<version>/ with weights.json, manifest.json (kind "head"),
 * report.json, report.md and MODEL_CARD.md.
 */
import fs from 'node:fs';
import path from 'node:path';
import { intArg, numArg, parseArgs, type FlagSpec } from '../../../src/cli/args';
import { ArtifactStore, timestampedVersion } from '../../../src/embeddings/artifact-store';
import { encoderFanouts } from '../../../src/embeddings/encoder-runtime';
import { BadInputError } from '../../../src/errors/errors';
import { loadHeteroGraph } from '../../../src/features/load-graph';
import { SQUAD_FEATURE_COUNT, SQUAD_FEATURE_SCHEMA_VERSION, SQUAD_FEATURES } from '../../../src/features/squad-features';
import { datasetFingerprint } from '../../../src/graph/queries/fingerprint';
import { exportSquads } from '../../../src/graph/queries/squad-signals';
import { DATASETS } from '../../../src/graph/queries/stats';
import { truthFilePath } from '../../../src/ingest/seed-world';
import { SageEncoder } from '../../encoders/sage-encoder';
import { writeArtifactFiles } from '../../training/artifact-writer';
import type { HeadTrainContext } from '../index';
import { sageEmbedder } from './embeddings';
import { loadSquadUtility } from './evaluation/truth-utility';
import { formatSquadHeadReport, squadModelCard } from './report';
import { runSquadHead, type SquadHeadRun } from './run';

export const SQUAD_HEAD_NAME = 'squad';
export const WEIGHTS_FILE = 'weights.json';

const FLAGS: FlagSpec = { dataset: 'value', version: 'value', encoder: 'value', seed: 'value', hidden: 'value', lr: 'value', epochs: 'value', patience: 'value', windows: 'value', negatives: 'value', labels: 'value' };

export async function trainSquad(ctx: HeadTrainContext): Promise<void> {
  const parsed = parseArgs(ctx.argv, FLAGS);
  const args = parsed.values;
  const dataset = args.dataset;
  if (!dataset) throw new BadInputError('--dataset is required for --model squad');
  const meta = (await ctx.graph.query(DATASETS.cypher)).find((d) => d.id === dataset);
  if (!meta) throw new BadInputError(`dataset "${dataset}" is not in the graph; seed or import it first`);
  if (typeof meta.cutoff !== 'number') throw new BadInputError(`dataset "${dataset}" has no cutoff: the squad head needs a timeline to split (a synthetic world)`);
  const labels = args.labels ?? 'any';
  if (labels !== 'any' && labels !== 'together') throw new BadInputError(`--labels must be any or together; got ${JSON.stringify(labels)}`);
  const sage = new ArtifactStore(ctx.artifactsDir).list('sage');
  const ref = args.encoder ? sage.find((a) => a.version === args.encoder) : sage.filter((a) => a.manifest.dataset === dataset).at(-1);
  if (!ref) throw new BadInputError(args.encoder ? `no sage artifact ${JSON.stringify(args.encoder)}` : `no sage artifact trained on "${dataset}"; pass --encoder <version>`);
  const t0 = performance.now();
  const g = await loadHeteroGraph(ctx.graph, dataset);
  const squads = await exportSquads(ctx.graph, dataset);
  if (squads.length === 0) throw new BadInputError(`dataset "${dataset}" has no squads to learn from`);
  const snapshot = await datasetFingerprint(ctx.graph, dataset);
  const oracle = await loadSquadUtility(truthFilePath(ctx.truthDir, dataset), g.nodes.user.ids, g.nodes.item.ids);
  const { encoder } = await SageEncoder.load(ref.dir);
  const seed = intArg(parsed, 'seed', 42);
  const hyper = {
    hidden: intArg(parsed, 'hidden', 8), lr: numArg(parsed, 'lr', 0.01), epochs: intArg(parsed, 'epochs', 60), patience: intArg(parsed, 'patience', 8),
    windows: intArg(parsed, 'windows', 3), negatives: intArg(parsed, 'negatives', 50), labels: labels as 'any' | 'together',
  };
  const encoderName = `sage/${ref.version}`;
  ctx.logger.info(`exported ${dataset}: ${g.nodes.user.ids.length} users, ${g.nodes.item.ids.length} items, ${squads.length} squads; embeddings from ${encoderName}`);
  let run: SquadHeadRun;
  try {
    run = runSquadHead(g, squads, {
      cutoff: meta.cutoff, seed, encoder: encoderName, embed: sageEmbedder(encoder, g, encoderFanouts(ref)), oracle, log: (l) => ctx.logger.info(l), ...hyper,
    });
  } finally {
    encoder.dispose();
  }
  const version = args.version ?? timestampedVersion(dataset, new Date());
  const dir = path.join(ctx.artifactsDir, SQUAD_HEAD_NAME, version);
  const { table, artifactHash } = writeSquadHeadArtifact(dir, {
    version, dataset, run, snapshot: snapshot.hash, backend: ctx.backend, commit: ctx.commit, command: ctx.command, seed, hyperparameters: hyper,
    wallMs: performance.now() - t0,
  });
  console.log(`\n${table}\n`);
  ctx.logger.info(`saved ${path.relative(process.cwd(), dir)} (artifact ${artifactHash.slice(0, 12)})`);
}

/**
 * Saves a run as an artifact directory: weights.json, manifest.json (kind "head"),
 * report.json, report.md (model vs baselines vs oracle) and MODEL_CARD.md. Returns the
 * report table and the artifact hash.
 */
export function writeSquadHeadArtifact(
  dir: string,
  o: { version: string; dataset: string; run: SquadHeadRun; snapshot: string; backend: string; commit: string | null; command: string; seed: number; hyperparameters: Record<string, unknown>; wallMs: number },
): { table: string; artifactHash: string } {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, WEIGHTS_FILE), JSON.stringify(o.run.weights) + '\n');
  const r = o.run.report;
  const table = formatSquadHeadReport(r);
  const t = r.test.together;
  const a = r.test.any;
  const figures = (x: { recall: Record<number, number>; ndcg: Record<number, number> } | null) => (x ? { recall10: x.recall[10]!, recall20: x.recall[20]!, ndcg20: x.ndcg[20]! } : null);
  const manifest = writeArtifactFiles(dir, {
    weightFiles: [WEIGHTS_FILE],
    manifest: {
      model: SQUAD_HEAD_NAME, version: o.version, seq: Date.now(), kind: 'head',
      // A head has no embedding: `dimension` is its input width, `similarity` a required field only.
      dimension: SQUAD_FEATURE_COUNT, similarity: 'cosine',
      // featureSchema.user holds the (squad, item) PAIR features (src/features/squad-features.ts); no item features.
      featureSchema: { version: SQUAD_FEATURE_SCHEMA_VERSION, user: [...SQUAD_FEATURES], item: [] },
      dataset: o.dataset, dataSnapshot: o.snapshot,
      metrics: {
        together: { head: figures(t.head), popular: figures(t.popular), squadScore: figures(t.squadScore), oracle: figures(t.oracle), squads: t.head.users },
        any: { head: figures(a.head), popular: figures(a.popular), squadScore: figures(a.squadScore), oracle: figures(a.oracle), squads: a.head.users },
      },
      backend: o.backend, trainingMs: r.fit.ms, seed: o.seed, createdAt: new Date().toISOString(), commit: o.commit, command: o.command,
      hyperparameters: { ...o.hyperparameters, encoder: o.run.weights.encoder, windowDays: r.split.windowDays, testDays: r.split.testDays, objective: 'sampled softmax over the squad\'s eligible items' },
    },
    report: { ...r, dataset: o.dataset, backend: o.backend, wallMs: o.wallMs, commit: o.commit, command: o.command, seed: o.seed },
    reportMd: `# squad on ${o.dataset}\n\nCommand: \`${o.command}\`  \nCommit: ${o.commit ?? 'uncommitted'}  \nBackend: ${o.backend}  \nSeed: ${o.seed}  \nEmbeddings: ${o.run.weights.encoder}  \nWall time: ${(o.wallMs / 1000).toFixed(0)} s (training ${(r.fit.ms / 1000).toFixed(1)} s, best epoch ${r.fit.bestEpoch} of ${r.fit.history.length})\n\n${table}\n`,
    modelCard: squadModelCard(o.version, o.dataset, o.snapshot, r, { command: o.command, commit: o.commit, backend: o.backend, encoder: o.run.weights.encoder, hidden: o.run.weights.hidden }),
  });
  return { table, artifactHash: manifest.artifactHash };
}
