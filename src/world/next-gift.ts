/**
 * The truth behind gift-recipient ranking: for every sender, the distribution of their next
 * gift's recipient over the window after the cutoff, from the same model the gifts were
 * drawn from (gift-model.ts). Upcoming birthdays of close friends dominate it.
 */
import { DAY_MS } from '../clock/clock';
import { utcDayStart } from './calendar';
import { holidayDensity, nextGiftDistribution, senderShares } from './gift-model';
import type { Population } from './population';
import type { SocialGraph } from './social-graph';
import { round } from './vectors';

/** Senders who never gift still get a distribution (conditional on gifting) at this generosity. */
const NOMINAL_GENEROSITY = 0.35;

export interface NextGiftInput {
  cutoffMs: number;
  windowDays: number;
  /** Keep at most this many recipients per sender, most likely first. */
  topK: number;
}

export function nextGiftRecipients(
  deps: { pop: Population; graph: SocialGraph; closeness: Float64Array },
  input: NextGiftInput,
): Record<string, Record<string, number>> {
  const { pop, graph, closeness } = deps;
  const firstDay = utcDayStart(input.cutoffMs) + DAY_MS;
  const holidays = holidayDensity(firstDay, input.windowDays);
  const birthday = (v: number) => [pop.birthMonth[v], pop.birthDay[v]] as const;
  const out: Record<string, Record<string, number>> = {};
  for (let u = 0; u < pop.n; u++) {
    const { friends, share } = senderShares(graph, closeness, u);
    if (friends.length === 0) continue;
    const generosity = pop.generosity[u] > 0 ? pop.generosity[u] : NOMINAL_GENEROSITY;
    const p = nextGiftDistribution({ generosity, friends, share, birthday }, firstDay, input.windowDays, holidays);
    const order = friends.map((_, j) => j).sort((a, b) => p[b] - p[a] || friends[a] - friends[b]);
    const top: Record<string, number> = {};
    for (const j of order.slice(0, input.topK)) {
      const r = round(p[j], 5);
      if (r > 0) top[pop.ids[friends[j]]] = r;
    }
    out[pop.ids[u]] = top;
  }
  return out;
}
