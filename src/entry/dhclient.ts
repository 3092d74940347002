// Called from the dhclient enter and exit hook snippets (hooks/dhclient-*.sh) with dhclient's
// variables in the environment.
//   enter: exit 0 means "this is an uplink: suppress dhclient's default route"; the lease's
//          address and gateway are recorded for the exit hook and every later run.
//   exit:  reconciles, so a renewal that changed the address or gateway takes effect; for
//          dhclient -6 (BOUND6, RENEW6, ...), records the delegated prefix (-P) and the
//          IPv6 resolvers first.
import { reconcile } from '../pipeline/reconcile.js';
import { Log } from '../util/log.js';
import type { Env } from './context.js';
import { managedDevice } from './managed-device.js';
import { forgetLease, recordLeaseFromEnv } from './lease-from-env.js';
import { BOUND6, GONE6, recordDhclientDelegation } from './delegation-from-env.js';
import { recordResolvers6FromEnv } from './resolvers6-from-env.js';

const BOUND = new Set(['BOUND', 'RENEW', 'REBIND', 'REBOOT', 'TIMEOUT']);
const GONE = new Set(['EXPIRE', 'FAIL', 'RELEASE', 'STOP']);
const NOT_MANAGED = 3;

export function runDhclientEnter(env: Env): number {
  const log = new Log(false);
  try {
    const managed = managedDevice(env.interface, env, log, 'dhclient');
    if (!managed) return NOT_MANAGED;
    const reason = env.reason ?? '';
    if (BOUND.has(reason)) recordLeaseFromEnv(managed.device, env, 'dhclient', log);
    return 0;
  } catch (err) {
    log.error(`dhclient enter: ${(err as Error).message}`);
    return 1;
  } finally {
    log.flush();
  }
}

export function runDhclientExit(env: Env): number {
  const log = new Log(false);
  try {
    const managed = managedDevice(env.interface, env, log, 'dhclient');
    if (!managed) return 0;
    const reason = env.reason ?? '';
    if (GONE.has(reason)) forgetLease(managed.device);
    if (BOUND6.has(reason) || GONE6.has(reason)) {
      recordDhclientDelegation(managed.device, env, log);
      recordResolvers6FromEnv(managed.device, env, 'dhclient', log);
    }
    if (!BOUND.has(reason) && !GONE.has(reason) && !BOUND6.has(reason) && !GONE6.has(reason)) return 0;
    reconcile(managed.config, log);
    return 0;
  } catch (err) {
    log.error(`dhclient exit ${env.interface ?? ''} ${env.reason ?? ''}: ${(err as Error).message}`);
    return 1;
  } finally {
    log.flush();
  }
}
