import { readSplit, type SplitFormat } from '../evaluation/read-split';
import { splitValidation } from '../evaluation/validation-split';
import type { OptimizerName } from './optimizers';
import { formatBaselineRows, runBaselines } from './report';
import { formatSplitShift, measureSplitShift } from './split-shift';

/**
 * `node scripts/run.js graph-models/baselines/run-baselines.ts --train F --test F
 *    --format csv|lines [--social F] [--ks 10,20] [--no-bpr] [--no-knn] [--no-refit] [--epochs N]
 *    [--optimizer adam|lazy-adam|adagrad|sgd] [--lr X] [--l2 X] [--eval-every N]
 *    [--validation-users N] [--seed N] [--split-shift]`
 *
 * What the figures in the handover used:
 *   lastfm:  --train ../shared/datasets/lastfm/train_set.txt --test ../shared/datasets/lastfm/test_set.txt
 *            --social ../shared/datasets/lastfm/trust.txt --format csv
 *   gowalla: --train ../shared/datasets/gowalla/train.txt --test ../shared/datasets/gowalla/test.txt
 *            --format lines --optimizer lazy-adam --lr 0.005 --l2 0.01 --eval-every 5 --validation-users 3000
 *
 * `--split-shift` instead measures how a seeded 10% validation split of train (`--seed`, as
 * the training CLI draws it; the training runs use 2020) stands for the test split
 * (split-shift.ts): the figures in graph-models/README.md came from `--split-shift --seed 2020`.
 *
 * Composition root for measuring the baselines on a split from the shell: reads argv
 * only, prints the table to stdout and per-epoch BPR progress to stderr.
 */
const OPTIMIZERS: readonly OptimizerName[] = ['adam', 'lazy-adam', 'adagrad', 'sgd'];

function main(argv: string[]): void {
  const flag = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const train = flag('--train');
  const test = flag('--test');
  const format = flag('--format') as SplitFormat | undefined;
  if (!train || !test || (format !== 'csv' && format !== 'lines')) {
    throw new Error('usage: --train F --test F --format csv|lines [--social F] [--ks 10,20] [--no-bpr] [--no-knn] [--no-refit] [--epochs N] [--optimizer NAME] [--lr X] [--l2 X] [--eval-every N] [--validation-users N] [--seed N] [--split-shift]');
  }
  const social = flag('--social');
  const ks = (flag('--ks') ?? '10,20').split(',').map(Number);
  const split = readSplit({ train: { path: train, format }, test: { path: test, format }, social: social ? { path: social, format } : undefined });
  const optimizerFlag = flag('--optimizer');
  const optimizer = OPTIMIZERS.find((o) => o === optimizerFlag);
  if (optimizerFlag !== undefined && optimizer === undefined) throw new Error(`--optimizer must be one of ${OPTIMIZERS.join(', ')}, got ${JSON.stringify(optimizerFlag)}`);
  const num = (name: string): number | undefined => {
    const v = flag(name);
    if (v === undefined) return undefined;
    const x = Number(v);
    if (!Number.isFinite(x)) throw new Error(`${name} needs a number, got ${JSON.stringify(v)}`);
    return x;
  };
  if (argv.includes('--split-shift')) {
    const v = splitValidation(split.train, 0.1, num('--seed') ?? 0);
    console.log(formatSplitShift(measureSplitShift({ train: v.train, valid: v.validation, trainAll: split.train, test: split.test })));
    return;
  }
  const tuning = { epochs: num('--epochs'), learningRate: num('--lr'), l2: num('--l2'), evalEvery: num('--eval-every'), validationUsers: num('--validation-users') };
  const given = Object.fromEntries(Object.entries(tuning).filter(([, v]) => v !== undefined));
  const rows = runBaselines({
    ...split,
    ks,
    seed: num('--seed') ?? 0,
    refit: !argv.includes('--no-refit'),
    itemKnn: argv.includes('--no-knn') ? false : {},
    bprMf: argv.includes('--no-bpr')
      ? false
      : {
          ...(optimizer ? { optimizer } : {}),
          ...given,
          onEpoch: (l) => {
            if (l.validation) process.stderr.write(`bpr-mf epoch ${l.epoch} loss ${l.loss.toFixed(4)} ${l.ms.toFixed(0)} ms val R@20 ${l.validation.recall.toFixed(4)} N@20 ${l.validation.ndcg.toFixed(4)}\n`);
          },
        },
  });
  console.log(formatBaselineRows(rows, ks));
}

main(process.argv.slice(2));
