import type { Clock } from '../clock/clock';
import type { GraphClient } from '../graph/graph-client';
import { candidateItems, senderGiftPrices, userRetrievalContexts, type CandidateItem, type UserRetrievalContext } from '../graph/queries/retrieval';
import { mergeCandidates, type Candidate, type SourcedItem } from '../retrieval/candidate';
import { ineligibility, type ItemFilters } from '../retrieval/eligibility';
import type { CandidateRetriever } from '../retrieval/retriever';
import type { GiftRecipientRanker, RankedRecipient } from '../ranking/gift-recipient-ranker';
import { capPerGame, compareScored, dot } from '../ranking/item-scoring';
import type { Reason } from '../ranking/reasons';
import { readFresh } from './fresh-contexts';
import type { EmbeddingCatchUp } from './mutations/refresh';
import { recommendationId, type ListControls, type RecommendedItem } from './recommendation-service';

export interface GiftSuggestion {
  recommendationId: string;
  recipientId: string;
  /** P(the sender gifts this friend within `windowDays`), from the gift-recipient head. */
  probability: number;
  reasons: Reason[];
  items: RecommendedItem[];
}

export interface GiftSuggestionList {
  /** `gift-recipient/<version>` of the head that ranked the recipients. */
  modelVersion: string;
  windowDays: number;
  suggestions: GiftSuggestion[];
}

/** A sender's past gifts set the price band: half the median to twice the median. */
export function priceBand(pastPrices: readonly number[]): { min: number; max: number } | null {
  if (pastPrices.length === 0) return null;
  const s = [...pastPrices].sort((a, b) => a - b);
  const mid = s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  return { min: Math.floor(mid / 2), max: Math.ceil(mid * 2) };
}

/**
 * giftSuggestions: whom the sender is likely to gift now (the gift-recipient head), and
 * what to give each: the recipient's wishlist first, then items close to the recipient's
 * taste (their embedding), giftable, for sale, not owned by the recipient — counting gifts
 * already on their way, so two friends do not send the same thing — and priced like the
 * sender's past gifts (widened to any price when the band leaves too few).
 */
export class GiftService {
  constructor(private readonly deps: {
    graph: GraphClient; retriever: CandidateRetriever; ranker: GiftRecipientRanker; clock: Clock;
    /** Recipients whose embedding is behind a write are caught up before their items are chosen (fresh-contexts.ts). */
    catchUp?: EmbeddingCatchUp;
  }) {}

  async suggest(o: { dataset: string; userId: string; first: number; occasion: string | null; itemsPerRecipient: number; controls: ListControls }): Promise<GiftSuggestionList> {
    // The sender's past gift prices do not depend on the ranking: read them alongside it.
    // (A ranking error still wins: the prices read never fails for a valid sender.)
    const [ranking, pastPrices] = await Promise.all([
      this.deps.ranker.rank(o.dataset, o.userId, { limit: o.first, ...(o.occasion ? { occasion: o.occasion } : {}) }),
      senderGiftPrices(this.deps.graph, o.dataset, o.userId),
    ]);
    const modelVersion = `${ranking.model}/${ranking.version}`;
    const band = priceBand(pastPrices);
    const items = o.itemsPerRecipient > 0 ? await this.itemsForAll(o.dataset, o.userId, ranking.recipients.map((r) => r.userId), band, o.itemsPerRecipient, o.controls) : new Map<string, RecommendedItem[]>();
    const suggestions = ranking.recipients.map((r): GiftSuggestion => ({
      recommendationId: recommendationId(o.dataset, o.userId, `GIFT:${o.occasion ?? ''}`, r.userId, modelVersion),
      recipientId: r.userId,
      probability: r.probability,
      reasons: recipientReasons(r, o.occasion),
      items: items.get(r.userId) ?? [],
    }));
    return { modelVersion, windowDays: ranking.windowDays, suggestions };
  }

  /**
   * Items for every recipient with three round trips in all, not four per recipient (the
   * serve bench's CPU profile: per-statement driver work dominated the API's time): the
   * recipients' contexts in one read, each recipient's nearest items (in parallel), then
   * the details of every candidate of every recipient in one read. Each recipient's
   * candidates, filters and order are exactly those of a per-recipient read.
   */
  private async itemsForAll(dataset: string, sender: string, recipients: readonly string[], band: { min: number; max: number } | null, k: number, controls: ListControls): Promise<Map<string, RecommendedItem[]>> {
    // Gifts still on their way count as owned here (never suggest a duplicate), but the
    // recipient's own lists never see them (their context reads delivered gifts only).
    const contexts = await readFresh(this.deps.catchUp, dataset, () => userRetrievalContexts(this.deps.graph, dataset, recipients, Number.MAX_SAFE_INTEGER));
    const candidatesOf = new Map(
      await Promise.all(
        [...contexts].map(async ([recipient, ctx]) => {
          const wish: SourcedItem[] = [...ctx.wishlist].map((itemId) => ({ itemId, source: 'WISHLIST', strength: 1 }));
          const taste = await this.deps.retriever.byEmbedding(dataset, ctx.embedding, k * 4);
          return [recipient, mergeCandidates([wish, taste])] as const;
        }),
      ),
    );
    const details = await candidateItems(this.deps.graph, dataset, [...new Set([...candidatesOf.values()].flatMap((cs) => cs.map((c) => c.itemId)))]);
    const out = new Map<string, RecommendedItem[]>();
    for (const [recipient, ctx] of contexts) out.set(recipient, this.pickItems(dataset, sender, recipient, ctx, candidatesOf.get(recipient)!, details, band, k, controls));
    return out;
  }

  private pickItems(dataset: string, sender: string, recipient: string, ctx: UserRetrievalContext & { shares: boolean }, candidates: Candidate[], details: Map<string, CandidateItem>, band: { min: number; max: number } | null, k: number, controls: ListControls): RecommendedItem[] {
    const shares = ctx.shares;
    const rank = (filters: ItemFilters) => {
      const elig = { now: this.deps.clock.now(), owned: ctx.owned, dismissed: new Set<string>(), exclude: new Set(controls.exclude), filters: { ...filters, giftableOnly: true } };
      const scored = candidates.flatMap((c) => {
        const d = details.get(c.itemId);
        if (!d || ineligibility(d.item, elig) !== null) return [];
        const comparable = d.embeddingVersion !== null && d.embeddingVersion === ctx.embeddingVersion && ctx.embedding !== null && d.embedding !== null;
        return [{ candidate: c, item: d.item, score: comparable ? dot(ctx.embedding!, d.embedding!) : null, version: comparable ? d.embeddingVersion : null }];
      });
      // Wishlist items first: the recipient asked for them.
      scored.sort((a, b) => Number(b.candidate.sources.has('WISHLIST')) - Number(a.candidate.sources.has('WISHLIST')) || compareScored(a, b));
      return capPerGame(scored, k, controls.maxPerGame);
    };
    const banded = band && controls.filters.minPrice == null && controls.filters.maxPrice == null ? rank({ ...controls.filters, minPrice: band.min, maxPrice: band.max }) : [];
    const top = banded.length >= k ? banded : rank(controls.filters);
    return top.map((s) => {
      const modelVersion = s.version ? `sage/${s.version}` : 'fallback/wishlist';
      const reasons: Reason[] = [];
      if (s.candidate.sources.has('WISHLIST') && shares) reasons.push({ code: 'ON_WISHLIST', text: 'On their wishlist', friendIds: [recipient] });
      if (s.score !== null) reasons.push({ code: 'SIMILAR_TASTE', text: 'Matches their taste', friendIds: [] });
      if (band && s.item.price !== null && s.item.price >= band.min && s.item.price <= band.max) reasons.push({ code: 'PRICE_BAND', text: 'Priced like your past gifts', friendIds: [] });
      return {
        recommendationId: recommendationId(dataset, sender, `GIFT_ITEM:${recipient}`, s.item.id, modelVersion),
        item: s.item,
        score: s.score,
        reasons,
        // A private wishlist still shapes the pick, but is not named as a source.
        sources: [...s.candidate.sources.keys()].filter((x) => shares || x !== 'WISHLIST'),
        modelVersion,
      };
    });
  }
}

function recipientReasons(r: RankedRecipient, occasion: string | null): Reason[] {
  const out: Reason[] = [];
  const s = r.signals;
  if (s.daysToBirthday !== null && s.daysToBirthday <= 28) out.push({ code: 'GIFT_OCCASION', text: s.daysToBirthday === 0 ? 'Birthday today' : `Birthday in ${s.daysToBirthday} day${s.daysToBirthday === 1 ? '' : 's'}`, friendIds: [r.userId] });
  else if (occasion && occasion !== 'BIRTHDAY') out.push({ code: 'GIFT_OCCASION', text: `For ${occasion}`, friendIds: [] });
  if (s.interactions28d > 0) out.push({ code: 'CLOSE_FRIEND', text: `You hung out on ${s.interactions28d} day${s.interactions28d === 1 ? '' : 's'} in the last 4 weeks`, friendIds: [r.userId] });
  if (s.giftsSent > 0) out.push({ code: 'GIFTED_BEFORE', text: `You gifted them ${s.giftsSent} time${s.giftsSent === 1 ? '' : 's'} before`, friendIds: [r.userId] });
  if (s.onWishlistCount > 0) out.push({ code: 'ON_WISHLIST', text: `${s.onWishlistCount} item${s.onWishlistCount === 1 ? '' : 's'} on their wishlist`, friendIds: [r.userId] });
  return out;
}
