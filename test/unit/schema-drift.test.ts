import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/config/config';
import { printGiftgraphSchema } from '../../src/api/print-schema';

describe('schema/schema.graphql', () => {
  it('matches the schema the code builds (run `npm run schema:emit` after changing src/api)', async () => {
    const committed = fs.readFileSync(path.join(PROJECT_ROOT, 'schema', 'schema.graphql'), 'utf8');
    expect(await printGiftgraphSchema()).toBe(committed);
  });
});
