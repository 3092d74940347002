// ha.json: this router's role in its pair as keepalived last told it (uplink-lb ha-notify
// writes it at each transition), and what the steps of that transition gave.
import * as v from 'valibot';
import { RUNDIR } from '../paths.js';
import { finite, readRecord } from './json-record.js';
import { writeAtomic } from './rundir.js';
import type { Role } from '../pair/notify-line.js';

export const HA_ROLE_FILE = `${RUNDIR}/ha.json`;

export interface HaRole {
  role: Role;
  /** The group or instance that told it. */
  vrrp: string;
  /** Wall clock ms, for people. */
  since: number;
  /** The steps of the transition that failed, each with why (empty: all done). */
  failed: string[];
}

const HA_ROLE: v.GenericSchema<unknown, HaRole> = v.object({
  role: v.picklist(['MASTER', 'BACKUP', 'FAULT', 'STOP']),
  vrrp: v.string(),
  since: finite(),
  failed: v.array(v.string()),
});

export function readHaRole(): HaRole | undefined {
  const record = readRecord(HA_ROLE_FILE, HA_ROLE);
  return 'value' in record ? record.value : undefined;
}

export function writeHaRole(role: HaRole): void {
  writeAtomic(HA_ROLE_FILE, `${JSON.stringify(role)}\n`);
}
