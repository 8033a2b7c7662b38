/**
 * Metrics for scored binary outcomes (group-buy conversion, gift acceptance): ranking
 * quality (AUC) and probability quality (calibration). Pure functions over typed arrays.
 */

/**
 * ROC AUC as the Mann–Whitney U statistic (Hanley & McNeil, Radiology 1982):
 *   AUC = (R_pos − n_pos(n_pos+1)/2) / (n_pos · n_neg)
 * with R_pos the sum of the positives' ranks in the pooled sample, tied values sharing
 * their mid-rank, i.e. a tied (pos, neg) pair counts ½. Equals P(s_pos > s_neg) + ½·P(=).
 * O((n_pos+n_neg) log(...)). NaN scores are rejected; an empty side gives NaN (undefined).
 */
export function auc(posScores: ArrayLike<number>, negScores: ArrayLike<number>): number {
  const nPos = posScores.length;
  const nNeg = negScores.length;
  if (nPos === 0 || nNeg === 0) return NaN;
  const n = nPos + nNeg;
  const values = new Float64Array(n);
  for (let i = 0; i < nPos; i++) values[i] = posScores[i];
  for (let i = 0; i < nNeg; i++) values[nPos + i] = negScores[i];
  for (let i = 0; i < n; i++) if (Number.isNaN(values[i])) throw new RangeError(`auc: score #${i} is NaN`);
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a] - values[b] || a - b);
  let rankSumPos = 0;
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && values[order[end]] === values[order[start]]) end++;
    // Ranks start+1 .. end share the mid-rank.
    const midRank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) if (order[k] < nPos) rankSumPos += midRank;
    start = end;
  }
  return (rankSumPos - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

export interface CalibrationBin {
  /** Bin edges: [lo, hi), the last bin closed at 1. */
  lo: number;
  hi: number;
  count: number;
  /** Mean predicted probability in the bin (NaN when empty). */
  meanProb: number;
  /** Observed positive rate in the bin (NaN when empty). */
  fracPositive: number;
}

export interface CalibrationReport {
  /** Expected calibration error, Σ_b (n_b/N)·|fracPositive_b − meanProb_b| (Naeini et al., AAAI 2015). */
  ece: number;
  /** Brier score, mean (p − y)² (Brier, 1950). */
  brier: number;
  bins: CalibrationBin[];
}

/**
 * Reliability of probabilities against 0/1 labels over `bins` equal-width bins on [0, 1]
 * (p = 1 goes to the last bin). Throws on a probability outside [0, 1], a label other than
 * 0/1, or mismatched lengths; an empty input gives NaN ece/brier.
 */
export function calibration(probs: ArrayLike<number>, labels: ArrayLike<number>, bins = 10): CalibrationReport {
  if (probs.length !== labels.length) throw new RangeError(`probs and labels must have the same length, got ${probs.length} and ${labels.length}`);
  if (!Number.isInteger(bins) || bins < 1) throw new RangeError(`bins must be a positive integer, got ${String(bins)}`);
  const count = new Float64Array(bins);
  const sumP = new Float64Array(bins);
  const sumY = new Float64Array(bins);
  let brier = 0;
  for (let i = 0; i < probs.length; i++) {
    const p = probs[i];
    const y = labels[i];
    if (!(p >= 0 && p <= 1)) throw new RangeError(`calibration: probability #${i} is ${p}, outside [0, 1]`);
    if (y !== 0 && y !== 1) throw new RangeError(`calibration: label #${i} is ${y}, expected 0 or 1`);
    const b = Math.min(Math.floor(p * bins), bins - 1);
    count[b]++;
    sumP[b] += p;
    sumY[b] += y;
    brier += (p - y) * (p - y);
  }
  const n = probs.length;
  let ece = 0;
  const out: CalibrationBin[] = [];
  for (let b = 0; b < bins; b++) {
    const c = count[b];
    const meanProb = c > 0 ? sumP[b] / c : NaN;
    const fracPositive = c > 0 ? sumY[b] / c : NaN;
    if (c > 0) ece += (c / n) * Math.abs(fracPositive - meanProb);
    out.push({ lo: b / bins, hi: (b + 1) / bins, count: c, meanProb, fracPositive });
  }
  return { ece: n > 0 ? ece : NaN, brier: n > 0 ? brier / n : NaN, bins: out };
}
