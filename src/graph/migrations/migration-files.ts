import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { BadInputError } from '../../errors/errors';

/** One versioned Cypher file, e.g. `V001__constraints.cypher`. */
export interface MigrationFile {
  version: number;
  file: string;
  checksum: string;
  /** Statements in file order; `//` comment lines removed; split on a `;` that ends a line. */
  statements: string[];
}

const NAME = /^V(\d{3,})__([a-z0-9_]+)\.cypher$/;

export function readMigrationFiles(dir: string): MigrationFile[] {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.cypher')).sort();
  const out: MigrationFile[] = [];
  for (const file of files) {
    const m = NAME.exec(file);
    if (!m) throw new BadInputError(`migration file ${file} does not match V<NNN>__<name>.cypher`, { file });
    const text = fs.readFileSync(path.join(dir, file), 'utf8').replace(/\r\n/g, '\n');
    out.push({ version: Number(m[1]), file, checksum: sha256(text), statements: splitStatements(text) });
  }
  const seen = new Set<number>();
  for (const f of out) {
    if (seen.has(f.version)) throw new BadInputError(`two migration files share version ${f.version}`, { file: f.file });
    seen.add(f.version);
  }
  return out.sort((a, b) => a.version - b.version);
}

export function splitStatements(text: string): string[] {
  const body = text
    .split('\n')
    .filter((l) => !l.trim().startsWith('//'))
    .join('\n');
  return body
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
