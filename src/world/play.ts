/**
 * Which games each user plays (1–5, by taste and popularity) and a handful of play
 * sessions per user–game. "Plays game g" is part of the planted utility and of the
 * group-buy join model.
 */
import type { PlaySessionRow } from '../ingest/rows';
import type { Catalog } from './catalog';
import type { Population } from './population';
import type { Rng } from './prng';
import { dotRows } from './vectors';

export interface Play {
  /** Games of user u are userGames[userGameStart[u] .. userGameStart[u + 1]). */
  userGameStart: Int32Array;
  userGames: Int32Array;
  rows: PlaySessionRow[];
}

/** Softmax temperature on taste·game: high enough that taste, not luck, picks games. */
const TASTE_SHARPNESS = 3;

export function plays(p: Play, u: number, game: number): boolean {
  if (game < 0) return false;
  for (let k = p.userGameStart[u]; k < p.userGameStart[u + 1]; k++) if (p.userGames[k] === game) return true;
  return false;
}

export function generatePlay(pop: Population, cat: Catalog, cutoffMs: number, rng: Rng): Play {
  const gc = cat.gameCount;
  const userGameStart = new Int32Array(pop.n + 1);
  const chosen: number[] = [];
  const rows: PlaySessionRow[] = [];
  const weights = new Float64Array(gc);
  for (let u = 0; u < pop.n; u++) {
    for (let g = 0; g < gc; g++) {
      weights[g] = cat.gamePopularity[g] * Math.exp(TASTE_SHARPNESS * dotRows(pop.taste, u, cat.gameVector, g));
    }
    const count = Math.min(gc, 5, 1 + rng.poisson(1.2));
    for (let j = 0; j < count; j++) {
      const g = rng.pickWeighted(weights);
      weights[g] = 0; // without replacement
      chosen.push(g);
      const from = Math.max(pop.createdAt[u], cat.gameReleasedAt[g]);
      const sessions = 1 + rng.poisson(0.8);
      for (let s = 0; s < sessions; s++) {
        const at = Math.floor(from + rng.uniform() * Math.max(0, cutoffMs - from));
        const minutes = Math.max(5, Math.min(600, Math.round(rng.logNormal(Math.log(40), 0.6))));
        rows.push({ userId: pop.ids[u], gameId: cat.games[g].id, at, minutes });
      }
    }
    userGameStart[u + 1] = chosen.length;
  }
  return { userGameStart, userGames: Int32Array.from(chosen), rows };
}
