/**
 * Progress for long jobs (seed, import, train): a redrawn bar on a terminal, plain log
 * lines otherwise (CI, pipes), at most one line per `minIntervalMs`.
 */
export interface Progress {
  /** Advance by `n` units; `extra` is appended (e.g. "rels/s 120k"). */
  tick(n: number, extra?: string): void;
  /** Set the phase label (e.g. "friendships"). */
  phase(label: string, total?: number): void;
  done(summary?: string): void;
}

export interface ProgressOptions {
  /** Where to write; defaults to stderr. */
  stream?: NodeJS.WriteStream;
  /** Force plain lines even on a TTY. */
  plain?: boolean;
  minIntervalMs?: number;
  now?: () => number;
}

export function createProgress(label: string, total: number, opts: ProgressOptions = {}): Progress {
  const stream = opts.stream ?? process.stderr;
  const tty = !opts.plain && Boolean(stream.isTTY);
  const now = opts.now ?? (() => Date.now());
  const minInterval = opts.minIntervalMs ?? (tty ? 100 : 2000);
  let phaseLabel = label;
  let phaseTotal = total;
  let count = 0;
  let start = now();
  let last = 0;

  const render = (extra: string | undefined, force: boolean) => {
    const t = now();
    if (!force && t - last < minInterval) return;
    last = t;
    const elapsed = (t - start) / 1000;
    const rate = elapsed > 0 ? count / elapsed : 0;
    const frac = phaseTotal > 0 ? Math.min(1, count / phaseTotal) : 0;
    const eta = rate > 0 && phaseTotal > 0 ? Math.max(0, (phaseTotal - count) / rate) : NaN;
    const pct = (frac * 100).toFixed(1).padStart(5);
    const etaText = Number.isFinite(eta) ? `ETA ${eta.toFixed(0)}s` : 'ETA ?';
    const tail = `${count}/${phaseTotal} ${pct}% ${fmtRate(rate)}/s ${etaText}${extra ? ' ' + extra : ''}`;
    if (tty) {
      const width = 24;
      const filled = Math.round(frac * width);
      stream.write(`\r\x1b[2K${phaseLabel} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${tail}`);
    } else {
      stream.write(`${phaseLabel}: ${tail}\n`);
    }
  };

  return {
    tick(n, extra) {
      count += n;
      render(extra, false);
    },
    phase(next, nextTotal) {
      if (tty && count > 0) stream.write('\n');
      phaseLabel = next;
      phaseTotal = nextTotal ?? phaseTotal;
      count = 0;
      start = now();
      last = 0;
    },
    done(summary) {
      render(undefined, true);
      if (tty) stream.write('\n');
      if (summary) stream.write(`${phaseLabel}: ${summary}\n`);
    },
  };
}

function fmtRate(r: number): string {
  if (r >= 1e6) return (r / 1e6).toFixed(2) + 'M';
  if (r >= 1e3) return (r / 1e3).toFixed(1) + 'k';
  return r.toFixed(0);
}
