import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { intArg, numArg, parseArgs } from '../src/cli/args';
import { PROJECT_ROOT } from '../src/config/config';
import { BadInputError } from '../src/errors/errors';
import { connectGraph } from '../src/graph/connect';
import { readPidFile } from '../src/graph/embedded/pid-file';
import { createGraphClient, type GraphClient } from '../src/graph/graph-client';
import { nearest } from '../src/graph/queries/embeddings';
import '../src/graph/queries';
import { registeredQueries } from '../src/graph/queries/query';
import { ITEM_POPULARITY, userEmbeddings } from '../src/graph/queries/retrieval';
import { consoleLogger } from '../src/logging/logger';
import { DEFAULT_LIMITS } from '../src/retrieval/retriever';
import { API_NODE_FLAGS } from '../src/server/node-flags';
import { EXPOSURES, latenciesByExposure, phaseExposure, type RefreshExposure } from './serve-exposure';
import { datasetItems, datasetUsers, itemEmbeddings } from './serve-fixtures';
import { GqlClient, openLoop, poolResults, type Job, type OpenLoopResult } from './serve-load';
import { MUTATIONS, REPLAYS_ON_UNDONE_STATE, distinctCalls, embeddingWrites, prepareMutation, undoEmbeddingWrites, undoMutation, type MutationCall, type MutationName } from './serve-mutations';
import { summarizeProfile, type CpuProfile } from './serve-profile';
import { freshenParams, replayRequest, type RecordedRequest } from './serve-replay';
import type { FromServer, ToServer } from './serve-server';
import { intervalVerdict, ratioInterval, ratioVerdict, saturationOf, seededRandom, summarize, type RampStep } from './serve-stats';
import { benchConfig, catchUpStaleUsers, ensureServeWorld, SERVE_WORLD } from './serve-world';
import { cpuSeconds, fmt, table } from './support';

/**
 * `npm run bench -- serve [--duration 20] [--mutation-duration 12] [--ramp-step 5] [--mutations a,b] [--rate R] [--mutation-rate R] [--rounds N] [--no-profile] [--no-fills]`
 *
 * The serving benchmark on the 100k world (bench/serve-world.ts), with the load generator
 * (this process), the API (a forked child, bench/serve-server.ts) and the Neo4j JVM on the
 * same 2 cores, CPU measured per process:
 *   1. warm-up: (c) at a low rate, recording the Cypher each request ran;
 *   2. saturation of (b): open-loop ramp of the replayed (c) statements until throughput
 *      stops rising or latency explodes (serve-stats.ts saturationOf);
 *   3. at half that rate, each for --duration s: (a) `{ __typename }` through the same
 *      stack; (c) giftSuggestions, friendRecs and recommendations(HOME) interleaved,
 *      recording; (b) the statements (c) recorded, replayed with the same arrival times,
 *      in the same order, by a GraphClient with the same pool (here, not in the API:
 *      with no HTTP in front, the API process stays idle and the JVM's CPU compares
 *      directly); a CPU profile of the API during another (c) pass;
 *   4. (d) each mutation (at min(reads' rate, half its (b)'s saturation), or at
 *      --mutation-rate R for all) with fresh idempotency keys, then its (b): every statement its
 *      path issued, the embedding refresh included, replayed (unique ids and keys made
 *      fresh so the writes commit again); a mutation whose writes queue refreshes for some
 *      requests only (joinGroupBuy's fills) is also split by where each request stood to
 *      them (serve-exposure.ts);
 *   5. (e) read-your-writes: each mutation that refreshes its user's embedding (in the
 *      background), followed at once by that user's HOME list, timed on its own.
 * With --rounds N, (a), (c), (b) in step 3 and each mutation's (d), (b) in step 4 run N
 * times in turn (fresh calls each round); the verdicts pool the rounds, and each round's
 * ratios are printed beside them. --no-fills (a diagnostic): joinGroupBuy leaves each group
 * buy's last slot open, so no join fills one and no refresh runs behind it.
 * Targets: (c) ≤ 1.2 × ((a) + (b)) at p50 and p99; (d) ≤ 1.2 × ((a) + its (b)).
 * The API has no response cache; the popularity cache of the fallbacks (an aggregate) is
 * reported with its hit rate. Also prints the vector index's recall against exact search.
 */

const READ_OPS = {
  giftSuggestions: `query($u: ID!) { giftSuggestions(userId: $u, first: 10, itemsPerRecipient: 3) { modelVersion suggestions { recipient { id name } probability reasons { code text } items { recommendationId score item { id name price } reasons { code } } } } }`,
  friendRecs: `query($u: ID!) { friendRecs(userId: $u, first: 20) { modelVersion items { recommendationId score sources item { id name price } reasons { code text } } } }`,
  recommendations: `query($u: ID!) { recommendations(userId: $u, surface: HOME, first: 20) { modelVersion items { recommendationId score sources item { id name price } reasons { code text } } } }`,
} as const;
type ReadOp = keyof typeof READ_OPS;
const READ_OP_NAMES = Object.keys(READ_OPS) as ReadOp[];
const TARGET = 1.2;

/** Mutations whose path refreshes the acting user's embedding (the others never wait on a refresh). */
const REFRESHES_ACTOR: readonly MutationName[] = ['purchase', 'addToWishlist', 'addFriend'];

interface ReadAfterWrite {
  name: MutationName;
  phase: Phase;
  /** Latency (ms) of each HOME read, from the write's answer to the read's. */
  reads: number[];
}

interface Phase {
  name: string;
  rate: number;
  result: OpenLoopResult;
  cpu: { load: number; api: number; jvm: number };
}

/** The phases of each round of `--rounds`, in the order they ran. */
type RoundOf<T> = T[];

interface MutationResult {
  name: MutationName;
  /** (d) and its (b), the rounds pooled. */
  phase: Phase;
  replay: Phase;
  sat: ReturnType<typeof saturationOf>;
  rounds: RoundOf<{ phase: Phase; replay: Phase }>;
  /** (d)'s and (b)'s latencies by where each request stood to the phase's background refreshes (serve-exposure.ts), the rounds pooled. */
  exposure: { d: Record<RefreshExposure, number[]>; b: Record<RefreshExposure, number[]> };
}

const roundTag = (k: number, rounds: number): string => (rounds > 1 ? ` (round ${k + 1}/${rounds})` : '');

/** Rounds of one phase as one: latencies pooled, CPU summed (poolResults). */
function pooled(name: string, ps: readonly Phase[]): Phase {
  if (ps.length === 1) return ps[0]!;
  const sum = (f: (p: Phase) => number) => ps.reduce((s, p) => s + f(p), 0);
  return { name, rate: ps[0]!.rate, result: poolResults(ps.map((p) => p.result)), cpu: { load: sum((p) => p.cpu.load), api: sum((p) => p.cpu.api), jvm: sum((p) => p.cpu.jvm) } };
}

export async function main(args: string[]): Promise<void> {
  const opts = parseArgs(args, { duration: 'value', 'mutation-duration': 'value', 'ramp-step': 'value', mutations: 'value', rate: 'value', 'mutation-rate': 'value', 'no-profile': 'boolean', rounds: 'value', 'no-fills': 'boolean' });
  const durationMs = numArg(opts, 'duration', 20, { positive: true }) * 1000;
  const mutationMs = numArg(opts, 'mutation-duration', 12, { positive: true }) * 1000;
  const stepMs = numArg(opts, 'ramp-step', 5, { positive: true }) * 1000;
  const mutations = (opts.values.mutations ?? MUTATIONS.join(',')).split(',').filter(Boolean) as MutationName[];
  const unknown = mutations.filter((m) => !(MUTATIONS as readonly string[]).includes(m));
  if (unknown.length > 0) throw new BadInputError(`--mutations: unknown ${unknown.join(', ')}; known: ${MUTATIONS.join(', ')}`);
  // --rate: the reads at a fixed rate instead of half (b)'s saturation (still measured and
  // printed); a fixed rate for every mutation instead of min(reads' rate, half its (b)'s saturation):
  // to compare runs at the same load when (b)'s saturation moved between them.
  const fixedReadRate = opts.values.rate !== undefined ? numArg(opts, 'rate', 0, { positive: true }) : null;
  const fixedMutationRate = opts.values['mutation-rate'] !== undefined ? numArg(opts, 'mutation-rate', 0, { positive: true }) : null;
  // --rounds N: (a), (c), (b) and each mutation's (d), (b) run N times in turn, and the
  // verdicts pool the rounds. One (c) then one (b) measures drift between the two phases as
  // part of the ratio (the same code gave joinGroupBuy p50 1.05–1.30 across runs); rounds
  // in turn spread it over both sides, and the per-round ratios printed show its size.
  const rounds = intArg(opts, 'rounds', 1, 1);
  const outDir = path.join(PROJECT_ROOT, 'var', 'bench');
  fs.mkdirSync(outDir, { recursive: true });
  const t0 = performance.now();

  const config = benchConfig(process.env);
  const logger = consoleLogger(config.logLevel, 'bench');
  const graph = await connectGraph(config, logger);
  const world = await ensureServeWorld({ graph, logger, truthDir: config.truthDir });
  const ds = world.dataset;
  const users = await datasetUsers(graph, ds);
  const items = await datasetItems(graph, ds, SERVE_WORLD.cutoff);
  console.log(`serve bench on "${ds}": ${fmt(users.length)} users, ${fmt(items.length)} items; clock pinned at ${new Date(SERVE_WORLD.cutoff).toISOString()}`);
  await printRecall(graph, ds);

  const pidInFile = config.neo4j.kind === 'embedded' ? await readPidFile(config.neo4j.home) : undefined;
  const jvmPid = typeof pidInFile === 'number' ? pidInFile : null;
  const api = await startApi(ds);
  const client = new GqlClient(api.url);
  // (b)'s client: the same options as the API's (default pool of 50, same tx timeout).
  const replayGraph = createGraphClient({ target: config.neo4j, txTimeoutMs: config.txTimeoutMs });
  const rnd = seededRandom(SERVE_WORLD.seed);
  const drawUser = () => users[Math.floor(rnd() * users.length)]!;
  const cpuNow = () => ({ load: cpuSeconds(process.pid) ?? NaN, api: cpuSeconds(api.pid) ?? NaN, jvm: jvmPid ? cpuSeconds(jvmPid) ?? NaN : NaN });
  const phases: Phase[] = [];
  const txTimes = new Map<string, RecordedRequest[]>();
  const measure = async (name: string, rate: number, run: () => Promise<OpenLoopResult>): Promise<Phase> => {
    const c0 = cpuNow();
    const result = await run();
    const c1 = cpuNow();
    const p: Phase = { name, rate, result, cpu: { load: c1.load - c0.load, api: c1.api - c0.api, jvm: c1.jvm - c0.jvm } };
    phases.push(p);
    const all = summarize([...result.latencies.values()].flat());
    console.log(`  ${name}: ${result.ok}/${result.sent} ok at ${fmt(result.achieved, 1)}/s, p50 ${fmt(all.p50, 1)} ms, p99 ${fmt(all.p99, 1)} ms${result.errors ? `, ${result.errors} errors (${result.errorSamples.join(' | ')})` : ''}`);
    return p;
  };

  // (c) as jobs: ops interleaved, users uniform; each request tagged so its Cypher is recorded under its id.
  let reqSeq = 0;
  const opOf = new Map<string, string>();
  const readJob = (): Job => {
    const op = READ_OP_NAMES[reqSeq % READ_OP_NAMES.length]!;
    const id = `r${++reqSeq}`;
    opOf.set(id, op);
    const u = drawUser();
    return { op, run: () => client.post(READ_OPS[op], { u: `${ds}:${u}` }, id).then(() => undefined) };
  };
  /**
   * Open-loop steps of rising rate (× 1.6 from `from`) until saturationOf trips, or the
   * offered rate passes `enough` (the caller needs no more), at most 10 steps.
   */
  const ramp = async (label: string, from: number, enough: number, jobs: (step: number) => (k: number) => Job) => {
    const steps: RampStep[] = [];
    for (let r = from; steps.length < 10; r = Math.round(r * 1.6)) {
      const p = await measure(`ramp ${label} ${r}/s`, r, () => openLoop({ rate: r, durationMs: stepMs, job: jobs(steps.length), drainMs: 20_000 }));
      phases.pop();
      const s = summarize([...p.result.latencies.values()].flat());
      steps.push({ offered: r, achieved: p.result.achieved, p50: s.p50, p99: s.p99, errors: p.result.errors });
      if (saturationOf(steps).saturated || r > enough) break;
    }
    return { sat: saturationOf(steps), steps };
  };
  /** The recorded request a replay's arrival k replays (the split by refresh pairs them the same way). */
  const replayedAt = (recorded: readonly RecordedRequest[], k: number): RecordedRequest => recorded[k % recorded.length]!;
  const replayJobs = (recorded: RecordedRequest[], rewrite?: (r: RecordedRequest, k: number) => ((p: Record<string, unknown>) => Record<string, unknown>) | undefined) => (k: number): Job => {
    const r = replayedAt(recorded, k);
    return { op: opOf.get(r.id) ?? 'replay', run: () => replayRequest(replayGraph, r, rewrite?.(r, k)) };
  };

  try {
    // 1. Warm-up (JIT, encoder and head loads, page cache) while recording (c).
    console.log('\n1. warm-up: (c) at 4/s, recording its Cypher');
    await api.ask({ type: 'record', on: true });
    await measure('warm-up (c)', 4, () => openLoop({ rate: 4, durationMs: 15_000, job: readJob }));
    const warm = await api.recorded();
    phases.pop();

    // 2. Saturation of (b).
    console.log(`\n2. saturation of (b): replaying ${warm.length} recorded (c) requests, open loop, ${stepMs / 1000} s per step`);
    const { sat, steps } = await ramp('(b)', 4, Infinity, () => replayJobs(warm));
    const rate = fixedReadRate ?? Math.max(1, Math.round(sat.rate / 2));
    console.log(`(b) saturates at ${fmt(sat.rate, 1)} req/s (${sat.reason}); measuring at ${fixedReadRate === null ? 'half' : '--rate'}: ${rate} req/s`);

    // 3. (a), (c), (b) at half the saturation rate, `rounds` times in turn.
    console.log(`\n3. reads at ${rate} req/s, ${durationMs / 1000} s each${rounds > 1 ? `, ${rounds} rounds` : ''}`);
    const readRounds: RoundOf<{ a: Phase; c: Phase; b: Phase }> = [];
    const recordedC: RecordedRequest[] = [];
    for (let k = 0; k < rounds; k++) {
      const tag = roundTag(k, rounds);
      const a = await measure(`(a) { __typename }${tag}`, rate, () => openLoop({ rate, durationMs, job: () => ({ op: 'floor', run: () => client.post('{ __typename }').then(() => undefined) }) }));
      await api.ask({ type: 'record', on: true });
      const c = await measure(`(c) reads${tag}`, rate, () => openLoop({ rate, durationMs, job: readJob }));
      const recorded = orderById(await api.recorded());
      recordedC.push(...recorded);
      const b = await measure(`(b) replay of (c)${tag}`, rate, () => openLoop({ rate, durationMs, job: replayJobs(recorded) }));
      readRounds.push({ a, c, b });
    }
    txTimes.set('(c) reads', recordedC);
    const a = pooled('(a) { __typename }', readRounds.map((r) => r.a));
    const c = pooled('(c) reads', readRounds.map((r) => r.c));
    const b = pooled('(b) replay of (c)', readRounds.map((r) => r.b));
    const popLoads = recordedC.flatMap((r) => r.txs).filter((t) => t.statements.some((s) => s.cypher === ITEM_POPULARITY.cypher)).length;
    const popReaders = recordedC.filter((r) => opOf.get(r.id) === 'recommendations').length;

    let profileSummary: ReturnType<typeof summarizeProfile> | null = null;
    if (!opts.flags.has('no-profile')) {
      const file = path.join(outDir, 'serve-api.cpuprofile');
      await api.ask({ type: 'profile', on: true });
      await measure('(c) reads, profiled', rate, () => openLoop({ rate, durationMs: Math.min(durationMs, 15_000), job: readJob }));
      phases.pop();
      await api.ask({ type: 'profile', on: false, file }, 'profiled');
      profileSummary = summarizeProfile(JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile, PROJECT_ROOT);
      console.log(`  CPU profile of the API process: ${path.relative(PROJECT_ROOT, file)}`);
    }

    // 4. (d) each mutation, then its (b). The same rule per mutation: a short recorded warm-up,
    // the saturation of its own (b), then half of that (at most the reads' rate).
    console.log(`\n4. mutations: each at min(${rate}, half the saturation of its own (b)) req/s, ${mutationMs / 1000} s, then the replay of its statements`);
    const runId = `bench-${Date.now().toString(36)}`;
    /** `n` calls of a mutation with distinct idempotency keys (see distinctCalls); a shortfall is printed. */
    const callsFor = async (name: MutationName, n: number, tag = ''): Promise<MutationCall[]> => {
      const r = await distinctCalls((run, k) => prepareMutation({ graph, api: client, ds, users, items, rnd, run, fills: !opts.flags.has('no-fills') }, name, k), { n, run: `${runId}${tag}` });
      if (r.short > 0) console.log(`  ${name}: only ${r.calls.length} distinct calls for ${n} requests; the rest repeat earlier calls (idempotent replays that do no work)`);
      return r.calls;
    };
    const d: MutationResult[] = [];
    // Nine: a joinGroupBuy warm-up then includes a join that fills (see prepareMutation).
    const warmCalls = 9;
    for (const name of mutations) {
      // Enough distinct calls for the warm-up and a phase at the highest rate it can run at
      // (the reads' rate, or --mutation-rate above it): a call sent twice is an idempotent
      // replay, which does no work. Before, calls were prepared for the reads' rate only,
      // and a --mutation-rate above it cycled through them: at 25 req/s over reads at 12,
      // 168 of a joinGroupBuy phase's 300 requests were replays, half its fills were gone,
      // and its ratio moved with how many there were.
      const perRound = Math.ceil((Math.max(rate, fixedMutationRate ?? 0) * mutationMs) / 1000);
      const calls = await callsFor(name, warmCalls + rounds * perRound);
      const keyOf = new Map<string, MutationCall>();
      /** The request id of the mutation phase's arrival k, counted from `offset`. */
      const mutationId = (offset: number, k: number) => `m-${name}-${offset + k}`;
      const mutationJob = (offset: number) => (k: number): Job => {
        const call = calls[(offset + k) % calls.length]!;
        const id = mutationId(offset, k);
        keyOf.set(id, call);
        opOf.set(id, name);
        return { op: name, run: () => client.post(call.doc, { input: call.input }, id).then(() => undefined) };
      };
      const fresh = (tag: string, uuids = true) => (r: RecordedRequest, k: number) => (p: Record<string, unknown>) =>
        freshenParams(p, { keys: [keyOf.get(r.id)?.key ?? ''], suffix: `${tag}${k}`, uuids });
      console.log(`  ${name}:`);
      await api.ask({ type: 'record', on: true });
      await measure(`warm-up ${name}`, 2, () => openLoop({ rate: 2, durationMs: (warmCalls / 2) * 1000, job: mutationJob(0) }));
      phases.pop();
      const warmD = orderById(await api.recorded());
      const r = await ramp(`(b) of ${name}`, 2, 2 * rate, (step) => replayJobs(warmD, fresh(`w${step}r`)));
      const mRate = fixedMutationRate ?? Math.max(1, Math.min(rate, Math.round(r.sat.rate / 2)));
      console.log(`  (b) of ${name} saturates at ${r.sat.saturated ? fmt(r.sat.rate, 1) : `> ${fmt(r.sat.rate, 1)}`} req/s; ${name} runs at ${mRate} req/s`);
      const mutationRounds: RoundOf<{ phase: Phase; replay: Phase }> = [];
      const recordedD: RecordedRequest[] = [];
      const exposure: MutationResult['exposure'] = { d: { queued: [], during: [], clear: [] }, b: { queued: [], during: [], clear: [] } };
      for (let k = 0; k < rounds; k++) {
        const tag = roundTag(k, rounds);
        // Each round its own calls: a call sent again would be an idempotent replay.
        const first = warmCalls + k * perRound;
        await api.ask({ type: 'record', on: true });
        const phase = await measure(`(d) ${name}${tag}`, mRate, () => openLoop({ rate: mRate, durationMs: mutationMs, job: mutationJob(first) }));
        const recorded = orderById(await api.recorded());
        recordedD.push(...recorded);
        // (b) replays onto the state (d) found: what (d) created that a replay would find and
        // skip (a join's filled group buy, a MERGEd wishlist entry) is undone first.
        const undone = await undoMutation(graph, ds, name, calls.slice(first, first + perRound));
        if (undone) console.log(`  undid ${undone} relationship(s) ${name} created, so that its (b) replays onto the state (d) found`);
        const reembedded = await undoEmbeddingWrites(graph, ds, embeddingWrites(recorded));
        if (reembedded) console.log(`  set back ${reembedded} embedding(s) the phase's refreshes wrote, so that (b)'s write-backs change them as (d)'s did`);
        const onUndone = REPLAYS_ON_UNDONE_STATE.includes(name);
        const replay = await measure(`(b) of ${name}${tag}`, mRate, () => openLoop({ rate: mRate, durationMs: mutationMs, job: replayJobs(recorded, fresh('b', !onUndone)) }));
        mutationRounds.push({ phase, replay });
        const idOfD = (j: number) => mutationId(first, j);
        const byExposure = phaseExposure({ recorded, byArrival: phase.result.byArrival, scheduledAt: phase.result.scheduledAt, idOf: idOfD, apiTimeOrigin: api.timeOrigin });
        const dSplit = latenciesByExposure(phase.result.byArrival, idOfD, byExposure);
        const bSplit = latenciesByExposure(replay.result.byArrival, (j) => replayedAt(recorded, j).id, byExposure);
        for (const x of EXPOSURES) {
          exposure.d[x].push(...dSplit[x]);
          exposure.b[x].push(...bSplit[x]);
        }
      }
      txTimes.set(`(d) ${name}`, recordedD);
      d.push({ name, phase: pooled(`(d) ${name}`, mutationRounds.map((x) => x.phase)), replay: pooled(`(b) of ${name}`, mutationRounds.map((x) => x.replay)), sat: r.sat, rounds: mutationRounds, exposure });
    }

    // The (b) replays left the users they wrote behind a write (catchUpStaleUsers): caught
    // up here, so that (e)'s reads and the next run's (c) do not pay for it inside a request.
    const caught = await catchUpStaleUsers({ graph, logger, dataset: ds });
    if (caught.users > 0) console.log(`\nre-encoded ${caught.users} users the mutations' replays had left behind a write, in ${fmt(caught.seconds, 1)} s`);

    // 5. (e) read-your-writes: each mutation that refreshes the acting user's embedding, then
    // at once that user's HOME list, which waits for (or runs) the refresh first. The
    // read's latency is what an immediate read pays now that writes answer before it.
    const e: ReadAfterWrite[] = [];
    for (const name of mutations.filter((m) => REFRESHES_ACTOR.includes(m))) {
      const rateE = d.find((x) => x.name === name)?.phase.rate ?? rate;
      const calls = await callsFor(name, Math.ceil((rateE * mutationMs) / 1000), '-e');
      const reads: number[] = [];
      const phase = await measure(`(e) ${name} + HOME`, rateE, () => openLoop({
        rate: rateE, durationMs: mutationMs,
        job: (k) => {
          const call = calls[k % calls.length]!;
          return {
            op: `${name}+HOME`,
            run: async () => {
              await client.post(call.doc, { input: call.input });
              const t = performance.now();
              await client.post(READ_OPS.recommendations, { u: call.input.userId as string });
              reads.push(performance.now() - t);
            },
          };
        },
      }));
      await api.ask({ type: 'settle' }, 'settled');
      e.push({ name, phase, reads });
    }

    printStatementTimes(txTimes);
    report({ sat, steps, rate, a, b, c, readRounds, d, e, popLoads, popReaders, profileSummary, jvmPid, wallS: (performance.now() - t0) / 1000 });
    fs.writeFileSync(path.join(outDir, 'serve-last.json'), JSON.stringify({ at: new Date().toISOString(), rate, sat, steps, phases: phases.map((p) => ({ ...p, result: { ...p.result, latencies: Object.fromEntries([...p.result.latencies].map(([k, v]) => [k, summarize(v)])) } })) }, null, 1));
  } finally {
    client.close();
    await api.stop();
    await replayGraph.close();
    await graph.close();
  }
}

/**
 * Where a phase's requests spent their time in Neo4j, by statement (named as registered
 * with defineQuery): transactions, mean and total ms as the API saw them (round trip
 * included), the share of all transaction time of the phase. Top 8 per phase.
 */
function printStatementTimes(byPhase: Map<string, RecordedRequest[]>): void {
  const names = new Map(registeredQueries().map((q) => [q.cypher, q.name]));
  for (const [phase, reqs] of byPhase) {
    const agg = new Map<string, { n: number; ms: number }>();
    let total = 0;
    for (const t of reqs.flatMap((r) => r.txs)) {
      const label = t.statements.map((s) => names.get(s.cypher) ?? s.cypher.replace(/\s+/g, ' ').slice(0, 40)).join(' + ') || '(empty)';
      const a = agg.get(label) ?? { n: 0, ms: 0 };
      a.n++;
      a.ms += t.end - t.start;
      total += t.end - t.start;
      agg.set(label, a);
    }
    const top = [...agg].sort((x, y) => y[1].ms - x[1].ms).slice(0, 8);
    console.log(`\ntransactions of ${phase} (${reqs.length} requests), by time in the graph client:`);
    console.log(table([['statements of the transaction', 'n', 'mean ms', 'share'], ...top.map(([k, v]) => [k.length > 110 ? `${k.slice(0, 107)}...` : k, v.n, fmt(v.ms / v.n, 1), `${fmt((100 * v.ms) / total, 1)}%`])]));
  }
}

function orderById(rs: RecordedRequest[]): RecordedRequest[] {
  const n = (id: string) => Number(/(\d+)$/.exec(id)?.[1] ?? 0);
  return [...rs].sort((x, y) => n(x.id) - n(y.id));
}

/** The API child: forked through scripts/run.js (swc), clock pinned at the world's cutoff. */
async function startApi(ds: string): Promise<{ url: string; pid: number; timeOrigin: number; ask: (m: ToServer, reply?: FromServer['type']) => Promise<FromServer | null>; recorded: () => Promise<RecordedRequest[]>; stop: () => Promise<void> }> {
  const child: ChildProcess = fork(path.join(PROJECT_ROOT, 'scripts', 'run.js'), [path.join('bench', 'serve-server.ts')], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, GIFTGRAPH_SOURCE_MAPS: process.env.GIFTGRAPH_SOURCE_MAPS ?? '0', GIFTGRAPH_NOW: new Date(SERVE_WORLD.cutoff).toISOString(), GIFTGRAPH_DATASET: ds, GIFTGRAPH_PORT: '4089', GIFTGRAPH_LOG_LEVEL: 'warn' },
    serialization: 'advanced',
    // The API's own V8 flags, as `npm start` gives them (src/server/node-flags.ts).
    execArgv: [...process.execArgv, ...API_NODE_FLAGS],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = (type: FromServer['type']) =>
    new Promise<FromServer>((resolve, reject) => {
      const onMsg = (m: FromServer) => {
        if (m.type === 'error') {
          cleanup();
          reject(new Error(`API process: ${m.message}`));
        } else if (m.type === type) {
          cleanup();
          resolve(m);
        }
      };
      const onExit = (code: number | null) => {
        cleanup();
        reject(new Error(`API process exited (${code}) while waiting for "${type}"`));
      };
      const cleanup = () => {
        child.off('message', onMsg);
        child.off('exit', onExit);
      };
      child.on('message', onMsg);
      child.on('exit', onExit);
    });
  const ready = (await next('ready')) as Extract<FromServer, { type: 'ready' }>;
  return {
    url: ready.url,
    pid: ready.pid,
    timeOrigin: ready.timeOrigin,
    async ask(m, reply) {
      const wait = reply ? next(reply) : null;
      child.send(m);
      return wait ? await wait : null;
    },
    async recorded() {
      const wait = next('recorded');
      child.send({ type: 'record', on: false } satisfies ToServer);
      return ((await wait) as Extract<FromServer, { type: 'recorded' }>).requests;
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.send({ type: 'stop' } satisfies ToServer);
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

/**
 * Recall of the item vector index against exact search, for a seeded sample of users'
 * embeddings (the HOME query), with the over-fetch the retriever serves
 * (max(minVector, first × overFetch) for first = 20): |ANN top-k ∩ exact top-k| / k.
 */
async function printRecall(graph: GraphClient, ds: string): Promise<void> {
  const { ids, vectors } = await itemEmbeddings(graph, ds);
  const norms = vectors.map((v) => Math.hypot(...v));
  const rnd = seededRandom(7);
  const all = await datasetUsers(graph, ds);
  const sample = [...new Set(Array.from({ length: 200 }, () => all[Math.floor(rnd() * all.length)]!))];
  const embs = await userEmbeddings(graph, ds, sample);
  const served = Math.max(DEFAULT_LIMITS.minVector, 20 * DEFAULT_LIMITS.overFetch);
  const ks = [10, 20, served];
  const hits = ks.map(() => 0);
  // What serving depends on: candidates are re-scored with the exact cosine, so an exact
  // top-20 item is served when it is anywhere among the k the index returned.
  let within = 0;
  let n = 0;
  for (const u of sample) {
    const q = embs.get(u)?.embedding;
    if (!q) continue;
    const qn = Math.hypot(...q);
    const exact = ids.map((id, i) => ({ id, s: dot(q, vectors[i]!) / (qn * norms[i]!) })).sort((x, y) => y.s - x.s || (x.id < y.id ? -1 : 1));
    const ann = (await nearest(graph, { dataset: ds, label: 'Item', vector: q, k: served })).map((h) => h.id);
    ks.forEach((k, j) => {
      const truth = new Set(exact.slice(0, k).map((e) => e.id));
      hits[j]! += ann.slice(0, k).filter((id) => truth.has(id)).length / k;
    });
    const annSet = new Set(ann);
    within += exact.slice(0, 20).filter((e) => annSet.has(e.id)).length / 20;
    n++;
  }
  console.log(`vector index recall vs exact cosine over all ${fmt(ids.length)} item embeddings (${n} users' HOME queries, index asked for k = ${served} as served): ` + ks.map((k, j) => `recall@${k} ${fmt(hits[j]! / n, 4)}`).join(', ') + `; exact top-20 found among the ${served} returned (what re-scoring can serve): ${fmt(within / n, 4)}`);
}

function dot(a: number[], b: number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function report(o: {
  sat: ReturnType<typeof saturationOf>; steps: RampStep[]; rate: number; a: Phase; b: Phase; c: Phase; readRounds: RoundOf<{ a: Phase; c: Phase; b: Phase }>;
  d: MutationResult[]; e: ReadAfterWrite[]; popLoads: number; popReaders: number;
  profileSummary: ReturnType<typeof summarizeProfile> | null; jvmPid: number | null; wallS: number;
}): void {
  const raw = (p: Phase, op?: string) => (op ? p.result.latencies.get(op) ?? [] : [...p.result.latencies.values()].flat());
  const lat = (p: Phase, op?: string) => summarize(raw(p, op));
  const cpu = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '?');
  console.log('\n=== serve bench ===');
  console.log(`ramp of (b): ${o.steps.map((s) => `${s.offered}/s → ${fmt(s.achieved, 1)}/s p50 ${fmt(s.p50, 1)} p99 ${fmt(s.p99, 1)}`).join('; ')}`);
  console.log(`saturation of (b): ${fmt(o.sat.rate, 1)} req/s (${o.sat.reason}); load at half: ${o.rate} req/s\n`);
  const rows: (string | number)[][] = [['phase', 'op', 'n', 'offered/s', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'errors', 'CPU s load', 'CPU s API', 'CPU s JVM']];
  const add = (p: Phase, op?: string) => {
    const s = lat(p, op);
    rows.push([p.name, op ?? 'all', s.n, op ? '' : p.rate, op ? '' : fmt(p.result.achieved, 1), fmt(s.p50, 1), fmt(s.p95, 1), fmt(s.p99, 1), op ? '' : p.result.errors, op ? '' : cpu(p.cpu.load), op ? '' : cpu(p.cpu.api), op ? '' : cpu(p.cpu.jvm)]);
  };
  add(o.a);
  for (const p of [o.c, o.b]) {
    add(p);
    for (const op of READ_OP_NAMES) add(p, op);
  }
  for (const x of o.d) {
    add(x.phase);
    add(x.replay);
  }
  console.log(table(rows));
  const fa = raw(o.a);
  const a = summarize(fa);
  const verdict = (label: string, vs: number[], bs: number[]) => {
    const [v, b] = [summarize(vs), summarize(bs)];
    const cells = (q: 0.5 | 0.99, vq: number, abq: number) => {
      const r = ratioVerdict(vq, abq, TARGET);
      const i = ratioInterval(vs, fa, bs, q);
      return [fmt(vq, 1), fmt(abq, 1), `${fmt(r.ratio, 2)} ${r.met ? 'met' : 'NOT met'}`, `${fmt(i.lo, 2)}–${fmt(i.hi, 2)} ${intervalVerdict(i, TARGET)}`];
    };
    return [label, ...cells(0.5, v.p50, a.p50 + b.p50), ...cells(0.99, v.p99, a.p99 + b.p99)];
  };
  const vr: (string | number)[][] = [['target ≤ 1.2', 'p50', '(a)+(b) p50', 'ratio p50', '90% interval p50', 'p99', '(a)+(b) p99', 'ratio p99', '90% interval p99']];
  vr.push(verdict('(c) all reads', raw(o.c), raw(o.b)));
  for (const op of READ_OP_NAMES) vr.push(verdict(`(c) ${op}`, raw(o.c, op), raw(o.b, op)));
  for (const x of o.d) vr.push(verdict(`(d) ${x.name}`, raw(x.phase), raw(x.replay)));
  console.log('\n' + table(vr));
  console.log('(interval: a bootstrap of the ratio from the phases\' own latencies, 1,000 resamples; "within noise" when it straddles 1.2. It covers the sampling noise inside the phases, not drift between them.)');
  if (o.readRounds.length > 1) {
    // Each round's own ratio, (c) or (d) against that round's (a) + (b) (the mutations' (a) is the reads' pooled one):
    // how far the ratio drifts from round to round, which the interval above does not cover.
    const ratios = (vs: number[], as: number[], bs: number[]) => {
      const [v, a, b] = [summarize(vs), summarize(as), summarize(bs)];
      return `${fmt(v.p50 / (a.p50 + b.p50), 2)} / ${fmt(v.p99 / (a.p99 + b.p99), 2)}`;
    };
    const rr: (string | number)[][] = [['ratio p50 / p99', ...o.readRounds.map((_, k) => `round ${k + 1}`)]];
    rr.push(['(c) all reads', ...o.readRounds.map((r) => ratios(raw(r.c), raw(r.a), raw(r.b)))]);
    for (const op of READ_OP_NAMES) rr.push([`(c) ${op}`, ...o.readRounds.map((r) => ratios(raw(r.c, op), raw(r.a), raw(r.b, op)))]);
    for (const x of o.d) rr.push([`(d) ${x.name}`, ...x.rounds.map((r) => ratios(raw(r.phase), fa, raw(r.replay)))]);
    console.log(`\nper round (the verdicts above pool the ${o.readRounds.length} rounds, which ran in turn):\n${table(rr)}`);
  }
  // Only where the split says something: some requests queued a refresh and some did not
  // (every purchase queues one for its buyer, so all of its requests are 'queued').
  const exposed = o.d.filter((x) => x.exposure.d.queued.length > 0 && x.exposure.d.during.length + x.exposure.d.clear.length > 0);
  if (exposed.length > 0) {
    // Which requests carry a mutation's gap: those in flight while a background refresh
    // another request queued ran, or the others (serve-exposure.ts).
    const er: (string | number)[][] = [['(d) by background refresh', 'requests', 'n', '(d) p50', '(b) p50', 'ratio p50', '(d) p99', '(b) p99']];
    const what: Record<RefreshExposure, string> = { queued: 'queued one ((b) includes it)', during: 'ran during another\'s', clear: 'ran clear of any' };
    for (const x of exposed) {
      for (const k of EXPOSURES) {
        const [v, b] = [summarize(x.exposure.d[k]), summarize(x.exposure.b[k])];
        er.push([x.name, what[k], v.n, fmt(v.p50, 1), fmt(b.p50, 1), fmt(v.p50 / (a.p50 + b.p50), 2), fmt(v.p99, 1), fmt(b.p99, 1)]);
      }
    }
    console.log(`\nmutations whose writes queue embedding refreshes, split by where each request was while in flight, on (d)'s timeline (ratio against the pooled (a) p50 ${fmt(a.p50, 1)} ms + that class's (b) p50; (b) replays the same arrivals, so its refreshes run where (d)'s did, roughly):\n${table(er)}`);
  }
  if (o.e.length > 0) {
    const home = lat(o.c, 'recommendations');
    const er: (string | number)[][] = [['HOME right after the same user\'s write', 'n', 'errors', 'p50 ms', 'p95 ms', 'p99 ms', 'vs (c) recommendations p50 / p99']];
    for (const x of o.e) {
      const s = summarize(x.reads);
      er.push([x.name, s.n, x.phase.result.errors, fmt(s.p50, 1), fmt(s.p95, 1), fmt(s.p99, 1), `${fmt(s.p50 / home.p50, 2)} / ${fmt(s.p99 / home.p99, 2)}`]);
    }
    console.log(`\n(e) read-your-writes: the write answers before its embedding refresh; an immediate read of the writer catches up first (same rates as (d); (c) recommendations p50 ${fmt(home.p50, 1)}, p99 ${fmt(home.p99, 1)} ms)`);
    console.log(table(er));
  }
  console.log(`\nno response cache in the API. Popularity cache (the fallbacks' per-dataset aggregate): ${o.popLoads} load(s) for ${o.popReaders} HOME requests in (c) (hit rate ${fmt(o.popReaders ? (100 * (o.popReaders - o.popLoads)) / o.popReaders : 0, 1)}%); its TTL runs on the pinned clock, so it does not expire during a run.`);
  if (!o.jvmPid) console.log('JVM CPU: external server (NEO4J_URI), not measured');
  if (o.profileSummary) {
    const p = o.profileSummary;
    const busy = p.totalMs - p.idleMs;
    console.log(`\nCPU profile of the API during (c): ${fmt(busy, 0)} ms on CPU of ${fmt(p.totalMs, 0)} ms profiled; self time by file:`);
    console.log(table([['file', 'self ms', 'share'], ...p.byFile.slice(0, 15).map((f) => [f.name, fmt(f.ms, 0), `${fmt(100 * f.share, 1)}%`])]));
    console.log('\ntop functions by self time:');
    console.log(table([['function', 'self ms', 'share'], ...p.byFunction.slice(0, 15).map((f) => [f.name, fmt(f.ms, 0), `${fmt(100 * f.share, 1)}%`])]));
  }
  console.log(`\nbench wall time ${fmt(o.wallS / 60, 1)} min`);
}

