// Debian's resolvconf, when it keeps the router's resolvers: its records as they are
// (/run/resolvconf/interface/NAME), `resolvconf -a` and `-d`, and the uplinks' own records that
// uplink-lb took out, kept under the run directory (resolvconf/NAME) to learn their resolvers
// from and to put back.
import { lstatSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RESOLVCONF, RESOLVCONF_RUN, RUNDIR } from '../paths.js';
import { runChecked } from '../util/run.js';
import { resolversByUplink, type RecordedResolvers } from '../plan/resolvconf-records.js';
import { ensureRunDir, removeStateFile, writeAtomic } from './rundir.js';

const RECORD_NAME = /^[A-Za-z0-9_.:@+-]+$/;

/** Regular files in `dir` whose names are record names: name -> text. */
function readRecords(dir: string): Map<string, string> {
  const found = new Map<string, string>();
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return found;
  }
  for (const name of names.filter((n) => RECORD_NAME.test(n) && !n.endsWith('.tmp'))) {
    try {
      if (lstatSync(join(dir, name)).isFile()) found.set(name, readFileSync(join(dir, name), 'utf8'));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** Whether Debian's resolvconf is there: the program, and its record directory. */
export function haveResolvconf(): boolean {
  try {
    return lstatSync(RESOLVCONF).isFile() && lstatSync(join(RESOLVCONF_RUN, 'interface')).isDirectory();
  } catch {
    return false;
  }
}

/** resolvconf's records now. */
export function liveRecords(): Map<string, string> {
  return readRecords(join(RESOLVCONF_RUN, 'interface'));
}

const asideDir = (dir: string): string => join(dir, 'resolvconf');

/** The uplinks' records uplink-lb took out. */
export function recordsAside(dir = RUNDIR): Map<string, string> {
  return readRecords(asideDir(dir));
}

export function keepAside(name: string, text: string, dir = RUNDIR): void {
  ensureRunDir(dir);
  mkdirSync(asideDir(dir), { recursive: true, mode: 0o700 });
  writeAtomic(join(asideDir(dir), name), text);
}

export function dropAside(name: string, dir = RUNDIR): void {
  removeStateFile(join(asideDir(dir), name));
}

/** `resolvconf -a NAME` with `text` as the record. */
export function addRecord(name: string, text: string): void {
  runChecked([RESOLVCONF, '-a', name], text);
}

/** `resolvconf -d NAME`. */
export function deleteRecord(name: string): void {
  runChecked([RESOLVCONF, '-d', name]);
}

/** Each uplink's resolvers from its resolvconf records, those there and those taken out (the
 *  one there wins); empty without resolvconf. */
export function recordedResolvers(devices: readonly string[], dir = RUNDIR): Map<string, RecordedResolvers> {
  if (!haveResolvconf()) return new Map();
  return resolversByUplink(new Map([...recordsAside(dir), ...liveRecords()]), devices);
}
