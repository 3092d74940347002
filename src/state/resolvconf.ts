// resolvconf, when it keeps the router's resolvers: Debian's (/etc/resolv.conf its link, records
// in /run/resolvconf/interface/NAME) or openresolv (Debian's other resolvconf: it writes the file
// its /etc/resolvconf.conf names, /etc/resolv.conf by default, from records in
// /run/resolvconf/interfaces/NAME). Their records as they are, `resolvconf -a` and `-d` (the
// same for both), and the uplinks' own records that uplink-lb took out, kept under the run
// directory (resolvconf/NAME) to learn their resolvers from and to put back.
import { lstatSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OPENRESOLV_CONF, RESOLVCONF, RESOLVCONF_RUN, RUNDIR } from '../paths.js';
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

export type Keeper = 'resolvconf' | 'openresolv';

/** Which resolvconf is there: openresolv (its program names itself), Debian's (the program, and
 *  its record directory), or none. */
export function resolvconfKeeper(): Keeper | undefined {
  let program: string;
  try {
    if (!lstatSync(RESOLVCONF).isFile()) return undefined;
    program = readFileSync(RESOLVCONF, 'utf8');
  } catch {
    return undefined;
  }
  if (program.includes('OPENRESOLV_VERSION=')) return 'openresolv';
  try {
    return lstatSync(join(RESOLVCONF_RUN, 'interface')).isDirectory() ? 'resolvconf' : undefined;
  } catch {
    return undefined;
  }
}

export const haveResolvconf = (): boolean => resolvconfKeeper() !== undefined;

/** The file openresolv writes: its configuration's resolv_conf (shell syntax, perhaps quoted),
 *  /etc/resolv.conf by default. */
export function openresolvTarget(): string {
  let text = '';
  try {
    text = readFileSync(OPENRESOLV_CONF, 'utf8');
  } catch {
    // no configuration: its default
  }
  const set = [...text.matchAll(/^\s*resolv_conf=(?:"([^"]*)"|'([^']*)'|(\S*))\s*(?:#.*)?$/gm)].at(-1);
  return set?.[1] ?? set?.[2] ?? set?.[3] ?? '/etc/resolv.conf';
}

/** The resolvconf's records now (none without one). */
export function liveRecords(keeper = resolvconfKeeper()): Map<string, string> {
  if (keeper === undefined) return new Map();
  return readRecords(join(RESOLVCONF_RUN, keeper === 'openresolv' ? 'interfaces' : 'interface'));
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
  const keeper = resolvconfKeeper();
  if (keeper === undefined) return new Map();
  return resolversByUplink(new Map([...recordsAside(dir), ...liveRecords(keeper)]), devices);
}
