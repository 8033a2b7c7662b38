#!/usr/bin/env node
// `npm test`: starts the test Neo4j (its own data directory and Bolt port, apart from the
// demo database), runs every jest tier, stops the server again — also when tests fail —
// and prints the number of tests per tier and the wall time.
//
// With NEO4J_URI set, the tests use that server and nothing is started, stopped or wiped.
// Extra arguments go to jest (e.g. `npm test -- test/unit`).
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const t0 = Date.now();
const external = Boolean(process.env.NEO4J_URI);
const testHome = path.join(root, 'var', 'neo4j', 'test');
const env = {
  ...process.env,
  GIFTGRAPH_NEO4J_HOME: process.env.GIFTGRAPH_TEST_NEO4J_HOME || testHome,
  GIFTGRAPH_BOLT_PORT: process.env.GIFTGRAPH_TEST_BOLT_PORT || '7688',
  GIFTGRAPH_NEO4J_HEAP: process.env.GIFTGRAPH_NEO4J_HEAP || '1g',
  GIFTGRAPH_NEO4J_PAGECACHE_MB: process.env.GIFTGRAPH_NEO4J_PAGECACHE_MB || '256',
  GIFTGRAPH_TRUTH_DIR: path.join(root, 'var', 'test-truth'),
  GIFTGRAPH_LOG_LEVEL: process.env.GIFTGRAPH_LOG_LEVEL || 'warn',
};
const db = (cmd) => spawnSync(process.execPath, [path.join(root, 'scripts', 'run.js'), 'src/cli/db.ts', cmd], { cwd: root, env, stdio: 'inherit' });

let jestStatus = 1;
try {
  if (!external) {
    db('stop'); // a server left by an interrupted run
    if (!process.env.GIFTGRAPH_TEST_KEEP_DATA) fs.rmSync(env.GIFTGRAPH_NEO4J_HOME, { recursive: true, force: true });
    const started = db('start');
    if (started.status !== 0) {
      // Integration tests must fail, not skip, without Neo4j: run them anyway so they report it.
      console.error('test neo4j did not start; integration and e2e tests will fail');
    }
  }
  // Migrate once before the workers start, so parallel test files never race to create
  // the schema on a fresh database (the runner also retries transient schema deadlocks).
  spawnSync(process.execPath, [path.join(root, 'scripts', 'run.js'), 'src/cli/migrate.ts'], { cwd: root, env, stdio: 'inherit' });
  const out = path.join(root, 'var', 'jest-results.json');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.rmSync(out, { force: true });
  const jest = spawnSync(
    process.execPath,
    [require.resolve('jest/bin/jest'), '--maxWorkers=2', '--json', `--outputFile=${out}`, ...process.argv.slice(2)],
    { cwd: root, env, stdio: 'inherit' },
  );
  jestStatus = jest.status ?? 1;
  report(out);
} finally {
  if (!external) db('stop');
}
console.log(`wall time ${((Date.now() - t0) / 1000).toFixed(0)} s`);
process.exit(jestStatus);

function report(file) {
  if (!fs.existsSync(file)) {
    console.log('no jest results written');
    return;
  }
  const r = JSON.parse(fs.readFileSync(file, 'utf8'));
  const tiers = {};
  for (const suite of r.testResults) {
    const tier = path.relative(path.join(root, 'test'), suite.name).split(path.sep)[0];
    const t = (tiers[tier] ??= { passed: 0, failed: 0, skipped: 0 });
    for (const a of suite.assertionResults) {
      if (a.status === 'passed') t.passed++;
      else if (a.status === 'failed') t.failed++;
      else t.skipped++;
    }
    if (suite.status === 'failed' && suite.assertionResults.length === 0) t.failed++; // a suite that could not load
  }
  console.log('\ntests per tier:');
  for (const [tier, t] of Object.entries(tiers)) console.log(`  ${tier.padEnd(12)} ${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped`);
  const passed = Object.values(tiers).reduce((s, t) => s + t.passed, 0);
  const failed = Object.values(tiers).reduce((s, t) => s + t.failed, 0);
  const skipped = Object.values(tiers).reduce((s, t) => s + t.skipped, 0);
  console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
}
