// check.json: which `uplink-lb check` run probes now, and until when (its hand-over deadline).
import * as v from 'valibot';
import { RUNDIR } from '../paths.js';
import { finite, readRecord } from './json-record.js';
import { writeAtomic } from './rundir.js';

const CHECK_STATE_FILE = `${RUNDIR}/check.json`;

export interface CheckState {
  pid: number;
  started: number;
  deadline: number;
}

const CHECK_STATE: v.GenericSchema<unknown, CheckState> = v.object({ pid: finite(), started: finite(), deadline: finite() });

/** Absent, garbled or untrusted: undefined (the holder is treated as one that will not hand
 *  over soon). */
export function readCheckState(): CheckState | undefined {
  const record = readRecord(CHECK_STATE_FILE, CHECK_STATE);
  return 'value' in record ? record.value : undefined;
}

export function writeCheckState(state: CheckState): void {
  writeAtomic(CHECK_STATE_FILE, `${JSON.stringify(state)}\n`);
}
