import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { intArg, parseArgs } from '../src/cli/args';
import { BadInputError } from '../src/errors/errors';
import { defaultLoaders, type TfBackendName, type TfModule } from '../src/runtime/tf-backend';
import { cpuSeconds, fmt, table } from './support';

/**
 * TF.js backends benchmark: `npm run bench -- tf-backends [--rounds 3] [--backends
 * tensorflow,wasm,cpu] [--quick]`.
 *
 * Two workloads, each on every backend that loads, next to NumPy measured in the same run:
 *  - GEMM: fp32 matmul n x n (n = 2048; the cpu backend at 512, its 2048² time extrapolated
 *    at the measured rate, and labelled so). Baseline: NumPy `a @ b` on OpenBLAS.
 *  - message passing: `gather` E rows of a [S, d] table, then sum them into S segments
 *    (E = 1M edges, d = 64, S = 100k, ids uniform, unsorted). TensorFlow runs
 *    `unsortedSegmentSum`; wasm has no such kernel and the cpu backend's is
 *    O(S·E·d) (one mask per segment, all kept until the end), so both run the same sum as
 *    `scatterND` (duplicate indices add up); tensorflow runs scatterND too, for the
 *    like-for-like ratio. Baseline: NumPy `x[src]` + `np.add.at` (one thread).
 *
 * Honest baseline: two threads on both sides (OPENBLAS_NUM_THREADS=2; TF_NUM_INTRAOP_THREADS=2
 * unless set). The wasm backend is single-threaded under Node (tfjs 4.22 disables wasm
 * threads there). OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE (set on some machines for old
 * OpenBLAS builds) are removed for the NumPy command only; threadpoolctl reports the kernel
 * it then ran. Every timing repeats its op until at least 1 s has passed (after one
 * untimed warm-up), and includes reading the result back into JS (`dataSync`). Rounds go
 * round-robin over NumPy and the backends, so a busy neighbour hurts all alike; the table
 * shows the best round and the median. "cores" is process CPU time / wall time.
 */
export async function main(args: string[]): Promise<void> {
  const opt = optionsOf(args);
  process.env.TF_NUM_INTRAOP_THREADS ??= '2';
  process.env.TF_NUM_INTEROP_THREADS ??= '1';
  process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
  const cpuModel = /model name\s*:\s*(.*)/.exec(readOr('/proc/cpuinfo'))?.[1] ?? os.cpus()[0]?.model ?? '?';
  console.log(`tf-backends benchmark: ${os.cpus().length} cores (${cpuModel}), load average ${loadavg()}`);
  console.log(`  TF_NUM_INTRAOP_THREADS=${process.env.TF_NUM_INTRAOP_THREADS} TF_NUM_INTEROP_THREADS=${process.env.TF_NUM_INTEROP_THREADS}` +
    ` TF_ENABLE_ONEDNN_OPTS=${process.env.TF_ENABLE_ONEDNN_OPTS ?? '(default: on)'}; ${opt.rounds} rounds, each timing >= ${opt.minSeconds} s`);

  // Load every backend once; `tf.setBackend` switches between them afterwards.
  const loaded = new Map<TfBackendName, TfModule>();
  for (const name of opt.backends) {
    try {
      loaded.set(name, await defaultLoaders[name]());
    } catch (e) {
      console.log(`  ${name}: unavailable (${(e instanceof Error ? e.message : String(e)).split('\n')[0]})`);
    }
  }
  const tf = [...loaded.values()][0];
  if (!tf) throw new Error('no TF.js backend loaded');
  if (loaded.has('tensorflow')) {
    await tf.setBackend('tensorflow');
    const binding = (tf.backend() as unknown as { binding?: { TF_Version?: string } }).binding;
    console.log(`  tensorflow: libtensorflow ${binding?.TF_Version ?? '?'} (tfjs-core ${tf.version_core})`);
  }

  // Inputs, shared by every backend (and regenerated with the same shapes by NumPy).
  const rand = lcg(42);
  const gemmData = (n: number) => ({ a: randn(n * n, rand), b: randn(n * n, rand) });
  const gemmFull = gemmData(opt.n);
  const gemmCpu = opt.cpuN === opt.n ? gemmFull : gemmData(opt.cpuN);
  const table0 = randn(opt.segments * opt.dim, rand);
  const src = randInt(opt.edges, opt.segments, rand);
  const dst = randInt(opt.edges, opt.segments, rand);

  // Correctness first, on small cases against plain JS.
  for (const [name] of loaded) {
    await tf.setBackend(name);
    checkBackend(tf, name);
  }

  type Case = { label: string; backend: TfBackendName | 'numpy'; work: number; unit: 'GFLOP' | 'edges'; op?: () => void; note: string };
  const cases: Case[] = [];
  const handles: { dispose(): void }[] = [];
  for (const [name] of loaded) {
    await tf.setBackend(name);
    const n = name === 'cpu' ? opt.cpuN : opt.n;
    const g = name === 'cpu' ? gemmCpu : gemmFull;
    const a = tf.tensor2d(g.a, [n, n]);
    const b = tf.tensor2d(g.b, [n, n]);
    const x = tf.tensor2d(table0, [opt.segments, opt.dim]);
    const s = tf.tensor1d(src, 'int32');
    const d = tf.tensor1d(dst, 'int32');
    const d2 = tf.reshape(d, [opt.edges, 1]);
    handles.push(a, b, x, s, d, d2);
    cases.push({
      label: `matmul ${n}²`, backend: name, work: (2 * n ** 3) / 1e9, unit: 'GFLOP',
      note: name === 'cpu' && n !== opt.n ? `measured at ${n}²; ${opt.n}² time extrapolated` : name === 'wasm' ? '1 thread (no wasm threads under Node)' : '',
      op: () => readBack(tf.matMul(a, b)),
    });
    if (name === 'tensorflow') {
      cases.push({
        label: 'gather+unsortedSegmentSum', backend: name, work: opt.edges, unit: 'edges', note: '',
        op: () => readBack(tf.tidy(() => tf.unsortedSegmentSum(tf.gather(x, s), d, opt.segments))),
      });
    }
    cases.push({
      label: 'gather+scatterND', backend: name, work: opt.edges, unit: 'edges',
      note: name === 'tensorflow' ? '' : 'no usable unsortedSegmentSum on this backend',
      op: () => readBack(tf.tidy(() => tf.scatterND(d2, tf.gather(x, s), [opt.segments, opt.dim]))),
    });
  }

  const rates = new Map<string, number[]>();
  const cores = new Map<string, number[]>();
  const keyOf = (c: { label: string; backend: string }) => `${c.backend}|${c.label}`;
  const record = (key: string, rate: number, usedCores: number) => {
    rates.set(key, [...(rates.get(key) ?? []), rate]);
    cores.set(key, [...(cores.get(key) ?? []), usedCores]);
  };
  let blas: Record<string, unknown> | undefined;
  let numpyMissing: string | undefined;

  for (let round = 1; round <= opt.rounds; round++) {
    process.stdout.write(`round ${round}/${opt.rounds}: numpy`);
    const np = runNumpy(opt);
    if ('error' in np) {
      numpyMissing = np.error;
    } else {
      blas = np.blas;
      record('numpy|gemm', np.gemm.work / np.gemm.seconds, np.gemm.cpu / np.gemm.seconds);
      record('numpy|agg', np.agg.work / np.agg.seconds, np.agg.cpu / np.agg.seconds);
    }
    for (const c of cases) {
      process.stdout.write(`, ${c.backend} ${c.label}`);
      await tf.setBackend(c.backend as TfBackendName);
      const t = timeAtLeast(c.op!, opt.minSeconds);
      record(keyOf(c), (c.work * t.reps) / t.seconds, t.cpu / t.seconds);
    }
    process.stdout.write(` (load ${loadavg()})\n`);
  }
  for (const h of handles) h.dispose();

  // Report.
  if (numpyMissing) console.log(`\nNumPy baseline skipped: ${numpyMissing}`);
  if (blas) {
    console.log(`\nNumPy ${String(blas.numpy)}: threadpoolctl ${JSON.stringify(blas.pools)}`);
  }
  const best = (k: string) => Math.max(...(rates.get(k) ?? [NaN]));
  const med = (k: string) => median(rates.get(k) ?? [NaN]);
  const coresOf = (k: string) => median(cores.get(k) ?? [NaN]).toFixed(1);
  const blasBest = best('numpy|gemm');
  const nativeGemm = best(`tensorflow|matmul ${opt.n}²`);
  const wasmGemm = best(`wasm|matmul ${opt.n}²`);

  const gemmRows: (string | number)[][] = [['backend', 'workload', 'GFLOP/s best', 'median', 'cores', `${opt.n}² ms`, 'native ÷ this', 'this ÷ OpenBLAS', 'note']];
  gemmRows.push(['numpy/OpenBLAS', `a @ b ${opt.n}²`, fmt(blasBest, 1), fmt(med('numpy|gemm'), 1), coresOf('numpy|gemm'),
    fmt((2 * opt.n ** 3) / blasBest / 1e6, 0), ratio(nativeGemm, blasBest), '1.00', `${String(blas?.kernel ?? '')}`]);
  const aggRows: (string | number)[][] = [['backend', 'workload', 'M edges/s best', 'median', 'cores', 'ms / pass', 'native ÷ this', 'this ÷ NumPy', 'note']];
  const npAgg = best('numpy|agg');
  const nativeAgg = best('tensorflow|gather+unsortedSegmentSum');
  aggRows.push(['numpy', 'x[src] + np.add.at', fmt(npAgg / 1e6, 2), fmt(med('numpy|agg') / 1e6, 2), coresOf('numpy|agg'),
    fmt((opt.edges / npAgg) * 1000, 0), ratio(nativeAgg, npAgg), '1.00', '']);
  for (const c of cases) {
    const k = keyOf(c);
    if (c.unit === 'GFLOP') {
      gemmRows.push([c.backend, c.label, fmt(best(k), 2), fmt(med(k), 2), coresOf(k), fmt((2 * opt.n ** 3) / best(k) / 1e6, 0),
        ratio(nativeGemm, best(k)), ratio(best(k), blasBest), c.note]);
    } else {
      aggRows.push([c.backend, c.label, fmt(best(k) / 1e6, 2), fmt(med(k) / 1e6, 2), coresOf(k), fmt((opt.edges / best(k)) * 1000, 0),
        ratio(nativeAgg, best(k)), ratio(best(k), npAgg), c.note]);
    }
  }
  console.log(`\nGEMM fp32 (result read back each time)\n${table(gemmRows)}`);
  console.log(`\nmessage passing: ${fmt(opt.edges)} edges, d=${opt.dim}, ${fmt(opt.segments)} segments (gather + segment sum, result read back)\n${table(aggRows)}`);
  if (loaded.has('tensorflow')) {
    const vsBlas = nativeGemm / blasBest;
    const vsWasm = nativeGemm / wasmGemm;
    console.log('\ntargets (GEMM, best rounds):');
    console.log(`  native >= 50% of OpenBLAS: ${Number.isFinite(vsBlas) ? `${(vsBlas * 100).toFixed(0)}% ${vsBlas >= 0.5 ? 'MET' : 'NOT MET'}` : 'n/a (no NumPy)'}`);
    console.log(`  native >= 10x WASM:        ${Number.isFinite(vsWasm) ? `${vsWasm.toFixed(1)}x ${vsWasm >= 10 ? 'MET' : 'NOT MET'}` : 'n/a (no wasm)'}`);
  }
  console.log(`load average at the end: ${loadavg()}`);
}

interface Options {
  rounds: number;
  backends: TfBackendName[];
  n: number;
  cpuN: number;
  edges: number;
  dim: number;
  segments: number;
  minSeconds: number;
}

function optionsOf(args: string[]): Options {
  const opts = parseArgs(args, { quick: 'boolean', backends: 'value', rounds: 'value' });
  const quick = opts.flags.has('quick');
  const backends = (opts.values.backends ?? 'tensorflow,wasm,cpu').split(',') as TfBackendName[];
  for (const b of backends) if (!['tensorflow', 'wasm', 'cpu'].includes(b)) throw new BadInputError(`--backends: unknown backend ${JSON.stringify(b)}`);
  return {
    rounds: intArg(opts, 'rounds', quick ? 1 : 3, 1),
    backends,
    n: quick ? 512 : 2048,
    cpuN: quick ? 128 : 512,
    edges: quick ? 100_000 : 1_000_000,
    dim: 64,
    segments: quick ? 10_000 : 100_000,
    minSeconds: quick ? 0.2 : 1,
  };
}

/** Reads a result into JS (so no backend can defer the work) and frees it. */
function readBack(t: { dataSync(): unknown; dispose(): void }): void {
  t.dataSync();
  t.dispose();
}

/** One untimed warm-up, then `op` until at least `minSeconds` of wall time. */
function timeAtLeast(op: () => void, minSeconds: number): { reps: number; seconds: number; cpu: number } {
  op();
  const cpu0 = cpuSeconds(process.pid) ?? 0;
  const t0 = process.hrtime.bigint();
  let reps = 0;
  let seconds = 0;
  do {
    op();
    reps++;
    seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  } while (seconds < minSeconds);
  return { reps, seconds, cpu: (cpuSeconds(process.pid) ?? 0) - cpu0 };
}

/** Small cases against plain JS: a backend that computes wrong is not benchmarked quietly. */
function checkBackend(tf: TfModule, name: string): void {
  const rand = lcg(7);
  const n = 33;
  const a = randn(n * n, rand);
  const b = randn(n * n, rand);
  const got = tf.tidy(() => tf.matMul(tf.tensor2d(a, [n, n]), tf.tensor2d(b, [n, n])).dataSync());
  let err = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += a[i * n + k]! * b[k * n + j]!;
      err = Math.max(err, Math.abs(s - got[i * n + j]!));
    }
  }
  const [S, d, E] = [7, 3, 50];
  const x = randn(S * d, rand);
  const src = randInt(E, S, rand);
  const dst = randInt(E, S, rand);
  const want = new Float64Array(S * d);
  for (let e = 0; e < E; e++) for (let c = 0; c < d; c++) want[dst[e]! * d + c]! += x[src[e]! * d + c]!;
  const agg = tf.tidy(() =>
    tf.scatterND(tf.tensor2d(dst, [E, 1], 'int32'), tf.gather(tf.tensor2d(x, [S, d]), tf.tensor1d(src, 'int32')), [S, d]).dataSync(),
  );
  const aggErr = Math.max(...Array.from(want, (w, i) => Math.abs(w - agg[i]!)));
  if (err > 1e-3 || aggErr > 1e-3) throw new Error(`${name}: wrong results (matmul max error ${err}, gather+scatterND ${aggErr})`);
}

type NumpyResult =
  | { gemm: { work: number; seconds: number; cpu: number }; agg: { work: number; seconds: number; cpu: number }; blas: Record<string, unknown> }
  | { error: string };

/** One NumPy round in a subprocess: 2 BLAS threads, OPENBLAS_CORETYPE/L2_SIZE removed. */
function runNumpy(opt: Options): NumpyResult {
  const env: NodeJS.ProcessEnv = { ...process.env, OPENBLAS_NUM_THREADS: '2', OMP_NUM_THREADS: '2' };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const r = spawnSync('python3', ['-c', NUMPY_PY, JSON.stringify(opt)], { env, encoding: 'utf8', maxBuffer: 2 ** 24 });
  if (r.error) return { error: `python3: ${r.error.message}` };
  if (r.status !== 0) {
    const msg = (r.stderr || r.stdout).trim().split('\n').pop() ?? '';
    return { error: /No module named/.test(msg) ? `${msg} (pip install numpy threadpoolctl)` : msg };
  }
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as NumpyResult;
}

const NUMPY_PY = `
import json, os, sys, time
import numpy as np
from threadpoolctl import threadpool_info
o = json.loads(sys.argv[1])
def at_least(op, min_s):
    op()
    c0, t0, reps = time.process_time(), time.perf_counter(), 0
    while True:
        op(); reps += 1
        s = time.perf_counter() - t0
        if s >= min_s: return reps, s, time.process_time() - c0
rng = np.random.default_rng(42)
n = o['n']
a = rng.standard_normal((n, n), dtype=np.float32); b = rng.standard_normal((n, n), dtype=np.float32)
reps, s, cpu = at_least(lambda: a @ b, o['minSeconds'])
gemm = {'work': 2 * n ** 3 / 1e9 * reps, 'seconds': s, 'cpu': cpu}
S, d, E = o['segments'], o['dim'], o['edges']
x = rng.standard_normal((S, d), dtype=np.float32)
src = rng.integers(0, S, E).astype(np.int32); dst = rng.integers(0, S, E).astype(np.int32)
def agg():
    out = np.zeros((S, d), np.float32); np.add.at(out, dst, x[src]); return out
reps, s, cpu = at_least(agg, o['minSeconds'])
pools = [{k: p.get(k) for k in ('internal_api', 'architecture', 'num_threads', 'version')} for p in threadpool_info()]
blas = next((p for p in pools if p['internal_api'] in ('openblas', 'mkl', 'blis')), pools[0] if pools else {})
kernel = '%s %s, %s threads (OPENBLAS_CORETYPE/L2_SIZE unset)' % (blas.get('internal_api'), blas.get('architecture'), blas.get('num_threads'))
print(json.dumps({'gemm': gemm, 'agg': {'work': E * reps, 'seconds': s, 'cpu': cpu},
                  'blas': {'numpy': np.__version__, 'pools': pools, 'kernel': kernel}}))
`;

function ratio(a: number, b: number): string {
  return Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(a / b >= 10 ? 0 : 2)}` : '-';
}

function median(xs: number[]): number {
  const s = [...xs].sort((p, q) => p - q);
  return s.length ? (s[(s.length - 1) >> 1]! + s[s.length >> 1]!) / 2 : NaN;
}

function loadavg(): string {
  return os.loadavg().map((l) => l.toFixed(1)).join(' ');
}

function readOr(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** Deterministic uniform [0, 1) generator (inputs only; quality beyond that is moot). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function randn(count: number, rand: () => number): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = (rand() + rand() + rand() - 1.5) * 2; // ~N(0, 1), cheap
  return out;
}

function randInt(count: number, bound: number, rand: () => number): Int32Array {
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) out[i] = Math.floor(rand() * bound);
  return out;
}
