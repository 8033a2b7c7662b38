#!/usr/bin/env node
// Runs a TypeScript entry point (a CLI or a benchmark) through swc (register-ts.js).
// Usage: node scripts/run.js <file.ts> [args...]
'use strict';
const path = require('node:path');
require('./register-ts');
const [, , entry, ...rest] = process.argv;
if (!entry) {
  console.error('usage: node scripts/run.js <entry.ts> [args...]');
  process.exit(2);
}
process.argv = [process.argv[0], path.resolve(entry), ...rest];
require(path.resolve(entry));
