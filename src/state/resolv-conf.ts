// The managed resolver file (/etc/resolv.conf, or RESOLV_CONF's path) as it is on disk (written
// by state/in-place.ts), and the copy of what was there before uplink-lb first wrote it, kept under
// STATEDIR/orig/PATH until it is put back (uplink-lb release-resolvers, RESOLV_CONF=no).
import { lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, renameSync, unlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as v from 'valibot';
import { RUNDIR, STATEDIR } from '../paths.js';
import { finite, readRecord } from './json-record.js';
import type { ResolvFile } from '../plan/resolv-conf.js';
import type { ResolvConf } from '../config/validate-resolvers.js';
import { liveRecords, openresolvTarget, resolvconfKeeper } from './resolvconf.js';
import { ensureRunDir, removeStateFile, writeAtomic } from './rundir.js';

/** The file at `path` as it is: its text, or that it is missing, Debian's resolvconf's (a link
 *  into its run directory, with the program there), another link (systemd-resolved's) or
 *  something else. */
export function readResolvFile(path: string): ResolvFile {
  let stat;
  try {
    stat = lstatSync(path);
  } catch {
    return { kind: 'missing' };
  }
  if (stat.isSymbolicLink()) {
    let target = '?';
    try {
      target = readlinkSync(path);
    } catch {
      // the link's target is only for the message
    }
    if (target.includes('resolvconf/') && resolvconfKeeper() === 'resolvconf') return { kind: 'resolvconf', keeper: 'resolvconf', records: liveRecords('resolvconf') };
    return { kind: 'link', target };
  }
  if (!stat.isFile()) return { kind: 'other', what: 'not a regular file' };
  // openresolv writes a plain file from its records, at each client's call
  if (path === openresolvTarget() && resolvconfKeeper() === 'openresolv') return { kind: 'resolvconf', keeper: 'openresolv', records: liveRecords('openresolv') };
  try {
    return { kind: 'file', text: readFileSync(path, 'utf8'), mtimeSeconds: Math.floor(stat.mtimeMs / 1000) };
  } catch (err) {
    return { kind: 'other', what: `unreadable (${(err as Error).message})` };
  }
}

/** What uplink-lb last wrote: the file, its resolvers and the modification time it gave it. */
export interface ResolversRecord {
  path: string;
  resolvers: { address: string; devices: string[] }[];
  mtime: number;
}

const RECORD: v.GenericSchema<unknown, ResolversRecord> = v.object({
  path: v.string(),
  resolvers: v.array(v.object({ address: v.string(), devices: v.array(v.string()) })),
  mtime: finite(),
});
const recordPath = (dir: string): string => join(dir, 'resolvers.json');

export function readResolversRecord(warn: (text: string) => void, dir = RUNDIR): ResolversRecord | undefined {
  const record = readRecord(recordPath(dir), RECORD);
  if ('problem' in record) {
    warn(`${recordPath(dir)}: ${record.problem}; ignored`);
    return undefined;
  }
  return record.value;
}

export function writeResolversRecord(record: ResolversRecord, dir = RUNDIR): void {
  ensureRunDir(dir);
  writeAtomic(recordPath(dir), `${JSON.stringify(record)}\n`);
}

export function removeResolversRecord(dir = RUNDIR): void {
  removeStateFile(recordPath(dir));
}

const ORIG = 'orig';
/** Where the original of `path` is kept. */
export const backupPath = (path: string, dir = STATEDIR): string => join(dir, ORIG, path);

/** The file RESOLV_CONF names, as it is (`missing` when it names none: RESOLV_CONF=no). */
export function readConfiguredFile(conf: ResolvConf): ResolvFile {
  return conf.manage === 'no' ? { kind: 'missing' } : readResolvFile(conf.path);
}

/** Keeps `text` as what `path` held before uplink-lb; a copy already kept is never replaced. */
export function keepOriginal(path: string, text: string, dir = STATEDIR): void {
  const backup = backupPath(path, dir);
  try {
    lstatSync(backup);
    return;
  } catch {
    // none yet
  }
  mkdirSync(dirname(backup), { recursive: true, mode: 0o755 });
  writeAtomic(backup, text, 0o644);
}

/** Every file whose original is kept: path -> the original's text. */
export function keptOriginals(dir = STATEDIR): Map<string, string> {
  const found = new Map<string, string>();
  const walk = (sub: string): void => {
    let names: string[];
    try {
      names = readdirSync(join(dir, ORIG, sub));
    } catch {
      return;
    }
    // a copy being written (writeAtomic's NAME.PID.tmp) is not one yet
    for (const name of names.filter((n) => !n.endsWith('.tmp'))) {
      const rel = join(sub, name);
      const full = join(dir, ORIG, rel);
      const stat = lstatSync(full);
      if (stat.isDirectory()) walk(rel);
      else if (stat.isFile()) found.set(join('/', rel), readFileSync(full, 'utf8'));
    }
  };
  walk('');
  return found;
}

/** Moves the kept original of `path` out of the way (to STATEDIR/left/PATH), where nothing puts
 *  it back but a person; returns where it is now. */
export function shelveOriginal(path: string, dir = STATEDIR): string {
  const shelved = join(dir, 'left', path);
  mkdirSync(dirname(shelved), { recursive: true, mode: 0o755 });
  renameSync(backupPath(path, dir), shelved);
  return shelved;
}

export function dropOriginal(path: string, dir = STATEDIR): void {
  try {
    unlinkSync(backupPath(path, dir));
  } catch {
    // already gone
  }
}
