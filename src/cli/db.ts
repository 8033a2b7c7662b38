/**
 * `npm run db:start|db:stop|db:status`: composition root for the embedded Neo4j.
 *
 * Prints one line per command on stdout (logs go to stderr). Exit 0 on success, including
 * "already running" and "not running"; exit 1 with `error [CODE]: message` on failure;
 * exit 2 on a bad command line. With NEO4J_URI set nothing is started or stopped:
 * status checks that the external server answers instead.
 */
import { loadConfig, PROJECT_ROOT, type Config } from '../config/config';
import { ErrorCode } from '../errors/codes';
import { consoleLogger, type Logger } from '../logging/logger';
import { probeBolt } from '../graph/embedded/bolt-probe';
import { embeddedStatus, startEmbedded, stopEmbedded } from '../graph/embedded/server';
import { UnreachableCaseError } from '../errors/errors';

const COMMANDS = ['start', 'stop', 'status'] as const;
type Command = (typeof COMMANDS)[number];

function isCommand(s: string | undefined): s is Command {
  return (COMMANDS as readonly string[]).includes(s ?? '');
}

async function run(command: Command, config: Config, logger: Logger, out: (line: string) => void): Promise<number> {
  const target = config.neo4j;
  if (target.kind === 'external') {
    switch (command) {
      case 'start':
      case 'stop':
        out(`NEO4J_URI is set: using the external Neo4j at ${target.uri}; nothing ${command === 'start' ? 'started' : 'stopped'}`);
        return 0;
      case 'status': {
        const probe = await probeBolt({
          uri: target.uri,
          auth: { kind: 'basic', user: target.user, password: target.password },
          database: target.database,
          timeoutMs: 10_000,
        });
        if (!probe.ok) {
          printError(ErrorCode.GRAPH_UNAVAILABLE, `the external Neo4j at ${target.uri} (NEO4J_URI) does not answer: ${probe.error}`);
          return 1;
        }
        out(`external neo4j reachable at ${target.uri} (${probe.serverAgent}, database ${target.database})`);
        return 0;
      }
      default:
        throw new UnreachableCaseError(command);
    }
  }

  const { home, boltPort, heap, pageCacheMb, classArchive } = target;
  switch (command) {
    case 'start': {
      const t0 = Date.now();
      const r = await startEmbedded({ projectRoot: PROJECT_ROOT, home, boltPort, heap, pageCacheMb, classArchive, logger });
      out(
        r.alreadyRunning
          ? `already running (pid ${r.pid}) ${r.boltUri} home=${home}`
          : `neo4j started (pid ${r.pid}) ${r.boltUri} home=${home} in ${((Date.now() - t0) / 1000).toFixed(1)}s`,
      );
      return 0;
    }
    case 'stop': {
      const r = await stopEmbedded({ home, logger });
      out(r.wasRunning ? `neo4j stopped (pid ${r.pid}) home=${home}` : `not running (home=${home})`);
      return 0;
    }
    case 'status': {
      const s = await embeddedStatus({ home, boltPort, logger });
      out(
        s.running
          ? `running (pid ${s.pid}) ${s.boltUri} ${s.boltReady ? 'bolt ready' : 'bolt not answering yet'} home=${home}`
          : `not running (home=${home})`,
      );
      return 0;
    }
    default:
      throw new UnreachableCaseError(command);
  }
}

function printError(code: string, message: string): void {
  process.stderr.write(`error [${code}]: ${message}\n`);
}

async function main(argv: readonly string[]): Promise<number> {
  const command = argv[0];
  if (!isCommand(command) || argv.length > 1) {
    process.stderr.write(`usage: db.ts ${COMMANDS.join('|')}\n`);
    return 2;
  }
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    printError(errorCode(err), err instanceof Error ? err.message : String(err));
    return 1;
  }
  const logger = consoleLogger(config.logLevel, 'db');
  try {
    return await run(command, config, logger, (line) => process.stdout.write(`${line}\n`));
  } catch (err) {
    printError(errorCode(err), err instanceof Error ? err.message : String(err));
    return 1;
  }
}

/** GiftgraphError and ConfigError carry a stable `code`; anything else is INTERNAL. */
function errorCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[A-Z_]+$/.test(code) ? code : ErrorCode.INTERNAL;
}

void main(process.argv.slice(2)).then((code) => {
  // exitCode (not exit()) lets stdout flush; the spawned JVM is unref'd and does not hold us.
  process.exitCode = code;
});
