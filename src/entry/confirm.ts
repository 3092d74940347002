// `apply --confirm SECONDS`, `confirm` and `rollback [--wait]`: for someone changing the
// configuration over SSH through one of the uplinks. Like `netplan try`: apply, and unless
// confirmed in time, put the configuration in force before back into the file and re-apply it.
import { bootId, monotonicMs, wallOf } from '../util/clock.js';
import { randomUUID } from 'node:crypto';
import { spawn } from 'node:child_process';
import { basename } from 'node:path';
import { readFileSync, statSync, unlinkSync } from 'node:fs';
import type { Config } from '../config/types.js';
import { reconcile } from '../pipeline/reconcile.js';
import { configBefore } from '../state/applied.js';
import { readPending, removePending, writePending, type Pending } from '../state/pending.js';
import { ensureRunDir, writeAtomic } from '../state/rundir.js';
import { UsageError } from '../util/errors.js';
import type { Log } from '../util/log.js';
import { loadConfiguration } from './context.js';
import { sleep } from '../util/sleep.js';

const CONFIRM_MIN_SECONDS = 10;
const CONFIRM_MAX_SECONDS = 3600;

export function parseConfirmSeconds(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < CONFIRM_MIN_SECONDS || Number(text) > CONFIRM_MAX_SECONDS) {
    throw new UsageError(`--confirm needs a number of seconds from ${CONFIRM_MIN_SECONDS} to ${CONFIRM_MAX_SECONDS}, got "${text}"`);
  }
  return Number(text);
}

/** Starts `uplink-lb rollback --wait` in its own session, so it outlives a dropped SSH login. */
function startWaiter(path: string): void {
  const bundle = basename(process.execPath) === 'node' ? [process.argv[1] ?? ''] : [];
  const child = spawn(process.execPath, [...bundle, '--config', path, 'rollback', '--wait'], {
    argv0: 'uplink-lb',
    detached: true,
    stdio: 'ignore',
    env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' },
  });
  child.unref();
}

export function applyWithConfirm(config: Config, path: string, seconds: number, log: Log): number {
  ensureRunDir();
  const pending = readPending(log);
  // A second try while one is pending still goes back to the configuration before the first.
  const previous = pending?.previous ?? configBefore(config.text);
  if (previous === undefined) {
    throw new UsageError('nothing has been applied since boot to roll back to: run `uplink-lb apply` once without --confirm');
  }
  reconcile(config, log);
  const deadline = monotonicMs() + seconds * 1000;
  writePending({ token: randomUUID(), deadline, boot: bootId(), path, previous });
  startWaiter(path);
  const at = new Date(wallOf(deadline)).toTimeString().slice(0, 8);
  process.stdout.write(`applied; run \`uplink-lb confirm\` within ${seconds} s, or at ${at} ${path} goes back to the configuration before and that is applied\n`);
  return 0;
}

export function confirmPending(log: Log): number {
  const pending = readPending(log);
  if (!pending) {
    process.stderr.write('uplink-lb: no `apply --confirm` is waiting (it may have been rolled back: see uplink-lb status and the system log)\n');
    return 1;
  }
  removePending();
  log.info(`confirmed: ${pending.path} stays as applied`);
  process.stdout.write(`confirmed: ${pending.path} stays as applied\n`);
  return 0;
}

/** Writes `text` over `path` atomically, keeping the file's mode (0600 for a new file). */
function restoreFile(path: string, text: string): void {
  let mode = 0o600;
  try {
    mode = statSync(path).mode & 0o7777;
  } catch {
    // gone: written anew
  }
  writeAtomic(path, text, mode);
}

function readOrEmpty(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function rollBackNow(pending: Pending, log: Log): number {
  removePending();
  const current = readOrEmpty(pending.path);
  if (current !== pending.previous) {
    writeAtomic(`${pending.path}.unconfirmed`, current);
    restoreFile(pending.path, pending.previous);
  }
  log.warn(`apply --confirm was not confirmed: ${pending.path} holds the configuration before again (the unconfirmed one is ${pending.path}.unconfirmed)`);
  const { config } = loadConfiguration({}, pending.path);
  if ('problem' in config) {
    log.error(`rollback: the configuration before is invalid, nothing applied:\n${config.problem}`);
    return 1;
  }
  try {
    reconcile(config.value, log);
  } catch (err) {
    // the waiter has no terminal: the log is where this is read
    log.error(`rollback: ${(err as Error).message}`);
    return 1;
  }
  log.info('rollback applied');
  return 0;
}


/** Rolls a pending `apply --confirm` back: now, or with `wait` at its deadline unless confirmed first. */
export async function rollbackPending(wait: boolean, log: Log): Promise<number> {
  const pending = readPending(log);
  if (!pending) {
    if (wait) return 0;
    process.stderr.write('uplink-lb: no `apply --confirm` is waiting; nothing to roll back\n');
    return 1;
  }
  if (wait) {
    for (;;) {
      // another boot's deadline (a run directory that outlived a reboot) has passed
      const remaining = pending.boot === bootId() ? pending.deadline - monotonicMs() : 0;
      if (remaining <= 0) break;
      await sleep(Math.min(remaining, 1000));
      // confirmed, or replaced by a newer try (which has its own waiter)
      if (readPending(log)?.token !== pending.token) return 0;
    }
  }
  return rollBackNow(pending, log);
}
