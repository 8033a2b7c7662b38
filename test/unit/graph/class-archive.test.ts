import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { classArchivePath, ensureClassArchive, useClassArchiveFlag, type ClassArchiveOptions } from '../../../src/graph/embedded/class-archive';
import { launcherArgs } from '../../../src/graph/embedded/java-runtime';
import type { LauncherArtifacts } from '../../../src/graph/embedded/launcher-build';
import { silentLogger } from '../../../src/logging/logger';

let dir: string;
let artifacts: LauncherArtifacts;

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'giftgraph-class-archive-test-'));
  const target = path.join(dir, 'target');
  await fs.mkdir(target);
  artifacts = { moduleDir: dir, jar: path.join(target, 'launcher.jar'), libDir: path.join(target, 'lib'), classpath: `${target}/launcher.jar:${target}/lib/*`, stampPath: path.join(target, 'stamp') };
  await fs.writeFile(artifacts.stampPath, 'build-1\n');
});

afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

function options(record: ClassArchiveOptions['record']): ClassArchiveOptions {
  return { artifacts, javaBin: 'java', javaVersion: 'openjdk version "17.0.15"', logger: silentLogger, record };
}

describe('class archive', () => {
  it('names another archive for another Java runtime or launcher build, the same one otherwise', async () => {
    const a = await classArchivePath(artifacts, 'openjdk version "17.0.15"');
    expect(await classArchivePath(artifacts, 'openjdk version "17.0.15"')).toBe(a);
    expect(await classArchivePath(artifacts, 'openjdk version "21.0.4"')).not.toBe(a);
    await fs.writeFile(artifacts.stampPath, 'build-2\n');
    expect(await classArchivePath(artifacts, 'openjdk version "17.0.15"')).not.toBe(a);
  });

  it('asks the recording server to write the archive at exit, and counts one that wrote nothing as failed', async () => {
    const flags: string[][] = [];
    const r = await ensureClassArchive(
      options(async (o) => {
        flags.push(o.jvmFlags);
        throw new Error('no server here');
      }),
    );
    expect(r).toBeNull();
    expect(flags).toHaveLength(1);
    expect(flags[0]![0]).toMatch(/^-XX:ArchiveClassesAtExit=.*\.partial-\d+$/);
  });

  it('remembers a failed recording: no archive, a marker saying why, and no second try for the same build and runtime', async () => {
    let calls = 0;
    const failing = options(async () => {
      calls++;
      throw new Error('JVM refused');
    });
    expect(await ensureClassArchive(failing)).toBeNull();
    expect(await ensureClassArchive(failing)).toBeNull();
    expect(calls).toBe(1);
    const file = await classArchivePath(artifacts, failing.javaVersion);
    expect(await fs.readFile(`${file}.failed`, 'utf8')).toContain('JVM refused');
    await expect(fs.stat(file)).rejects.toMatchObject({ code: 'ENOENT' });

    // A new launcher build tries again.
    await fs.writeFile(artifacts.stampPath, 'build-2\n');
    expect(await ensureClassArchive(failing)).toBeNull();
    expect(calls).toBe(2);
  });

  it('returns an archive already in place without recording', async () => {
    const file = await classArchivePath(artifacts, 'openjdk version "17.0.15"');
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, 'archive');
    expect(await ensureClassArchive(options(() => Promise.reject(new Error('must not record'))))).toBe(file);
  });

  it("puts the archive's flag among the JVM flags, before the classpath and the launcher's own arguments", () => {
    const args = launcherArgs({ classpath: 'cp', home: '/h', boltPort: 7687, heap: '1g', pageCacheMb: 64, jvmFlags: [useClassArchiveFlag('/a.jsa')] });
    expect(args.indexOf('-XX:SharedArchiveFile=/a.jsa')).toBeGreaterThan(0);
    expect(args.indexOf('-XX:SharedArchiveFile=/a.jsa')).toBeLessThan(args.indexOf('-cp'));
    expect(launcherArgs({ classpath: 'cp', home: '/h', boltPort: 7687, heap: '1g', pageCacheMb: 64 }).some((a) => a.includes('SharedArchiveFile'))).toBe(false);
  });
});
