// peerdns.DEVICE: the resolvers a PPP peer announced (pppd's `usepeerdns`: DNS1 and DNS2 in its
// ip-up environment), recorded under the run directory while the link is up.
import * as v from 'valibot';
import { hostAddress } from '../config/ipv4.js';
import { RUNDIR } from '../paths.js';
import type { Result } from '../util/result.js';
import { ensureRunDir, removeStateFile, writeAtomic } from './rundir.js';
import { devicePath, parseDeviceRecord, readDeviceRecords } from './device-records.js';

export interface PeerDns {
  device: string;
  resolvers: string[];
}

const host = v.pipe(v.string(), v.check((text) => 'value' in hostAddress(text)));
const PEER_DNS: v.GenericSchema<unknown, PeerDns> = v.object({ device: v.string(), resolvers: v.array(host) });

const PREFIX = 'peerdns.';

export function parsePeerDns(device: string, text: string): Result<PeerDns> {
  return parseDeviceRecord(device, text, PEER_DNS);
}

export function writePeerDns(record: PeerDns, dir = RUNDIR): void {
  ensureRunDir(dir);
  writeAtomic(devicePath(PREFIX, record.device, dir), `${JSON.stringify(record)}\n`);
}

export function removePeerDns(device: string, dir = RUNDIR): void {
  removeStateFile(devicePath(PREFIX, device, dir));
}

/** Each configured device's record; untrusted ones are reported through `warn` and skipped. */
export function readPeerDns(devices: readonly string[], warn: (text: string) => void, dir = RUNDIR): Map<string, string[]> {
  return new Map([...readDeviceRecords(PREFIX, devices, parsePeerDns, warn, dir)].map(([device, record]) => [device, record.resolvers]));
}
