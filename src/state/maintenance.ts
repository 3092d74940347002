// maintenance.json: uplinks the administrator drained (`uplink-lb drain`): out of the default
// route until `uplink-lb undrain`, whatever the health check or an ifup finds; connections
// pinned to one are kept until they end, or released at its deadline. Its times are on the
// monotonic clock of the boot it names (util/clock.ts), so setting the wall clock moves no
// deadline.
import * as v from 'valibot';
import { RUNDIR } from '../paths.js';
import { finite, readRecord } from './json-record.js';
import { ensureRunDir, writeAtomic } from './rundir.js';
import type { Maintenance } from '../plan/maintenance.js';
import { bootId, clockOffset, monotonicMs } from '../util/clock.js';

const MAINTENANCE_FILE = `${RUNDIR}/maintenance.json`;

export type MaintenanceRecord = Record<string, Maintenance>;

const ENTRIES = v.record(v.string(), v.object({ since: finite(), deadline: v.optional(finite()), released: v.optional(finite()) }));
/** Version 1 (before): wall times. Version 2: monotonic times of `boot`. */
const RECORD = v.union([v.object({ version: v.literal(1), uplinks: ENTRIES }), v.object({ version: v.literal(2), boot: v.string(), uplinks: ENTRIES })]);

/** Each time moved by `by` ms; an entry of another boot (a run directory that outlived a
 *  reboot, which took every pinned connection with it) starts now, its connections released. */
function rebased(uplinks: MaintenanceRecord, by: number | undefined): MaintenanceRecord {
  const now = monotonicMs();
  return Object.fromEntries(
    Object.entries(uplinks).map(([device, m]) => {
      if (by === undefined) return [device, { since: now, released: now }];
      const entry: Maintenance = { since: m.since - by };
      if (m.deadline !== undefined) entry.deadline = m.deadline - by;
      if (m.released !== undefined) entry.released = m.released - by;
      return [device, entry];
    }),
  );
}

/** The drains in force; a record that is not trusted is reported, and then nothing is drained
 *  (the uplinks stay in the route: never lose connectivity to a garbled file). An earlier
 *  version's record (wall times) is read by today's clocks. */
export function readMaintenance(warn: (text: string) => void): MaintenanceRecord {
  const record = readRecord(MAINTENANCE_FILE, RECORD);
  if ('value' in record) {
    const value = record.value;
    if (value === undefined) return {};
    if (value.version === 1) return rebased(value.uplinks, clockOffset());
    return value.boot === bootId() ? value.uplinks : rebased(value.uplinks, undefined);
  }
  warn(`${MAINTENANCE_FILE}: ${record.problem}; ignored (no uplink drained for maintenance)`);
  return {};
}

export function writeMaintenance(uplinks: MaintenanceRecord): void {
  ensureRunDir();
  writeAtomic(MAINTENANCE_FILE, `${JSON.stringify({ version: 2, boot: bootId(), uplinks })}\n`);
}
