// maintenance.json: uplinks the administrator drained (`uplink-lb drain`): out of the default
// route until `uplink-lb undrain`, whatever the health check or an ifup finds; connections
// pinned to one are kept until they end, or released at its deadline.
import * as v from 'valibot';
import { RUNDIR } from '../paths.js';
import { finite, readRecord } from './json-record.js';
import { ensureRunDir, writeAtomic } from './rundir.js';
import type { Maintenance } from '../plan/maintenance.js';

const MAINTENANCE_FILE = `${RUNDIR}/maintenance.json`;

export type MaintenanceRecord = Record<string, Maintenance>;

const RECORD: v.GenericSchema<unknown, { version: 1; uplinks: MaintenanceRecord }> = v.object({
  version: v.literal(1),
  uplinks: v.record(v.string(), v.object({ since: finite(), deadline: v.optional(finite()), released: v.optional(finite()) })),
});

/** The drains in force; a record that is not trusted is reported, and then nothing is drained
 *  (the uplinks stay in the route: never lose connectivity to a garbled file). */
export function readMaintenance(warn: (text: string) => void): MaintenanceRecord {
  const record = readRecord(MAINTENANCE_FILE, RECORD);
  if ('value' in record) return record.value?.uplinks ?? {};
  warn(`${MAINTENANCE_FILE}: ${record.problem}; ignored (no uplink drained for maintenance)`);
  return {};
}

export function writeMaintenance(uplinks: MaintenanceRecord): void {
  ensureRunDir();
  writeAtomic(MAINTENANCE_FILE, `${JSON.stringify({ version: 1, uplinks })}\n`);
}
