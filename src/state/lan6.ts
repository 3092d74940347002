// lan6.json: the IPv6 LAN addresses uplink-lb added (plan/lan-prefixes.ts, "ADDRESS/64 dev
// DEVICE"), so that it removes only its own: an address is not marked as anyone's in the kernel
// (iproute2 6.1 sets no protocol on an address).
import { join } from 'node:path';
import * as v from 'valibot';
import { RUNDIR } from '../paths.js';
import { readRecord } from './json-record.js';
import { ensureRunDir, removeStateFile, writeAtomic } from './rundir.js';

const RECORD = v.object({ addresses: v.array(v.pipe(v.string(), v.regex(/^[0-9a-f:]+\/64 dev [A-Za-z0-9_.-]+$/))) });
const path = (dir: string): string => join(dir, 'lan6.json');

export function readOwnedLan(warn: (text: string) => void, dir = RUNDIR): string[] {
  const record = readRecord(path(dir), RECORD);
  if ('problem' in record) {
    warn(`${path(dir)}: ${record.problem}; ignored (addresses it named are no longer removed)`);
    return [];
  }
  return record.value?.addresses ?? [];
}

/** Records the addresses; none removes the record. */
export function writeOwnedLan(addresses: readonly string[], dir = RUNDIR): void {
  if (addresses.length === 0) return removeStateFile(path(dir));
  ensureRunDir(dir);
  writeAtomic(path(dir), `${JSON.stringify({ addresses: [...addresses].sort() })}\n`);
}
