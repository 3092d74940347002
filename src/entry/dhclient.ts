// Called from the dhclient enter and exit hook snippets (hooks/dhclient-*.sh) with dhclient's
// variables in the environment.
//   enter: exit 0 means "this is an uplink: suppress dhclient's default route"; the lease's
//          address and gateway are recorded for the exit hook and every later run.
//   exit:  reconciles, so a renewal that changed the address or gateway takes effect.
import { hostAddressProblem } from '../config/ipv4.js';
import { reconcile } from '../pipeline/reconcile.js';
import { removeLease, writeLease } from '../state/rundir.js';
import { Log } from '../util/log.js';
import type { Env } from './context.js';
import { managedDevice } from './managed-device.js';

const BOUND = new Set(['BOUND', 'RENEW', 'REBIND', 'REBOOT', 'TIMEOUT']);
const GONE = new Set(['EXPIRE', 'FAIL', 'RELEASE', 'STOP']);
export const NOT_MANAGED = 3;

export function runDhclientEnter(env: Env): number {
  const log = new Log(false);
  try {
    const managed = managedDevice(env, log, 'dhclient');
    if (!managed) return NOT_MANAGED;
    const reason = env.reason ?? '';
    if (BOUND.has(reason)) {
      const address = env.new_ip_address ?? '';
      const gateway = (env.new_routers ?? '').trim().split(/\s+/)[0] ?? '';
      if (!hostAddressProblem(address) && !hostAddressProblem(gateway)) {
        writeLease({ device: managed.device, address, gateway, reason, source: 'dhclient' });
      } else {
        log.warn(`dhclient ${managed.device} ${reason}: lease without a usable address or router (${JSON.stringify(address)}, ${JSON.stringify(gateway)}); not recorded`);
        removeLease(managed.device);
      }
    }
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
    const managed = managedDevice(env, log, 'dhclient');
    if (!managed) return 0;
    const reason = env.reason ?? '';
    if (GONE.has(reason)) removeLease(managed.device);
    if (!BOUND.has(reason) && !GONE.has(reason)) return 0;
    reconcile(managed.config, log);
    return 0;
  } catch (err) {
    log.error(`dhclient exit ${env.interface ?? ''} ${env.reason ?? ''}: ${(err as Error).message}`);
    return 1;
  } finally {
    log.flush();
  }
}
