// pending.json: an `apply --confirm` waiting for `uplink-lb confirm`.
import * as v from 'valibot';
import { RUNDIR } from '../paths.js';
import type { Log } from '../util/log.js';
import { finite, parseRecord } from './json-record.js';
import { readStateFile, removeStateFile, writeAtomic } from './rundir.js';

const PENDING_FILE = `${RUNDIR}/pending.json`;

export interface Pending {
  token: string;
  /** When the rollback happens: monotonic ms of `boot` (setting the wall clock moves it not). */
  deadline: number;
  boot: string;
  /** The configuration file that was applied. */
  path: string;
  /** Its text before, to be put back. */
  previous: string;
}

const PENDING: v.GenericSchema<unknown, Pending> = v.object({ token: v.string(), deadline: finite(), boot: v.string(), path: v.string(), previous: v.string() });

/** The pending confirmation, if any. One that is not root's is ignored; a garbled one is
 *  removed (it can never be confirmed). */
export function readPending(log: Log): Pending | undefined {
  const text = readStateFile(PENDING_FILE);
  if ('problem' in text) {
    log.warn(`${PENDING_FILE}: ${text.problem}; ignored`);
    return undefined;
  }
  if (text.value === undefined) return undefined;
  const record = parseRecord(text.value, PENDING);
  if ('value' in record) return record.value;
  log.warn(`${PENDING_FILE}: ${record.problem}; ignored and removed`);
  removePending();
  return undefined;
}

export function writePending(pending: Pending): void {
  writeAtomic(PENDING_FILE, `${JSON.stringify(pending)}\n`);
}

export function removePending(): void {
  removeStateFile(PENDING_FILE);
}
