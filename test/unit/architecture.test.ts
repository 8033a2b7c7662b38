import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/config/config';

/** Every .ts file under a folder, relative to the project root. */
function tsFiles(dir: string): string[] {
  const abs = path.join(PROJECT_ROOT, dir);
  if (!fs.existsSync(abs)) return [];
  return fs.readdirSync(abs, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.join(dir, f));
}

const imports = (file: string) =>
  [...fs.readFileSync(path.join(PROJECT_ROOT, file), 'utf8').matchAll(/(?:from|import|require\()\s*['"]([^'"]+)['"]/g)].map((m) => m[1]!);

const src = tsFiles('src');

describe('import boundaries (STYLE.md: the tree is the pipeline)', () => {
  it('only the graph access layer imports neo4j-driver', () => {
    const offenders = src.filter((f) => !f.startsWith('src/graph/') && imports(f).some((i) => i.startsWith('neo4j-driver')));
    expect(offenders).toEqual([]);
  });

  it('only src/api and src/server import type-graphql', () => {
    const offenders = src.filter((f) => !/^src\/(api|server)\//.test(f) && imports(f).includes('type-graphql'));
    expect(offenders).toEqual([]);
  });

  it('the synthetic world, features and ingest stages never import the API or the driver', () => {
    const offenders = src
      .filter((f) => /^src\/(world|import|ingest)\//.test(f))
      .filter((f) => imports(f).some((i) => i.includes('/api/') || i.includes('/server/') || i === 'neo4j-driver' || i === 'type-graphql'));
    expect(offenders).toEqual([]);
  });

  it('only evaluation code reads the hidden truth file (seed may write it)', () => {
    const readers = [...src, ...tsFiles('graph-models'), ...tsFiles('bench')].filter((f) =>
      /\breadTruthFile\b/.test(fs.readFileSync(path.join(PROJECT_ROOT, f), 'utf8')),
    );
    const allowed = (f: string) => f === 'src/world/truth.ts' || /(^|\/)evaluation\//.test(f);
    expect(readers.filter((f) => !allowed(f))).toEqual([]);
  });

  it('the request path flows one way: retrieval and ranking never import services or the API; services never import the API', () => {
    const upward = (f: string, banned: RegExp) => imports(f).some((i) => i.startsWith('.') && banned.test(path.join(path.dirname(f), i)));
    const offenders = [
      ...src.filter((f) => f.startsWith('src/retrieval/') && upward(f, /^src\/(services|api|server|ranking)\//)),
      ...src.filter((f) => f.startsWith('src/ranking/') && upward(f, /^src\/(services|api|server)\//)),
      ...src.filter((f) => f.startsWith('src/services/') && upward(f, /^src\/(api|server)\//)),
    ];
    expect(offenders).toEqual([]);
  });

  it('only the config module and composition roots (CLIs) read process.env', () => {
    const offenders = src.filter((f) => !f.startsWith('src/config/') && !f.startsWith('src/cli/') && /process\.env/.test(fs.readFileSync(path.join(PROJECT_ROOT, f), 'utf8')));
    expect(offenders).toEqual([]);
  });
});
