// `uplink-lb dispatch-events`, started detached by a run that recorded transitions: one
// dispatcher at a time takes the spooled events every settling second (a burst arrives
// whole) and queues them for every hook. Each hook works through its own queue, in order and
// coalesced (what it has not heard yet of a flapping uplink is only where the uplink ended),
// beside the others: one that hangs holds up only itself, until EVENT_TIMEOUT. Failures and
// timeouts go to syslog. Nothing here is on the path that changes routes.
import { EVENTS_LOCK_FILE, takeSpooled } from '../state/event-spool.js';
import type { Transition } from '../state/transitions.js';
import { tryAcquireLock } from '../util/lock.js';
import type { Log } from '../util/log.js';
import { sleep } from '../util/sleep.js';
import { coalesce } from './coalesce.js';
import { listHooks, runEventHook } from './hooks.js';

/** How long a dispatcher lets a burst settle before it reads the spool. */
const SETTLE_MS = 1000;

export async function dispatchEvents(dir: string, timeoutSeconds: number, log: Log): Promise<void> {
  const lock = tryAcquireLock(EVENTS_LOCK_FILE, 0);
  if (!lock) return; // the running dispatcher takes these too
  const queues = new Map<string, Transition[]>();
  const busy = new Set<string>();
  const work = async (hook: string): Promise<void> => {
    busy.add(hook);
    for (let event = queues.get(hook)?.shift(); event; event = queues.get(hook)?.shift()) {
      const outcome = await runEventHook(hook, event, timeoutSeconds * 1000);
      const what = `event hook ${hook} (${event.event}${event.device ? ` ${event.device}` : ''})`;
      if (outcome.result === 'timeout') log.error(`${what}: ${outcome.detail} (EVENT_TIMEOUT)`);
      else if (outcome.result === 'failed') log.error(`${what} failed: ${outcome.detail}`);
      log.flush();
    }
    busy.delete(hook);
  };
  try {
    for (;;) {
      await sleep(SETTLE_MS);
      const taken = takeSpooled((text) => log.warn(text));
      if (taken.length === 0) {
        if (busy.size === 0) return;
        continue;
      }
      for (const hook of listHooks(dir, (text) => log.warn(text))) {
        queues.set(hook, coalesce([...(queues.get(hook) ?? []), ...taken]));
        if (!busy.has(hook)) void work(hook);
      }
      log.flush();
    }
  } finally {
    lock.release();
  }
}
