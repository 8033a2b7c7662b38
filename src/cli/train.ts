import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { clockFromConfig } from '../clock/clock';
import { loadConfig, PROJECT_ROOT } from '../config/config';
import { BadInputError } from '../errors/errors';
import { loadHeteroGraph } from '../features/load-graph';
import { splitInteractions } from '../features/splits';
import { connectGraph } from '../graph/connect';
import { MIGRATIONS_DIR } from '../graph/migrations';
import { runMigrations } from '../graph/migrations/migration-runner';
import { datasetFingerprint } from '../graph/queries/fingerprint';
import { DATASETS } from '../graph/queries/stats';
import { consoleLogger } from '../logging/logger';
import { createProgress } from '../logging/progress';
import { initTfBackend } from '../runtime/tf-backend';
import { ARTIFACTS_DIR } from '../embeddings/artifact-store';
import { writeArtifactFiles } from '../../graph-models/training/artifact-writer';
import { formatTable, rowFromBaseline, rowFromPublished, rowFromRanking } from '../../graph-models/training/report-format';
import { trainCollaborative } from '../../graph-models/training/train-collaborative';
import type { SocialMode } from '../../graph-models/encoders/lightgcn';
import { intArg, parseArgs, runCli } from './args';

/**
 * `npm run train -- --dataset D [--model lightgcn|socialgcn] [--epochs N] [--eval-every K]
 *   [--patience P] [--time-budget 30m] [--resume] [--seed S] [--dim 64] [--layers 3]
 *   [--lr 0.001] [--batch 2048] [--baselines all|fast|none] [--version V]`
 *
 * Exports the dataset from Neo4j, splits it (published split, or by time for a synthetic
 * world), trains with early stopping on validation Recall@20, reads the test split once,
 * fits the baselines on the same split, prints the table beside the published figures,
 * and saves the artifact with its manifest, report and model card under
 * graph-models/artifacts/<model>/<version>/. Checkpoints go to var/checkpoints/<model>-<dataset>/.
 */
runCli(async () => {
  const args = parseArgs(process.argv.slice(2), {
    dataset: 'value', model: 'value', epochs: 'value', 'eval-every': 'value', patience: 'value', 'time-budget': 'value',
    resume: 'boolean', seed: 'value', dim: 'value', layers: 'value', lr: 'value', batch: 'value', baselines: 'value', version: 'value', l2: 'value',
  });
  const config = loadConfig(process.env);
  const logger = consoleLogger(config.logLevel, 'train');
  const dataset = args.values.dataset ?? config.dataset;
  const modelName = args.values.model ?? 'lightgcn';
  const social: SocialMode = modelName === 'lightgcn' ? 'none' : modelName === 'socialgcn' ? 'fusion' : badModel(modelName);
  const seed = intArg(args, 'seed', 2020);
  const timeBudgetMs = parseDuration(args.values['time-budget'] ?? '0');
  const baselines = args.values.baselines ?? 'all';
  if (!['all', 'fast', 'none'].includes(baselines)) throw new BadInputError(`--baselines must be all, fast or none; got ${JSON.stringify(baselines)}`);
  const lr = Number(args.values.lr ?? '0.001');
  const l2 = Number(args.values.l2 ?? '0.0001');
  if (!(lr > 0) || !(l2 >= 0)) throw new BadInputError('--lr must be > 0 and --l2 ≥ 0');

  const tfRuntime = await initTfBackend({ logger, ...(config.tfRequireNative ? { require: 'tensorflow' as const } : {}) });
  const graph = await connectGraph(config, logger);
  const t0 = performance.now();
  try {
    await runMigrations({ graph, dir: MIGRATIONS_DIR, clock: clockFromConfig(config), logger });
    const meta = (await graph.query(DATASETS.cypher)).find((d) => d.id === dataset);
    if (!meta) throw new BadInputError(`dataset "${dataset}" is not in the graph; seed or import it first`);
    const g = await loadHeteroGraph(graph, dataset, createProgress('export', 1));
    const snapshot = await datasetFingerprint(graph, dataset);
    const split = splitInteractions(g, { seed, cutoff: (meta.cutoff as number | null) ?? null });
    logger.info(`split (${split.kind}): ${split.train.users.length} train, ${split.valid.users.length} validation, ${split.test.users.length} test pairs`);

    const version = args.values.version ?? `${dataset}-${new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19)}`;
    const model = social === 'none' ? 'lightgcn' : 'socialgcn';
    const maxEpochs = intArg(args, 'epochs', 400, 1);
    const batchSize = intArg(args, 'batch', 2048, 1);
    const stepsPerEpoch = Math.ceil(split.train.users.length / batchSize);
    let progress = createProgress('epoch 1', stepsPerEpoch);
    const { report, model: trained, dispose } = await trainCollaborative(split, g, {
      dataset,
      social,
      dim: intArg(args, 'dim', 64, 1),
      layers: intArg(args, 'layers', 3, 0),
      lr,
      l2,
      batchSize,
      seed,
      maxEpochs,
      evalEvery: intArg(args, 'eval-every', 5, 1),
      patience: intArg(args, 'patience', 10, 1),
      timeBudgetMs,
      checkpointDir: path.join(PROJECT_ROOT, 'var', 'checkpoints', `${model}-${dataset}`),
      resume: args.flags.has('resume'),
      baselines: baselines === 'none' ? false : { itemKnn: true, bprMf: baselines === 'all', social: true },
      onStep: (epoch, step, loss, eps) => {
        if (step === 0) progress = createProgress(`epoch ${epoch + 1}/${maxEpochs}`, stepsPerEpoch);
        progress.tick(1, `loss ${loss.toFixed(4)} edges/s ${Math.round(eps)}`);
      },
      onEpoch: (r) => {
        progress.done(`loss ${r.loss.toFixed(4)}${r.metric !== null ? ` valid R@20 ${r.metric.toFixed(4)} (best ${r.best.toFixed(4)} @${r.bestEpoch})` : ''} ${(r.ms / 1000).toFixed(1)} s`);
      },
      log: (l) => logger.info(l),
    });
    try {
      const rows = [
        rowFromRanking(`${model} (ours, validation-selected)`, report.test, `best epoch ${report.fit.bestEpoch} of ${report.fit.epochs}, ${report.fit.stopped}`),
        rowFromRanking(`${model} — cold-start users (≤5 train items)`, report.coldStartUsers),
        ...report.baselines.map(rowFromBaseline),
        ...report.published.map(rowFromPublished),
      ];
      const table = formatTable(rows);
      console.log(`\n${table}\n`);
      const dir = path.join(ARTIFACTS_DIR, model, version);
      await trained.save(dir, { dataset, version });
      const commit = gitCommit();
      const command = `npm run train -- ${process.argv.slice(2).join(' ')}`;
      const wallMs = performance.now() - t0;
      const manifest = writeArtifactFiles(dir, {
        weightFiles: ['model.json', 'weights.bin'],
        manifest: {
          model, version, seq: Date.now(), kind: 'lightgcn', dimension: intArg(args, 'dim', 64, 1), similarity: 'cosine',
          featureSchema: { version: 0, user: [], item: [] }, dataset, dataSnapshot: snapshot.hash,
          metrics: { headline: { recall20: report.test.recall[20], ndcg20: report.test.ndcg[20] }, test: report.test, validation: { recall20: report.fit.bestValidRecall20 } },
          backend: tfRuntime.backend, trainingMs: report.fit.ms, seed, createdAt: new Date().toISOString(), commit, command,
          hyperparameters: { social, lr, l2, batchSize, layers: intArg(args, 'layers', 3, 0), maxEpochs, evalEvery: intArg(args, 'eval-every', 5, 1), patience: intArg(args, 'patience', 10, 1) },
        },
        report: { ...report, backend: tfRuntime.backend, wallMs, commit, command, seed },
        reportMd: `# ${model} on ${dataset}\n\nCommand: \`${command}\`  \nCommit: ${commit ?? 'uncommitted'}  \nBackend: ${tfRuntime.backend}  \nSeed: ${seed}  \nWall time: ${(wallMs / 1000).toFixed(0)} s (training ${(report.fit.ms / 1000).toFixed(0)} s)  \nSplit: ${report.split.kind}, ${report.split.testUsers} test users\n\n${table}\n\nTrajectory (validation Recall@20 by epoch): ${report.fit.history.filter((h) => h.metric !== null).map((h) => `${h.epoch}: ${h.metric!.toFixed(4)}`).join(', ')}\n`,
        modelCard: `# Model card: ${model}/${version}\n\n- What: ${social === 'none' ? 'LightGCN (He et al., SIGIR 2020)' : 'LightGCN with social propagation (SocialLGN-style)'} collaborative embeddings, ${intArg(args, 'dim', 64, 1)}-d, trained with BPR.\n- Data: dataset "${dataset}" (${report.split.kind} split), snapshot ${snapshot.hash.slice(0, 12)}.\n- Use: offline evaluation anchor on collaborative datasets. It is transductive: it cannot embed a user or item it was not trained on, so it does not serve or refresh on writes (the inductive SAGE encoder does).\n- Metrics (test, validation-selected): R@20 ${report.test.recall[20]!.toFixed(4)}, N@20 ${report.test.ndcg[20]!.toFixed(4)}.\n- Limits: cold-start users (≤5 train items) score R@20 ${report.coldStartUsers.recall[20]!.toFixed(4)}; popularity bias of BPR-trained models applies.\n`,
      });
      logger.info(`saved ${path.relative(PROJECT_ROOT, dir)} (artifact ${manifest.artifactHash.slice(0, 12)})`);
    } finally {
      dispose();
    }
  } finally {
    await graph.close();
  }
});

function badModel(m: string): never {
  throw new BadInputError(`--model must be lightgcn or socialgcn; got ${JSON.stringify(m)}`);
}

function parseDuration(s: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(s);
  if (!m) throw new BadInputError(`--time-budget must look like 90s, 30m or 2h; got ${JSON.stringify(s)}`);
  const n = Number(m[1]);
  return n * ({ ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h']);
}

function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: PROJECT_ROOT, encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
}

