// resolvers6.DEVICE: the IPv6 resolvers an uplink's DHCPv6 client was told
// (new_dhcp6_name_servers of dhclient -6 and dhcpcd) while its lease lasts, and those the ISP's
// router advertisements carry (RDNSS, as dhcpcd passes them on), recorded under the run
// directory. A renewal that names others replaces its list; the end of the lease removes it.
import * as v from 'valibot';
import { resolverAddress6 } from '../config/ipv6.js';
import { RUNDIR } from '../paths.js';
import type { Result } from '../util/result.js';
import { ensureRunDir, removeStateFile, writeAtomic } from './rundir.js';
import { devicePath, parseDeviceRecord, readDeviceRecords } from './device-records.js';

export interface Resolvers6 {
  device: string;
  /** The DHCPv6 lease's, canonical IPv6 addresses in the order announced. */
  resolvers: string[];
  /** The router advertisements' (RDNSS), the same way. */
  ra: string[];
  source: 'dhclient' | 'dhcpcd';
}

const canonical = v.pipe(
  v.string(),
  v.check((text) => {
    const r = resolverAddress6(text);
    return 'value' in r && r.value === text;
  }),
);
const RESOLVERS6: v.GenericSchema<unknown, Resolvers6> = v.object({ device: v.string(), resolvers: v.array(canonical), ra: v.optional(v.array(canonical), []), source: v.picklist(['dhclient', 'dhcpcd']) });

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

/** The device's record, if it has a trusted one. */
export function readResolvers6Of(device: string, warn: (text: string) => void, dir = RUNDIR): Resolvers6 | undefined {
  return readDeviceRecords(PREFIX, [device], parseResolvers6, warn, dir).get(device);
}

/** Each configured device's record; untrusted ones are reported through `warn` and skipped. */
export function readResolvers6(devices: readonly string[], warn: (text: string) => void, dir = RUNDIR): Map<string, Resolvers6> {
  return readDeviceRecords(PREFIX, devices, parseResolvers6, warn, dir);
}
