// ha-sync.json: whether conntrackd's synchronisation with the peer works, as the check last
// judged it (pipeline/pair-sync.ts), for status and the metrics. Times on the monotonic clock of
// the boot it names.
import * as v from 'valibot';
import { RUNDIR } from '../paths.js';
import { finite, readRecord } from './json-record.js';
import { writeAtomic } from './rundir.js';

const HA_SYNC_FILE = `${RUNDIR}/ha-sync.json`;

export interface HaSync {
  boot: string;
  working: boolean;
  /** When it last changed (monotonic ms). */
  since: number;
  /** Why it is judged so: the peer's last message, or what conntrackd said. */
  reason: string;
  /** When a message of the peer was last seen arriving (monotonic ms), if ever. */
  heard?: number;
}

const HA_SYNC: v.GenericSchema<unknown, HaSync> = v.object({ boot: v.string(), working: v.boolean(), since: finite(), reason: v.string(), heard: v.optional(finite()) });

export function readHaSync(): HaSync | undefined {
  const record = readRecord(HA_SYNC_FILE, HA_SYNC);
  return 'value' in record ? record.value : undefined;
}

export function writeHaSync(sync: HaSync): void {
  writeAtomic(HA_SYNC_FILE, `${JSON.stringify(sync)}\n`);
}
