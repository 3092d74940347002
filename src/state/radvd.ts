// radvd's configuration as uplink-lb keeps it (RADVD_CONF): the file read and written in place,
// radvd's own check of a text before it is written, radvd reloaded (SIGHUP to the pid its
// pidfile names, as its service's reload does), and the path uplink-lb last wrote its regions
// into, kept under STATEDIR so that they can be taken out again after RADVD_CONF changes or at
// uninstall.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as v from 'valibot';
import { RADVD, RADVD_PID, RUNDIR, STATEDIR } from '../paths.js';
import { run } from '../util/run.js';
import { parseRecord } from './json-record.js';
import { ensureRunDir, removeStateFile, writeAtomic } from './rundir.js';

const RECORD: v.GenericSchema<unknown, { path: string }> = v.object({ path: v.string() });
const recordPath = (dir: string): string => join(dir, 'radvd.json');

/** The file uplink-lb's regions were last written into, if any. */
export function readRadvdRecord(warn: (text: string) => void, dir = STATEDIR): string | undefined {
  let text: string;
  try {
    text = readFileSync(recordPath(dir), 'utf8');
  } catch {
    return undefined;
  }
  const record = parseRecord(text, RECORD);
  if ('problem' in record) {
    warn(`${recordPath(dir)}: ${record.problem}; ignored`);
    return undefined;
  }
  return record.value.path;
}

export function writeRadvdRecord(path: string, dir = STATEDIR): void {
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  writeAtomic(recordPath(dir), `${JSON.stringify({ path })}\n`);
}

export function removeRadvdRecord(dir = STATEDIR): void {
  removeStateFile(recordPath(dir));
}

/** What radvd's --configtest says of `text`: undefined when it passes (or radvd is not
 *  installed here), else its complaint. */
export function radvdRefuses(text: string): string | undefined {
  if (!existsSync(RADVD)) return undefined;
  ensureRunDir();
  const trial = join(RUNDIR, 'radvd.conf.trial');
  writeFileSync(trial, text, { mode: 0o600 });
  try {
    const result = run([RADVD, '--configtest', '--logmethod', 'stderr', '-C', trial]);
    return result.status === 0 ? undefined : (result.stderr.trim() || `exit ${result.status ?? '?'}`).replaceAll(trial, 'the new text');
  } finally {
    rmSync(trial, { force: true });
  }
}

/** SIGHUP to the running radvd; false when none runs (its pidfile missing or stale). */
export function reloadRadvd(): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(RADVD_PID, 'utf8').trim());
  } catch {
    return false;
  }
  if (!Number.isInteger(pid) || pid <= 1) return false;
  try {
    if (!readFileSync(`/proc/${pid}/comm`, 'utf8').startsWith('radvd')) return false;
    process.kill(pid, 'SIGHUP');
    return true;
  } catch {
    return false;
  }
}
