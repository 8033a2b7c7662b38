import type { BaselineRow } from '../baselines/report';
import type { PublishedFigure } from '../evaluation/published';
import type { RankingReport } from '../evaluation/ranking-metrics';
import type { EpochRecord } from './fit-loop';

/** One row of the final evaluation table. */
export interface TableRow {
  name: string;
  users: number | null;
  r10: number | null;
  n10: number | null;
  r20: number;
  n20: number;
  note: string;
}

export function rowFromRanking(name: string, r: RankingReport, note = ''): TableRow {
  return { name, users: r.users, r10: r.recall[10] ?? null, n10: r.ndcg[10] ?? null, r20: r.recall[20]!, n20: r.ndcg[20]!, note };
}

export function rowFromBaseline(b: BaselineRow): TableRow {
  const detail = Object.entries(b.detail).map(([k, v]) => `${k} ${v}`).join(', ');
  return { name: b.name, users: b.users, r10: b.recall[10] ?? null, n10: b.ndcg[10] ?? null, r20: b.recall[20]!, n20: b.ndcg[20]!, note: `fit ${(b.fitMs / 1000).toFixed(1)} s${detail ? `; ${detail}` : ''}` };
}

export function rowFromPublished(p: PublishedFigure): TableRow {
  return { name: p.name, users: null, r10: null, n10: null, r20: p.recall20, n20: p.ndcg20, note: p.source };
}

/** The model card's cold-start figure: R@20, or why there is none (Gowalla has no test user with ≤ 5 training items, so its mean is 0/0). */
export function coldStartRecallText(r: RankingReport): string {
  return r.users === 0 ? 'n/a (no test user has ≤ 5 training items)' : r.recall[20]!.toFixed(4);
}

const f = (x: number | null) => (x === null || Number.isNaN(x) ? '—' : x.toFixed(4));

/** A markdown table (also readable on a terminal). */
export function formatTable(rows: readonly TableRow[]): string {
  const head = '| model | users | R@10 | N@10 | R@20 | N@20 | note |\n|---|---|---|---|---|---|---|';
  return [head, ...rows.map((r) => `| ${r.name} | ${r.users ?? '—'} | ${f(r.r10)} | ${f(r.n10)} | ${f(r.r20)} | ${f(r.n20)} | ${r.note} |`)].join('\n');
}

/** A learning rate or its multiplier as printed: three significant digits, no float dust (0.2, 0.04, 0.008; 0.0002, not 0.00020000000000000004). */
export function formatScale(scale: number): string {
  return String(Number(scale.toPrecision(3)));
}

/**
 * The report's validation trajectory, "epoch: R@20" per evaluated epoch, with a marker
 * where the learning rate's multiplier changed ("lr ×0.2 from epoch 111"), so a run whose
 * rate decayed can be read (and rerun) from its report.
 */
export function formatTrajectory(history: readonly EpochRecord[]): string {
  const parts: string[] = [];
  let scale = 1;
  let marker = '';
  for (const h of history) {
    const s = h.lrScale ?? 1;
    if (s !== scale) {
      marker = `(lr ×${formatScale(s)} from epoch ${h.epoch}) `;
      scale = s;
    }
    if (h.metric === null) continue;
    parts.push(`${marker}${h.epoch}: ${h.metric.toFixed(4)}`);
    marker = '';
  }
  return parts.join(', ');
}
