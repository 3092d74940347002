// `uplink-lb release-resolvers` (uninstall runs it): the files uplink-lb keeps for other
// programs given back, under the reconcile's lock (none without a run directory: then no run of
// uplink-lb is under way, and none is made): the resolver files' originals and resolvconf's
// records (pipeline/resolvers.ts), and radvd's configuration without uplink-lb's regions
// (pipeline/radvd.ts).
import { existsSync } from 'node:fs';
import { LOCK_FILE, RUNDIR } from '../paths.js';
import { acquireLock } from '../util/lock.js';
import type { Log } from '../util/log.js';
import { releaseRadvdNow } from './radvd.js';
import { releaseAllResolvers } from './resolvers.js';
import { LOCK_WAIT_SECONDS } from './run-lock.js';

/** How many files were given back. */
export function releaseFilesNow(log: Log): number {
  const lock = existsSync(RUNDIR) ? acquireLock(LOCK_FILE, LOCK_WAIT_SECONDS) : undefined;
  try {
    return releaseAllResolvers(log) + releaseRadvdNow(log);
  } finally {
    lock?.release();
  }
}
