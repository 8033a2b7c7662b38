import { createHash } from 'node:crypto';
import { DAY_MS, type Clock } from '../clock/clock';
import { BadInputError, NotFoundError } from '../errors/errors';
import type { GraphClient } from '../graph/graph-client';
import type { ItemRecord } from '../graph/records';
import { candidateItems, friendsWhoBought, friendsWithItemState, squadMembers, userRetrievalContext, userRetrievalContexts, type UserRetrievalContext } from '../graph/queries/retrieval';
import { mergeCandidates, type Candidate, type CandidateSource, type SourcedItem } from '../retrieval/candidate';
import { ineligibility, type ItemFilters } from '../retrieval/eligibility';
import type { CandidateRetriever } from '../retrieval/retriever';
import { capPerGame, compareScored, dot, meanDirection, socialLift, weightedDirection, type ScoredCandidate } from '../ranking/item-scoring';
import { reasonsFor, type Reason } from '../ranking/reasons';
import { squadScore } from '../ranking/squad-scoring';
import { readFresh } from './fresh-contexts';
import type { EmbeddingCatchUp } from './mutations/refresh';
import { DEFAULT_SERVING_MIX, type ServingMix } from '../embeddings/manifest';
import type { GiftRecipientRanker } from '../ranking/gift-recipient-ranker';
import { MAX_SQUAD_CANDIDATES, type SquadRanker } from '../ranking/squad-ranker';

export type Surface = 'HOME' | 'CART' | 'POST_PURCHASE' | 'WISHLIST';

export interface ListControls {
  first: number;
  exclude: string[];
  filters: ItemFilters;
  /** At most this many items of one game (null: no cap). */
  maxPerGame: number | null;
}

export interface RecommendedItem {
  /** Stable for the same viewer, surface, item and model version: clicks and purchases carry it back. */
  recommendationId: string;
  item: ItemRecord;
  /** The encoder's cosine between the query embedding and the item; null for an item not yet embedded. */
  score: number | null;
  reasons: Reason[];
  sources: CandidateSource[];
  /** `<model>/<version>` of the embeddings that scored it, or `fallback/<source>` when none did. */
  modelVersion: string;
}

export interface FriendSuggestion {
  userId: string;
  name: string;
  score: number;
  reasons: Reason[];
}

export interface RecommendationList {
  surface: Surface | 'FRIENDS' | 'SQUAD';
  modelVersion: string;
  items: RecommendedItem[];
  /** Post-purchase: friends who'd like the item as a gift; wishlist: friends who share the taste for it. */
  friends: FriendSuggestion[];
}

const ENCODER = 'sage';
/** Friends asked "would you gift them?" on the wishlist surface: one head call each. */
const MAX_GIFTERS = 20;

/**
 * The item recommendations every surface serves: retrieve candidates from several sources,
 * drop what may not be shown, score with the serving encoder's embeddings, order
 * deterministically, cap per game, explain. Each surface differs only in its sources and
 * its query embedding.
 */
export class RecommendationService {
  constructor(private readonly deps: {
    graph: GraphClient; retriever: CandidateRetriever; clock: Clock; giftRanker?: GiftRecipientRanker; squadRanker?: SquadRanker;
    /** Read-your-writes: users whose embedding is behind a write are caught up before serving (fresh-contexts.ts). */
    catchUp?: EmbeddingCatchUp;
    /**
     * How embeddings of a `sage` version are served, as its training run chose on
     * validation: CART's item weight w (query = ẑ_user + w·ẑ_cart) and the personal lists'
     * social lift β (score = cosine + β·ln(1 + friends who bought)). Default w 1, β 0.
     */
    servingMix?: (embeddingVersion: string) => ServingMix;
  }) {}

  async recommend(o: { dataset: string; userId: string; surface: Surface; itemId?: string | null; cartItemIds?: string[]; controls: ListControls }): Promise<RecommendationList> {
    const r = this.deps.retriever;
    const byId = o.surface === 'HOME' ? startEarly(Promise.all([r.social(o.dataset, o.userId), r.guild(o.dataset, o.userId), r.fallbacks(o.dataset)])) : null;
    const ctx = await this.userContext(o.dataset, o.userId);
    const want = o.controls.first;
    switch (o.surface) {
      case 'HOME': {
        const [vector, rest] = await Promise.all([r.byEmbedding(o.dataset, ctx.embedding, want), byId!]);
        return this.finish(o.dataset, o.userId, 'HOME', ctx, ctx.embedding, [vector, ...rest], o.controls, []);
      }
      case 'CART': {
        const cart = o.cartItemIds ?? [];
        if (cart.length === 0) throw new BadInputError('surface CART needs context.cartItemIds (1..20 scoped item ids)');
        const cartItems = await this.requireItems(o.dataset, cart);
        const games = [...new Set(cartItems.map((c) => c.item.gameId).filter((g): g is string => g !== null))];
        const cartDir = meanDirection(cartItems.map((c) => c.embedding));
        // The mix the encoder's training run chose on validation next purchases (an
        // equal mean ranked below buying-together and same-game baselines on demo).
        const query = weightedDirection([[cartDir, this.mix(ctx).cartItemWeight], [ctx.embedding, 1]]);
        const lists = await Promise.all([r.coPurchase(o.dataset, cart), r.sameGame(o.dataset, games), r.byEmbedding(o.dataset, query, want), r.fallbacks(o.dataset)]);
        return this.finish(o.dataset, o.userId, 'CART', ctx, query, lists, { ...o.controls, exclude: [...o.controls.exclude, ...cart] }, []);
      }
      case 'POST_PURCHASE': {
        const bought = await this.requireContextItem(o.dataset, o.itemId, 'POST_PURCHASE');
        const games = bought.item.gameId ? [bought.item.gameId] : [];
        const lists = await Promise.all([r.sameGame(o.dataset, games), r.byEmbedding(o.dataset, bought.embedding, want, 'SIMILAR'), r.fallbacks(o.dataset)]);
        const friends = await this.friendsWhoWouldLike(o.dataset, o.userId, bought, 5);
        return this.finish(o.dataset, o.userId, 'POST_PURCHASE', ctx, ctx.embedding, lists, { ...o.controls, exclude: [...o.controls.exclude, bought.item.id] }, friends, bought.item);
      }
      case 'WISHLIST': {
        const wished = await this.requireContextItem(o.dataset, o.itemId, 'WISHLIST');
        const lists = await Promise.all([r.byEmbedding(o.dataset, wished.embedding, want, 'SIMILAR'), r.sameGame(o.dataset, wished.item.gameId ? [wished.item.gameId] : [])]);
        const friends = await this.likelyGifters(o.dataset, o.userId, wished, 5);
        // Similar items are ranked by similarity to the wished item, not by the user's taste.
        return this.finish(o.dataset, o.userId, 'WISHLIST', ctx, wished.embedding, lists, { ...o.controls, exclude: [...o.controls.exclude, wished.item.id] }, friends, wished.item);
      }
    }
  }

  /** Items from the user's friends and guilds (social proof first), scored by the user's taste. */
  async friendRecs(o: { dataset: string; userId: string; controls: ListControls }): Promise<RecommendationList> {
    const r = this.deps.retriever;
    const byId = startEarly(Promise.all([r.social(o.dataset, o.userId), r.guild(o.dataset, o.userId)]));
    const ctx = await this.userContext(o.dataset, o.userId);
    return this.finish(o.dataset, o.userId, 'FRIENDS', ctx, ctx.embedding, await byId, o.controls, []);
  }

  /**
   * Items a squad would buy together. The query is the members' mean direction; an item's
   * score is the members' mean cosine minus their spread (penalising items only a few
   * members would want), and an item any member owns (non-consumable) is dropped.
   */
  async squadRecs(o: { dataset: string; squadId?: string | null; memberIds?: string[] | null; controls: ListControls }): Promise<RecommendationList & { members: string[]; squadName: string }> {
    let members: string[];
    let squadName = 'your group';
    if (o.squadId) {
      const s = await squadMembers(this.deps.graph, o.dataset, o.squadId);
      if (!s) throw new NotFoundError('squad', `${o.dataset}:${o.squadId}`);
      members = s.members;
      squadName = s.name;
    } else {
      members = [...new Set(o.memberIds ?? [])].sort();
    }
    if (members.length < 2) throw new BadInputError(`a squad needs at least 2 members; got ${members.length}`);
    if (members.length > 50) throw new BadInputError(`a squad has at most 50 members; got ${members.length}`);
    // Every member's context in one round trip (not one per member).
    const found = await readFresh(this.deps.catchUp, o.dataset, () => userRetrievalContexts(this.deps.graph, o.dataset, members, this.deps.clock.now()));
    const unknown = members.find((m) => !found.has(m));
    if (unknown !== undefined) throw new NotFoundError('user', `${o.dataset}:${unknown}`);
    const ctxs = members.map((m) => found.get(m)!);
    const embeddingVersion = ctxs.find((c) => c.embeddingVersion)?.embeddingVersion ?? null;
    const vectors = ctxs.map((c) => c.embedding);
    const query = meanDirection(vectors);
    const r = this.deps.retriever;
    const lists = await Promise.all([r.byEmbedding(o.dataset, query, o.controls.first * 2), ...members.map((m) => r.social(o.dataset, m)), r.fallbacks(o.dataset)]);
    const owned = new Set<string>();
    const games = new Set<string>();
    for (const c of ctxs) {
      for (const i of c.owned) owned.add(i);
      for (const g of c.games) games.add(g);
    }
    const memberSet = new Set(members);
    // Members' own purchases are not social proof for the group: keep only outsiders.
    // Bounded: the squad head reads its per-candidate context in one query of at most this many items.
    const merged = mergeCandidates(lists).slice(0, MAX_SQUAD_CANDIDATES).map((c) => ({ ...c, friendsBought: c.friendsBought.filter((f) => !memberSet.has(f.id)), friendsWished: c.friendsWished.filter((f) => !memberSet.has(f.id)) }));
    const groupCtx: UserRetrievalContext = { embedding: query, embeddingVersion, embeddingStale: false, owned, dismissed: new Set(), wishlist: new Set(), games };
    const present = vectors.filter((v): v is number[] => v !== null);
    // The trained squad head when one is active; the untrained squadScore otherwise.
    const active = this.deps.squadRanker ? await this.deps.squadRanker.scorer(o.dataset).catch((e: { code?: string }) => (e.code === 'MODEL_NOT_READY' ? null : Promise.reject(e))) : null;
    // The head's cosine features assume the encoder it was trained with: with embeddings of
    // another encoder version it would score garbage, so the untrained score serves instead.
    const scorer = active && (active.encoder === null || active.encoder === `${ENCODER}/${embeddingVersion}`) ? active : null;
    const sctx = scorer && present.length > 0
      ? await this.deps.squadRanker!.context(o.dataset, { memberIds: members, itemIds: merged.map((c) => c.itemId), asOf: this.deps.clock.now() })
      : null;
    const scoreFn = (emb: number[] | null, item: ItemRecord): number | null => {
      if (!emb || present.length === 0) return null;
      if (scorer && sctx) return scorer.score(present, { id: item.id, embedding: emb, gameId: item.gameId, price: item.price }, sctx);
      return squadScore(present, emb);
    };
    const list = await this.rank(o.dataset, members.join(','), 'SQUAD', groupCtx, merged, o.controls, scoreFn, { groupName: squadName }, scorer && sctx ? `${scorer.model}/${scorer.version}` : null);
    return { ...list, members, squadName };
  }

  /**
   * Ranks the merged candidates by cosine to `query`, plus, on the personal lists (HOME
   * and friends' picks), the social lift β·ln(1 + friends who bought the item within the
   * window). There the friends are counted in full for every candidate (the social
   * candidates see only each friend's latest purchases), so the served lift is the one β
   * and the window were chosen for offline, and the "friends own this" reason names and
   * counts every friend who bought it.
   */
  private async finish(dataset: string, viewer: string, surface: RecommendationList['surface'], ctx: UserRetrievalContext, query: number[] | null, lists: SourcedItem[][], controls: ListControls, friends: FriendSuggestion[], anchor?: ItemRecord): Promise<RecommendationList> {
    const personal = surface === 'HOME' || surface === 'FRIENDS';
    const mix = this.mix(ctx);
    const socialBeta = personal ? mix.socialBeta : 0;
    const candidates = mergeCandidates(lists);
    const since = mix.socialWindowDays === null ? null : this.deps.clock.now() - mix.socialWindowDays * DAY_MS;
    const counted = personal
      ? friendsWhoBought(this.deps.graph, { dataset, userId: viewer, items: candidates.map((c) => c.itemId), since }).then((byItem) => {
          for (const c of candidates) {
            const b = byItem.get(c.itemId);
            c.friendsBought = b?.friends ?? [];
            c.friendsRecent = b?.recent ?? 0;
          }
        })
      : undefined;
    const score = (emb: number[] | null, _item: ItemRecord, c: Candidate) => (query && emb ? dot(query, emb) + socialLift(socialBeta, c.friendsRecent ?? 0) : null);
    const list = await this.rank(dataset, viewer, surface, ctx, candidates, controls, score, { ...(anchor ? { anchorName: anchor.name } : {}), ...(counted ? { ready: counted } : {}) });
    return { ...list, friends };
  }

  private mix(ctx: UserRetrievalContext): ServingMix {
    return ctx.embeddingVersion && this.deps.servingMix ? this.deps.servingMix(ctx.embeddingVersion) : DEFAULT_SERVING_MIX;
  }

  private async rank(
    dataset: string,
    viewer: string,
    surface: RecommendationList['surface'],
    ctx: UserRetrievalContext,
    candidates: Candidate[],
    controls: ListControls,
    scoreOf: (embedding: number[] | null, item: ItemRecord, candidate: Candidate) => number | null,
    o: {
      groupName?: string;
      anchorName?: string;
      /** Work on `candidates` that must finish before scoring (run alongside the item details read). */
      ready?: Promise<void>;
    } = {},
    /** `<model>/<version>` of a head that scored on top of the embeddings (the squad head); null: the encoder's cosine. */
    scoredBy: string | null = null,
  ): Promise<RecommendationList> {
    const [details] = await Promise.all([candidateItems(this.deps.graph, dataset, candidates.map((c) => c.itemId)), o.ready]);
    const names = { ...(o.groupName ? { groupName: o.groupName } : {}), ...(o.anchorName ? { anchorName: o.anchorName } : {}) };
    const elig = { now: this.deps.clock.now(), owned: ctx.owned, dismissed: ctx.dismissed, exclude: new Set(controls.exclude), filters: controls.filters };
    const scored: (ScoredCandidate & { version: string | null })[] = [];
    for (const c of candidates) {
      const d = details.get(c.itemId);
      if (!d || ineligibility(d.item, elig) !== null) continue;
      // Scores only compare embeddings of one model version.
      const comparable = d.embeddingVersion !== null && d.embeddingVersion === ctx.embeddingVersion;
      scored.push({ candidate: c, item: d.item, score: comparable ? scoreOf(d.embedding, d.item, c) : null, version: comparable ? d.embeddingVersion : null });
    }
    scored.sort(compareScored);
    const top = capPerGame(scored, controls.first, controls.maxPerGame);
    const listVersion = ctx.embeddingVersion ? scoredBy ?? `${ENCODER}/${ctx.embeddingVersion}` : 'fallback/popular';
    const items = top.map((s): RecommendedItem => {
      const modelVersion = s.version ? scoredBy ?? `${ENCODER}/${s.version}` : `fallback/${[...s.candidate.sources.keys()][0]!.toLowerCase()}`;
      return {
        recommendationId: recommendationId(dataset, viewer, surface, s.item.id, modelVersion),
        item: s.item,
        score: s.score,
        reasons: reasonsFor(s.candidate, { games: ctx.games, gameId: s.item.gameId, ...names }),
        sources: [...s.candidate.sources.keys()],
        modelVersion,
      };
    });
    return { surface, modelVersion: listVersion, items, friends: [] };
  }

  /** The viewer's context; NOT_FOUND for an unknown user. */
  private async userContext(dataset: string, userId: string): Promise<UserRetrievalContext> {
    const read = async () => {
      const c = await userRetrievalContext(this.deps.graph, dataset, userId, this.deps.clock.now());
      return new Map(c ? [[userId, c]] : []);
    };
    const ctx = (await readFresh(this.deps.catchUp, dataset, read)).get(userId);
    if (!ctx) throw new NotFoundError('user', `${dataset}:${userId}`);
    return ctx;
  }

  private async requireItems(dataset: string, ids: string[]) {
    const found = await candidateItems(this.deps.graph, dataset, ids);
    for (const id of ids) if (!found.has(id)) throw new NotFoundError('item', `${dataset}:${id}`);
    return ids.map((id) => found.get(id)!);
  }

  private async requireContextItem(dataset: string, itemId: string | null | undefined, surface: Surface) {
    if (!itemId) throw new BadInputError(`surface ${surface} needs context.itemId (a scoped item id)`);
    return (await this.requireItems(dataset, [itemId]))[0]!;
  }

  /**
   * Friends likely to gift the user soon (the gift-recipient head from each friend's side,
   * for the closest `MAX_GIFTERS` friends), with gifts already on their way to the user
   * left out of the features so the answer never reveals a planned gift. Without an
   * active head: friends who share the taste for the item.
   */
  private async likelyGifters(dataset: string, userId: string, item: { item: ItemRecord; embedding: number[] | null }, k: number): Promise<FriendSuggestion[]> {
    const ranker = this.deps.giftRanker;
    if (!ranker) return this.friendsWhoWouldLike(dataset, userId, item, k);
    const friends = (await friendsWithItemState(this.deps.graph, { dataset, userId, itemId: item.item.id, limit: MAX_GIFTERS })).filter((f) => !f.owns);
    try {
      const p = await Promise.all(friends.map(async (f) => {
        const r = await ranker.rank(dataset, f.id, { limit: 100, hideUndeliveredTo: userId });
        return r.recipients.find((x) => x.userId === userId)?.probability ?? 0;
      }));
      return friends
        .map((f, i) => ({ f, score: p[i]! }))
        .filter((x) => x.score > 0)
        .sort((a, b) => b.score - a.score || (a.f.id < b.f.id ? -1 : 1))
        .slice(0, k)
        .map(({ f, score }) => ({ userId: f.id, name: f.name, score, reasons: [{ code: 'CLOSE_FRIEND' as const, text: `${f.name} is likely to send you a gift soon`, friendIds: [f.id] }] }));
    } catch (e) {
      if ((e as { code?: string }).code !== 'MODEL_NOT_READY') throw e;
      return this.friendsWhoWouldLike(dataset, userId, item, k);
    }
  }

  /** Friends who don't own the item, by how well it matches their taste (only friends who share activity are named). */
  private async friendsWhoWouldLike(dataset: string, userId: string, item: { item: ItemRecord; embedding: number[] | null }, k: number): Promise<FriendSuggestion[]> {
    if (!item.embedding) return [];
    const friends = await friendsWithItemState(this.deps.graph, { dataset, userId, itemId: item.item.id, limit: 500 });
    return friends
      .filter((f) => !f.owns && f.embedding !== null)
      .map((f) => ({ f, score: dot(f.embedding!, item.embedding!) }))
      .sort((a, b) => b.score - a.score || (a.f.id < b.f.id ? -1 : 1))
      .slice(0, k)
      .map(({ f, score }) => ({
        userId: f.id,
        name: f.name,
        score,
        reasons: [f.wishes && f.shares ? { code: 'ON_FRIEND_WISHLIST' as const, text: `On ${f.name}'s wishlist`, friendIds: [f.id] } : { code: 'SIMILAR_TASTE' as const, text: `Matches ${f.name}'s taste`, friendIds: [f.id] }],
      }));
  }
}

export function recommendationId(dataset: string, viewer: string, surface: string, itemId: string, modelVersion: string): string {
  return 'rec_' + createHash('sha256').update(`${dataset}\u0000${viewer}\u0000${surface}\u0000${itemId}\u0000${modelVersion}`).digest('hex').slice(0, 24);
}

/**
 * A read started before the user's context, for sources that need only the user's id: it
 * runs while the context is read (and while a catch-up after the user's own write waits).
 * Marked handled, so a context read that fails (an unknown user) leaves no unhandled
 * rejection behind; awaiting the returned promise still throws.
 */
function startEarly<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined);
  return p;
}
