import fs from 'node:fs';
import path from 'node:path';
import { ENV_DOCS, PROJECT_ROOT } from '../../src/config/config';
import { ErrorCode } from '../../src/errors/codes';

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
});
