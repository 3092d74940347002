// HA_TRACK_FILE: one number, the weight this router offers its pair (pair/track-weight.ts),
// read by keepalived's track_file. Written when it changes (keepalived watches the file with
// inotify: a write it need not read is avoided), atomically, readable by keepalived.
import { readFileSync } from 'node:fs';
import { writeAtomic } from './rundir.js';

/** The number the file holds, or undefined (absent, or not a number). */
export function readTrackFile(path: string): number | undefined {
  try {
    const text = readFileSync(path, 'utf8').trim();
    return /^-?\d+$/.test(text) ? Number(text) : undefined;
  } catch {
    return undefined;
  }
}

export function writeTrackFile(path: string, weight: number): boolean {
  let current: string | undefined;
  try {
    current = readFileSync(path, 'utf8');
  } catch {
    current = undefined;
  }
  const text = `${weight}\n`;
  if (current === text) return false;
  writeAtomic(path, text, 0o644);
  return true;
}
