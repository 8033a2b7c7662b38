#!/usr/bin/env node
// Runs a TypeScript entry point (a CLI or a benchmark) through swc, which keeps the
// decorator metadata type-graphql needs (esbuild-based runners drop it).
// Usage: node scripts/run.js <file.ts> [args...]
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const swcrc = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '.swcrc'), 'utf8'));
require('@swc/core');
const { addHook } = require('pirates');
const swc = require('@swc/core');
addHook(
  (code, filename) =>
    swc.transformSync(code, { ...swcrc, filename, swcrc: false, configFile: false }).code,
  { exts: ['.ts'], ignoreNodeModules: true },
);
// Stack traces mapped back to the .ts sources, except where GIFTGRAPH_SOURCE_MAPS=0 (what
// `npm start` sets by default): neo4j-driver reads a stack trace on every query, and
// mapping it cost ~14% of the API's CPU in the serve benchmark's profile.
if (process.env.GIFTGRAPH_SOURCE_MAPS !== '0') require('source-map-support/register');
const [, , entry, ...rest] = process.argv;
if (!entry) {
  console.error('usage: node scripts/run.js <entry.ts> [args...]');
  process.exit(2);
}
process.argv = [process.argv[0], path.resolve(entry), ...rest];
require(path.resolve(entry));
