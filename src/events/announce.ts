// Hands transitions to the event hooks without waiting for them: spools them and starts a
// detached dispatcher (uplink-lb dispatch-events). Costs nothing when no hook is installed.
import { spawn } from 'node:child_process';
import { isSea } from 'node:sea';
import { spoolEvents } from '../state/event-spool.js';
import type { Transition } from '../state/transitions.js';
import { listHooks } from './hooks.js';

/** `dir`: EVENT_HOOKS_DIR. */
export function announce(events: readonly Transition[], dir: string): void {
  if (events.length === 0 || listHooks(dir, () => undefined).length === 0) return;
  try {
    spoolEvents(events);
    // the executable itself (or, in development, node running the bundle)
    const argv = isSea() ? [process.execPath] : [process.execPath, process.argv[1] ?? ''];
    const child = spawn(argv[0] ?? '', [...argv.slice(1), 'dispatch-events'], { stdio: 'ignore', detached: true, env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', ...pick(process.env, 'UPLINK_LB_CONFIG') } });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // the hooks are a notification: never let them fail a run
  }
}

function pick(env: NodeJS.ProcessEnv, name: string): Record<string, string> {
  const value = env[name];
  return value === undefined ? {} : { [name]: value };
}
