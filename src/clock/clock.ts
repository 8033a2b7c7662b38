/**
 * One injectable clock for the whole process. Everything that asks "what time is it"
 * (the seed's cutoff, group-buy expiry inside a transaction, features as of t) takes a
 * Clock, so tests and demos can pin time with GIFTGRAPH_NOW.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export function fixedClock(ms: number): Clock {
  return { now: () => ms };
}

/** The clock a composition root builds from its config. */
export function clockFromConfig(cfg: { nowOverrideMs: number | undefined }): Clock {
  return cfg.nowOverrideMs === undefined ? systemClock : fixedClock(cfg.nowOverrideMs);
}

export const DAY_MS = 86_400_000;
