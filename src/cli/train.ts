import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { clockFromConfig } from '../clock/clock';
import { loadConfig, PROJECT_ROOT } from '../config/config';
import { ARTIFACTS_DIR, timestampedVersion } from '../embeddings/artifact-store';
import { CART_ITEM_WEIGHT_KEY, SOCIAL_BETA_KEY, SOCIAL_WINDOW_KEY } from '../embeddings/manifest';
import { BadInputError } from '../errors/errors';
import { FEATURE_SCHEMA } from '../features/node-features';
import { loadHeteroGraph } from '../features/load-graph';
import { splitInteractions } from '../features/splits';
import { exportGifts } from '../graph/queries/gift-signals';
import { connectGraph } from '../graph/connect';
import { MIGRATIONS_DIR } from '../graph/migrations';
import { runMigrations } from '../graph/migrations/migration-runner';
import { datasetFingerprint } from '../graph/queries/fingerprint';
import { DATASETS } from '../graph/queries/stats';
import { truthFilePath } from '../ingest/seed-world';
import { consoleLogger } from '../logging/logger';
import { createProgress, type Progress } from '../logging/progress';
import { initTfBackend, requiredBackend } from '../runtime/tf-backend';
import type { RankingReport } from '../../graph-models/evaluation/ranking-metrics';
import { BLEND_KEY } from '../../graph-models/evaluation/score-blend';
import { writeArtifactFiles } from '../../graph-models/training/artifact-writer';
import type { EpochEvent, EpochRecord } from '../../graph-models/training/fit-loop';
import { coldStartRecallText, formatScale, formatTable, formatTrajectory, rowFromBaseline, rowFromPublished, rowFromRanking } from '../../graph-models/training/report-format';
import { trainCollaborative, type RefitPlan } from '../../graph-models/training/train-collaborative';
import type { LightGcnLoss } from '../../graph-models/training/lightgcn-trainable';
import { DEFAULT_SOFTMAX_TEMPERATURE } from '../../graph-models/encoders/lightgcn';
import { trainInductive } from '../../graph-models/training/train-inductive';
import { HEAD_TRAINERS } from '../../graph-models/heads';
import { formatSplitShift } from '../../graph-models/baselines/split-shift';
import { intArg, numArg, parseArgs, runCli, type ParsedArgs } from './args';

/** Encoders trained here; ranking heads register in graph-models/heads (HEAD_TRAINERS). */
const MODELS = ['sage', 'lightgcn', 'socialgcn'] as const;
type ModelName = (typeof MODELS)[number];

/**
 * `npm run train -- --dataset D --model sage|lightgcn|socialgcn [--epochs N] [--eval-every K]
 *   [--patience P] [--time-budget 30m] [--resume] [--seed S] [--init-seed S] [--dim 64] [--lr ...] [--batch ...]
 *   [--baselines all|fast|none] [--version V] [--gift-weight 0] [--refit | --refit-from-selected N [--refit-lr R]] [--blend]
 *   [--loss bpr|softmax] [--negatives 1024] [--temperature 0.1] [--lr-decay F [--lr-decay-after 2]]`
 *
 * Exports the dataset from Neo4j, splits it (its published split, or by time for a
 * synthetic world), trains with early stopping on validation Recall@20 (checkpoints in
 * var/checkpoints/<model>-<dataset>/, `--resume` continues, `--time-budget` stops
 * cleanly), reads the test split once (`--refit`, lightgcn/socialgcn: also retrains on
 * train + validation for the selected epochs, which becomes the saved model, and a finished
 * refit is checkpointed so a later `--resume --refit` reuses it; `--refit-from-selected N`:
 * instead continues the validation-selected weights on train + validation for N epochs
 * (at `--refit-lr`, default the rate the selected epoch trained at), 0 only propagating them over the whole train graph; `--blend`: the headline
 * adds item-kNN and the friends' count with weights chosen on validation; `--loss softmax`:
 * a sampled softmax over cosine scores instead of BPR, checkpointed apart; `--lr-decay F`: the
 * learning rate × F after every `--lr-decay-after` evaluations without a gain), fits the baselines (and on a synthetic world the
 * planted-truth oracle) on the same split, prints the table beside published figures and
 * saves graph-models/artifacts/<model>/<version>/ with manifest, report and model card.
 */
runCli(async () => {
  const head = headOf(process.argv.slice(2));
  if (head) return runHead(head.name, head.argv);
  const args = parseArgs(process.argv.slice(2), {
    dataset: 'value', model: 'value', epochs: 'value', 'eval-every': 'value', patience: 'value', 'time-budget': 'value', resume: 'boolean', refit: 'boolean', 'refit-from-selected': 'value', 'refit-lr': 'value', blend: 'boolean',
    seed: 'value', 'init-seed': 'value', dim: 'value', layers: 'value', lr: 'value', l2: 'value', batch: 'value', baselines: 'value', version: 'value', fanouts: 'value', 'gift-weight': 'value',
    loss: 'value', negatives: 'value', temperature: 'value', 'lr-decay': 'value', 'lr-decay-after': 'value',
  });
  const config = loadConfig(process.env);
  const logger = consoleLogger(config.logLevel, 'train');
  const dataset = args.values.dataset ?? config.dataset;
  const model = (args.values.model ?? 'sage') as ModelName;
  if (!MODELS.includes(model)) throw new BadInputError(`--model must be one of ${[...MODELS, ...Object.keys(HEAD_TRAINERS)].join(', ')}; got ${JSON.stringify(model)}`);
  const seed = intArg(args, 'seed', model === 'sage' ? 42 : 2020);
  // The split (validation included) follows --seed; --init-seed varies only the model's
  // initialisation and sampling, so runs that differ in it share one validation split and
  // can be compared (seed variance) or combined on it.
  const initSeed = intArg(args, 'init-seed', seed);
  const loss = lossOf(args);
  const refit = refitOf(args);
  const lrDecay = lrDecayOf(args, model, refit);
  const baselines = args.values.baselines ?? 'all';
  if (!['all', 'fast', 'none'].includes(baselines)) throw new BadInputError(`--baselines must be all, fast or none; got ${JSON.stringify(baselines)}`);
  const dim = intArg(args, 'dim', 64, 1);
  const common = {
    dataset,
    seed: initSeed,
    maxEpochs: intArg(args, 'epochs', model === 'sage' ? 20 : 400, 1),
    evalEvery: intArg(args, 'eval-every', model === 'sage' ? 1 : 5, 1),
    patience: intArg(args, 'patience', model === 'sage' ? 3 : 10, 1),
    timeBudgetMs: parseDuration(args.values['time-budget'] ?? '0'),
    resume: args.flags.has('resume'),
    // A softmax run has its own checkpoints: it never overwrites (or resumes) a BPR run's.
    // So does a run with its own initialisation seed or embedding width.
    checkpointDir: path.join(PROJECT_ROOT, 'var', 'checkpoints', `${model}-${dataset}${loss.kind === 'bpr' ? '' : `-${loss.kind}`}${initSeed === seed ? '' : `-init${initSeed}`}${dim === 64 ? '' : `-d${dim}`}`),
    baselines: baselines === 'none' ? (false as const) : { itemKnn: true, bprMf: baselines === 'all', social: true },
    log: (l: string) => logger.info(l),
  };
  const lr = numArg(args, 'lr', model === 'sage' ? 0.003 : 0.001);
  const batchSize = intArg(args, 'batch', model === 'sage' ? 512 : 2048, 2);

  const tfRuntime = await initTfBackend({ logger, kernels: ['UnsortedSegmentSum'], ...requiredBackend(config) });
  const graph = await connectGraph(config, logger);
  const t0 = performance.now();
  // The code this process runs: read now, since a run lasts hours and the tree moves on.
  const commit = gitCommit();
  try {
    await runMigrations({ graph, dir: MIGRATIONS_DIR, clock: clockFromConfig(config), logger });
    const meta = (await graph.query(DATASETS.cypher)).find((d) => d.id === dataset);
    if (!meta) throw new BadInputError(`dataset "${dataset}" is not in the graph; seed or import it first`);
    const g = await loadHeteroGraph(graph, dataset, createProgress('export', 1));
    const snapshot = await datasetFingerprint(graph, dataset);
    const split = splitInteractions(g, { seed, cutoff: (meta.cutoff as number | null) ?? null });
    logger.info(`split (${split.kind}): ${split.train.users.length} train, ${split.valid.users.length} validation, ${split.test.users.length} test pairs`);
    const hooks = progressHooks(common.maxEpochs, Math.ceil(split.train.users.length / batchSize));
    const version = args.values.version ?? timestampedVersion(dataset, new Date());
    const dir = path.join(ARTIFACTS_DIR, model, version);

    let table: string;
    let test: RankingReport;
    let report: { fit: { ms: number; history: EpochRecord[]; bestEpoch: number; epochs: number; stopped: string }; split: { kind: string; testUsers: number }; coldStartUsers: RankingReport; refit?: { from: 'scratch' | 'selected'; epochs: number; ms: number; lr?: number } | null; blend?: object | null };
    let card: string;
    let hyper: Record<string, unknown>;
    let extraMd = '';
    if (model === 'sage') {
      const fanouts = (args.values.fanouts ?? '10,5').split(',').map(Number);
      const temperature = 0.1;
      const truth = truthFilePath(config.truthDir, dataset);
      // 0 by default: the committed demo-v1 was trained without it, and its command must reproduce it.
      const giftWeight = numArg(args, 'gift-weight', 0);
      const giftEvents = giftWeight > 0 ? await exportGifts(graph, dataset) : [];
      const r = await trainInductive(split, g, { ...common, ...hooks, hiddenDim: dim, outDim: dim, fanouts, batchSize, lr, temperature, friendWeight: 0.5, giftWeight, giftEvents, truthFile: truth });
      try {
        await r.encoder.save(dir, { dataset, version });
      } finally {
        r.dispose();
      }
      test = r.report.test;
      report = r.report;
      // The serving mix as chosen on validation (CART's item weight, the social lift's β): serving reads it (servingMixOf).
      hyper = { fanouts, batchSize, lr, temperature, friendWeight: 0.5, giftWeight, hiddenDim: dim, ...(r.report.nextPurchase ? { [CART_ITEM_WEIGHT_KEY]: r.report.nextPurchase.cart.selection.selected } : {}), ...(r.report.socialBlend ? { [SOCIAL_BETA_KEY]: r.report.socialBlend.selection.selected.beta, [SOCIAL_WINDOW_KEY]: r.report.socialBlend.selection.selected.windowDays } : {}) };
      extraMd = `\nCold-start items (${r.report.coldStartItems.items} items without a training interaction; their test pairs ranked among them only): sage R@20 ${r.report.coldStartItems.model.recall[20]!.toFixed(4)} / N@20 ${r.report.coldStartItems.model.ndcg[20]!.toFixed(4)} vs most-popular ${r.report.coldStartItems.mostPopular.recall[20]!.toFixed(4)} / ${r.report.coldStartItems.mostPopular.ndcg[20]!.toFixed(4)} over ${r.report.coldStartItems.model.users} users.\n\nGift links after the split (${r.report.gifts.test} gifts; ${r.report.gifts.train} trained on, weight ${giftWeight}): AUC of z_sender·z_recipient against a friend not gifted ${r.report.gifts.auc === null ? 'n/a' : r.report.gifts.auc.toFixed(4)}.\n`;
      const sb = r.report.socialBlend;
      if (sb) {
        const w = (d: number | null) => (d === null ? 'all' : `${d} d`);
        const where = sb.validFrom === null ? 'the validation pairs' : `the purchases of ${new Date(sb.validFrom).toISOString().slice(0, 10)} to the split point (embeddings and friends' purchases as of the first day)`;
        extraMd += `\nSocial lift (served score = cosine + β·ln(1 + friends who bought within the window)) on ${where}, R@20 / N@20 by window and β: ${sb.selection.rows.map((x) => `${w(x.windowDays)}, β ${x.beta}: ${x.valid.recall[20]!.toFixed(4)} / ${x.valid.ndcg[20]!.toFixed(4)}`).join('; ')}; selected β = ${sb.selection.selected.beta}, window ${w(sb.selection.selected.windowDays)}.\n`;
      }
      const np = r.report.nextPurchase;
      if (np) {
        const f4 = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? '—' : x.toFixed(4));
        extraMd += `\nNext purchase (the CART / POST_PURCHASE question): after a test-period purchase, the same user's next new purchase within ${np.windowDays} days, ranked among all items not owned before it (${np.rows[0]?.metrics.events ?? 0} events; embeddings as of the split point):\n\n| scorer | events | R@10 | N@10 | R@20 | N@20 |\n|---|---|---|---|---|---|\n${np.rows.map((x) => `| ${x.name} | ${x.metrics.events} | ${f4(x.metrics.recall[10])} | ${f4(x.metrics.ndcg[10])} | ${f4(x.metrics.recall[20])} | ${f4(x.metrics.ndcg[20])} |`).join('\n')}\n`
          + `\nCART's item weight w (query = user + w × item just bought) chosen on the next purchases of ${new Date(np.cart.validFrom).toISOString().slice(0, 10)} to ${new Date(np.cart.validTo).toISOString().slice(0, 10)} (embeddings as of the first day; ${np.cart.selection.rows[0]?.metrics.events ?? 0} events): `
          + np.cart.selection.rows.map((x) => `w ${x.itemWeight}: R@20 ${f4(x.metrics.recall[20])} / N@20 ${f4(x.metrics.ndcg[20])}`).join('; ') + `; selected w = ${np.cart.selection.selected}.\n`;
      }
      table = formatTable([
        rowFromRanking('sage encoder (ours, validation-selected)', r.report.test, `best epoch ${r.report.fit.bestEpoch} of ${r.report.fit.epochs}, ${r.report.fit.stopped}`),
        ...(r.report.socialBlend ? [rowFromRanking(`sage + social lift β·ln(1 + friends who bought${r.report.socialBlend.selection.selected.windowDays === null ? '' : ` in the last ${r.report.socialBlend.selection.selected.windowDays} days`}), as HOME serves it (β ${r.report.socialBlend.selection.selected.beta}${r.report.socialBlend.selection.selected.windowDays === null ? '' : ' and the window'} chosen on validation)`, r.report.socialBlend.test)] : []),
        rowFromRanking('sage — cold-start users (≤5 train items)', r.report.coldStartUsers),
        ...r.report.baselines.map(rowFromBaseline),
        ...(r.report.oracle ? [rowFromRanking('planted-truth oracle: utility U (ceiling without social influence)', r.report.oracle)] : []),
        ...(r.report.oracleSocial ? [rowFromRanking("planted-truth oracle: U + social lift of friends' purchases up to the split", r.report.oracleSocial)] : []),
        ...r.report.published.map(rowFromPublished),
      ]);
      card = `- What: inductive heterogeneous GraphSAGE encoder (Hamilton et al., NeurIPS 2017), ${fanouts.length} layers, fanouts ${fanouts.join('/')}, mean aggregation, ${dim}-d L2-normalised embeddings; trained on purchase (in-batch softmax with logQ correction) and friendship links.\n- Serves: yes. Users and items are embedded from features (src/features, as of t) and sampled neighbours only, so a brand-new user or item gets an embedding, and embeddings refresh after writes.\n`;
    } else {
      const layers = intArg(args, 'layers', 3, 0);
      const l2 = numArg(args, 'l2', 1e-4);
      const r = await trainCollaborative(split, g, { ...common, ...hooks, social: model === 'lightgcn' ? 'none' : 'fusion', dim, layers, lr, l2, batchSize, loss, refit, blend: args.flags.has('blend'), ...(lrDecay ? { lrDecay } : {}) });
      try {
        await r.model.save(dir, { dataset, version });
      } finally {
        r.dispose();
      }
      test = r.report.test;
      report = r.report;
      const blend = r.report.blend;
      // The blend's weights travel with the model: scoring the artifact as reported needs them.
      hyper = { social: model === 'lightgcn' ? 'none' : 'fusion', loss, batchSize, lr, l2, layers, refit: r.report.refit, ...(lrDecay ? { lrDecay } : {}), ...(blend ? { [BLEND_KEY]: blend.selection.selected } : {}) };
      const selectedNote = `best epoch ${r.report.fit.bestEpoch} of ${r.report.fit.epochs}, ${r.report.fit.stopped}`;
      const servedName = !r.report.refit
        ? `${model} (ours, validation-selected)`
        : r.report.refit.from === 'scratch'
          ? `${model} (ours, refit on train + validation for the selected ${r.report.refit.epochs} epochs)`
          : `${model} (ours, validation-selected weights ${refitFromSelectedText(r.report.refit.epochs, r.report.refit.lr)})`;
      const servedNote = r.report.refit ? `refit ${(r.report.refit.ms / 1000).toFixed(0)} s` : selectedNote;
      const w = blend?.selection.selected;
      table = formatTable([
        ...(blend && w
          ? [
              rowFromRanking(`${servedName} + ${w.itemKnn} × item-kNN + ${w.social} × ln(1 + friends who have it), weights chosen on validation`, r.report.test, 'headline'),
              rowFromRanking(`${servedName}, alone`, blend.modelOnly.test, servedNote),
            ]
          : [rowFromRanking(servedName, r.report.test, `headline; ${servedNote}`)]),
        ...(r.report.refit && r.report.selected ? [rowFromRanking(`${model} — validation-selected weights (train without validation)`, r.report.selected.test, selectedNote)] : []),
        rowFromRanking(`${model} — cold-start users (≤5 train items)`, r.report.coldStartUsers),
        ...r.report.baselines.map(rowFromBaseline),
        ...r.report.published.map(rowFromPublished),
      ]);
      if (r.report.splitShift) extraMd = `\n${formatSplitShift(r.report.splitShift)}\n`;
      if (blend) {
        extraMd += `\nBlend (score = z(model) + α·z(item-kNN) + β·ln(1 + friends who have the item), z standardising each user's scores) chosen on the validation pairs with the validation-selected weights, R@20 / N@20 by (α, β): ${blend.selection.rows.map((x) => `(${x.weights.itemKnn}, ${x.weights.social}): ${x.valid.recall[20]!.toFixed(4)} / ${x.valid.ndcg[20]!.toFixed(4)}`).join('; ')}; selected α = ${blend.selection.selected.itemKnn}, β = ${blend.selection.selected.social}. The test split was read after the choice.\n`;
      }
      card = `- What: ${model === 'lightgcn' ? 'LightGCN (He et al., SIGIR 2020)' : 'LightGCN with SocialLGN-style social propagation (Liao et al. 2022)'}, ${dim}-d, ${loss.kind === 'bpr' ? 'BPR loss, dot-product scores' : `sampled-softmax loss (${loss.negatives} shared uniform negatives, τ ${loss.temperature}), cosine scores`}.\n- Serves: no. It is transductive (a learned row per user and item), so it cannot embed new nodes or refresh on writes; it is the offline anchor on the collaborative datasets.\n`;
    }
    console.log(`\n${table}\n${extraMd}`);
    const command = `npm run train -- ${process.argv.slice(2).join(' ')}`;
    const wallMs = performance.now() - t0;
    const trajectory = formatTrajectory(report.fit.history);
    const manifest = writeArtifactFiles(dir, {
      weightFiles: ['model.json', 'weights.bin'],
      manifest: {
        model, version, seq: Date.now(), kind: model === 'sage' ? 'sage-encoder' : 'lightgcn', dimension: dim, similarity: 'cosine',
        featureSchema: model === 'sage' ? { ...FEATURE_SCHEMA, user: [...FEATURE_SCHEMA.user], item: [...FEATURE_SCHEMA.item] } : { version: 0, user: [], item: [] },
        dataset, dataSnapshot: snapshot.hash,
        metrics: { headline: { recall20: test.recall[20], ndcg20: test.ndcg[20] }, test },
        backend: tfRuntime.backend, trainingMs: report.fit.ms, seed, createdAt: new Date().toISOString(), commit, command, hyperparameters: initSeed === seed ? hyper : { ...hyper, initSeed },
      },
      report: { ...report, backend: tfRuntime.backend, wallMs, commit, command, seed },
      reportMd: `# ${model} on ${dataset}\n\nCommand: \`${command}\`  \nCommit: ${commit ?? 'uncommitted'}  \nBackend: ${tfRuntime.backend}  \nSeed: ${seed}${initSeed === seed ? '' : ` (split; initialisation ${initSeed})`}  \nWall time: ${(wallMs / 1000).toFixed(0)} s (training ${(report.fit.ms / 1000).toFixed(0)} s, ${report.fit.epochs} epochs across resumed runs, ${report.fit.stopped}${report.refit ? `; refit ${(report.refit.ms / 1000).toFixed(0)} s, ${report.refit.epochs} epochs` : ''})  \nSplit: ${report.split.kind}, ${report.split.testUsers} test users; ${!report.refit ? 'test read once with the validation-selected weights' : report.refit.from === 'scratch' ? 'epoch count selected on validation, then the model retrained on train + validation for it (the headline), and the validation-selected weights beside it' : `weights selected on validation, then ${refitFromSelectedText(report.refit.epochs, report.refit.lr)} (the headline), and the validation-selected weights beside it`}.\n\n${table}\n${extraMd}\nValidation Recall@20 trajectory (epoch: value): ${trajectory}\n`,
      modelCard: `# Model card: ${model}/${version}\n\n${card}- Data: dataset "${dataset}", snapshot ${snapshot.hash.slice(0, 16)}, ${report.split.kind} split.\n- Test (${!report.refit ? 'validation-selected' : report.refit.from === 'scratch' ? 'refit on train + validation for the epoch count selected on validation' : `validation-selected weights ${refitFromSelectedText(report.refit.epochs, report.refit.lr)}`}${report.blend ? ', blended with item-kNN and the friends\' count as chosen on validation' : ''}): R@20 ${test.recall[20]!.toFixed(4)}, N@20 ${test.ndcg[20]!.toFixed(4)}; cold-start users R@20 ${coldStartRecallText(report.coldStartUsers)}.\n- Reproduce: \`${command}\` at commit ${commit ?? '(uncommitted)'} on backend ${tfRuntime.backend}.\n- Limits: trained on one dataset; popularity bias of softmax/BPR objectives; see report.md for baselines.\n`,
    });
    logger.info(`saved ${path.relative(PROJECT_ROOT, dir)} (artifact ${manifest.artifactHash.slice(0, 12)})`);
  } finally {
    await graph.close();
  }
});

/** `--model <head>` for a ranking head (graph-models/heads): the head parses the rest. */
function headOf(argv: string[]): { name: string; argv: string[] } | null {
  const i = argv.findIndex((a) => a === '--model' || a.startsWith('--model='));
  if (i < 0) return null;
  const inline = argv[i]!.includes('=');
  const name = inline ? argv[i]!.split('=', 2)[1]! : argv[i + 1];
  if (!name || !(name in HEAD_TRAINERS)) return null;
  return { name, argv: [...argv.slice(0, i), ...argv.slice(i + (inline ? 1 : 2))] };
}

async function runHead(name: string, argv: string[]): Promise<void> {
  const config = loadConfig(process.env);
  const logger = consoleLogger(config.logLevel, `train ${name}`);
  const tfRuntime = await initTfBackend({ logger, kernels: [], ...requiredBackend(config) });
  const graph = await connectGraph(config, logger);
  try {
    await runMigrations({ graph, dir: MIGRATIONS_DIR, clock: clockFromConfig(config), logger });
    await HEAD_TRAINERS[name]!({
      graph, argv, truthDir: config.truthDir, artifactsDir: ARTIFACTS_DIR, backend: tfRuntime.backend,
      commit: gitCommit(), command: `npm run train -- ${process.argv.slice(2).join(' ')}`, logger,
    });
  } finally {
    await graph.close();
  }
}

function progressHooks(maxEpochs: number, stepsPerEpoch: number) {
  let progress: Progress = createProgress('epoch 1', stepsPerEpoch);
  return {
    onStep: (epoch: number, step: number, loss: number, eps: number, steps: number = stepsPerEpoch, epochs: number = maxEpochs) => {
      if (step === 0) progress = createProgress(`epoch ${epoch + 1}/${epochs}`, steps);
      progress.tick(1, `loss ${loss.toFixed(4)} edges/s ${Math.round(eps)}`);
    },
    onEpoch: (r: EpochEvent) =>
      progress.done(`loss ${r.loss.toFixed(4)}${r.metric !== null ? ` valid R@20 ${r.metric.toFixed(4)} (best ${r.best.toFixed(4)} @${r.bestEpoch})` : ''}${r.lrScale !== undefined && r.lrScale !== 1 ? ` lr ×${formatScale(r.lrScale)}` : ''} ${(r.ms / 1000).toFixed(1)} s${r.decayedTo !== undefined ? `; no gain: lr ×${formatScale(r.decayedTo)} from the next epoch` : ''}`),
  };
}

/** What `--refit-from-selected N` did to the selected weights, for the report's text. */
function refitFromSelectedText(epochs: number, lr?: number): string {
  return epochs === 0 ? 'propagated over train + validation' : `continued on train + validation for ${epochs} epochs${lr !== undefined ? ` at lr ${formatScale(lr)}` : ''}`;
}

/** `--refit` (from scratch) or `--refit-from-selected N`; null for neither. */
function refitOf(args: ParsedArgs): RefitPlan | null {
  const fromSelected = args.values['refit-from-selected'];
  if (args.flags.has('refit') && fromSelected !== undefined) throw new BadInputError('--refit and --refit-from-selected exclude each other');
  if (args.values['refit-lr'] !== undefined && fromSelected === undefined) throw new BadInputError('--refit-lr goes with --refit-from-selected N');
  if (args.flags.has('refit')) return { from: 'scratch' };
  if (fromSelected === undefined) return null;
  const epochs = intArg(args, 'refit-from-selected', 0, 0);
  if (args.values['refit-lr'] === undefined) return { from: 'selected', epochs };
  const lr = numArg(args, 'refit-lr', 0, { positive: true });
  return { from: 'selected', epochs, lr };
}

/**
 * `--lr-decay F [--lr-decay-after N]` (lightgcn / socialgcn): multiply the learning rate
 * by F after every N evaluations in a row without a gain (default 2). Refused with a scratch
 * `--refit`, which retrains at one rate.
 */
function lrDecayOf(args: ParsedArgs, model: ModelName, refit: RefitPlan | null): { factor: number; afterEvals: number } | null {
  if (args.values['lr-decay'] === undefined) {
    if (args.values['lr-decay-after'] !== undefined) throw new BadInputError('--lr-decay-after goes with --lr-decay F');
    return null;
  }
  if (model === 'sage') throw new BadInputError('--lr-decay is for lightgcn and socialgcn');
  const factor = numArg(args, 'lr-decay', 0);
  if (!(factor > 0 && factor < 1)) throw new BadInputError(`--lr-decay must be between 0 and 1 (exclusive); got ${args.values['lr-decay']}`);
  if (refit?.from === 'scratch') throw new BadInputError('--lr-decay and --refit exclude each other: a scratch refit retrains at one rate; use --refit-from-selected N');
  return { factor, afterEvals: intArg(args, 'lr-decay-after', 2, 1) };
}

/** `--loss bpr|softmax` with its `--negatives` and `--temperature` (lightgcn / socialgcn). */
function lossOf(args: ParsedArgs): LightGcnLoss {
  const kind = args.values.loss ?? 'bpr';
  if (kind === 'bpr') {
    if (args.values.negatives !== undefined || args.values.temperature !== undefined) throw new BadInputError('--negatives and --temperature go with --loss softmax');
    return { kind };
  }
  if (kind !== 'softmax') throw new BadInputError(`--loss must be bpr or softmax; got ${JSON.stringify(kind)}`);
  const temperature = numArg(args, 'temperature', DEFAULT_SOFTMAX_TEMPERATURE, { positive: true });
  return { kind, negatives: intArg(args, 'negatives', 1024, 1), temperature };
}

function parseDuration(s: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(s);
  if (!m) throw new BadInputError(`--time-budget must look like 90s, 30m or 2h; got ${JSON.stringify(s)}`);
  return Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
}

/** HEAD, marked `+uncommitted` when tracked files differ from it (the commit alone would not reproduce the run); null outside git. */
function gitCommit(): string | null {
  try {
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: PROJECT_ROOT, encoding: 'utf8' }).trim();
    const changed = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: PROJECT_ROOT, encoding: 'utf8' }).trim();
    return changed ? `${head}+uncommitted` : head;
  } catch {
    return null;
  }
}
