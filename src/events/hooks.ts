// The event hooks: executables in /etc/uplink-lb/events.d, named as run-parts(8) wants (letters,
// digits, _ and -; no dots, so editor backups and dpkg leftovers never run), run in name order.
// Each hears one event, as environment variables and as one JSON object on stdin, and gets
// EVENT_TIMEOUT seconds: then its whole process group gets SIGTERM, and SIGKILL 2 s later.
import { monotonicMs } from '../util/clock.js';
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Transition } from '../state/transitions.js';

const NAME = /^[A-Za-z0-9_-]+$/;
const KILL_AFTER_MS = 2000;

/** The hooks to run, in order; entries that must not run are named through `warn`. */
export function listHooks(dir: string, warn: (text: string) => void): string[] {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return [];
  }
  const hooks: string[] = [];
  for (const name of names) {
    if (!NAME.test(name)) continue; // run-parts skips these silently too
    const path = join(dir, name);
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat?.isFile() || (stat.mode & 0o111) === 0) continue;
    if (stat.uid !== 0 && stat.uid !== process.getuid?.()) warn(`${path}: owned by uid ${stat.uid}, not root: not run`);
    else if ((stat.mode & 0o022) !== 0) warn(`${path}: writable by group or others: not run`);
    else hooks.push(path);
  }
  return hooks;
}

/** The event as a hook gets it. */
export function eventObject(event: Transition): Record<string, string | number | null> {
  return { version: 1, event: event.event, device: event.device ?? null, cause: event.cause, at: event.at, time: new Date(event.at).toISOString() };
}

export interface HookOutcome {
  hook: string;
  result: 'ok' | 'failed' | 'timeout';
  detail: string;
  ms: number;
}

export function runEventHook(hook: string, event: Transition, timeoutMs: number): Promise<HookOutcome> {
  const started = monotonicMs();
  const env = {
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    LC_ALL: 'C',
    UPLINK_LB_EVENT: event.event,
    UPLINK_LB_DEVICE: event.device ?? '',
    UPLINK_LB_CAUSE: event.cause,
    UPLINK_LB_TIME: new Date(event.at).toISOString(),
  };
  return new Promise((resolve) => {
    // a group of its own: a timeout stops the hook and whatever it started
    const child = spawn(hook, [], { stdio: ['pipe', 'ignore', 'pipe'], env, detached: true });
    let stderr = '';
    let timedOut = false;
    const signal = (name: NodeJS.Signals): void => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, name);
      } catch {
        // gone already
      }
    };
    const term = setTimeout(() => {
      timedOut = true;
      signal('SIGTERM');
    }, timeoutMs);
    const kill = setTimeout(() => signal('SIGKILL'), timeoutMs + KILL_AFTER_MS);
    child.stderr.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-2000);
    });
    child.stdin.on('error', () => {
      // a hook that does not read stdin
    });
    child.stdin.end(`${JSON.stringify(eventObject(event))}\n`);
    const done = (result: HookOutcome['result'], detail: string): void => {
      clearTimeout(term);
      clearTimeout(kill);
      resolve({ hook, result, detail, ms: Math.round(monotonicMs() - started) });
    };
    child.on('error', (err) => done('failed', err.message));
    child.on('exit', (code, sig) => {
      const last = stderr.trim().split('\n').at(-1) ?? '';
      if (timedOut) done('timeout', `stopped after ${timeoutMs / 1000} s`);
      else if (code === 0) done('ok', '');
      else done('failed', `${code === null ? `killed by ${sig}` : `exit ${code}`}${last ? `: ${last}` : ''}`);
    });
  });
}
