import type { Clock } from '../clock/clock';
import type { ModelRegistry } from '../embeddings/registry';
import { ErrorCode } from '../errors/codes';
import { BadInputError, GiftgraphError, NotFoundError } from '../errors/errors';
import { FEATURE_COLUMNS, GROUP_BUY_FEATURE_VERSION } from '../features/group-buy-features';
import type { GraphClient } from '../graph/graph-client';
import { groupBuyCandidates, groupBuyFacts, type GroupBuyFacts } from '../graph/queries/group-buy-signals';
import type { Logger } from '../logging/logger';
import { readHead } from '../../graph-models/heads/group-buy/head-io';
import type { GroupBuyHeadModel } from '../../graph-models/heads/group-buy/head-model';
import { rankInvitees, scoreAt } from '../../graph-models/heads/group-buy/scoring';

/** The head's model name in the registry and under graph-models/artifacts/. */
export const GROUP_BUY_MODEL = 'group-buy';

export interface GroupBuySignals {
  /** Participants as of the instant, the initiator included. */
  participants: number;
  targetSize: number;
  /** Invited as of the instant. */
  invitees: number;
  /** Of those, how many had played the item's game before the launch. */
  inviteesPlayingGame: number;
  /** Hours to the deadline (0 once past it). */
  hoursLeft: number;
}

export interface GroupBuyScoreResult {
  model: string;
  version: string;
  probability: number;
  signals: GroupBuySignals;
}

export interface SuggestedInvitee {
  userId: string;
  probabilityIfInvited: number;
  /** probabilityIfInvited − the current probability. */
  gain: number;
  playsGame: boolean;
  /** Messages + games played together with the initiator over the 28 days before the launch. */
  interactions28d: number;
}

export interface InviteSuggestions {
  model: string;
  version: string;
  probability: number;
  invitees: SuggestedInvitee[];
}

/**
 * Group-buy conversion at serving time: P(the offer fills by its deadline) from the active
 * `group-buy` head, and whom the initiator should invite to raise it.
 *
 * Per call: one read of the active version (a newly activated version is served from the
 * next call; weights are cached per version) and one round trip for the group buy's facts
 * (src/graph/queries/group-buy-signals.ts, the statement training exported with), plus one
 * for the candidates in `suggestInvitees`. The state at `asOf` (default: the clock) and
 * the features come from src/features/group-buy-features.ts, the same code training used.
 *
 * Decided group buys (as of `asOf`): FILLED → 1, EXPIRED/CANCELLED → 0, OPEN past its
 * deadline → 0, whatever the model says; they get no suggestions. Errors: MODEL_NOT_READY
 * (nothing active, or an artifact trained on other feature columns), MODEL_NOT_FOUND
 * (active version missing on disk), NOT_FOUND (unknown group buy), BAD_USER_INPUT (limit
 * outside 1..100, or an open group buy without terms, e.g. an imported one).
 */
export class GroupBuyConversion {
  private readonly cache = new Map<string, Promise<GroupBuyHeadModel>>();

  constructor(private readonly deps: { graph: GraphClient; registry: ModelRegistry; clock: Clock; logger: Logger }) {}

  async score(dataset: string, groupBuyLocalId: string, o: { asOf?: number } = {}): Promise<GroupBuyScoreResult> {
    const asOf = o.asOf ?? this.deps.clock.now();
    const [{ version, model }, facts] = await Promise.all([this.activeModel(dataset), this.facts(dataset, groupBuyLocalId)]);
    const decided = decidedWithoutTerms(facts);
    if (decided !== null) return { model: GROUP_BUY_MODEL, version, probability: decided, signals: signalsWithoutTerms(facts) };
    const s = scoreAt(model, facts, asOf);
    return { model: GROUP_BUY_MODEL, version, probability: s.probability, signals: signalsOf(s.state) };
  }

  async suggestInvitees(dataset: string, groupBuyLocalId: string, o: { limit: number; asOf?: number }): Promise<InviteSuggestions> {
    if (!Number.isInteger(o.limit) || o.limit < 1 || o.limit > 100) throw new BadInputError(`limit must be an integer in 1..100; got ${String(o.limit)}`, { limit: o.limit });
    const asOf = o.asOf ?? this.deps.clock.now();
    const [{ version, model }, facts] = await Promise.all([this.activeModel(dataset), this.facts(dataset, groupBuyLocalId)]);
    const decided = decidedWithoutTerms(facts);
    if (decided !== null) return { model: GROUP_BUY_MODEL, version, probability: decided, invitees: [] };
    const s = scoreAt(model, facts, asOf);
    if (s.state.decided !== null) return { model: GROUP_BUY_MODEL, version, probability: s.probability, invitees: [] };
    const candidates = await groupBuyCandidates(this.deps.graph, dataset, groupBuyLocalId, asOf);
    const ranked = rankInvitees(model, facts, s, candidates, asOf).slice(0, o.limit);
    return {
      model: GROUP_BUY_MODEL,
      version,
      probability: s.probability,
      invitees: ranked.map((r) => ({
        userId: r.person.userId, probabilityIfInvited: r.probabilityIfInvited, gain: r.gain, playsGame: r.person.playsGame, interactions28d: r.person.interactions28d,
      })),
    };
  }

  private async facts(dataset: string, id: string): Promise<GroupBuyFacts> {
    const f = (await groupBuyFacts(this.deps.graph, dataset, [id]))[0];
    if (!f) throw new NotFoundError('group buy', `${dataset}:${id}`);
    return f;
  }

  /** The active version's model, loaded once per version (concurrent first calls share one load). */
  private async activeModel(dataset: string): Promise<{ version: string; model: GroupBuyHeadModel }> {
    const active = await this.deps.registry.active(dataset, GROUP_BUY_MODEL);
    if (!active) throw new GiftgraphError(ErrorCode.MODEL_NOT_READY, `no ${GROUP_BUY_MODEL} model is active for dataset "${dataset}"`, { dataset, model: GROUP_BUY_MODEL });
    let loading = this.cache.get(active.version);
    if (!loading) {
      loading = this.load(dataset, active.version);
      this.cache.set(active.version, loading);
      // A failed load is not cached: the next call retries (e.g. once the artifact is on disk).
      loading.catch(() => this.cache.delete(active.version));
    }
    return { version: active.version, model: await loading };
  }

  private async load(dataset: string, version: string): Promise<GroupBuyHeadModel> {
    const ref = await this.deps.registry.assertServable(dataset, GROUP_BUY_MODEL);
    const { model, config } = readHead(ref.dir);
    if (config.featureVersion !== GROUP_BUY_FEATURE_VERSION || config.featureColumns.join(',') !== FEATURE_COLUMNS.join(',')) {
      throw new GiftgraphError(
        ErrorCode.MODEL_NOT_READY,
        `${GROUP_BUY_MODEL}/${version} was trained on other group-buy features than this build computes; retrain it`,
        { model: GROUP_BUY_MODEL, version },
      );
    }
    this.deps.logger.info(`loaded ${GROUP_BUY_MODEL}/${version} for dataset "${dataset}"`);
    return model;
  }
}

function signalsOf(s: { participants: number; targetSize: number; invitees: number; inviteesPlayingGame: number; hoursLeft: number }): GroupBuySignals {
  return { participants: s.participants, targetSize: s.targetSize, invitees: s.invitees, inviteesPlayingGame: s.inviteesPlayingGame, hoursLeft: s.hoursLeft };
}

/**
 * Imported group buys (Beibei) have no target, deadline or times: a closed one is still
 * decided by its status; an open one cannot be scored.
 */
function decidedWithoutTerms(f: GroupBuyFacts): 0 | 1 | null {
  if (f.targetSize !== null && f.deadline !== null && f.createdAt !== null) return null;
  if (f.status === 'FILLED') return 1;
  if (f.status === 'EXPIRED' || f.status === 'CANCELLED') return 0;
  throw new BadInputError(`group buy ${f.id} has no target size, deadline or launch time, so its conversion cannot be scored`, { id: f.id });
}

function signalsWithoutTerms(f: GroupBuyFacts): GroupBuySignals {
  return {
    participants: f.participants.length, targetSize: f.targetSize ?? f.participants.length, invitees: f.invitees.length,
    inviteesPlayingGame: f.invitees.filter((x) => x.playsGame).length, hoursLeft: 0,
  };
}
