// The run directory (/run/uplink-lb): lock, lease records. Root's, 0700; files 0600, written atomically.
import { mkdirSync, chmodSync, lstatSync, readdirSync, readFileSync, renameSync, writeFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { RUNDIR } from '../paths.js';
import { parseLease, formatLease, type Lease } from './lease.js';

export function ensureRunDir(dir = RUNDIR): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stat = lstatSync(dir);
  if (!stat.isDirectory()) throw new Error(`${dir}: exists and is not a directory`);
  if (stat.uid !== process.getuid?.()) throw new Error(`${dir}: owned by uid ${stat.uid}, not by the user running uplink-lb; remove it`);
  if ((stat.mode & 0o777) !== 0o700) chmodSync(dir, 0o700);
}

export function writeAtomic(path: string, text: string): void {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, text, { mode: 0o600 });
  renameSync(temp, path);
}

const LEASE_PREFIX = 'lease.';

export function leasePath(device: string, dir = RUNDIR): string {
  return join(dir, `${LEASE_PREFIX}${device}`);
}

export function writeLease(lease: Lease, dir = RUNDIR): void {
  ensureRunDir(dir);
  writeAtomic(leasePath(lease.device, dir), formatLease(lease));
}

export function removeLease(device: string, dir = RUNDIR): void {
  try {
    unlinkSync(leasePath(device, dir));
  } catch {
    // already gone
  }
}

/** Reads every lease record; untrusted ones are reported through `warn` and skipped. */
export function readLeases(devices: readonly string[], warn: (text: string) => void, dir = RUNDIR): Map<string, Lease> {
  const leases = new Map<string, Lease>();
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return leases;
  }
  for (const device of devices) {
    if (!names.includes(`${LEASE_PREFIX}${device}`)) continue;
    const path = leasePath(device, dir);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      warn(`${path}: cannot be read (${(err as Error).message}); ignored`);
      continue;
    }
    const lease = parseLease(device, text);
    if (typeof lease === 'string') warn(`${path}: ${lease}; ignored`);
    else leases.set(device, lease);
  }
  return leases;
}
