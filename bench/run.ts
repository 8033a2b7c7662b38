import 'reflect-metadata';
import { BadInputError } from '../src/errors/errors';

/**
 * `npm run bench -- <name> [args]`: each benchmark is a module in bench/ exporting
 * `main(args)`; it prints its figures next to a baseline measured in the same run.
 */
const BENCHES: Record<string, () => Promise<{ main: (args: string[]) => Promise<void> }>> = {
  seed: () => import('./seed'),
  'tf-backends': () => import('./tf-backends'),
  train: () => import('./train'),
  refresh: () => import('./refresh'),
  serve: () => import('./serve'),
};

async function run(): Promise<void> {
  const [name, ...args] = process.argv.slice(2);
  const load = name ? BENCHES[name] : undefined;
  if (!load) {
    console.error(`usage: npm run bench -- <${Object.keys(BENCHES).join('|')}> [args]`);
    process.exitCode = 2;
    return;
  }
  await (await load()).main(args);
}

run().catch((e: unknown) => {
  // A bad flag is the caller's mistake: its coded message, without a stack.
  if (e instanceof BadInputError) console.error(`error [${e.code}]: ${e.message}`);
  else console.error(e);
  process.exitCode = 1;
});
