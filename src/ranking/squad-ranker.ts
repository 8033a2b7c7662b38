import fs from 'node:fs';
import path from 'node:path';
import type { Clock } from '../clock/clock';
import { DAY_MS } from '../clock/clock';
import type { ModelRegistry } from '../embeddings/registry';
import { ErrorCode } from '../errors/codes';
import { BadInputError, GiftgraphError } from '../errors/errors';
import {
  RECENT_WINDOW_DAYS, SOCIAL_WINDOW_DAYS, SQUAD_FEATURE_COUNT, SQUAD_FEATURES, memberCosines, squadItemFeatures, type SquadItemFacts,
} from '../features/squad-features';
import type { GraphClient } from '../graph/graph-client';
import { squadSignalRows } from '../graph/queries/squad-signals';
import type { Logger } from '../logging/logger';
import { parseSquadHeadWeights, squadHeadScores, type SquadHeadWeights } from '../../graph-models/heads/squad/model';

/** The model name of the head (artifact folder, activation key, `--model` value). */
export const SQUAD_MODEL = 'squad';
const WEIGHTS_FILE = 'weights.json';
/** Bounds of one context read (the squadRecs limits: ≤ 50 members; a page of candidates). */
export const MAX_SQUAD_MEMBERS = 50;
export const MAX_SQUAD_CANDIDATES = 1000;

export interface SquadRankerDeps {
  graph: GraphClient;
  registry: ModelRegistry;
  clock: Clock;
  logger: Logger;
}

/** A candidate as the scorer sees it: the service's ItemRecord fields plus the item's embedding. */
export interface SquadItemInput {
  id: string;
  /** The item's embedding (same encoder version as the member vectors). */
  embedding: readonly number[];
  gameId: string | null;
  /** List price in cents, null when unknown. */
  price: number | null;
}

/**
 * Per-squad facts as of one time, read once per request by `SquadRanker.context` (one
 * bounded Cypher round trip) for the squad's members and the candidate items.
 */
export interface SquadScoringContext {
  asOf: number;
  /** Members of the squad (the denominator of the member shares). */
  members: number;
  /** Per member, the games they played by asOf. */
  memberGames: ReadonlyArray<ReadonlySet<string>>;
  /** Candidate id -> members who wishlisted it by asOf. */
  wishedBy: ReadonlyMap<string, number>;
  /** Candidate id -> distinct non-member friends of members who bought it in the 60 days before asOf. */
  friendBuyers: ReadonlyMap<string, number>;
  /** Candidate id -> members with at least one such friend. */
  membersExposed: ReadonlyMap<string, number>;
  /** Candidate id -> its purchases in the 28 days before asOf. */
  recentBuys: ReadonlyMap<string, number>;
}

export interface SquadScorer {
  model: string;
  /** The active artifact version whose weights score. */
  version: string;
  /** `sage/<version>` of the embeddings the head was trained on: its cosine features assume that encoder. */
  encoder: string | null;
  /**
   * The head's score of one candidate for the squad (a logit: higher first; compare within
   * one squad only). `memberVectors`: the embeddings of the members that have one, at least
   * one (RangeError otherwise).
   */
  score(memberVectors: readonly (readonly number[])[], item: SquadItemInput, ctx: SquadScoringContext): number;
}

/**
 * The friend-group head at serving time: load the active squad artifact, score candidates.
 * `scorer(dataset)` reads the active version from the graph on every call (a newly
 * activated version is served from the next call; weights are cached per version);
 * `context(...)` reads the per-squad facts the features need in one round trip
 * (src/graph/queries/squad-signals.ts); the score is the feature function training used
 * (src/features/squad-features.ts) and the head's forward pass in plain TypeScript.
 *
 * Errors: MODEL_NOT_READY when no squad artifact is active for the dataset (or the active
 * one was trained on another feature schema); MODEL_NOT_FOUND when the active version has
 * no artifact on this machine; BAD_USER_INPUT for a context request outside its bounds.
 */
export class SquadRanker {
  private readonly cache = new Map<string, SquadHeadWeights>();

  constructor(private readonly deps: SquadRankerDeps) {}

  async scorer(dataset: string): Promise<SquadScorer> {
    const { version, weights } = await this.activeWeights(dataset);
    const x = new Float32Array(SQUAD_FEATURE_COUNT);
    const out = new Float64Array(1);
    return {
      model: SQUAD_MODEL,
      version,
      encoder: weights.encoder ?? null,
      score: (memberVectors, item, ctx) => {
        squadItemFeatures(squadItemFacts(memberVectors, item, ctx), x);
        return squadHeadScores(weights, x, 1, out)[0]!;
      },
    };
  }

  /**
   * The per-squad facts for `memberIds` (1 … 50 local ids) and the candidate `itemIds`
   * (≤ 1000 local ids) as of `asOf` (default: the clock). Unknown ids count as nothing.
   */
  async context(dataset: string, o: { memberIds: readonly string[]; itemIds: readonly string[]; asOf?: number }): Promise<SquadScoringContext> {
    const memberIds = [...new Set(o.memberIds)];
    const itemIds = [...new Set(o.itemIds)];
    if (memberIds.length < 1 || memberIds.length > MAX_SQUAD_MEMBERS) throw new BadInputError(`a squad context needs 1..${MAX_SQUAD_MEMBERS} members; got ${memberIds.length}`);
    if (itemIds.length > MAX_SQUAD_CANDIDATES) throw new BadInputError(`a squad context takes at most ${MAX_SQUAD_CANDIDATES} candidates; got ${itemIds.length}`);
    const asOf = o.asOf ?? this.deps.clock.now();
    if (!Number.isFinite(asOf)) throw new BadInputError(`asOf must be epoch milliseconds; got ${String(o.asOf)}`);
    const rows = await squadSignalRows(this.deps.graph, {
      dataset, memberIds, itemIds, asOf, socialFrom: asOf - SOCIAL_WINDOW_DAYS * DAY_MS, recentFrom: asOf - RECENT_WINDOW_DAYS * DAY_MS,
    });
    return squadContextFromRows(asOf, memberIds.length, rows);
  }

  /** The active version's weights, loaded once per version. */
  private async activeWeights(dataset: string): Promise<{ version: string; weights: SquadHeadWeights }> {
    const active = await this.deps.registry.active(dataset, SQUAD_MODEL);
    if (!active) throw new GiftgraphError(ErrorCode.MODEL_NOT_READY, `no ${SQUAD_MODEL} model is active for dataset "${dataset}"`, { dataset, model: SQUAD_MODEL });
    const cached = this.cache.get(active.version);
    if (cached) return { version: active.version, weights: cached };
    const ref = await this.deps.registry.assertServable(dataset, SQUAD_MODEL);
    const file = path.join(ref.dir, WEIGHTS_FILE);
    const weights = parseSquadHeadWeights(JSON.parse(fs.readFileSync(file, 'utf8')), file);
    if (weights.features.length !== SQUAD_FEATURES.length || weights.features.some((f, i) => f !== SQUAD_FEATURES[i])) {
      throw new GiftgraphError(
        ErrorCode.MODEL_NOT_READY,
        `${SQUAD_MODEL}/${ref.version} was trained on other squad features than this build computes; retrain it`,
        { model: SQUAD_MODEL, version: ref.version },
      );
    }
    this.cache.set(ref.version, weights);
    this.deps.logger.info(`loaded ${SQUAD_MODEL}/${ref.version} for dataset "${dataset}" (trained on ${weights.encoder} embeddings)`);
    return { version: ref.version, weights };
  }
}

/** Folds the query's per-member rows into per-candidate counts (pure). */
export function squadContextFromRows(
  asOf: number,
  members: number,
  rows: { members: Array<{ games: string[]; wished: string[]; friendBuys: Array<[string, string]> }>; recentBuys: Map<string, number> },
): SquadScoringContext {
  const wishedBy = new Map<string, number>();
  const buyers = new Map<string, Set<string>>();
  const membersExposed = new Map<string, number>();
  for (const m of rows.members) {
    for (const i of new Set(m.wished)) wishedBy.set(i, (wishedBy.get(i) ?? 0) + 1);
    const seen = new Set<string>();
    for (const [f, i] of m.friendBuys) {
      let s = buyers.get(i);
      if (!s) buyers.set(i, (s = new Set()));
      s.add(f);
      seen.add(i);
    }
    for (const i of seen) membersExposed.set(i, (membersExposed.get(i) ?? 0) + 1);
  }
  return {
    asOf, members, wishedBy, membersExposed, recentBuys: rows.recentBuys,
    memberGames: rows.members.map((m) => new Set(m.games)),
    friendBuyers: new Map([...buyers].map(([i, s]) => [i, s.size])),
  };
}

/** The SquadItemFacts of one candidate from the serving context (the training side counts them in graph-models/heads/squad/dataset.ts). */
export function squadItemFacts(memberVectors: readonly (readonly number[])[], item: SquadItemInput, ctx: SquadScoringContext): SquadItemFacts {
  const gameId = item.gameId;
  return {
    cosines: memberCosines(memberVectors, item.embedding),
    members: ctx.members,
    membersPlaying: gameId === null ? 0 : ctx.memberGames.filter((g) => g.has(gameId)).length,
    membersWishing: ctx.wishedBy.get(item.id) ?? 0,
    friendBuyers: ctx.friendBuyers.get(item.id) ?? 0,
    membersExposed: ctx.membersExposed.get(item.id) ?? 0,
    recentBuys: ctx.recentBuys.get(item.id) ?? 0,
    price: item.price,
  };
}
