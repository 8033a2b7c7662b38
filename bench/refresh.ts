import { intArg, intListArg, parseArgs } from '../src/cli/args';
import { loadConfig } from '../src/config/config';
import { systemClock } from '../src/clock/clock';
import { ARTIFACTS_DIR, ArtifactStore } from '../src/embeddings/artifact-store';
import { EmbeddingRefresher } from '../src/embeddings/embedding-refresher';
import { encodeAndWriteBack, encoderFanouts } from '../src/embeddings/encoder-runtime';
import { neighbourhoodInputs } from '../src/embeddings/neighbourhood-inputs';
import { ModelRegistry } from '../src/embeddings/registry';
import { SERVING_MODEL } from '../src/embeddings/serving-model';
import { graphAsOf, type HeteroGraph } from '../src/features/hetero-graph';
import { loadHeteroGraph } from '../src/features/load-graph';
import { connectGraph } from '../src/graph/connect';
import { fetchCatalogue } from '../src/graph/queries/subgraph';
import { consoleLogger, silentLogger } from '../src/logging/logger';
import { initTfBackend } from '../src/runtime/tf-backend';
import { SageEncoder } from '../graph-models/encoders/sage-encoder';
import { sageInputs } from '../graph-models/training/sage-graph';
import { embedNodes } from '../graph-models/training/sage-trainable';
import { fmt, table } from './support';

/**
 * `npm run bench -- refresh [--dataset demo] [--users 40] [--full-runs 3] [--caps 100,1000] [--fidelity-only] [--fills 20]`:
 * the real-time embedding refresh of one user (EmbeddingRefresher.refresh: neighbourhood
 * fetch, encode, write-back under the active version), p50/p95 over `--users` different
 * users after a warm-up, next to the same-run baseline: the full-dataset path
 * (encodeAndWriteBack with only that user, encoder already loaded) for the same users.
 *
 * Fidelity, for each neighbour cap: cosine between a user's embedding from its fetched
 * neighbourhood and from the whole dataset (single-seed encode, the same sampler seed),
 * and the share that are bit-identical; for scale, the cosine between the single-seed
 * and the batched full encode (what startup writes: one sampler stream per 1,024 seeds).
 *
 * A filled group buy's refresh, `--fills` times: one call for a user, up to nine of its
 * friends and an item the user bought (what a nine-buyer fill hands the refresh worker),
 * wall and this process's CPU per call (user + system, process.cpuUsage): the encode work
 * a fill costs the API, which a replay of its statements does not contain.
 *
 * Writes only embeddings of the active version (what serving does after every write).
 */
export async function main(args: string[]): Promise<void> {
  const opts = parseArgs(args, { dataset: 'value', users: 'value', 'full-runs': 'value', caps: 'value', 'fidelity-only': 'boolean', fills: 'value' });
  const dataset = opts.values.dataset ?? 'demo';
  const sample = intArg(opts, 'users', 40, 1);
  const fullRuns = intArg(opts, 'full-runs', 3, 1);
  const fillCount = intArg(opts, 'fills', 20, 1);
  const caps = intListArg(opts, 'caps', [100, 1000]);
  const config = loadConfig(process.env);
  const logger = consoleLogger('warn', 'bench');
  await initTfBackend({ logger, kernels: ['UnsortedSegmentSum'] });
  const graph = await connectGraph(config, logger, { startEmbedded: false });
  try {
    const registry = new ModelRegistry({ graph, store: new ArtifactStore(ARTIFACTS_DIR), clock: systemClock, logger });
    const ref = await registry.assertServable(dataset, SERVING_MODEL);
    const t = systemClock.now();
    const fanouts = encoderFanouts(ref);

    // The whole dataset once: the fidelity reference and the users to sample (every k-th id).
    const g = graphAsOf(await loadHeteroGraph(graph, dataset), t);
    const full = sageInputs(g, t);
    const stride = Math.max(1, Math.floor(g.nodes.user.ids.length / sample));
    const users = Array.from({ length: Math.min(sample, g.nodes.user.ids.length) }, (_, k) => g.nodes.user.ids[k * stride]!);
    const { encoder } = await SageEncoder.load(ref.dir);
    const d = ref.manifest.dimension;
    const batched = embedNodes(encoder, full, 'user', fanouts);
    const catalogue = await fetchCatalogue(graph, dataset);
    const fidelity: (string | number)[][] = [['neighbour cap', 'cos p50', 'cos min', 'bit-identical', 'fetch+build ms p50']];
    const noise: number[] = [];
    for (const cap of caps) {
      const cos: number[] = [];
      const ms: number[] = [];
      let same = 0;
      for (const u of users) {
        const idx = g.nodes.user.index.get(u)!;
        const ref1 = embedNodes(encoder, full, 'user', fanouts, Int32Array.of(idx));
        const t0 = performance.now();
        const n = await neighbourhoodInputs(graph, { dataset, users: [u], items: [], t, fanouts, cap, catalogue });
        ms.push(performance.now() - t0);
        const mine = embedNodes(encoder, n.inputs, 'user', fanouts, Int32Array.of(n.graph.nodes.user.index.get(u)!));
        cos.push(cosine(ref1, mine));
        if (ref1.every((v, i) => v === mine[i])) same++;
        if (cap === caps[0]) noise.push(cosine(ref1, batched.subarray(idx * d, (idx + 1) * d)));
      }
      fidelity.push([cap, fmt(quantile(cos, 0.5), 4), fmt(Math.min(...cos), 4), `${same}/${users.length}`, fmt(quantile(ms, 0.5), 1)]);
    }
    console.log(`\nfidelity on "${dataset}" (${users.length} users), refresh vs full-dataset single-seed encode:\n${table(fidelity)}`);
    console.log(`scale of sampler noise: single-seed vs batched full encode, cos p50 ${fmt(quantile(noise, 0.5), 4)}, min ${fmt(Math.min(...noise), 4)}`);

    if (opts.flags.has('fidelity-only')) {
      encoder.dispose();
      return;
    }
    // Latency: refresh (encoder cached, registry checked at most once a second) vs the full path.
    const refresher = new EmbeddingRefresher({ graph, registry, clock: systemClock, logger: silentLogger });
    for (const u of users.slice(0, 3)) await refresher.refresh(dataset, { users: [u] }); // warm-up: encoder load, kernels, catalogue
    const lat: number[] = [];
    for (const u of users) lat.push((await refresher.refresh(dataset, { users: [u] })).ms);
    const fills = fillGroups(g, users, fillCount);
    const fillMs: number[] = [];
    const fillCpu: number[] = [];
    for (const f of fills) {
      const c0 = process.cpuUsage();
      fillMs.push((await refresher.refresh(dataset, f)).ms);
      const c = process.cpuUsage(c0);
      fillCpu.push((c.user + c.system) / 1000);
    }
    const base: number[] = [];
    for (const u of users.slice(0, fullRuns)) base.push((await encodeAndWriteBack({ graph, dataset, artifact: ref, asOf: systemClock.now(), logger: silentLogger, only: { users: [u] }, encoder })).ms);
    await refresher.dispose();
    encoder.dispose();
    const rows: (string | number)[][] = [
      ['path (1 user)', 'runs', 'p50 ms', 'p95 ms'],
      ['refresh (neighbourhood)', lat.length, fmt(quantile(lat, 0.5), 1), fmt(quantile(lat, 0.95), 1)],
      ['encodeAndWriteBack (whole dataset)', base.length, fmt(quantile(base, 0.5), 0), fmt(quantile(base, 0.95), 0)],
    ];
    console.log(`\n${table(rows)}\nfull / refresh (p50): ${fmt(quantile(base, 0.5) / quantile(lat, 0.5), 1)}x`);
    if (fills.length) {
      const mean = fillCpu.reduce((a, b) => a + b, 0) / fillCpu.length;
      console.log(
        `fill-sized refresh (a user, ≤ 9 friends and an item it bought; ${fills.length} calls): wall p50 ${fmt(quantile(fillMs, 0.5), 1)} ms, ` +
          `API CPU p50 ${fmt(quantile(fillCpu, 0.5), 1)} ms, mean ${fmt(mean, 1)} ms`,
      );
    }
  } finally {
    await graph.close();
  }
}

/** Up to `n` fill-sized refresh calls: each sampled user with ≤ 9 friends and the first item it bought. */
function fillGroups(g: HeteroGraph, users: string[], n: number): { users: string[]; items: string[] }[] {
  const out: { users: string[]; items: string[] }[] = [];
  const { friend, purchased } = g.relations;
  for (const u of users) {
    if (out.length >= n) break;
    const i = g.nodes.user.index.get(u)!;
    const friends = Array.from(friend!.targets.subarray(friend!.offsets[i]!, Math.min(friend!.offsets[i + 1]!, friend!.offsets[i]! + 9)), (f) => g.nodes.user.ids[f]!);
    if (purchased!.offsets[i + 1]! === purchased!.offsets[i]!) continue;
    out.push({ users: [u, ...friends], items: [g.nodes.item.ids[purchased!.targets[purchased!.offsets[i]!]!]!] });
  }
  return out;
}

function cosine(a: Float32Array, b: Float32Array): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i]! * b[i]!;
    aa += a[i]! * a[i]!;
    bb += b[i]! * b[i]!;
  }
  return ab / Math.sqrt(aa * bb);
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}
