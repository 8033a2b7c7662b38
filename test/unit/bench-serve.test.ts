import { fileBucket, summarizeProfile, type CpuProfile } from '../../bench/serve-profile';
import { distinctCalls, embeddingWrites, type MutationCall } from '../../bench/serve-mutations';
import { latenciesByExposure, phaseExposure } from '../../bench/serve-exposure';
import { dependencyParents, freshenParams, replayRequest, type RecordedRequest } from '../../bench/serve-replay';
import type { GraphClient, Tx } from '../../src/graph/graph-client';
import { recordingGraphClient, type RecordedTransaction } from '../../src/graph/recording-graph-client';
import { WRITE_EMBEDDINGS } from '../../src/graph/queries/embeddings';
import fc from 'fast-check';
import { poolResults, type OpenLoopResult } from '../../bench/serve-load';
import { arrivalOffsets, intervalVerdict, quantileSorted, ratioInterval, ratioVerdict, saturationOf, seededRandom, summarize } from '../../bench/serve-stats';

describe('serve bench statistics', () => {
  it('percentiles are nearest-rank: p50 of 1..10 is 5, p99 of 1..100 is 99, p99 of 1..50 is 50', () => {
    const upTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
    expect(quantileSorted(upTo(10), 0.5)).toBe(5);
    expect(quantileSorted(upTo(100), 0.99)).toBe(99);
    expect(quantileSorted(upTo(50), 0.99)).toBe(50);
    expect(quantileSorted([7], 0.01)).toBe(7);
    expect(quantileSorted([], 0.5)).toBeNaN();
  });

  it('pools rounds of a phase: latencies per op and per arrival in round order, counts summed, throughput over the rounds\' active time, the worst lag', () => {
    const round = (l: Record<string, number[]>, o: Partial<OpenLoopResult>): OpenLoopResult => ({
      latencies: new Map(Object.entries(l)), byArrival: [], scheduledAt: [], sent: 0, ok: 0, errors: 0, errorSamples: [], achieved: 0, issueLagP99: 0, wallMs: 0, ...o,
    });
    const p = poolResults([
      round({ a: [1, 2], b: [3] }, { byArrival: [1, 3, NaN, 2], scheduledAt: [0, 1, 2, 3], sent: 4, ok: 3, errors: 1, errorSamples: ['x'], achieved: 3, issueLagP99: 2, wallMs: 1000 }),
      round({ a: [5] }, { byArrival: [NaN, 5], scheduledAt: [9, 10], sent: 2, ok: 1, errors: 1, errorSamples: ['y'], achieved: 0.5, issueLagP99: 7, wallMs: 2000 }),
      round({}, { byArrival: [NaN], scheduledAt: [20], sent: 1, errors: 1, wallMs: 500 }),
    ]);
    expect(Object.fromEntries(p.latencies)).toEqual({ a: [1, 2, 5], b: [3] });
    expect(p.byArrival).toEqual([1, 3, NaN, 2, NaN, 5, NaN]);
    expect(p.scheduledAt).toEqual([0, 1, 2, 3, 9, 10, 20]);
    expect([p.sent, p.ok, p.errors, p.errorSamples, p.issueLagP99, p.wallMs]).toEqual([7, 4, 3, ['x', 'y'], 7, 3500]);
    // 3 completions in 1 s and 1 in 2 s: 4 in 3 s.
    expect(p.achieved).toBeCloseTo(4 / 3, 12);
    expect(poolResults([]).achieved).toBe(0);
  });

  it('summarize sorts its input first and reports the maximum', () => {
    expect(summarize([30, 10, 20, 40])).toEqual({ n: 4, p50: 20, p95: 40, p99: 40, max: 40 });
  });

  it('open-loop arrivals are evenly spaced at 1/rate and do not depend on completions', () => {
    expect(arrivalOffsets(4, 1000)).toEqual([0, 250, 500, 750]);
    expect(arrivalOffsets(2.5, 2000)).toEqual([0, 400, 800, 1200, 1600]);
    expect(arrivalOffsets(0, 1000)).toEqual([]);
  });

  it('the seeded generator repeats its sequence for a seed, stays in [0, 1) and differs across seeds', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(seededRandom(43)()).not.toBe(xs[0]);
    // Uniform enough to draw users: each decile holds 10% ± 3%.
    const deciles = new Array(10).fill(0);
    for (const x of xs) deciles[Math.floor(x * 10)]++;
    for (const d of deciles) expect(Math.abs(d - 100)).toBeLessThan(30);
  });

  it('saturation: the ramp stops where throughput falls behind the offered rate, and reports the best throughput seen', () => {
    const step = (offered: number, achieved: number, p50 = 10) => ({ offered, achieved, p50, p99: p50 * 3, errors: 0 });
    const r = saturationOf([step(4, 4), step(8, 8), step(16, 15.8), step(32, 21)]);
    expect(r).toMatchObject({ rate: 21, saturated: true, stoppedAt: 3 });
    expect(r.reason).toMatch(/achieved 21\.0\/s < 0\.9 × offered 32\.0\/s/);
  });

  it('saturation: a median that explodes (queueing) stops the ramp even when throughput keeps up', () => {
    const r = saturationOf([{ offered: 4, achieved: 4, p50: 10, p99: 20, errors: 0 }, { offered: 8, achieved: 8, p50: 60, p99: 900, errors: 0 }]);
    expect(r).toMatchObject({ rate: 8, saturated: true, stoppedAt: 1 });
    expect(r.reason).toMatch(/p50/);
  });

  it('saturation: errors stop the ramp; a ramp that never trips says it did not saturate', () => {
    expect(saturationOf([{ offered: 4, achieved: 4, p50: 10, p99: 20, errors: 2 }])).toMatchObject({ saturated: true, reason: '2 errors' });
    expect(saturationOf([{ offered: 4, achieved: 4, p50: 10, p99: 20, errors: 0 }])).toMatchObject({ rate: 4, saturated: false, stoppedAt: null });
  });

  it('ratio verdicts: met at or under the limit, not met above it or without a baseline', () => {
    expect(ratioVerdict(12, 10, 1.2)).toEqual({ ratio: 1.2, met: true });
    expect(ratioVerdict(13, 10, 1.2).met).toBe(false);
    expect(ratioVerdict(5, 0, 1.2).met).toBe(false);
  });
});

describe('serve bench ratio interval', () => {
  const noisy = (seed: number, n: number, median: number) => {
    const r = seededRandom(seed);
    return Array.from({ length: n }, () => median * Math.exp(0.5 * (r() - 0.5)));
  };

  it('is a point when every sample is constant: 12 / (2 + 8) gives exactly 1.2 at both ends', () => {
    const i = ratioInterval(Array(50).fill(12), Array(40).fill(2), Array(30).fill(8), 0.5);
    expect(i).toEqual({ lo: 1.2, hi: 1.2 });
    expect(intervalVerdict(i, 1.2)).toBe('clearly met');
  });

  it('straddles the limit for a ratio near it and is clear of it for one far away, at the same sample sizes', () => {
    const floor = noisy(1, 240, 3);
    const base = noisy(2, 300, 7);
    const o = { resamples: 200 };
    expect(intervalVerdict(ratioInterval(noisy(3, 300, 12), floor, base, 0.5, o), 1.2)).toBe('within noise');
    expect(intervalVerdict(ratioInterval(noisy(4, 300, 20), floor, base, 0.5, o), 1.2)).toBe('clearly NOT met');
    expect(intervalVerdict(ratioInterval(noisy(5, 300, 6), floor, base, 0.5, o), 1.2)).toBe('clearly met');
  });

  it('narrows as the samples grow', () => {
    const width = (n: number) => {
      const i = ratioInterval(noisy(6, n, 12), noisy(7, n, 3), noisy(8, n, 7), 0.5, { resamples: 200 });
      return i.hi - i.lo;
    };
    expect(width(1200)).toBeLessThan(width(75) / 2);
  });

  it('repeats for the same latencies and seed, and is NaN when a sample is empty', () => {
    const args = [noisy(9, 80, 10), noisy(10, 80, 2), noisy(11, 80, 7)] as const;
    expect(ratioInterval(...args, 0.99, { resamples: 200 })).toEqual(ratioInterval(...args, 0.99, { resamples: 200 }));
    expect(ratioInterval([], [1], [1], 0.5)).toEqual({ lo: NaN, hi: NaN });
  });

  it('has lo ≤ hi, both within what any resample could give', () => {
    const sample = fc.array(fc.double({ min: 0.1, max: 1000, noNaN: true }), { minLength: 1, maxLength: 40 });
    fc.assert(
      fc.property(sample, sample, sample, fc.constantFrom(0.5, 0.99), (v, a, b, q) => {
        const i = ratioInterval(v, a, b, q, { resamples: 50 });
        const min = (xs: number[]) => Math.min(...xs);
        const max = (xs: number[]) => Math.max(...xs);
        return i.lo <= i.hi && i.lo >= min(v) / (max(a) + max(b)) - 1e-12 && i.hi <= max(v) / (min(a) + min(b)) + 1e-12;
      }),
    );
  });
});

describe('serve bench replay', () => {
  it('each transaction waits for the latest one that had ended when it started; parallel ones share a parent', () => {
    // 0 alone; then 1 and 2 in parallel after 0; then 3 after 2 (the later end), 4 after 1 ended but before 2 did.
    const txs = [
      { start: 0, end: 10 },
      { start: 11, end: 20 },
      { start: 11, end: 30 },
      { start: 31, end: 40 },
      { start: 21, end: 25 },
    ];
    expect(dependencyParents(txs)).toEqual([-1, 0, 0, 2, 1]);
  });

  it('transactions issued together at the start are all roots', () => {
    expect(dependencyParents([{ start: 0, end: 5 }, { start: 0.1, end: 3 }, { start: 0.2, end: 9 }])).toEqual([-1, -1, -1]);
  });

  it('freshened write parameters get new UUIDs and keys, consistently within a call, and keep everything else', () => {
    const uuid = '123e4567-e89b-42d3-a456-426614174000';
    const params = { ds: 'b', user: 'u1', key: 'bench-x-purchase-1', id: `p-${uuid}`, result: JSON.stringify({ purchaseId: `p-${uuid}` }), n: 3, list: [`gift-${uuid}`, null], e: [0.5, 0.25] };
    const out = freshenParams(params, { keys: ['bench-x-purchase-1'], suffix: 'r7' });
    expect(out.ds).toBe('b');
    expect(out.user).toBe('u1');
    expect(out.n).toBe(3);
    expect(out.e).toEqual([0.5, 0.25]);
    expect(out.key).toBe('bench-x-purchase-1.r7');
    expect(out.id).not.toBe(params.id);
    expect(out.id).toMatch(/^p-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(JSON.parse(out.result).purchaseId).toBe(out.id);
    expect(out.list).toEqual([`gift-${out.id.slice(2)}`, null]);
    expect(freshenParams(params, { keys: ['bench-x-purchase-1'], suffix: 'r8' }).id).not.toBe(out.id);
  });

  it('records a statement issued while another of its transaction runs as pipelined, and one issued after as not', async () => {
    const recorded: RecordedTransaction[] = [];
    const graph = recordingGraphClient(scriptedClient([]).graph, () => (t) => recorded.push(t));
    await graph.read(async (tx) => {
      await Promise.all([tx.run('A'), tx.run('B'), tx.run('C')]);
      await tx.run('D');
    });
    expect(recorded[0]!.statements.map((s) => [s.cypher, s.pipelined === true])).toEqual([['A', false], ['B', true], ['C', true], ['D', false]]);
  });

  it('replays pipelined statements without waiting, and waits for every earlier one before a statement that was not', async () => {
    const { graph, log } = scriptedClient([]);
    const stmt = (cypher: string, pipelined?: boolean) => (pipelined ? { cypher, params: {}, pipelined } : { cypher, params: {} });
    const txs = [{ mode: 'READ' as const, start: 0, end: 1, ok: true, statements: [stmt('A'), stmt('B', true), stmt('C', true), stmt('D')] }];
    await replayRequest(graph, { id: 'r', txs });
    // A, B and C are all sent before any returns; D only after all three have.
    expect(log).toEqual(['send A', 'send B', 'send C', 'done A', 'done B', 'done C', 'send D', 'done D']);
  });

  it('records a single-statement query as an auto-commit read and replays it as one, not inside a read transaction', async () => {
    const recorded: RecordedTransaction[] = [];
    const graph = recordingGraphClient(scriptedClient([]).graph, () => (t) => recorded.push(t));
    await graph.query('Q', { a: 1 });
    await graph.read((tx) => tx.run('R'));
    expect(recorded.map((t) => [t.mode, t.autoCommit === true, t.statements.map((x) => x.cypher)])).toEqual([
      ['READ', true, ['Q']],
      ['READ', false, ['R']],
    ]);
    const target = scriptedClient([]);
    await replayRequest(target.graph, { id: 'r', txs: recorded });
    expect(target.via).toEqual(['query', 'read']);
  });

  it('with uuids off, freshening renews only the idempotency keys, so a replay finds the group buy it joins', () => {
    const gb = 'gb-123e4567-e89b-42d3-a456-426614174000';
    const out = freshenParams({ gb, key: 'bench-x-joinGroupBuy-3', user: 'u9' }, { keys: ['bench-x-joinGroupBuy-3'], suffix: 'b1', uuids: false });
    expect(out).toEqual({ gb, key: 'bench-x-joinGroupBuy-3.b1', user: 'u9' });
  });
});

describe('serve bench mutation calls', () => {
  /** A prepare that yields at most `per` calls a round, keyed by its run id as prepareMutation keys them. */
  const scripted = (per: number) => {
    const asked: [string, number][] = [];
    const prepare = async (run: string, n: number): Promise<MutationCall[]> => {
      asked.push([run, n]);
      return Array.from({ length: Math.min(per, n) }, (_, k) => ({ doc: 'm', input: {}, key: `${run}-m-${k + 1}` }));
    };
    return { asked, prepare };
  };

  it('draws more rounds under fresh run ids until it has n calls, each asking only for what is missing', async () => {
    const { asked, prepare } = scripted(3);
    const r = await distinctCalls(prepare, { n: 7, run: 'bench-x' });
    expect(asked).toEqual([['bench-x', 7], ['bench-x-1', 4], ['bench-x-2', 1]]);
    expect(r.short).toBe(0);
    expect(r.calls).toHaveLength(7);
    expect(new Set(r.calls.map((c) => c.key)).size).toBe(7);
  });

  it('stops after its rounds and reports how many calls are missing, so a phase does not silently repeat calls', async () => {
    const { asked, prepare } = scripted(1);
    const r = await distinctCalls(prepare, { n: 10, run: 'bench-y', rounds: 4 });
    expect(asked).toHaveLength(4);
    expect(r.calls).toHaveLength(4);
    expect(r.short).toBe(6);
  });
});

describe('serve bench undo of embedding write-backs', () => {
  it('finds the nodes whose embedding the recorded write-backs wrote, per label, once each, and nothing in other statements', () => {
    const tx = (cypher: string, params: Record<string, unknown>) => ({ mode: 'WRITE' as const, start: 0, end: 1, ok: true, statements: [{ cypher, params }] });
    const rows = (...ids: string[]) => ({ rows: ids.map((id) => ({ id, e: [0.1], due: null })) });
    const recorded = [
      { id: 'r1', txs: [tx(WRITE_EMBEDDINGS.User.cypher, rows('u1', 'u2')), tx(WRITE_EMBEDDINGS.Item.cypher, rows('i1'))] },
      { id: 'r2', txs: [tx(WRITE_EMBEDDINGS.User.cypher, rows('u2', 'u3')), tx('MATCH (n) SET n.x = 1', rows('u9'))] },
    ];
    expect(embeddingWrites(recorded)).toEqual({ User: ['u1', 'u2', 'u3'], Item: ['i1'] });
  });
});

describe('serve bench split by background refresh', () => {
  const tx = (start: number, end: number, background?: true) => ({ mode: 'WRITE' as const, start, end, ok: true, statements: [], ...(background ? { background } : {}) });
  // API clock = epoch − 1000; m1's write queued a refresh that ran 20–60 ms on it.
  const recorded: RecordedRequest[] = [
    { id: 'm1', txs: [tx(0, 10), tx(20, 40, true), tx(45, 60, true)] },
    { id: 'm2', txs: [tx(30, 35)] },
  ];
  const ids = ['m1', 'm2', 'm3', 'm4', 'm5', 'm6'];
  const scheduledAt = [1000, 1025, 1050, 1060, 1005, 1000];
  const byArrival = [12, 9, 30, 8, 14, NaN];
  const exposure = phaseExposure({ recorded, byArrival, scheduledAt, idOf: (k) => ids[k]!, apiTimeOrigin: 1000 });

  it('marks the requests that queued a refresh, those in flight while another\'s ran, and the others; a failed one is left out', () => {
    // m2 inside the refresh; m3 in flight 50–80 overlaps its end; m4 arrives as it ends (60); m5 answered at 19, before it began.
    expect(Object.fromEntries(exposure)).toEqual({ m1: 'queued', m2: 'during', m3: 'during', m4: 'clear', m5: 'clear' });
  });

  it('reads arrivals on the API clock through both epoch origins: the same schedule an origin later is clear', () => {
    const later = phaseExposure({ recorded, byArrival, scheduledAt, idOf: (k) => ids[k]!, apiTimeOrigin: 900 });
    expect(later.get('m2')).toBe('clear');
    expect(later.get('m1')).toBe('queued');
  });

  it('with no refresh in the phase every request that answered is clear', () => {
    const none = phaseExposure({ recorded: [{ id: 'a', txs: [tx(0, 5)] }], byArrival: [3, 4], scheduledAt: [0, 1], idOf: (k) => ['a', 'b'][k]!, apiTimeOrigin: 0 });
    expect([...none.values()]).toEqual(['clear', 'clear']);
  });

  it('splits latencies by arrival under the exposure of the request each arrival names, dropping failures and unknown requests', () => {
    const replayIds = ['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm2', 'x'];
    expect(latenciesByExposure([11, 12, 13, 14, NaN, 16, 17, 18], (k) => replayIds[k]!, exposure)).toEqual({ queued: [11], during: [12, 13, 17], clear: [14] });
  });
});

describe('serve bench CPU profile summary', () => {
  it('buckets frames by project file, package, Node internals and pseudo-frames', () => {
    expect(fileBucket('file:///w/p/src/graph/graph-client.ts', 'plain', '/w/p')).toBe('src/graph/graph-client.ts');
    expect(fileBucket('/w/p/node_modules/neo4j-driver-core/lib/result.js', 'x', '/w/p')).toBe('node_modules/neo4j-driver-core');
    expect(fileBucket('/w/p/node_modules/@apollo/server/dist/x.js', 'x', '/w/p')).toBe('node_modules/@apollo/server');
    expect(fileBucket('node:internal/streams/writable', 'write', '/w/p')).toBe('node:internal');
    expect(fileBucket('', '(garbage collector)', '/w/p')).toBe('(garbage collector)');
  });

  it('self time per file and function from samples and time deltas, builtins charged to their JS caller, idle excluded from shares', () => {
    const p: CpuProfile = {
      nodes: [
        { id: 1, callFrame: { functionName: '(root)', url: '', lineNumber: -1 }, children: [2, 4, 5] },
        { id: 2, callFrame: { functionName: 'rank', url: 'file:///w/p/src/a.ts', lineNumber: 9 }, children: [3] },
        { id: 3, callFrame: { functionName: 'sort', url: '', lineNumber: -1 } },
        { id: 4, callFrame: { functionName: '(idle)', url: '', lineNumber: -1 } },
        { id: 5, callFrame: { functionName: '(garbage collector)', url: '', lineNumber: -1 } },
      ],
      // The time of sample i is the delta before sample i + 1; the last takes the mean (4 samples over 40 ms: 10 ms).
      samples: [2, 3, 4, 5],
      timeDeltas: [0, 10_000, 20_000, 10_000],
      startTime: 0,
      endTime: 40_000,
    };
    const s = summarizeProfile(p, '/w/p');
    expect(s.idleMs).toBeCloseTo(10);
    expect(s.totalMs).toBeCloseTo(50);
    expect(s.byFile).toEqual([
      { name: 'src/a.ts', ms: 30, share: 0.75 },
      { name: '(garbage collector)', ms: 10, share: 0.25 },
    ]);
    expect(s.byFunction.map((f) => f.name)).toEqual(['sort <- rank src/a.ts:10', '(garbage collector)', 'rank src/a.ts:10']);
  });
});

/** A GraphClient whose statements each take one macrotask to return, logging when each is sent and returns. */
function scriptedClient(rows: Record<string, unknown>[]): { graph: GraphClient; log: string[]; via: string[] } {
  const log: string[] = [];
  /** Which of the client's entry points each transaction came through. */
  const via: string[] = [];
  const tx: Tx = {
    run: (cypher) => {
      log.push(`send ${cypher}`);
      return new Promise((resolve) => setTimeout(() => (log.push(`done ${cypher}`), resolve(rows)), 0));
    },
  };
  const graph: GraphClient = {
    read: (work) => (via.push('read'), work(tx)),
    write: (work) => (via.push('write'), work(tx)),
    query: (cypher, params) => (via.push('query'), tx.run(cypher, params)),
    schema: async () => undefined,
    explain: async () => null,
    onQuery: () => () => undefined,
    close: async () => undefined,
  };
  return { graph, log, via };
}
