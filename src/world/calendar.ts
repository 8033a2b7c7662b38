/**
 * UTC calendar arithmetic on epoch milliseconds. The world has no time zones: a "day" is
 * a UTC day and `InteractionRow.day` is that day's midnight.
 */
import { DAY_MS } from '../clock/clock';

/** Midnight (UTC) of the day containing `ms`. */
export function utcDayStart(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

/** 'YYYY-MM-DD'. */
export function isoDate(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/**
 * Midnights of every `month`/`day` anniversary in [fromMs, toMs], ascending.
 * `month` is 1–12; days that don't exist in a year (Feb 29) roll into the next day, as Date.UTC does.
 */
export function anniversaries(month: number, day: number, fromMs: number, toMs: number): number[] {
  const out: number[] = [];
  const y0 = new Date(fromMs).getUTCFullYear() - 1;
  const y1 = new Date(toMs).getUTCFullYear() + 1;
  for (let y = y0; y <= y1; y++) {
    const t = Date.UTC(y, month - 1, day);
    if (t >= fromMs && t <= toMs) out.push(t);
  }
  return out;
}
