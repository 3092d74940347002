// prefix6.DEVICE: the IPv6 prefixes an uplink's ISP delegated (DHCPv6 prefix delegation), as
// its DHCPv6 client told them, recorded under the run directory. A renewal that brings another
// prefix replaces the record; an expiry, release or stop removes it.
import * as v from 'valibot';
import { prefix6 } from '../config/ipv6.js';
import { RUNDIR } from '../paths.js';
import type { Result } from '../util/result.js';
import { ensureRunDir, removeStateFile, writeAtomic } from './rundir.js';
import { devicePath, parseDeviceRecord, readDeviceRecords } from './device-records.js';

export interface Delegation {
  device: string;
  /** "PREFIX/LEN", canonical. */
  prefixes: string[];
  /** The client's reason (BOUND6, RENEW6, DELEGATED6, ...). */
  reason: string;
  source: 'dhclient' | 'dhcpcd';
}

const canonical = v.pipe(v.string(), v.check((text) => 'value' in prefix6(text)));

const DELEGATION: v.GenericSchema<unknown, Delegation> = v.object({
  device: v.string(),
  prefixes: v.array(canonical),
  reason: v.optional(v.string(), ''),
  source: v.picklist(['dhclient', 'dhcpcd']),
});

const PREFIX = 'prefix6.';
const pathOf = (device: string, dir: string): string => devicePath(PREFIX, device, dir);

/** Validates a record's text: the delegation, or why it is not trusted. */
export function parseDelegation(device: string, text: string): Result<Delegation> {
  return parseDeviceRecord(device, text, DELEGATION);
}

export function writeDelegation(delegation: Delegation, dir = RUNDIR): void {
  ensureRunDir(dir);
  writeAtomic(pathOf(delegation.device, dir), `${JSON.stringify(delegation)}\n`);
}

export function removeDelegation(device: string, dir = RUNDIR): void {
  removeStateFile(pathOf(device, dir));
}

/** Every uplink's delegated prefixes; untrusted records are reported through `warn` and
 *  skipped. */
export function readDelegations(devices: readonly string[], warn: (text: string) => void, dir = RUNDIR): Map<string, string[]> {
  return new Map([...readDeviceRecords(PREFIX, devices, parseDelegation, warn, dir)].map(([device, record]) => [device, record.prefixes]));
}
