// last-apply.json: how the last reconcile that changed something went, and when (for the
// metrics: an apply that failed and was rolled back shows there at the next check round).
import * as v from 'valibot';
import { RUNDIR } from '../paths.js';
import { finite, readRecord } from './json-record.js';
import { ensureRunDir, writeAtomic } from './rundir.js';

const LAST_APPLY_FILE = `${RUNDIR}/last-apply.json`;

export interface LastApply {
  /** ms since the epoch. */
  at: number;
  ok: boolean;
  /** Changes the run planned. */
  changes: number;
}

const LAST_APPLY: v.GenericSchema<unknown, LastApply> = v.object({ at: finite(), ok: v.boolean(), changes: finite() });

export function readLastApply(): LastApply | undefined {
  const record = readRecord(LAST_APPLY_FILE, LAST_APPLY);
  return 'value' in record ? record.value : undefined;
}

export function writeLastApply(outcome: LastApply): void {
  ensureRunDir();
  writeAtomic(LAST_APPLY_FILE, `${JSON.stringify(outcome)}\n`);
}
