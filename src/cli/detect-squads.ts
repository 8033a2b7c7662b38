import { clockFromConfig } from '../clock/clock';
import { detectSquads } from '../communities/detect-squads';
import { loadConfig } from '../config/config';
import { BadInputError } from '../errors/errors';
import { connectGraph } from '../graph/connect';
import { isValidDataset } from '../graph/ids';
import { consoleLogger } from '../logging/logger';
import { intArg, parseArgs, runCli } from './args';

/**
 * `node scripts/run.js src/cli/detect-squads.ts [--dataset NAME] [--seed S]`: replaces the
 * dataset's DETECTED squads with friend groups found in its current friendships
 * (EXPLICIT squads are kept). Defaults: GIFTGRAPH_DATASET and GIFTGRAPH_SEED. Prints one
 * summary line on stdout (logs go to stderr). Interrupting it midway may leave a partial
 * set of DETECTED squads; the next run replaces them all.
 */
runCli(async () => {
  const config = loadConfig(process.env);
  const args = parseArgs(process.argv.slice(2), { dataset: 'value', seed: 'value' });
  const dataset = args.values.dataset ?? config.dataset;
  if (!isValidDataset(dataset)) throw new BadInputError(`--dataset must match /^[a-z][a-z0-9_-]{0,31}$/; got ${JSON.stringify(dataset)}`);
  const seed = intArg(args, 'seed', config.seed);
  const logger = consoleLogger(config.logLevel, 'detect-squads');
  const graph = await connectGraph(config, logger);
  try {
    const r = await detectSquads({ graph, dataset, clock: clockFromConfig(config), logger, seed });
    const sizes = Object.entries(r.sizes).map(([size, count]) => `${size}:${count}`).join(' ');
    console.log(
      `dataset "${dataset}": ${r.squads} detected squads (${r.members} members; sizes ${sizes || 'none'}) from ${r.communities} communities ` +
        `over ${r.users} users and ${r.friendships} friendships; replaced ${r.replaced}; ${(r.ms / 1000).toFixed(1)} s (seed ${seed})`,
    );
  } finally {
    await graph.close();
  }
});
