import * as tf from '@tensorflow/tfjs';
import { intArg, parseArgs } from '../src/cli/args';
import { loadConfig } from '../src/config/config';
import { loadHeteroGraph } from '../src/features/load-graph';
import { splitInteractions } from '../src/features/splits';
import { connectGraph } from '../src/graph/connect';
import { DATASETS } from '../src/graph/queries/stats';
import { consoleLogger } from '../src/logging/logger';
import { initTfBackend } from '../src/runtime/tf-backend';
import { sageInputs } from '../graph-models/training/sage-graph';
import { sageTrainable } from '../graph-models/training/sage-trainable';
import { lightGcnTrainable } from '../graph-models/training/lightgcn-trainable';
import { splitCsrs } from '../graph-models/training/train-collaborative';
import { GATHER_SEGMENT_SUM, registerGatherSegmentSumKernels } from '../graph-models/layers/gather-segment-sum';
import { fmt, peakRssMiB, table } from './support';

/**
 * `npm run bench -- train [--sage-dataset demo] [--lightgcn-dataset gowalla] [--steps 5] [--lightgcn-batch 2048]`:
 * per backend (native tensorflow, pure-JS cpu), times K training steps after one warm-up
 * and extrapolates an epoch (labelled: an epoch on gowalla takes minutes to hours), with
 * edges/s and the process's peak memory. Datasets must be in the graph (seed / import).
 * The baselines are the other backend in the same run and, for LightGCN, the same steps
 * with the fused gather + segment sum kernel unregistered (gather, then segment sum).
 */
export async function main(args: string[]): Promise<void> {
  const opts = parseArgs(args, { steps: 'value', 'lightgcn-batch': 'value', 'sage-dataset': 'value', 'lightgcn-dataset': 'value' });
  const steps = intArg(opts, 'steps', 5, 1);
  const lightGcnBatch = intArg(opts, 'lightgcn-batch', 2048, 2);
  const config = loadConfig(process.env);
  const logger = consoleLogger('warn', 'bench');
  await initTfBackend({ logger, kernels: ['UnsortedSegmentSum'] });
  const backends = ['tensorflow', 'cpu'].filter((b) => tf.findBackend(b) !== null);
  const graph = await connectGraph(config, logger);
  const known = new Set((await graph.query(DATASETS.cypher)).map((d) => String(d.id)));
  const rows: (string | number)[][] = [['model / dataset', 'backend', 'ms/step', 'steps/epoch', 'epoch (extrapolated)', 'edges/s', 'peak RSS MiB']];
  try {
    for (const [model, dataset] of [['sage', opts.values['sage-dataset'] ?? 'demo'], ['lightgcn', opts.values['lightgcn-dataset'] ?? 'gowalla']] as const) {
      if (!known.has(dataset)) {
        console.log(`skipping ${model}: dataset "${dataset}" is not in the graph (seed or import it first)`);
        continue;
      }
      const g = await loadHeteroGraph(graph, dataset);
      const meta = (await graph.query(DATASETS.cypher)).find((d) => d.id === dataset)!;
      const split = splitInteractions(g, { seed: 1, cutoff: (meta.cutoff as number | null) ?? null });
      const c = splitCsrs(split, g);
      const runs = backends.flatMap((backend) => (model === 'lightgcn' ? [{ backend, fused: true }, { backend, fused: false }] : [{ backend, fused: true }]));
      for (const { backend, fused } of runs) {
        await tf.setBackend(backend);
        if (!fused) tf.unregisterKernel(GATHER_SEGMENT_SUM, backend);
        const batch = model === 'sage' ? 512 : lightGcnBatch;
        const made =
          model === 'sage'
            ? sageTrainable(sageInputs(split.trainGraph, split.splitAt ?? Infinity), c.train, c.valid, { hiddenDim: 64, outDim: 64, fanouts: [10, 5], batchSize: batch, lr: 0.003, temperature: 0.1, friendWeight: 0.5, seed: 1, validK: 20, checkpointDir: null, runOptions: {} })
            : lightGcnTrainable(c.train, c.valid, null, { model: { numUsers: c.train.numUsers, numItems: c.train.numItems, dim: 64, numLayers: 3, social: 'none', seed: 1 }, loss: { kind: 'bpr' }, lr: 0.001, batchSize: batch, l2: 1e-4, seed: 1, validK: 20, checkpointDir: null, runOptions: {} });
        const k = backend === 'cpu' && model === 'lightgcn' ? Math.min(steps, 2) : steps;
        made.trainable.step(0, 0); // warm-up: kernels, caches
        const t0 = performance.now();
        for (let s = 1; s <= k; s++) made.trainable.step(0, s);
        const ms = (performance.now() - t0) / k;
        made.dispose();
        registerGatherSegmentSumKernels();
        const per = made.trainable.stepsPerEpoch;
        const variant = model === 'lightgcn' ? (fused ? ' (fused)' : ' (gather + segment sum)') : '';
        rows.push([`${model} / ${dataset}`, backend + variant, fmt(ms, 1), per, `${fmt((ms * per) / 1000, 1)} s (${k} steps timed)`, fmt((made.trainable.examplesPerStep * 1000) / ms), fmt(peakRssMiB(process.pid) ?? 0)]);
        console.log(rows.at(-1)!.join('  '));
      }
    }
  } finally {
    await graph.close();
  }
  console.log('\n' + table(rows));
}
