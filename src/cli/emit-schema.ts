import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../config/config';
import { printGiftgraphSchema } from '../api/print-schema';
import { runCli } from './args';

/** `npm run schema:emit`: writes schema/schema.graphql (committed; a test fails on drift). */
runCli(async () => {
  const file = path.join(PROJECT_ROOT, 'schema', 'schema.graphql');
  fs.writeFileSync(file, await printGiftgraphSchema());
  console.log(`wrote ${path.relative(PROJECT_ROOT, file)}`);
});
