// One multi-call executable: it acts on the name it was started under.
import { basename } from 'node:path';
import { runCli } from './entry/cli.js';
import { runHook } from './entry/hook.js';
import { exitCodeOf } from './util/errors.js';

const HOOK_NAME = 'uplink-load-balancing';
const CRON_NAME = 'cron-check';

function invokedName(): string {
  // A single executable sees its link name in argv0; `node bundle.cjs` in argv[1].
  const name = basename(process.argv0);
  return name === 'node' ? basename(process.argv[1] ?? '') : name;
}

async function main(): Promise<number> {
  const env = process.env;
  const args = process.argv.slice(2);
  try {
    const name = invokedName();
    if (name === HOOK_NAME) return runHook(env);
    if (name === CRON_NAME) return await runCli(['check', ...args], env);
    return await runCli(args, env);
  } catch (err) {
    process.stderr.write(`uplink-lb: ${err instanceof Error ? err.message : String(err)}\n`);
    return exitCodeOf(err);
  }
}

void main().then((code) => {
  process.exitCode = code;
});
