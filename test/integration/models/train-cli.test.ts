import fs from 'node:fs';
import path from 'node:path';
import { fixedClock } from '../../../src/clock/clock';
import { PROJECT_ROOT } from '../../../src/config/config';
import { ARTIFACTS_DIR, ArtifactStore } from '../../../src/embeddings/artifact-store';
import type { GraphClient } from '../../../src/graph/graph-client';
import { seedWorld } from '../../../src/ingest/seed-world';
import { silentLogger } from '../../../src/logging/logger';
import { cliEnv, startCli } from '../../support/cli';
import { dropDataset, testGraph, TEST_NOW, uniqueDataset } from '../../support/graph';

describe('npm run train end to end on tiny data (real Neo4j)', () => {
  let graph: GraphClient;
  const dataset = uniqueDataset('cli');
  const version = `test-${dataset}`;
  const truthDir = path.join(PROJECT_ROOT, 'var', 'test-truth');

  beforeAll(async () => {
    graph = await testGraph();
    await seedWorld({ graph, dataset, users: 200, seed: 9, reset: false, cutoff: TEST_NOW, clock: fixedClock(TEST_NOW), truthDir, logger: silentLogger });
  });
  afterAll(async () => {
    await dropDataset(graph, dataset);
    await graph.close();
    for (const v of [`${version}-refit`, `${version}-refit-again`, `${version}-softmax`, `${version}-warm1`, `${version}-warm0`, `${version}-warm1-lr`, `${version}-warm1-later`, `${version}-decay`, `${version}-init7`, `${version}-shift`]) fs.rmSync(path.join(ARTIFACTS_DIR, 'lightgcn', v), { recursive: true, force: true });
    for (const c of ['softmax', 'init7']) fs.rmSync(path.join(PROJECT_ROOT, 'var', 'checkpoints', `lightgcn-${dataset}-${c}`), { recursive: true, force: true });
    for (const m of ['lightgcn', 'sage']) {
      fs.rmSync(path.join(ARTIFACTS_DIR, m, version), { recursive: true, force: true });
      fs.rmSync(path.join(PROJECT_ROOT, 'var', 'checkpoints', `${m}-${dataset}`), { recursive: true, force: true });
    }
  });

  it.each(['lightgcn', 'sage'])('trains %s, prints the evaluation table and saves an artifact with manifest, report and model card', async (model) => {
    const r = await startCli('src/cli/train.ts', ['--dataset', dataset, '--model', model, '--epochs', '1', '--baselines', 'none', '--version', version, '--batch', '128'], cliEnv({ GIFTGRAPH_TRUTH_DIR: truthDir })).done;
    expect(r.stderr).not.toMatch(/error \[/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\| model \| users \| R@10/);
    const ref = new ArtifactStore(ARTIFACTS_DIR).get(model, version)!;
    expect(ref.manifest.dataset).toBe(dataset);
    for (const f of ['model.json', 'weights.bin', 'manifest.json', 'report.json', 'report.md', 'MODEL_CARD.md']) expect(fs.existsSync(path.join(ref.dir, f))).toBe(true);
  }, 300_000);

  it('with --init-seed varies the initialisation only: the same split, other weights, the seed recorded, its own checkpoints', async () => {
    const v = `${version}-init7`;
    const r = await startCli('src/cli/train.ts', ['--dataset', dataset, '--model', 'lightgcn', '--epochs', '1', '--baselines', 'none', '--batch', '128', '--init-seed', '7', '--version', v], cliEnv({ GIFTGRAPH_TRUTH_DIR: truthDir })).done;
    expect(r.code).toBe(0);
    const store = new ArtifactStore(ARTIFACTS_DIR);
    const [base, other] = [store.get('lightgcn', version)!, store.get('lightgcn', v)!];
    const report = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, 'report.json'), 'utf8'));
    expect(report(other.dir).split).toEqual(report(base.dir).split);
    expect(other.manifest.seed).toBe(base.manifest.seed);
    expect(other.manifest.hyperparameters.initSeed).toBe(7);
    expect(base.manifest.hyperparameters.initSeed).toBeUndefined();
    expect(fs.readFileSync(path.join(other.dir, 'weights.bin')).equals(fs.readFileSync(path.join(base.dir, 'weights.bin')))).toBe(false);
    expect(fs.existsSync(path.join(PROJECT_ROOT, 'var', 'checkpoints', `lightgcn-${dataset}-init7`))).toBe(true);
  }, 300_000);

  it('with the neighbourhood baselines, reports how validation differs from test for each of them (split shift)', async () => {
    const v = `${version}-shift`;
    const r = await startCli('src/cli/train.ts', ['--dataset', dataset, '--model', 'lightgcn', '--epochs', '1', '--baselines', 'fast', '--batch', '128', '--version', v], cliEnv({ GIFTGRAPH_TRUTH_DIR: truthDir })).done;
    expect(r.code).toBe(0);
    const report = JSON.parse(fs.readFileSync(path.join(ARTIFACTS_DIR, 'lightgcn', v, 'report.json'), 'utf8'));
    expect(report.splitShift.rows.map((x: { name: string }) => x.name)).toEqual(['most-popular', 'item-knn', 'user-knn']);
    // Its test side is the baselines' own test figure, fitted on the same (published) train.
    const pop = report.baselines.find((b: { name: string }) => b.name === 'most-popular');
    expect(report.splitShift.rows[0].test.recall['20']).toBeCloseTo(pop.recall['20'], 12);
    const md = fs.readFileSync(path.join(ARTIFACTS_DIR, 'lightgcn', v, 'report.md'), 'utf8');
    expect(md).toMatch(/Validation against test, without a model .*most-popular \d\.\d{4} → \d\.\d{4}/);
  }, 300_000);

  it('with --refit --blend retrains on train + validation for the selected epochs, saves that model, reports the blend as the headline with the model alone and the selected weights beside it; --resume reuses the finished refit', async () => {
    const v = `${version}-refit`;
    const argv = ['--dataset', dataset, '--model', 'lightgcn', '--epochs', '2', '--eval-every', '1', '--baselines', 'none', '--batch', '128', '--refit', '--blend'];
    const r = await startCli('src/cli/train.ts', [...argv, '--version', v], cliEnv({ GIFTGRAPH_TRUTH_DIR: truthDir })).done;
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/refit on train \+ validation for the selected \d epochs/);
    const read = (version: string) => JSON.parse(fs.readFileSync(path.join(ARTIFACTS_DIR, 'lightgcn', version, 'report.json'), 'utf8'));
    const report = read(v);
    expect(report.refit.epochs).toBe(report.fit.bestEpoch);
    expect(report.refit.epochs).toBeGreaterThanOrEqual(1);
    expect(report.selected.test.users).toBe(report.test.users);
    const md = fs.readFileSync(path.join(ARTIFACTS_DIR, 'lightgcn', v, 'report.md'), 'utf8');
    expect(md).toMatch(/validation-selected weights \(train without validation\)/);
    expect(md).toMatch(/, alone \|/);
    // No friendship weight for plain LightGCN: α alone is chosen, (0, 0) among the candidates.
    expect(report.blend.selection.rows.map((x: { weights: { social: number } }) => x.weights.social)).toEqual(report.blend.selection.rows.map(() => 0));
    expect(report.blend.selection.rows).toContainEqual(expect.objectContaining({ weights: { itemKnn: 0, social: 0 } }));
    expect(report.blend.modelOnly.test.users).toBe(report.test.users);
    expect(new ArtifactStore(ARTIFACTS_DIR).get('lightgcn', v)!.manifest.hyperparameters.blend).toEqual(report.blend.selection.selected);

    const again = await startCli('src/cli/train.ts', [...argv, '--version', `${v}-again`, '--resume'], cliEnv({ GIFTGRAPH_TRUTH_DIR: truthDir })).done;
    expect(again.code).toBe(0);
    // Both loops resume: the selection run's at its last epoch, the refit's finished.
    expect(`${again.stdout}${again.stderr}`.match(/resuming from epoch/g)).toHaveLength(2);
    // The refit has no validation, so its resume names no best validation figure.
    expect(`${again.stdout}${again.stderr}`).toMatch(/resuming from epoch \d+ \(no validation: a fixed number of epochs\)/);
    expect(`${again.stdout}${again.stderr}`.match(/best validation R@20/g)).toHaveLength(1);
    const second = read(`${v}-again`);
    expect(second.test).toEqual(report.test);
    expect(second.refit.ms).toBe(report.refit.ms);
  }, 300_000);

  it('with --refit-from-selected N continues the validation-selected weights on train + validation for N epochs (0: only propagates them over the whole train graph; --refit-lr sets their rate); redoes a finished refit once the selection loop has run on and selected a later epoch; refuses it beside --refit, and --refit-lr without it', async () => {
    const read = (version: string) => JSON.parse(fs.readFileSync(path.join(ARTIFACTS_DIR, 'lightgcn', version, 'report.json'), 'utf8'));
    const base = ['--dataset', dataset, '--model', 'lightgcn', '--epochs', '2', '--eval-every', '1', '--baselines', 'none', '--batch', '128'];
    const one = await startCli('src/cli/train.ts', [...base, '--refit-from-selected', '1', '--version', `${version}-warm1`], cliEnv({ GIFTGRAPH_TRUTH_DIR: truthDir })).done;
    expect(one.code).toBe(0);
    expect(`${one.stdout}${one.stderr}`).toMatch(/refit: continuing the validation-selected weights on train \+ validation for 1 epochs/);
    const r1 = read(`${version}-warm1`);
    expect(r1.refit).toMatchObject({ from: 'selected', epochs: 1 });
    expect(r1.refit.ms).toBeGreaterThan(0);
    expect(fs.readFileSync(path.join(ARTIFACTS_DIR, 'lightgcn', `${version}-warm1`, 'report.md'), 'utf8')).toMatch(/validation-selected weights continued on train \+ validation for 1 epochs/);

    const zero = await startCli('src/cli/train.ts', [...base, '--refit-from-selected', '0', '--resume', '--version', `${version}-warm0`], cliEnv({ GIFTGRAPH_TRUTH_DIR: truthDir })).done;
    expect(zero.code).toBe(0);
    const r0 = read(`${version}-warm0`);
    expect(r0.refit).toEqual({ from: 'selected', epochs: 0, ms: 0 });
    // The same selected weights: only the graph they propagate over differs from `selected`.
    expect(r0.selected.test).toEqual(r1.selected.test);
    expect(r0.test.users).toBe(r0.selected.test.users);

    const slow = await startCli('src/cli/train.ts', [...base, '--refit-from-selected', '1', '--refit-lr', '0.0005', '--version', `${version}-warm1-lr`], cliEnv({ GIFTGRAPH_TRUTH_DIR: truthDir })).done;
    expect(slow.code).toBe(0);
    expect(read(`${version}-warm1-lr`).refit).toMatchObject({ from: 'selected', epochs: 1, lr: 0.0005 });
    expect(fs.readFileSync(path.join(ARTIFACTS_DIR, 'lightgcn', `${version}-warm1-lr`, 'report.md'), 'utf8')).toMatch(/continued on train \+ validation for 1 epochs at lr 0.0005/);

    // The selection loop runs on (--epochs 3 --resume) and selects a later epoch: the
    // finished refit of the epoch-2 weights is not reused but redone from the new ones.
    const later = await startCli('src/cli/train.ts', [...base.map((a) => (a === '2' ? '3' : a)), '--resume', '--refit-from-selected', '1', '--refit-lr', '0.0005', '--version', `${version}-warm1-later`], cliEnv({ GIFTGRAPH_TRUTH_DIR: truthDir })).done;
    expect(later.code).toBe(0);
    const rl = read(`${version}-warm1-later`);
    expect([read(`${version}-warm1-lr`).fit.bestEpoch, rl.fit.bestEpoch]).toEqual([2, 3]);
    const laterLog = `${later.stdout}${later.stderr}`;
    expect(laterLog).toMatch(/resuming from epoch 2 \(best validation R@20/);
    expect(laterLog).toMatch(/not resuming: the checkpoint in \S+refit-from-selected was written with \{[^}]*"selectedEpoch":2[^}]*\}, this run is \{[^}]*"selectedEpoch":3[^}]*\}; starting afresh/);
    expect(rl.refit).toMatchObject({ from: 'selected', epochs: 1, lr: 0.0005 });
    expect(rl.refit.ms).toBeGreaterThan(0);

    const both = await startCli('src/cli/train.ts', [...base, '--refit', '--refit-from-selected', '1'], cliEnv()).done;
    expect(both.code).toBe(1);
    expect(both.stderr).toMatch(/BAD_USER_INPUT.*--refit and --refit-from-selected exclude each other/);
    const lrAlone = await startCli('src/cli/train.ts', [...base, '--refit', '--refit-lr', '0.001'], cliEnv()).done;
    expect(lrAlone.code).toBe(1);
    expect(lrAlone.stderr).toMatch(/BAD_USER_INPUT.*--refit-lr goes with --refit-from-selected N/);
  }, 300_000);

  it('with --lr-decay F records the rate each epoch trained at in the report and the decay in the manifest, and refits from the selected weights at their rate; refuses F outside (0, 1), a scratch --refit (also on a resume without the flag), --lr-decay-after alone and sage', async () => {
    const base = ['--dataset', dataset, '--model', 'lightgcn', '--epochs', '8', '--eval-every', '1', '--patience', '8', '--baselines', 'none', '--batch', '128', '--lr', '0.02'];
    const r = await startCli('src/cli/train.ts', [...base, '--lr-decay', '0.5', '--lr-decay-after', '1', '--refit-from-selected', '1', '--version', `${version}-decay`], cliEnv({ GIFTGRAPH_TRUTH_DIR: truthDir })).done;
    expect(r.code).toBe(0);
    const dir = path.join(ARTIFACTS_DIR, 'lightgcn', `${version}-decay`);
    const report = JSON.parse(fs.readFileSync(path.join(dir, 'report.json'), 'utf8'));
    const scales = report.fit.history.map((h: { lrScale?: number }) => h.lrScale);
    expect(scales).toHaveLength(8);
    expect(scales[0]).toBe(1);
    // At lr 0.02 on 200 users validation stalls within the 8 epochs: the rate did decay.
    expect(scales.at(-1)).toBeLessThan(1);
    // afterEvals 1: the rate halves after every evaluation without a gain (the one ending the run excepted).
    const noGain = report.fit.history.map((h: { metric: number }, k: number) => k > 0 && h.metric <= Math.max(...report.fit.history.slice(0, k).map((x: { metric: number }) => x.metric)));
    for (let k = 1; k < 8; k++) expect(scales[k]).toBe(scales[k - 1] * (noGain[k - 1] ? 0.5 : 1));
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')).hyperparameters.lrDecay).toEqual({ factor: 0.5, afterEvals: 1 });
    // The refit continues the selected weights at the rate they were trained at: here the
    // best epoch (3) came after a decay, so that rate is recorded as the refit's.
    const selectedScale = scales[report.fit.bestEpoch - 1];
    expect(selectedScale).toBeLessThan(1);
    expect(report.refit).toMatchObject({ from: 'selected', epochs: 1, lr: 0.02 * selectedScale });
    // Resumed without the flag, the decayed run still refuses a scratch refit (after its selection loop, which has nothing left to train).
    const scratch = await startCli('src/cli/train.ts', [...base, '--resume', '--refit', '--version', `${version}-decay`], cliEnv({ GIFTGRAPH_TRUTH_DIR: truthDir })).done;
    expect(scratch.code).toBe(1);
    expect(scratch.stderr).toMatch(/learning rate decayed, and a scratch refit retrains at one rate/);

    for (const [extra, message] of [
      [['--lr-decay', '1.5'], /--lr-decay must be between 0 and 1/],
      [['--lr-decay', '0.5', '--refit'], /--lr-decay and --refit exclude each other/],
      [['--lr-decay-after', '2'], /--lr-decay-after goes with --lr-decay F/],
    ] as const) {
      const bad = await startCli('src/cli/train.ts', [...base, ...extra], cliEnv()).done;
      expect(bad.code).toBe(1);
      expect(bad.stderr).toMatch(new RegExp(`BAD_USER_INPUT.*${message.source}`));
    }
    const sage = await startCli('src/cli/train.ts', ['--dataset', dataset, '--model', 'sage', '--lr-decay', '0.5'], cliEnv()).done;
    expect(sage.code).toBe(1);
    expect(sage.stderr).toMatch(/BAD_USER_INPUT.*--lr-decay is for lightgcn and socialgcn/);
  }, 300_000);

  it('with --loss softmax trains a cosine model with its own checkpoints and records the loss in the manifest and card; refuses a loss it does not know', async () => {
    const v = `${version}-softmax`;
    const argv = ['--dataset', dataset, '--model', 'lightgcn', '--epochs', '1', '--baselines', 'none', '--batch', '128', '--loss', 'softmax', '--negatives', '16', '--temperature', '0.2', '--version', v];
    const r = await startCli('src/cli/train.ts', argv, cliEnv({ GIFTGRAPH_TRUTH_DIR: truthDir })).done;
    expect(r.code).toBe(0);
    const ref = new ArtifactStore(ARTIFACTS_DIR).get('lightgcn', v)!;
    expect(ref.manifest.hyperparameters.loss).toEqual({ kind: 'softmax', negatives: 16, temperature: 0.2 });
    expect(JSON.parse(fs.readFileSync(path.join(ref.dir, 'model.json'), 'utf8')).config.similarity).toBe('cosine');
    expect(fs.readFileSync(path.join(ref.dir, 'MODEL_CARD.md'), 'utf8')).toMatch(/sampled-softmax loss \(16 shared uniform negatives, τ 0.2\), cosine scores/);
    expect(fs.existsSync(path.join(PROJECT_ROOT, 'var', 'checkpoints', `lightgcn-${dataset}-softmax`, 'state.json'))).toBe(true);

    const bad = await startCli('src/cli/train.ts', ['--dataset', dataset, '--model', 'lightgcn', '--loss', 'hinge'], cliEnv()).done;
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/BAD_USER_INPUT.*--loss must be bpr or softmax/);
    const stray = await startCli('src/cli/train.ts', ['--dataset', dataset, '--model', 'lightgcn', '--negatives', '8'], cliEnv()).done;
    expect(stray.code).toBe(1);
    expect(stray.stderr).toMatch(/BAD_USER_INPUT.*--negatives and --temperature go with --loss softmax/);
  }, 300_000);

  it('refuses an unknown model with a coded error', async () => {
    const r = await startCli('src/cli/train.ts', ['--dataset', dataset, '--model', 'gpt'], cliEnv()).done;
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/BAD_USER_INPUT.*--model/);
  });

  it('hands a head its own flags, and the head refuses one it does not know or a bad number with a coded error', async () => {
    const unknown = await startCli('src/cli/train.ts', ['--model', 'squad', '--dataset', dataset, '--hiden', '8'], cliEnv()).done;
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/BAD_USER_INPUT.*unknown flag --hiden; known: .*--hidden/);
    const bad = await startCli('src/cli/train.ts', ['--model', 'gift-recipient', '--dataset', dataset, '--lr', '-0.1'], cliEnv()).done;
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/BAD_USER_INPUT.*--lr must be a non-negative number; got "-0.1"/);
  });
});
