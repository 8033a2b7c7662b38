import fs from 'node:fs';
import path from 'node:path';
import { ENV_DOCS, PROJECT_ROOT } from '../../src/config/config';
import { ErrorCode } from '../../src/errors/codes';
import { API_NODE_FLAGS } from '../../src/server/node-flags';

const read = (p: string) => fs.readFileSync(path.join(PROJECT_ROOT, p), 'utf8');

describe('documented contracts', () => {
  it('lists every error code in schema/errors.md, and nothing else', () => {
    const documented = [...read('schema/errors.md').matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]).sort();
    expect(documented).toEqual(Object.values(ErrorCode).sort());
  });

  it('documents every environment variable in the README with its default', () => {
    const readme = read('README.md');
    for (const v of ENV_DOCS) {
      expect(readme).toContain(`| \`${v.name}\` |`);
    }
  });

  it("gives `npm start` the API's V8 flags (the serve bench's API child gets the same list)", () => {
    const start = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts.start!;
    const nodeArgs = start.slice(start.indexOf(' node ') + 6, start.indexOf(' scripts/run.js')).split(' ');
    expect(nodeArgs).toEqual([...API_NODE_FLAGS]);
  });
});
