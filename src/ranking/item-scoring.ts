import type { ItemRecord } from '../graph/records';
import type { Candidate } from '../retrieval/candidate';

/**
 * Scoring and ordering of candidate items (pure). The score is the serving encoder's
 * own: the inner product of the (L2-normalised) user or group embedding with the item's,
 * i.e. the cosine the SAGE model was trained to rank purchases by. Candidates without an
 * item embedding (a catalog insert not yet encoded) rank after every embedded one, by
 * their retrieval strength, so they still fill a short list.
 */
export interface ScoredCandidate {
  candidate: Candidate;
  item: ItemRecord;
  /** Cosine with the query embedding; null when either side has no embedding. */
  score: number | null;
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = Math.min(a.length, b.length);
  let s = 0;
  for (let k = 0; k < n; k++) s += a[k]! * b[k]!;
  return s;
}

/** L2-normalised mean of vectors (a group's embedding); null when none. */
export function meanDirection(vectors: readonly (ArrayLike<number> | null)[]): number[] | null {
  const present = vectors.filter((v): v is ArrayLike<number> => v !== null && v.length > 0);
  if (present.length === 0) return null;
  const d = present[0]!.length;
  const out = new Array<number>(d).fill(0);
  for (const v of present) for (let k = 0; k < d; k++) out[k]! += v[k]!;
  const norm = Math.hypot(...out);
  return norm > 0 ? out.map((x) => x / norm) : null;
}

/**
 * The personal lists' social lift: β·ln(1 + friends who bought the item), added to the
 * cosine (the shape the encoder's training run weighed against it on validation,
 * graph-models/evaluation/social-blend.ts). 0 for β 0 or no friend.
 */
export function socialLift(beta: number, friendsWhoBought: number): number {
  return beta > 0 && friendsWhoBought > 0 ? beta * Math.log1p(friendsWhoBought) : 0;
}

/**
 * L2-normalised Σ w·v̂ over the present vectors (each made unit first); null when none
 * contributes. Weights 1 and 1 give meanDirection of two unit vectors.
 */
export function weightedDirection(parts: readonly [ArrayLike<number> | null, number][]): number[] | null {
  const present = parts.filter((p): p is [ArrayLike<number>, number] => p[0] !== null && p[0].length > 0 && p[1] > 0);
  if (present.length === 0) return null;
  const out = new Array<number>(present[0]![0].length).fill(0);
  for (const [v, w] of present) {
    const n = Math.hypot(...Array.from(v));
    if (n > 0) for (let k = 0; k < out.length; k++) out[k]! += (w * v[k]!) / n;
  }
  const norm = Math.hypot(...out);
  return norm > 0 ? out.map((x) => x / norm) : null;
}

/** Best first: embedded items by score, then the rest by their strongest source; ties by item id, so the same state gives the same order. */
export function compareScored(a: ScoredCandidate, b: ScoredCandidate): number {
  if (a.score !== null && b.score !== null && a.score !== b.score) return b.score - a.score;
  if (a.score !== null && b.score === null) return -1;
  if (a.score === null && b.score !== null) return 1;
  if (a.score === null && b.score === null) {
    const sa = Math.max(0, ...a.candidate.sources.values());
    const sb = Math.max(0, ...b.candidate.sources.values());
    if (sa !== sb) return sb - sa;
  }
  return a.item.id < b.item.id ? -1 : a.item.id > b.item.id ? 1 : 0;
}

/**
 * The first `first` of an ordered list with at most `maxPerGame` items of any one game
 * (1P items have no game and are not capped): diversity without reordering the rest.
 */
export function capPerGame<T extends { item: ItemRecord }>(ordered: readonly T[], first: number, maxPerGame: number | null): T[] {
  const out: T[] = [];
  const perGame = new Map<string, number>();
  for (const s of ordered) {
    if (out.length >= first) break;
    const g = s.item.gameId;
    if (maxPerGame !== null && g !== null) {
      const n = perGame.get(g) ?? 0;
      if (n >= maxPerGame) continue;
      perGame.set(g, n + 1);
    }
    out.push(s);
  }
  return out;
}
