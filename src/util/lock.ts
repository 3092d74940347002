// Serialises runs with flock(2) on a file in the run directory. The kernel drops the lock when
// its holder exits, however it dies, so a crashed run can never block later ones.
// Node has no flock; flock(1) locks the open file description it inherits as fd 3, which this
// process keeps open, so the lock stays ours after flock(1) exits.
import { openSync, closeSync } from 'node:fs';
import { FLOCK } from '../paths.js';
import { spawnSync } from 'node:child_process';

export class LockTimeout extends Error {}

export interface Lock {
  release(): void;
}

/** The lock, or undefined when another run still holds it after `waitSeconds`. */
export function tryAcquireLock(path: string, waitSeconds: number): Lock | undefined {
  try {
    return acquireLock(path, waitSeconds);
  } catch (err) {
    if (err instanceof LockTimeout) return undefined;
    throw err;
  }
}

export function acquireLock(path: string, waitSeconds: number): Lock {
  const fd = openSync(path, 'a', 0o600);
  const args = waitSeconds > 0 ? ['-x', '-w', String(waitSeconds), '3'] : ['-x', '-n', '3'];
  const result = spawnSync(FLOCK, args, { stdio: ['ignore', 'ignore', 'pipe', fd], encoding: 'utf8' });
  if (result.error || result.status !== 0) {
    closeSync(fd);
    if (result.status === 1) throw new LockTimeout(`${path}: another uplink-lb run still holds the lock after ${waitSeconds} s`);
    throw new Error(`${FLOCK} on ${path} failed: ${result.error?.message ?? result.stderr.trim()}`);
  }
  return { release: () => closeSync(fd) };
}

