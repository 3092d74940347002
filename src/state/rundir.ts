// The run directory (/run/uplink-lb), where every record lives (each in its own module under
// state/, with its file name). Root's, 0700; files 0600, written atomically.
import { mkdirSync, chmodSync, lstatSync, readFileSync, renameSync, writeFileSync, unlinkSync } from 'node:fs';
import { RUNDIR } from '../paths.js';
import { bad, ok, type Result } from '../util/result.js';

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

/** A state file's text (undefined when absent); refused, with why, unless it is a regular file
 *  of the user running uplink-lb that nobody else can write. */
export function readStateFile(path: string): Result<string | undefined> {
  let stat;
  try {
    stat = lstatSync(path);
  } catch {
    return ok(undefined);
  }
  if (!stat.isFile()) return bad('is not a regular file (a symlink?): not trusted');
  if (stat.uid !== process.getuid?.()) return bad(`is owned by uid ${stat.uid}, not by the user running uplink-lb: not trusted`);
  if ((stat.mode & 0o022) !== 0) return bad(`is writable by group or others (mode ${(stat.mode & 0o777).toString(8)}): not trusted`);
  try {
    return ok(readFileSync(path, 'utf8'));
  } catch (err) {
    return bad(`cannot be read (${(err as Error).message})`);
  }
}

/** Removes a record; one already gone is fine. */
export function removeStateFile(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

