import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { GraphClient } from '../../../src/graph/graph-client';
import { datasetCounts } from '../../../src/graph/queries/stats';
import { datasetNodeCount, sweepAbandonedRuns } from '../../../src/ingest/import-runs';
import { silentLogger } from '../../../src/logging/logger';
import { startCli } from '../../support/cli';
import { dropDataset, testGraph, uniqueDataset } from '../../support/graph';

describe('npm run import (the CLI, real Neo4j)', () => {
  let graph: GraphClient;
  let dir: string;
  const made: string[] = [];

  beforeAll(async () => {
    graph = await testGraph();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gg-import-'));
  });
  afterAll(async () => {
    for (const d of made) await dropDataset(graph, d);
    await graph.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('loads any dataset in the supported shapes with no code change: TSV files with other names', async () => {
    const dataset = uniqueDataset('tsv');
    made.push(dataset);
    fs.writeFileSync(path.join(dir, 'plays.tsv'), 'userId\titemId\n1\t10\n1\t11\n2\t10\n3\t12\n');
    fs.writeFileSync(path.join(dir, 'buddies.tsv'), 'userId\tfriendId\n1\t2\n2\t1\n2\t3\n');
    const run = startCli('src/cli/import.ts', ['--dataset', dataset, '--interactions', path.join(dir, 'plays.tsv'), '--social', path.join(dir, 'buddies.tsv')]);
    const r = await run.done;
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    const counts = await datasetCounts(graph, dataset);
    expect(counts.nodes.User).toBe(3);
    expect(counts.nodes.Item).toBe(3);
    expect(counts.relationships.PURCHASED).toBe(4);
    expect(counts.relationships.FRIEND).toBe(2);
  });

  it('writes nothing when a line is invalid, and names the file and line', async () => {
    const dataset = uniqueDataset('bad');
    fs.writeFileSync(path.join(dir, 'bad.csv'), 'user,item\n1,10\n2\n');
    const r = await startCli('src/cli/import.ts', ['--dataset', dataset, '--interactions', path.join(dir, 'bad.csv')]).done;
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/IMPORT_INVALID/);
    expect(r.stderr).toMatch(/bad\.csv:3/);
    expect(await datasetNodeCount(graph, dataset)).toBe(0);
  });

  /** A dataset big enough that its load takes several seconds: 6k users x 40 items. */
  function bigFile(): string {
    const file = path.join(dir, 'big.csv');
    if (!fs.existsSync(file)) {
      const lines = ['user,item'];
      for (let u = 0; u < 6000; u++) for (let k = 0; k < 40; k++) lines.push(`${u},${(u * 7 + k * 13) % 4000}`);
      fs.writeFileSync(file, lines.join('\n') + '\n');
    }
    return file;
  }

  async function untilWriting(dataset: string): Promise<void> {
    for (let i = 0; i < 600; i++) {
      const rows = await graph.query("MATCH (r:ImportRun {dataset: $ds, status: 'RUNNING'}) RETURN r.id AS id", { ds: dataset });
      if (rows.length && (await graph.query('MATCH (u:User {dataset: $ds}) RETURN count(u) AS c', { ds: dataset }))[0]!.c) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the import never started writing');
  }

  it('an import stopped midway by SIGTERM removes its run: nothing of it remains', async () => {
    const dataset = uniqueDataset('term');
    made.push(dataset);
    const run = startCli('src/cli/import.ts', ['--dataset', dataset, '--interactions', bigFile()]);
    await untilWriting(dataset);
    run.child.kill('SIGTERM');
    const r = await run.done;
    expect(r.code).not.toBe(0);
    expect(await datasetNodeCount(graph, dataset)).toBe(0);
    expect((await graph.query('MATCH (r:ImportRun {dataset: $ds}) RETURN count(r) AS c', { ds: dataset }))[0]!.c).toBe(0);
  });

  it('an import killed with SIGKILL midway is removed by the next run’s sweep', async () => {
    const dataset = uniqueDataset('kill');
    made.push(dataset);
    const run = startCli('src/cli/import.ts', ['--dataset', dataset, '--interactions', bigFile()]);
    await untilWriting(dataset);
    run.child.kill('SIGKILL');
    await run.done;
    expect(await datasetNodeCount(graph, dataset)).toBeGreaterThan(0); // it really was midway
    const swept = await sweepAbandonedRuns(graph, silentLogger);
    expect(swept.length).toBeGreaterThanOrEqual(1);
    expect(await datasetNodeCount(graph, dataset)).toBe(0);
  });
});
