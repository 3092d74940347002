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

/** Writes a new file beside `path` and renames it over `path`: readers see the old text or the
 *  new, never a part. */
export function writeAtomic(path: string, text: string, mode = 0o600): void {
  const temp = `${path}.${process.pid}.tmp`;
  // O_EXCL: never write through something already there (a leftover of a killed run with the
  // same pid is removed first; a symlink is never followed)
  try {
    writeFileSync(temp, text, { mode, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    unlinkSync(temp);
    writeFileSync(temp, text, { mode, flag: 'wx' });
  }
  renameSync(temp, path);
}

/** A state file's text: undefined when absent; refused (with why) unless it is a regular file
 *  of the user running uplink-lb that nobody else can write. */
export function readStateFile(path: string): { text?: string; problem?: string } {
  let stat;
  try {
    stat = lstatSync(path);
  } catch {
    return {};
  }
  if (!stat.isFile()) return { problem: 'is not a regular file (a symlink?): not trusted' };
  if (stat.uid !== process.getuid?.()) return { problem: `is owned by uid ${stat.uid}, not by the user running uplink-lb: not trusted` };
  if ((stat.mode & 0o022) !== 0) return { problem: `is writable by group or others (mode ${(stat.mode & 0o777).toString(8)}): not trusted` };
  try {
    return { text: readFileSync(path, 'utf8') };
  } catch (err) {
    return { problem: `cannot be read (${(err as Error).message})` };
  }
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
    const { text, problem } = readStateFile(path);
    if (text === undefined) {
      if (problem) warn(`${path}: ${problem}; ignored`);
      continue;
    }
    const lease = parseLease(device, text);
    if (typeof lease === 'string') warn(`${path}: ${lease}; ignored`);
    else leases.set(device, lease);
  }
  return leases;
}
