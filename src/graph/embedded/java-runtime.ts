import { EmbeddedServerError } from './errors';
import { runCommand, tailLines } from './exec';
import { LAUNCHER_MAIN_CLASS } from './process-probe';

/**
 * Which `java` runs the launcher, and with which flags. Neo4j 5.26 runs on Java 17 and 21.
 */

export const MIN_JAVA_MAJOR = 17;

/**
 * The JVM flags Neo4j 5's own packaging ships in the default neo4j.conf
 * (`server.jvm.additional`), minus the ones that do not apply embedded:
 * - the three `--add-opens` let Neo4j's page cache and Netty reach direct buffers and
 *   native I/O on Java 17+;
 * - `--enable-native-access` silences the native-access warning (accepted by 17 and 21);
 * - `-XX:+TrustFinalNonStaticFields` is left out: the Java reference says not to enable
 *   it in embedded mode; `-XX:+AlwaysPreTouch` is left out because it touches the whole
 *   heap up front and slows every start, which matters for a dev/test launcher.
 */
export const NEO4J_JVM_FLAGS: readonly string[] = [
  '-XX:+UseG1GC',
  '-XX:-OmitStackTraceInFastThrow',
  '-XX:+DisableExplicitGC',
  '-Djdk.nio.maxCachedBufferSize=1024',
  '-Dio.netty.tryReflectionSetAccessible=true',
  '-Dlog4j2.disable.jmx=true',
  '--add-opens=java.base/java.nio=ALL-UNNAMED',
  '--add-opens=java.base/java.io=ALL-UNNAMED',
  '--add-opens=java.base/sun.nio.ch=ALL-UNNAMED',
  '--enable-native-access=ALL-UNNAMED',
];

export interface LauncherCommandOptions {
  classpath: string;
  /** Absolute; the launcher's process is recognised later by this exact value. */
  home: string;
  boltPort: number;
  /** JVM -Xmx, like `1g` or `768m`. */
  heap: string;
  pageCacheMb: number;
  /** More JVM flags (the class archive's), after the standard ones. */
  jvmFlags?: readonly string[];
}

/** The argv (after the java executable) that runs the launcher. Pure. */
export function launcherArgs(o: LauncherCommandOptions): string[] {
  return [
    `-Xmx${o.heap}`,
    ...NEO4J_JVM_FLAGS,
    ...(o.jvmFlags ?? []),
    '-cp',
    o.classpath,
    LAUNCHER_MAIN_CLASS,
    '--home',
    o.home,
    '--bolt-port',
    String(o.boltPort),
    '--pagecache-mb',
    String(o.pageCacheMb),
  ];
}

/** Parses the major version out of `java -version` output ("17.0.15", "21", "1.8.0_392"). */
export function parseJavaMajor(versionOutput: string): number | undefined {
  const m = /version "(\d+)(?:\.(\d+))?/.exec(versionOutput);
  if (!m) return undefined;
  const first = Number(m[1]);
  return first === 1 && m[2] !== undefined ? Number(m[2]) : first;
}

/**
 * Checks that `javaBin` exists and is Java 17 or newer; returns its major version and what
 * `-version` printed (which names the exact runtime).
 * Throws EmbeddedServerError `java_missing` or `java_too_old`.
 */
export async function checkJava(javaBin = 'java'): Promise<{ major: number; version: string }> {
  const outcome = await runCommand(javaBin, ['-version']);
  if (outcome.kind === 'missing') {
    throw new EmbeddedServerError(
      'java_missing',
      `Java ("${javaBin}") is not on the PATH; the embedded Neo4j needs a JDK ${MIN_JAVA_MAJOR} or 21 ` +
        `(e.g. apt-get install openjdk-17-jdk-headless), or set NEO4J_URI to use an external Neo4j`,
      { java: javaBin },
    );
  }
  const major = outcome.code === 0 ? parseJavaMajor(outcome.output) : undefined;
  if (major === undefined || major < MIN_JAVA_MAJOR) {
    throw new EmbeddedServerError(
      'java_too_old',
      `the embedded Neo4j 5.26 needs Java ${MIN_JAVA_MAJOR} or 21, but "${javaBin} -version" said:\n${tailLines(outcome.output, 5)}`,
      { java: javaBin, major },
    );
  }
  return { major, version: outcome.output };
}
