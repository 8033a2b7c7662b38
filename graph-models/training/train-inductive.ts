import { graphAsOf, type HeteroGraph } from '../../src/features/hetero-graph';
import type { InteractionSplit } from '../../src/features/splits';
import type { BaselineRow } from '../baselines/report';
import { dotProductScorer } from '../evaluation/embedding-scorer';
import { coldStartUsers, type Csr } from '../evaluation/interactions';
import { oracleScorer, socialOracleScorer } from '../evaluation/oracle';
import { PUBLISHED, type PublishedFigure } from '../evaluation/published';
import { evaluateRanking, type RankingReport } from '../evaluation/ranking-metrics';
import type { SageEncoder } from '../encoders/sage-encoder';
import type { EpochRecord, FitResult } from './fit-loop';
import { baselinesOnSplit, fitResumable, type BaselineChoice } from './run-steps';
import { sageInputs } from './sage-graph';
import { embedNodes, sageTrainable, type SageTrainOptions } from './sage-trainable';
import { splitCsrs } from './train-collaborative';
import { coldItemMask, maskedScorer, restrictToItems } from '../evaluation/cold-start';
import { linkAuc } from '../evaluation/link-auc';
import { selectSocialBeta, socialBlendScorer, type SocialBetaSelection } from '../evaluation/social-blend';
import { mostPopularScorer } from '../baselines/most-popular';
import { nextItemBaselines } from '../baselines/next-item';
import { evaluateNextPurchase, nextPurchaseEvents, queryScorer, selectCartItemWeight, type CartWeightSelection, type NextPurchaseMetrics } from '../evaluation/next-purchase';

/** "Next purchase" events: two purchases of one user at most this far apart. */
export const NEXT_PURCHASE_WINDOW_DAYS = 7;
/** CART's query mix is chosen on the next purchases of this many days before the split point. */
export const CART_VALIDATION_DAYS = 28;

export interface InductiveOptions extends Omit<SageTrainOptions, 'validK' | 'runOptions' | 'gifts'> {
  dataset: string;
  maxEpochs: number;
  evalEvery: number;
  patience: number;
  timeBudgetMs: number;
  resume: boolean;
  baselines: BaselineChoice;
  /** The synthetic world's truth file, for the oracle row (absent for imported data). */
  truthFile: string | null;
  /** Gifts as user ids with their time: before the split point they train the gift objective, after it they test gift AUC. */
  giftEvents?: { sender: string; recipient: string; at: number }[];
  onEpoch?: (r: EpochRecord & { best: number; bestEpoch: number }) => void;
  onStep?: (epoch: number, step: number, loss: number, examplesPerSec: number) => void;
  log?: (line: string) => void;
}

export interface InductiveReport {
  model: 'sage';
  split: { kind: string; splitAt: number | null; users: number; items: number; train: number; valid: number; test: number; testUsers: number };
  fit: { stopped: FitResult['stopped']; epochs: number; bestEpoch: number; bestValidRecall20: number; ms: number; history: EpochRecord[] };
  test: RankingReport;
  coldStartUsers: RankingReport;
  /** Test pairs whose item had no training interaction, ranked among such items only. */
  coldStartItems: { items: number; model: RankingReport; mostPopular: RankingReport };
  /** Who gifts whom after the split point: AUC of z_sender·z_recipient against a friend who was not gifted. */
  gifts: { train: number; test: number; auc: number | null };
  /**
   * The CART / POST_PURCHASE question on a time split: after a test-period purchase, the
   * user's next purchase within NEXT_PURCHASE_WINDOW_DAYS, ranked by the surfaces' queries
   * over the embeddings as of the split point, against item-to-item baselines. Null for a
   * published split (no purchase times).
   */
  nextPurchase: {
    windowDays: number;
    rows: { name: string; metrics: NextPurchaseMetrics }[];
    /**
     * CART's item weight, chosen on the next purchases of the CART_VALIDATION_DAYS before
     * the split point, with embeddings as of that period's start (the encoder's weights
     * were trained up to the split point, which makes every weight's figure equally
     * optimistic), then read once on test (the rows above).
     */
    cart: { validFrom: number; validTo: number; selection: CartWeightSelection };
  } | null;
  baselines: BaselineRow[];
  /**
   * The served score of HOME and friends' picks: cosine + β·ln(1 + friends who bought),
   * β chosen on validation (embeddings without the validation edges, friends' purchases
   * from train only), then test read once; null without a friendship graph.
   */
  socialBlend: { selection: SocialBetaSelection; test: RankingReport } | null;
  oracle: RankingReport | null;
  /** The oracle plus the generator's social influence of friends' purchases up to the split (synthetic worlds with a time split). */
  oracleSocial: RankingReport | null;
  published: PublishedFigure[];
}

/**
 * Trains the inductive SAGE encoder on the training graph (features as of the split
 * point), selects weights on validation Recall@20, then embeds everyone over the full
 * training graph (train + validation, still as of the split point) and reads the test
 * split once. Baselines and, on a synthetic world, the planted-truth oracle are scored
 * on the same split.
 */
export async function trainInductive(split: InteractionSplit, g: HeteroGraph, o: InductiveOptions): Promise<{ report: InductiveReport; encoder: SageEncoder; dispose: () => void }> {
  const c = splitCsrs(split, g);
  const t = split.splitAt ?? Number.POSITIVE_INFINITY;
  const inputs = sageInputs(split.trainGraph, t);
  const userIndex = g.nodes.user.index;
  const giftPairs = (keep: (at: number) => boolean) => {
    const rows = (o.giftEvents ?? []).filter((x) => keep(x.at) && userIndex.has(x.sender) && userIndex.has(x.recipient));
    return { senders: Int32Array.from(rows, (x) => userIndex.get(x.sender)!), recipients: Int32Array.from(rows, (x) => userIndex.get(x.recipient)!) };
  };
  const trainGifts = giftPairs((at) => at <= t);
  const testGifts = giftPairs((at) => at > t);
  const runOptions = { hiddenDim: o.hiddenDim, outDim: o.outDim, fanouts: o.fanouts, batchSize: o.batchSize, lr: o.lr, temperature: o.temperature, friendWeight: o.friendWeight, giftWeight: o.giftWeight ?? 0, seed: o.seed };
  const { trainable, encoder, dispose } = sageTrainable(inputs, c.train, c.valid, { ...o, gifts: trainGifts, validK: 20, runOptions });
  const result = await fitResumable(trainable, o, runOptions);
  const full = sageInputs(split.fullTrainGraph, t);
  const userEmb = embedNodes(encoder, full, 'user', o.fanouts);
  const itemEmb = embedNodes(encoder, full, 'item', o.fanouts);
  const scorer = dotProductScorer(userEmb, itemEmb, o.outDim);
  const test = evaluateRanking({ train: c.trainAll, test: c.test, scorer, ks: [10, 20] });
  const socialBlend = c.social ? blendOnSplit(c, c.social, encoder, inputs, o, scorer) : null;
  const cold = evaluateRanking({ train: c.trainAll, test: c.test, scorer, ks: [10, 20], subset: coldStartUsers(c.trainAll, 5) });
  const coldMask = coldItemMask(c.trainAll);
  const coldTest = restrictToItems(c.test, coldMask);
  const coldItems = {
    items: coldMask.reduce((s, x) => s + x, 0),
    model: evaluateRanking({ train: c.trainAll, test: coldTest, scorer: maskedScorer(scorer, coldMask), ks: [10, 20] }),
    mostPopular: evaluateRanking({ train: c.trainAll, test: coldTest, scorer: maskedScorer(mostPopularScorer(c.trainAll), coldMask), ks: [10, 20] }),
  };
  const friendRel = full.graph.relations.find((r) => r.relation === 'friend')!;
  const giftAuc = linkAuc({
    userEmb, dim: o.outDim, pairs: { src: testGifts.senders, dst: testGifts.recipients }, seed: o.seed,
    candidates: (u) => friendRel.targets.subarray(friendRel.offsets[u]!, friendRel.offsets[u + 1]!),
  });
  const nextPurchase = split.splitAt === null ? null : nextPurchaseRows(g, c.trainAll, userEmb, itemEmb, o.outDim, split.splitAt, selectCart(g, split.fullTrainGraph, encoder, o.fanouts, o.outDim, split.splitAt));
  const baselines = baselinesOnSplit(c, o.baselines, o.seed);
  const oracle = o.truthFile ? await oracleScorer(o.truthFile, g.nodes.user.ids, g.nodes.item.ids) : null;
  // Friends' purchases up to the split, from the training graph (what a ranking at the split may know).
  const socialOracle = o.truthFile && split.splitAt !== null ? await socialOracleScorer(o.truthFile, split.fullTrainGraph, { t: split.splitAt }) : null;
  const report: InductiveReport = {
    model: 'sage',
    split: { kind: split.kind, splitAt: split.splitAt, users: c.train.numUsers, items: c.train.numItems, train: split.train.users.length, valid: split.valid.users.length, test: split.test.users.length, testUsers: test.users },
    fit: { stopped: result.stopped, epochs: result.state.epoch, bestEpoch: result.state.bestEpoch, bestValidRecall20: result.state.bestMetric, ms: result.ms, history: result.state.history },
    test,
    coldStartUsers: cold,
    coldStartItems: coldItems,
    gifts: { train: trainGifts.senders.length, test: testGifts.senders.length, auc: giftAuc.auc },
    nextPurchase,
    baselines,
    socialBlend,
    oracle: oracle ? evaluateRanking({ train: c.trainAll, test: c.test, scorer: oracle, ks: [10, 20] }) : null,
    oracleSocial: socialOracle ? evaluateRanking({ train: c.trainAll, test: c.test, scorer: socialOracle, ks: [10, 20] }) : null,
    published: PUBLISHED[o.dataset] ?? [],
  };
  return { report, encoder, dispose };
}

/** The social lift's β on validation, then the blend on test (see InductiveReport.socialBlend). */
function blendOnSplit(c: { train: Csr; valid: Csr; trainAll: Csr; test: Csr }, social: Csr, encoder: SageEncoder, trainInputs: ReturnType<typeof sageInputs>, o: InductiveOptions, testBase: ReturnType<typeof dotProductScorer>): InductiveReport['socialBlend'] {
  const validBase = dotProductScorer(embedNodes(encoder, trainInputs, 'user', o.fanouts), embedNodes(encoder, trainInputs, 'item', o.fanouts), o.outDim);
  const selection = selectSocialBeta({ base: validBase, train: c.train, valid: c.valid, social });
  const test = evaluateRanking({ train: c.trainAll, test: c.test, scorer: socialBlendScorer(testBase, c.trainAll, social, selection.selected), ks: [10, 20] });
  return { selection, test };
}

/** CART's item weight on the validation period: embeddings as of its start, its next purchases as events. */
function selectCart(g: HeteroGraph, fullTrainGraph: HeteroGraph, encoder: SageEncoder, fanouts: number[], dim: number, splitAt: number): NonNullable<InductiveReport['nextPurchase']>['cart'] {
  const validFrom = splitAt - CART_VALIDATION_DAYS * 86_400_000;
  const atStart = sageInputs(graphAsOf(fullTrainGraph, validFrom), validFrom);
  const userEmb = embedNodes(encoder, atStart, 'user', fanouts);
  const itemEmb = embedNodes(encoder, atStart, 'item', fanouts);
  const events = nextPurchaseEvents(g.relations.purchased!, { from: validFrom, to: splitAt, windowMs: NEXT_PURCHASE_WINDOW_DAYS * 86_400_000 });
  return { validFrom, validTo: splitAt, selection: selectCartItemWeight(events, userEmb, itemEmb, dim, g.nodes.item.ids.length) };
}

/** The next-purchase rows: the surfaces' queries and the item-to-item baselines on the same events. */
function nextPurchaseRows(g: HeteroGraph, trainAll: Csr, userEmb: Float32Array, itemEmb: Float32Array, dim: number, splitAt: number, cart: NonNullable<InductiveReport['nextPurchase']>['cart']): InductiveReport['nextPurchase'] {
  const events = nextPurchaseEvents(g.relations.purchased!, { from: splitAt, to: Number.POSITIVE_INFINITY, windowMs: NEXT_PURCHASE_WINDOW_DAYS * 86_400_000 });
  const numItems = g.nodes.item.ids.length;
  const forGame = g.relations.forGame;
  const itemGame = Int32Array.from({ length: numItems }, (_, i) => (forGame && forGame.offsets[i + 1]! > forGame.offsets[i]! ? forGame.targets[forGame.offsets[i]!]! : -1));
  const base = nextItemBaselines(trainAll, itemGame);
  const ks = [10, 20];
  const rows: [string, Parameters<typeof evaluateNextPurchase>[1]][] = [
    [`CART query, served (user + ${cart.selection.selected} × item just bought; weight chosen on validation)`, queryScorer(userEmb, itemEmb, dim, { user: 1, item: cart.selection.selected })],
    ['CART query before selection (mean of the item just bought and the user)', queryScorer(userEmb, itemEmb, dim, { user: 1, item: 1 })],
    ['user embedding (HOME, POST_PURCHASE ranking)', queryScorer(userEmb, itemEmb, dim, { user: 1, item: 0 })],
    ['item just bought alone (similar items)', queryScorer(userEmb, itemEmb, dim, { user: 0, item: 1 })],
    ['baseline: bought together in training', base.coPurchase],
    ["baseline: same game, by popularity", base.sameGame],
    ['baseline: most popular', base.popular],
  ];
  return { windowDays: NEXT_PURCHASE_WINDOW_DAYS, rows: rows.map(([name, s]) => ({ name, metrics: evaluateNextPurchase(events, s, numItems, ks) })), cart };
}
