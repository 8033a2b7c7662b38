import { readSplit } from '../../graph-models/evaluation/read-split';
import { splitValidation } from '../../graph-models/evaluation/validation-split';
import type { BprMfOptions } from '../../graph-models/baselines/bpr-mf';
import type { OptimizerName } from '../../graph-models/baselines/optimizers';
import { formatBaselineRows, runBaselines } from '../../graph-models/baselines/report';
import { formatSplitShift, measureSplitShift } from '../../graph-models/baselines/split-shift';
import { BadInputError } from '../errors/errors';
import { intArg, intListArg, numArg, parseArgs, runCli, type FlagSpec } from './args';

/**
 * `npm run baselines -- --train F --test F --format csv|lines [--social F] [--ks 10,20]
 *    [--no-bpr] [--no-knn] [--no-refit] [--epochs N] [--optimizer adam|lazy-adam|adagrad|sgd]
 *    [--lr X] [--l2 X] [--eval-every N] [--validation-users N] [--seed N] [--split-shift]`
 *
 * The simple baselines (graph-models/baselines) on a split read from files, printed as a
 * table: what the figures in graph-models/README.md and graph-models/baselines/README.md came from.
 *   lastfm:  --train ../shared/datasets/lastfm/train_set.txt --test ../shared/datasets/lastfm/test_set.txt
 *            --social ../shared/datasets/lastfm/trust.txt --format csv
 *   gowalla: --train ../shared/datasets/gowalla/train.txt --test ../shared/datasets/gowalla/test.txt
 *            --format lines --optimizer lazy-adam --lr 0.005 --l2 0.01 --eval-every 5 --validation-users 3000
 *
 * `--split-shift` instead measures how a seeded 10% validation split of train (`--seed`, as
 * the training CLI draws it; the training runs use 2020) stands for the test split
 * (split-shift.ts): the figures in graph-models/README.md came from `--split-shift --seed 2020`.
 *
 * Composition root: reads argv only (a misspelt flag or a bad value is refused before
 * anything is read), prints the table to stdout and per-epoch BPR progress to stderr.
 */
const FLAGS: FlagSpec = {
  train: 'value', test: 'value', format: 'value', social: 'value', ks: 'value',
  'no-bpr': 'boolean', 'no-knn': 'boolean', 'no-refit': 'boolean', 'split-shift': 'boolean',
  epochs: 'value', optimizer: 'value', lr: 'value', l2: 'value', 'eval-every': 'value', 'validation-users': 'value', seed: 'value',
};

const USAGE = 'usage: npm run baselines -- --train F --test F --format csv|lines [--social F] [--ks 10,20] [--no-bpr] [--no-knn] [--no-refit] [--epochs N] [--optimizer NAME] [--lr X] [--l2 X] [--eval-every N] [--validation-users N] [--seed N] [--split-shift]';

const OPTIMIZERS: readonly OptimizerName[] = ['adam', 'lazy-adam', 'adagrad', 'sgd'];

/** The BPR-MF options the numeric flags set (a name BprMfOptions does not have drops out of the union). */
type TuningOption = Extract<keyof BprMfOptions, 'epochs' | 'learningRate' | 'l2' | 'evalEvery' | 'validationUsers'>;

async function main(argv: string[]): Promise<void> {
  if (argv.includes('--help')) {
    console.log(USAGE);
    return;
  }
  const args = parseArgs(argv, FLAGS);
  const { train, test, format, social, optimizer: optimizerFlag } = args.values;
  if (!train || !test) throw new BadInputError(`--train and --test are required\n${USAGE}`);
  if (format !== 'csv' && format !== 'lines') throw new BadInputError(`--format must be csv or lines; got ${JSON.stringify(format)}\n${USAGE}`);
  const ks = intListArg(args, 'ks', [10, 20]);
  const optimizer = OPTIMIZERS.find((o) => o === optimizerFlag);
  if (optimizerFlag !== undefined && optimizer === undefined) throw new BadInputError(`--optimizer must be one of ${OPTIMIZERS.join(', ')}; got ${JSON.stringify(optimizerFlag)}`);
  const seed = intArg(args, 'seed', 0);
  // Only the tuning flags given reach the trainer: its own defaults stand for the rest.
  const given = (flag: string, option: TuningOption, read: () => number): Partial<BprMfOptions> => (args.values[flag] === undefined ? {} : { [option]: read() });
  const tuning = {
    ...given('epochs', 'epochs', () => intArg(args, 'epochs', 0, 1)),
    ...given('lr', 'learningRate', () => numArg(args, 'lr', 0, { positive: true })),
    ...given('l2', 'l2', () => numArg(args, 'l2', 0)),
    ...given('eval-every', 'evalEvery', () => intArg(args, 'eval-every', 0, 1)),
    ...given('validation-users', 'validationUsers', () => intArg(args, 'validation-users', 0, 1)),
  };

  const split = readSplit({ train: { path: train, format }, test: { path: test, format }, social: social ? { path: social, format } : undefined });
  if (args.flags.has('split-shift')) {
    const v = splitValidation(split.train, 0.1, seed);
    console.log(formatSplitShift(measureSplitShift({ train: v.train, valid: v.validation, trainAll: split.train, test: split.test })));
    return;
  }
  const rows = runBaselines({
    ...split,
    ks,
    seed,
    refit: !args.flags.has('no-refit'),
    itemKnn: args.flags.has('no-knn') ? false : {},
    bprMf: args.flags.has('no-bpr')
      ? false
      : {
          ...(optimizer ? { optimizer } : {}),
          ...tuning,
          onEpoch: (l) => {
            if (l.validation) process.stderr.write(`bpr-mf epoch ${l.epoch} loss ${l.loss.toFixed(4)} ${l.ms.toFixed(0)} ms val R@20 ${l.validation.recall.toFixed(4)} N@20 ${l.validation.ndcg.toFixed(4)}\n`);
          },
        },
  });
  console.log(formatBaselineRows(rows, ks));
}

runCli(() => main(process.argv.slice(2)));
