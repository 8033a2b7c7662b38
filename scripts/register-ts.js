// Lets Node require the project's TypeScript through swc, which keeps the decorator
// metadata type-graphql needs (esbuild-based runners drop it). Required by run.js (the
// CLIs and benchmarks) and by worker threads, which do not inherit the main thread's hook.
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const swcrc = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '.swcrc'), 'utf8'));
const swc = require('@swc/core');
const { addHook } = require('pirates');
addHook(
  (code, filename) =>
    swc.transformSync(code, { ...swcrc, filename, swcrc: false, configFile: false }).code,
  { exts: ['.ts'], ignoreNodeModules: true },
);
// Stack traces mapped back to the .ts sources, except where GIFTGRAPH_SOURCE_MAPS=0 (what
// `npm start` sets by default): neo4j-driver reads a stack trace on every query, and
// mapping it cost ~14% of the API's CPU in the serve benchmark's profile.
if (process.env.GIFTGRAPH_SOURCE_MAPS !== '0') require('source-map-support/register');
