// resolvers6.DEVICE: the IPv6 resolvers an uplink's DHCPv6 client was told
// (new_dhcp6_name_servers of dhclient -6 and dhcpcd), recorded under the run directory while
// its lease lasts. A renewal that names others replaces the record; the end of the lease
// removes it.
import * as v from 'valibot';
import { resolverAddress6 } from '../config/ipv6.js';
import { RUNDIR } from '../paths.js';
import type { Result } from '../util/result.js';
import { ensureRunDir, removeStateFile, writeAtomic } from './rundir.js';
import { devicePath, parseDeviceRecord, readDeviceRecords } from './device-records.js';

export interface Resolvers6 {
  device: string;
  /** Canonical IPv6 addresses, in the order announced. */
  resolvers: string[];
  source: 'dhclient' | 'dhcpcd';
}

const canonical = v.pipe(v.string(), v.check((text) => { const r = resolverAddress6(text); return 'value' in r && r.value === text; }));
const RESOLVERS6: v.GenericSchema<unknown, Resolvers6> = v.object({ device: v.string(), resolvers: v.array(canonical), source: v.picklist(['dhclient', 'dhcpcd']) });

const PREFIX = 'resolvers6.';

export function parseResolvers6(device: string, text: string): Result<Resolvers6> {
  return parseDeviceRecord(device, text, RESOLVERS6);
}

export function writeResolvers6(record: Resolvers6, dir = RUNDIR): void {
  ensureRunDir(dir);
  writeAtomic(devicePath(PREFIX, record.device, dir), `${JSON.stringify(record)}\n`);
}

export function removeResolvers6(device: string, dir = RUNDIR): void {
  removeStateFile(devicePath(PREFIX, device, dir));
}

/** Each configured device's record; untrusted ones are reported through `warn` and skipped. */
export function readResolvers6(devices: readonly string[], warn: (text: string) => void, dir = RUNDIR): Map<string, Resolvers6> {
  return readDeviceRecords(PREFIX, devices, parseResolvers6, warn, dir);
}
