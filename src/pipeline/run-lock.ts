// The run lock: one pipeline run at a time (reconcile.ts), and the lease records a DHCP client's
// hook writes are written under it too. A run that read the records before a hook wrote its
// lease records a gateway it learned from the client's own default route (plan/takeover.ts);
// written outside the lock, the hook's lease (its resolvers with it) could be overwritten by
// that older run's record, and lost until the next renewal (seen: dhcpcd's BOUND of eth2 while
// the run of another event of dhcpcd's went on).
import { LOCK_FILE } from '../paths.js';
import { acquireLock } from '../util/lock.js';
import { ensureRunDir } from '../state/rundir.js';

/** How long a run waits for the one before it. */
export const LOCK_WAIT_SECONDS = 30;

/** `fn` under the run lock, after any run holding it has ended. */
export function underRunLock<T>(fn: () => T): T {
  ensureRunDir();
  const lock = acquireLock(LOCK_FILE, LOCK_WAIT_SECONDS);
  try {
    return fn();
  } finally {
    lock.release();
  }
}
