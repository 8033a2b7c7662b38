import type { Candidate, SocialFriend } from '../retrieval/candidate';

/**
 * Reasons a person can read, built only from what the viewer may know: friends are named
 * only when they share their activity with friends (otherwise counted, or left out for
 * wishlists), and gifts never appear — a planned gift is never revealed to its recipient.
 */
export type ReasonCode =
  | 'FRIENDS_OWN'
  | 'ON_FRIEND_WISHLIST'
  | 'PLAYS_GAME'
  | 'SIMILAR_TASTE'
  | 'SQUAD_TASTE'
  | 'POPULAR'
  | 'NEW_DROP'
  | 'GUILD_POPULAR'
  | 'BOUGHT_TOGETHER'
  | 'SAME_GAME'
  | 'ON_WISHLIST'
  | 'SIMILAR_ITEM'
  | 'GIFT_OCCASION'
  | 'CLOSE_FRIEND'
  | 'GIFTED_BEFORE'
  | 'PRICE_BAND';

export interface Reason {
  code: ReasonCode;
  text: string;
  /** Friends named in the text (only those who share activity). */
  friendIds: string[];
}

export interface ReasonContext {
  /** Games the viewer plays. */
  games: ReadonlySet<string>;
  gameId: string | null;
  /** The squad's name, for group recommendations. */
  groupName?: string;
  /** The item a SIMILAR candidate is similar to (the one just bought, or the wishlist item). */
  anchorName?: string;
}

function names(friends: readonly SocialFriend[], max = 2): { text: string; ids: string[] } | null {
  const shown = friends.filter((f) => f.shares).slice(0, max);
  if (shown.length === 0) return null;
  return { text: shown.map((f) => f.name).join(' and '), ids: shown.map((f) => f.id) };
}

export function reasonsFor(c: Candidate, ctx: ReasonContext): Reason[] {
  const out: Reason[] = [];
  if (c.friendsBought.length > 0) {
    const n = c.friendsBought.length;
    const named = names(c.friendsBought, 1);
    const text = named
      ? n === 1 ? `${named.text} owns this` : `${named.text} and ${n - 1} other friend${n - 1 === 1 ? '' : 's'} own this`
      : `${n} of your friends own this`;
    out.push({ code: 'FRIENDS_OWN', text, friendIds: named?.ids ?? [] });
  }
  const wished = names(c.friendsWished);
  if (wished) out.push({ code: 'ON_FRIEND_WISHLIST', text: `On ${wished.text}'s wishlist`, friendIds: wished.ids });
  if (ctx.gameId !== null && ctx.games.has(ctx.gameId)) out.push({ code: 'PLAYS_GAME', text: ctx.groupName ? `For a game ${ctx.groupName} plays` : 'For a game you play', friendIds: [] });
  const s = c.sources;
  if (s.has('EMBEDDING')) out.push(ctx.groupName ? { code: 'SQUAD_TASTE', text: `Matches what ${ctx.groupName} likes`, friendIds: [] } : { code: 'SIMILAR_TASTE', text: 'Similar to items you bought', friendIds: [] });
  if (s.has('CO_PURCHASE')) out.push({ code: 'BOUGHT_TOGETHER', text: 'Often bought with what is in your cart', friendIds: [] });
  if (s.has('SAME_GAME')) out.push({ code: 'SAME_GAME', text: 'More for the same game', friendIds: [] });
  if (s.has('SIMILAR')) out.push({ code: 'SIMILAR_ITEM', text: ctx.anchorName ? `Similar to ${ctx.anchorName}` : 'Similar to an item you looked at', friendIds: [] });
  if (s.has('GUILD')) out.push({ code: 'GUILD_POPULAR', text: 'Popular in your servers', friendIds: [] });
  if (s.has('NEW_DROP')) out.push({ code: 'NEW_DROP', text: 'New drop', friendIds: [] });
  if (s.has('POPULAR')) out.push({ code: 'POPULAR', text: 'Popular this month', friendIds: [] });
  if (s.has('WISHLIST')) out.push({ code: 'ON_WISHLIST', text: 'On their wishlist', friendIds: [] });
  return out;
}
