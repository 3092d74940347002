// events/: transitions waiting for the event hooks, one file each (written atomically), taken
// by the dispatcher. The run that records a transition never waits for a hook.
import { monotonicMs } from '../util/clock.js';
import { readdirSync, readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { RUNDIR } from '../paths.js';
import { parseRecord } from './json-record.js';
import { ensureRunDir, writeAtomic } from './rundir.js';
import { TRANSITION, type Transition } from './transitions.js';

const SPOOL = `${RUNDIR}/events`;
export const EVENTS_LOCK_FILE = `${RUNDIR}/events.lock`;

let sequence = 0;

/** A spool file's name sorts in the order its event happened: by the monotonic clock (zero-padded
 *  milliseconds; a wall clock set back would sort later events first), then process and count. */
function spoolName(): string {
  return `${Math.round(monotonicMs()).toString().padStart(15, '0')}-${process.pid}-${sequence++}.json`;
}

export function spoolEvents(events: readonly Transition[]): void {
  if (events.length === 0) return;
  ensureRunDir();
  ensureRunDir(SPOOL);
  for (const event of events) writeAtomic(join(SPOOL, spoolName()), `${JSON.stringify(event)}\n`);
}

/** Takes every spooled event (oldest first) out of the spool; garbled files are dropped and named. */
export function takeSpooled(warn: (text: string) => void): Transition[] {
  let names: string[];
  try {
    names = readdirSync(SPOOL).filter((n) => n.endsWith('.json')).sort();
  } catch {
    return [];
  }
  const events: Transition[] = [];
  for (const name of names) {
    const path = join(SPOOL, name);
    let text = '';
    try {
      text = readFileSync(path, 'utf8');
      unlinkSync(path);
    } catch {
      continue; // taken by another dispatcher
    }
    const event = parseRecord(text, TRANSITION);
    if ('value' in event) events.push(event.value);
    else warn(`${path}: ${event.problem}; dropped`);
  }
  return events;
}
