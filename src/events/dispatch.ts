// `uplink-lb dispatch-events`, started detached by a run that recorded transitions: one
// dispatcher at a time takes the spooled events after a settling second (a burst arrives
// whole), coalesces them, and runs every hook for each, one after the other; failures and
// timeouts go to syslog. Nothing here is on the path that changes routes.
import { EVENTS_LOCK_FILE, takeSpooled } from '../state/event-spool.js';
import { acquireLock, LockTimeout, type Lock } from '../util/lock.js';
import type { Log } from '../util/log.js';
import { sleep } from '../util/sleep.js';
import { coalesce } from './coalesce.js';
import { listHooks, runEventHook } from './hooks.js';

/** How long a dispatcher lets a burst settle before it reads the spool. */
const SETTLE_MS = 1000;

function tryLock(): Lock | undefined {
  try {
    return acquireLock(EVENTS_LOCK_FILE, 0);
  } catch (err) {
    if (err instanceof LockTimeout) return undefined;
    throw err;
  }
}

export async function dispatchEvents(dir: string, timeoutSeconds: number, log: Log): Promise<void> {
  const lock = tryLock();
  if (!lock) return; // the running dispatcher takes these too
  try {
    for (;;) {
      await sleep(SETTLE_MS);
      const events = coalesce(takeSpooled((text) => log.warn(text)));
      if (events.length === 0) return;
      const hooks = listHooks(dir, (text) => log.warn(text));
      for (const event of events) {
        for (const hook of hooks) {
          const outcome = await runEventHook(hook, event, timeoutSeconds * 1000);
          const what = `event hook ${hook} (${event.event}${event.device ? ` ${event.device}` : ''})`;
          if (outcome.result === 'timeout') log.error(`${what}: ${outcome.detail} (EVENT_TIMEOUT)`);
          else if (outcome.result === 'failed') log.error(`${what} failed: ${outcome.detail}`);
        }
      }
      log.flush();
    }
  } finally {
    lock.release();
  }
}
