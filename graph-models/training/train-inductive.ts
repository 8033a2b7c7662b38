import { graphAsOf, type HeteroGraph } from '../../src/features/hetero-graph';
import type { InteractionSplit } from '../../src/features/splits';
import type { BaselineRow } from '../baselines/report';
import { dotProductScorer } from '../evaluation/embedding-scorer';
import { coldStartUsers, csrFromPairs, friendsWhoBought, type Csr } from '../evaluation/interactions';
import { oracleScorer, socialOracleScorer } from '../evaluation/oracle';
import { PUBLISHED, type PublishedFigure } from '../evaluation/published';
import { evaluateRanking, type RankingReport } from '../evaluation/ranking-metrics';
import type { SageEncoder } from '../encoders/sage-encoder';
import { trainingMs, type EpochEvent, type EpochRecord, type FitOptions, type FitResult } from './fit-loop';
import { baselinesOnSplit, fitResumable, type BaselineChoice } from './run-steps';
import { sageInputs } from './sage-graph';
import { embedNodes, sageTrainable, type SageTrainOptions } from './sage-trainable';
import { splitCsrs } from './train-collaborative';
import { coldItemMask, maskedScorer, restrictToItems } from '../evaluation/cold-start';
import { linkAuc } from '../evaluation/link-auc';
import { friendPurchasesWithin, selectSocialLift, socialBlendScorer, SOCIAL_WINDOWS, type SocialLiftSelection } from '../evaluation/social-blend';
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
  onEpoch?: (r: EpochEvent) => void;
  onStep?: FitOptions['onStep'];
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
   * The served score of HOME and friends' picks: cosine + β·ln(1 + friends who bought,
   * within a window), then test read once; null without a friendship graph. On a time
   * split β and the window are chosen on the purchases of the CART_VALIDATION_DAYS before
   * the split point, with embeddings and friends' purchases as of that period's start
   * (`validFrom`); otherwise β alone, on the validation pairs (embeddings without them,
   * friends' purchases from train only, no window).
   */
  socialBlend: { validFrom: number | null; selection: SocialLiftSelection; test: RankingReport } | null;
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
  const validStart = split.splitAt === null ? null : embeddingsAtValidationStart(split.fullTrainGraph, encoder, o.fanouts, split.splitAt);
  const nextPurchase = validStart === null ? null : nextPurchaseRows(g, c.trainAll, userEmb, itemEmb, o.outDim, split.splitAt!, selectCart(g, validStart, o.outDim, split.splitAt!));
  const socialBlend = !c.social ? null : validStart === null
    ? blendOnValidationPairs(c, c.social, encoder, inputs, o, scorer)
    : blendOnValidationPeriod(c, split.fullTrainGraph, validStart, o.outDim, split.splitAt!, scorer);
  const baselines = baselinesOnSplit(c, o.baselines, o.seed);
  const oracle = o.truthFile ? await oracleScorer(o.truthFile, g.nodes.user.ids, g.nodes.item.ids) : null;
  // Friends' purchases up to the split, from the training graph (what a ranking at the split may know).
  const socialOracle = o.truthFile && split.splitAt !== null ? await socialOracleScorer(o.truthFile, split.fullTrainGraph, { t: split.splitAt }) : null;
  const report: InductiveReport = {
    model: 'sage',
    split: { kind: split.kind, splitAt: split.splitAt, users: c.train.numUsers, items: c.train.numItems, train: split.train.users.length, valid: split.valid.users.length, test: split.test.users.length, testUsers: test.users },
    fit: { stopped: result.stopped, epochs: result.state.epoch, bestEpoch: result.state.bestEpoch, bestValidRecall20: result.state.bestMetric, ms: trainingMs(result.state), history: result.state.history },
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

/** Embeddings as of the start of the validation period before the split point (CART's weight and the social lift are chosen there). */
interface ValidationStart {
  validFrom: number;
  userEmb: Float32Array;
  itemEmb: Float32Array;
}

function embeddingsAtValidationStart(fullTrainGraph: HeteroGraph, encoder: SageEncoder, fanouts: number[], splitAt: number): ValidationStart {
  const validFrom = splitAt - CART_VALIDATION_DAYS * 86_400_000;
  const atStart = sageInputs(graphAsOf(fullTrainGraph, validFrom), validFrom);
  return { validFrom, userEmb: embedNodes(encoder, atStart, 'user', fanouts), itemEmb: embedNodes(encoder, atStart, 'item', fanouts) };
}

/**
 * The social lift on a time split: (window, β) chosen on the purchases in (validFrom,
 * splitAt], ranked with embeddings and friends' purchases as of validFrom (items bought
 * before validFrom excluded, as train is on test); then test with friends' purchases as
 * of the split point.
 */
function blendOnValidationPeriod(c: { trainAll: Csr; test: Csr }, fullTrainGraph: HeteroGraph, v: ValidationStart, dim: number, splitAt: number, testBase: ReturnType<typeof dotProductScorer>): InductiveReport['socialBlend'] {
  const numItems = fullTrainGraph.nodes.item.ids.length;
  const { before, during } = purchasesAround(fullTrainGraph, v.validFrom, splitAt);
  const selection = selectSocialLift({
    base: dotProductScorer(v.userEmb, v.itemEmb, dim), train: before, valid: during, numItems,
    counters: SOCIAL_WINDOWS.map((windowDays) => ({ windowDays, counts: friendPurchasesWithin(fullTrainGraph, { t: v.validFrom, windowDays }) })),
  });
  const counts = friendPurchasesWithin(fullTrainGraph, { t: splitAt, windowDays: selection.selected.windowDays });
  const test = evaluateRanking({ train: c.trainAll, test: c.test, scorer: socialBlendScorer(testBase, counts, selection.selected.beta, numItems), ks: [10, 20] });
  return { validFrom: v.validFrom, selection, test };
}

/** The social lift without purchase times (a published split): β alone on the validation pairs, friends' purchases from train. */
function blendOnValidationPairs(c: { train: Csr; valid: Csr; trainAll: Csr; test: Csr }, social: Csr, encoder: SageEncoder, trainInputs: ReturnType<typeof sageInputs>, o: InductiveOptions, testBase: ReturnType<typeof dotProductScorer>): InductiveReport['socialBlend'] {
  const validBase = dotProductScorer(embedNodes(encoder, trainInputs, 'user', o.fanouts), embedNodes(encoder, trainInputs, 'item', o.fanouts), o.outDim);
  const numItems = c.train.numItems;
  const selection = selectSocialLift({ base: validBase, train: c.train, valid: c.valid, numItems, counters: [{ windowDays: null, counts: friendsWhoBought(c.train, social) }] });
  const test = evaluateRanking({ train: c.trainAll, test: c.test, scorer: socialBlendScorer(testBase, friendsWhoBought(c.trainAll, social), selection.selected.beta, numItems), ks: [10, 20] });
  return { validFrom: null, selection, test };
}

/** Users' purchases at or before `t`, and those in (t, until] of items they had not bought by t, as [users x items] Csrs. */
function purchasesAround(g: HeteroGraph, t: number, until: number): { before: Csr; during: Csr } {
  const p = g.relations.purchased!;
  const numUsers = g.nodes.user.ids.length;
  const numItems = g.nodes.item.ids.length;
  const pairs = (keep: (at: number) => boolean) => {
    const us: number[] = [];
    const is: number[] = [];
    for (let u = 0; u < numUsers; u++) {
      for (let e = p.offsets[u]!; e < p.offsets[u + 1]!; e++) {
        if (keep(p.time[e]!)) {
          us.push(u);
          is.push(p.targets[e]!);
        }
      }
    }
    return csrFromPairs(numUsers, numItems, Int32Array.from(us), Int32Array.from(is));
  };
  const before = pairs((at) => !(at > t));
  const after = pairs((at) => at > t && at <= until);
  const us: number[] = [];
  const is: number[] = [];
  for (let u = 0; u < numUsers; u++) {
    const had = new Set(before.items.subarray(before.offsets[u]!, before.offsets[u + 1]!));
    for (let k = after.offsets[u]!; k < after.offsets[u + 1]!; k++) {
      if (!had.has(after.items[k]!)) {
        us.push(u);
        is.push(after.items[k]!);
      }
    }
  }
  return { before, during: csrFromPairs(numUsers, numItems, Int32Array.from(us), Int32Array.from(is)) };
}

/** CART's item weight on the validation period: embeddings as of its start, its next purchases as events. */
function selectCart(g: HeteroGraph, v: ValidationStart, dim: number, splitAt: number): NonNullable<InductiveReport['nextPurchase']>['cart'] {
  const events = nextPurchaseEvents(g.relations.purchased!, { from: v.validFrom, to: splitAt, windowMs: NEXT_PURCHASE_WINDOW_DAYS * 86_400_000 });
  return { validFrom: v.validFrom, validTo: splitAt, selection: selectCartItemWeight(events, v.userEmb, v.itemEmb, dim, g.nodes.item.ids.length) };
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
