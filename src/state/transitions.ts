// transitions.json: the last state changes with their times and causes (an uplink draining or
// back, fail open entered or left, an apply rolled back), kept across check runs for `status`.
import * as v from 'valibot';
import { RUNDIR } from '../paths.js';
import { finite, readRecord } from './json-record.js';
import { ensureRunDir, writeAtomic } from './rundir.js';

const TRANSITIONS_FILE = `${RUNDIR}/transitions.json`;
/** How many are kept: the oldest go first. */
export const KEPT_TRANSITIONS = 50;

export interface Transition {
  /** ms since the epoch, by the wall clock: a label for people (the order of events is the
   *  order they were recorded in). */
  at: number;
  /** The uplink's device; absent for the router as a whole (fail open, an apply). */
  device?: string;
  /** What it became: up, draining, recovering, fail-open, fail-open-ended, rolled-back. */
  event: string;
  cause: string;
}

export const TRANSITION: v.GenericSchema<unknown, Transition> = v.object({ at: finite(), device: v.optional(v.string()), event: v.string(), cause: v.string() });
const RECORD = v.object({ version: v.literal(1), transitions: v.array(TRANSITION) });

/** The kept transitions, oldest first; none when the record is absent or not trusted. */
export function readTransitions(): Transition[] {
  const record = readRecord(TRANSITIONS_FILE, RECORD);
  return 'value' in record && record.value ? record.value.transitions : [];
}

/** Appends under the caller's lock (the check run holds the check lock, a reconcile the
 *  reconcile lock; a lost append between the two is a lost history line, never a bad file). */
export function recordTransitions(added: readonly Transition[]): void {
  if (added.length === 0) return;
  ensureRunDir();
  const transitions = [...readTransitions(), ...added].slice(-KEPT_TRANSITIONS);
  writeAtomic(TRANSITIONS_FILE, `${JSON.stringify({ version: 1, transitions })}\n`);
}
