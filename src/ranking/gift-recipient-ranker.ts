import fs from 'node:fs';
import path from 'node:path';
import type { Clock } from '../clock/clock';
import { DAY_MS } from '../clock/clock';
import type { ModelRegistry } from '../embeddings/registry';
import { ErrorCode } from '../errors/codes';
import { BadInputError, GiftgraphError, NotFoundError } from '../errors/errors';
import {
  GIFT_FEATURE_COUNT, GIFT_FEATURES, daysToBirthday, giftPairFeatures, giftSignals, utcDay,
  type GiftFeatureContext, type GiftPairHistory, type GiftSenderHistory, type GiftSignals,
} from '../features/gift-features';
import type { GraphClient } from '../graph/graph-client';
import { giftSignalRows, type GiftSignalFriend } from '../graph/queries/gift-signals';
import type { Logger } from '../logging/logger';
import { parseGiftHeadWeights, predictProbabilities, type GiftHeadWeights } from '../../graph-models/heads/gift-recipient/model';

/** The model name of the head (artifact folder, activation key, `--model` value). */
export const GIFT_RECIPIENT_MODEL = 'gift-recipient';
const WEIGHTS_FILE = 'weights.json';
/** The birthday occasion id (the holiday ids are the dataset's Occasion nodes). */
export const BIRTHDAY = 'BIRTHDAY';
export const MAX_LIMIT = 100;
/** Interactions older than this cannot move a feature (the longest window is 90 days, plus the clip). */
const INTERACTION_LOOKBACK_DAYS = 92;

export interface GiftRecipientRankerDeps {
  graph: GraphClient;
  registry: ModelRegistry;
  clock: Clock;
  logger: Logger;
}

export interface RankOptions {
  /** How many recipients to return, 1 … 100. */
  limit: number;
  /** null/absent: any gift; 'BIRTHDAY'; or a holiday Occasion id of the dataset (see README). */
  occasion?: string | null;
  /** Epoch ms the ranking is "as of" (default: the clock). Nothing after it is read. */
  asOf?: number;
  /**
   * Rank as this user may see it: the sender's gifts to them that are not delivered yet
   * are left out of the features, so no probability shown to them reveals a planned gift.
   */
  hideUndeliveredTo?: string | null;
}

export interface RankedRecipient {
  /** The friend's id local to the dataset (the caller scopes it: `<dataset>:<id>`). */
  userId: string;
  /** P(the sender gifts this friend within the head's window), in (0, 1). */
  probability: number;
  signals: GiftSignals;
}

export interface GiftRecipientRanking {
  model: string;
  /** The active artifact version that produced the probabilities. */
  version: string;
  /** The horizon the probabilities are for, days. */
  windowDays: number;
  recipients: RankedRecipient[];
}

/**
 * Ranking heads at serving time: load the active artifact, score candidates. For one
 * sender: the active gift-recipient version of the dataset (read from the graph on every
 * call, so a newly activated version is picked up on the next call; weights cached per
 * version), one Cypher round trip for the sender's unblocked friends and their raw events
 * (src/graph/queries/gift-signals.ts), the pair features from the module training used
 * (src/features/gift-features.ts), the MLP forward pass in plain TypeScript.
 *
 * Errors: MODEL_NOT_READY when no gift-recipient artifact is active for the dataset (or the
 * active one was trained on another feature schema); MODEL_NOT_FOUND when the active
 * version has no artifact on this machine; NOT_FOUND for an unknown sender;
 * BAD_USER_INPUT for a bad limit or occasion. A sender without friends gets an empty list.
 * Blocked friends are never candidates (the query excludes them).
 */
export class GiftRecipientRanker {
  private readonly cache = new Map<string, GiftHeadWeights>();

  constructor(private readonly deps: GiftRecipientRankerDeps) {}

  async rank(dataset: string, senderLocalId: string, o: RankOptions): Promise<GiftRecipientRanking> {
    if (!Number.isInteger(o.limit) || o.limit < 1 || o.limit > MAX_LIMIT) throw new BadInputError(`limit must be an integer in 1..${MAX_LIMIT}; got ${String(o.limit)}`, { limit: o.limit });
    const asOf = o.asOf ?? this.deps.clock.now();
    if (!Number.isFinite(asOf)) throw new BadInputError(`asOf must be epoch milliseconds; got ${String(o.asOf)}`);
    const { version, weights } = await this.activeWeights(dataset);
    const rows = await giftSignalRows(this.deps.graph, {
      dataset, senderId: senderLocalId, asOf, interactionsFrom: utcDay(asOf) - INTERACTION_LOOKBACK_DAYS * DAY_MS, hideUndeliveredTo: o.hideUndeliveredTo ?? null,
    });
    if (!rows) throw new NotFoundError('user', `${dataset}:${senderLocalId}`);
    const occasion = o.occasion ?? null;
    if (occasion !== null && occasion !== BIRTHDAY && !rows.occasions.some((x) => x.id === occasion)) {
      throw new BadInputError(`occasion must be ${BIRTHDAY} or a holiday of dataset "${dataset}" (${rows.occasions.map((x) => x.id).join(', ')}); got ${JSON.stringify(occasion)}`, { occasion });
    }
    const windowDays = weights.windowDays;
    const ctx: GiftFeatureContext = { t: asOf, windowDays, occasions: rows.occasions, interactionLogStart: weights.interactionLogStart };
    const sender: GiftSenderHistory = { giftsSent: rows.giftsSent, friendSince: rows.friendSince };
    let pairs = rows.friends.map((f) => ({ id: f.id, pair: toPairHistory(f) }));
    if (occasion === BIRTHDAY) {
      pairs = pairs.filter((p) => {
        const d = daysToBirthday(asOf, p.pair.recipientBirthday);
        return d !== null && d <= windowDays;
      });
    }
    const x = new Float32Array(pairs.length * GIFT_FEATURE_COUNT);
    pairs.forEach((p, i) => {
      giftPairFeatures(ctx, sender, p.pair, x, i * GIFT_FEATURE_COUNT);
      if (occasion !== null && occasion !== BIRTHDAY) withoutBirthdayPull(x, i * GIFT_FEATURE_COUNT);
    });
    const prob = predictProbabilities(weights, x, pairs.length, windowDays);
    const recipients = pairs
      .map((p, i) => ({ userId: p.id, probability: prob[i]!, signals: giftSignals(asOf, p.pair) }))
      .sort((a, b) => b.probability - a.probability || (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0))
      .slice(0, o.limit);
    return { model: GIFT_RECIPIENT_MODEL, version, windowDays, recipients };
  }

  /** The active version's weights, loaded once per version. */
  private async activeWeights(dataset: string): Promise<{ version: string; weights: GiftHeadWeights }> {
    const active = await this.deps.registry.active(dataset, GIFT_RECIPIENT_MODEL);
    if (!active) throw new GiftgraphError(ErrorCode.MODEL_NOT_READY, `no ${GIFT_RECIPIENT_MODEL} model is active for dataset "${dataset}"`, { dataset, model: GIFT_RECIPIENT_MODEL });
    const cached = this.cache.get(active.version);
    if (cached) return { version: active.version, weights: cached };
    const ref = await this.deps.registry.assertServable(dataset, GIFT_RECIPIENT_MODEL);
    const file = path.join(ref.dir, WEIGHTS_FILE);
    const weights = parseGiftHeadWeights(JSON.parse(fs.readFileSync(file, 'utf8')), file);
    if (weights.features.length !== GIFT_FEATURES.length || weights.features.some((f, i) => f !== GIFT_FEATURES[i])) {
      throw new GiftgraphError(
        ErrorCode.MODEL_NOT_READY,
        `${GIFT_RECIPIENT_MODEL}/${ref.version} was trained on other pair features than this build computes; retrain it`,
        { model: GIFT_RECIPIENT_MODEL, version: ref.version },
      );
    }
    this.cache.set(ref.version, weights);
    this.deps.logger.info(`loaded ${GIFT_RECIPIENT_MODEL}/${ref.version} for dataset "${dataset}"`);
    return { version: ref.version, weights };
  }
}

function toPairHistory(f: GiftSignalFriend): GiftPairHistory {
  return {
    since: f.since,
    recipientBirthday: f.birthday,
    interactions: {
      day: f.interactions.map((i) => i[0]),
      messages: f.interactions.map((i) => i[1]),
      voiceMinutes: f.interactions.map((i) => i[2]),
      playedTogether: f.interactions.map((i) => i[3]),
    },
    giftsToFriend: f.giftsTo,
    giftsFromFriend: f.giftsFrom,
    recipientWishlist: f.wishlist,
    recipientFriendSince: f.friendSince,
    commonFriendSince: f.commonSince,
  };
}

const COL = (name: (typeof GIFT_FEATURES)[number]) => GIFT_FEATURES.indexOf(name);
const BIRTHDAY_COLUMNS = [COL('birthday_in_window'), COL('birthday_just_after_window'), COL('birthday_within_7d')];
const DAYS_TO_BIRTHDAY = COL('days_to_birthday_div365');

/**
 * A holiday gift: who gets one depends on closeness, not on whose birthday is near (in the
 * planted world exactly so: the holiday term of the gifting rate is proportional to the
 * friendship's share, gift-model.ts). So each friend is scored as if no birthday fell near
 * the window: the in-window flags off, the birthday half a year away.
 */
function withoutBirthdayPull(x: Float32Array, offset: number): void {
  for (const c of BIRTHDAY_COLUMNS) x[offset + c] = 0;
  x[offset + DAYS_TO_BIRTHDAY] = 0.5;
}
