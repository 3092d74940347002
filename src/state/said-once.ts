// Warnings given once per boot: a marker file in the run directory remembers each was said.
import { existsSync } from 'node:fs';
import { RUNDIR } from '../paths.js';
import type { Log } from '../util/log.js';
import { writeAtomic } from './rundir.js';

const saidOncePath = (marker: string): string => `${RUNDIR}/said.${marker}`;

export function sayOnce(marker: string, text: string, log: Log): void {
  const path = saidOncePath(marker);
  if (existsSync(path)) return;
  log.warn(text);
  try {
    writeAtomic(path, `${text}\n`);
  } catch {
    // cannot remember: it will be said again, which is fine
  }
}
