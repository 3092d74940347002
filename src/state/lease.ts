// lease.DEVICE: what a DHCP client told about an uplink (plan/lease.ts), recorded under the run
// directory.
import * as v from 'valibot';
import { hostAddress } from '../config/ipv4.js';
import { RUNDIR } from '../paths.js';
import type { Result } from '../util/result.js';
import type { Lease } from '../plan/lease.js';
import { ensureRunDir, removeStateFile, writeAtomic } from './rundir.js';
import { devicePath, parseDeviceRecord, readDeviceRecords } from './device-records.js';

const host = v.pipe(v.string(), v.check((text) => 'value' in hostAddress(text)));

const LEASE: v.GenericSchema<unknown, Lease> = v.object({
  device: v.string(),
  address: host,
  gateway: host,
  reason: v.optional(v.string(), ''),
  // records written before `source` existed came from the dhclient hook
  source: v.optional(v.picklist(['dhclient', 'dhcpcd', 'route']), 'dhclient'),
  resolvers: v.optional(v.array(host)),
});

/** Validates a lease record's text: the lease, or why it is not trusted. */
export function parseLease(device: string, text: string): Result<Lease> {
  return parseDeviceRecord(device, text, LEASE);
}

export function formatLease(lease: Lease): string {
  return `${JSON.stringify(lease)}\n`;
}

const LEASE_PREFIX = 'lease.';

/** lease.DEVICE in the run directory. */
const leasePath = (device: string, dir = RUNDIR): string => devicePath(LEASE_PREFIX, device, dir);

export function writeLease(lease: Lease, dir = RUNDIR): void {
  ensureRunDir(dir);
  writeAtomic(leasePath(lease.device, dir), formatLease(lease));
}

export function removeLease(device: string, dir = RUNDIR): void {
  removeStateFile(leasePath(device, dir));
}

/** Reads every lease record; untrusted ones are reported through `warn` and skipped. */
export function readLeases(devices: readonly string[], warn: (text: string) => void, dir = RUNDIR): Map<string, Lease> {
  return readDeviceRecords(LEASE_PREFIX, devices, parseLease, warn, dir);
}
