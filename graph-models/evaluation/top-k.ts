/**
 * Partial top-K selection over one row of scores: O(n + m log K) where m is the number of
 * times the running K-th best is beaten (small for n >> K), instead of O(n log n) for a
 * full sort. This is what makes full ranking over 41k items x 30k users affordable.
 *
 * Order contract (shared by the evaluator and anything that wants the same ranking):
 * higher score first; equal scores by LOWER item index first; NaN and -Infinity are never
 * selected (the evaluator writes -Infinity over excluded train items), so fewer than K
 * items come back when fewer than K are eligible.
 */
export class TopK {
  /** Heap of the current best, worst at the root. */
  private readonly heapIdx: Int32Array;
  private readonly heapScore: Float64Array;

  /** `k` ≥ 1: the largest K this selector will be asked for. */
  constructor(readonly k: number) {
    if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be a positive integer, got ${String(k)}`);
    this.heapIdx = new Int32Array(k);
    this.heapScore = new Float64Array(k);
  }

  /**
   * Selects the best min(k, eligible) of `scores[start .. start + n)` and writes their
   * column indices (0..n-1), best first, into `out[0 ..)`. Returns how many were written.
   */
  select(scores: Float32Array, start: number, n: number, out: Int32Array): number {
    const k = this.k;
    const hIdx = this.heapIdx;
    const hScore = this.heapScore;
    let size = 0;
    // While the heap is not full anything finite-above -Infinity enters; once it is full,
    // only a strictly higher score does (columns arrive in ascending order, so an equal score
    // has a higher index than the root and loses the tie).
    let threshold = -Infinity;
    for (let j = 0; j < n; j++) {
      const s = scores[start + j];
      if (!(s > threshold)) continue;
      if (size < k) {
        // Sift up: parent is replaced while the new entry is worse than it.
        let pos = size++;
        while (pos > 0) {
          const parent = (pos - 1) >> 1;
          const ps = hScore[parent];
          if (s < ps || (s === ps && j > hIdx[parent])) {
            hIdx[pos] = hIdx[parent];
            hScore[pos] = ps;
            pos = parent;
          } else break;
        }
        hIdx[pos] = j;
        hScore[pos] = s;
        if (size === k) threshold = hScore[0];
      } else {
        siftDown(hIdx, hScore, size, j, s);
        threshold = hScore[0];
      }
    }
    // Pop the worst into the back of `out` until empty: `out` ends best-first.
    const count = size;
    while (size > 0) {
      const worst = hIdx[0];
      size--;
      if (size > 0) siftDown(hIdx, hScore, size, hIdx[size], hScore[size]);
      out[size] = worst;
    }
    return count;
  }
}

/** Places (idx, s) at the root of a heap of `size` entries and sifts it down (worst at the root). */
function siftDown(hIdx: Int32Array, hScore: Float64Array, size: number, idx: number, s: number): void {
  let pos = 0;
  for (;;) {
    const left = 2 * pos + 1;
    if (left >= size) break;
    let child = left;
    const right = left + 1;
    if (right < size) {
      const ls = hScore[left];
      const rs = hScore[right];
      // The worse child: lower score, or equal score and higher index.
      if (rs < ls || (rs === ls && hIdx[right] > hIdx[left])) child = right;
    }
    const cs = hScore[child];
    if (cs < s || (cs === s && hIdx[child] > idx)) {
      hIdx[pos] = hIdx[child];
      hScore[pos] = cs;
      pos = child;
    } else break;
  }
  hIdx[pos] = idx;
  hScore[pos] = s;
}
