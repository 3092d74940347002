// Called from the dhcpcd hook (hooks/dhcpcd-hook.sh, sourced by dhcpcd-run-hooks) with dhcpcd's
// variables in the environment. dhcpcd installs its own routes (a default at metric
// 1000 + ifindex, which never wins over the balanced route): the hook only records the lease's
// address and gateway and reconciles, so a renewal that moved either is followed at once, and
// a lease that ended takes the uplink out. IPv6: a DHCPv6 lease's delegated prefixes and
// resolvers are recorded (BOUND6, ...) or dropped (EXPIRE6, ...), and a router advertisement
// reconciles.
import { reconcile } from '../pipeline/reconcile.js';
import { Log } from '../util/log.js';
import type { Env } from './context.js';
import { managedDevice } from './managed-device.js';
import { forgetLease, recordLeaseFromEnv } from './lease-from-env.js';
// DHCPv6: a lease (with its delegated prefixes, if any) in force (BOUND6), or gone (GONE6)
import { BOUND6, GONE6, recordDelegationFromEnv } from './delegation-from-env.js';
import { removeDelegation } from '../state/prefix6.js';
import { recordResolvers6FromEnv } from './resolvers6-from-env.js';

/** An IPv4 lease is in force (STATIC: an address from dhcpcd.conf, with its `routers`). */
const BOUND = new Set(['BOUND', 'RENEW', 'REBIND', 'REBOOT', 'STATIC']);
/** The lease or the link is gone. */
const GONE = new Set(['EXPIRE', 'NAK', 'STOP', 'STOPPED', 'NOCARRIER', 'NOCARRIER_ROAMING', 'RELEASE', 'DEPARTED', 'FAIL']);
/** The link is back: reconcile (the lease, if any, is told by the BOUND/REBOOT that follows). */
const CARRIER = 'CARRIER';
/** A router advertisement: the uplink's IPv6 router (and its RDNSS resolvers) may be new. */
const ROUTERADVERT = 'ROUTERADVERT';
/** Stateless DHCPv6: resolvers, no lease. */
const INFORM6 = 'INFORM6';

export function runDhcpcdHook(env: Env): number {
  const log = new Log(false);
  const reason = env.reason ?? '';
  try {
    const ipv6 = BOUND6.has(reason) || GONE6.has(reason) || reason === ROUTERADVERT || reason === INFORM6;
    if (!BOUND.has(reason) && !GONE.has(reason) && reason !== CARRIER && !ipv6) return 0;
    const managed = managedDevice(env.interface, env, log, 'dhcpcd');
    if (!managed) return 0;
    const { device } = managed;
    if (ipv6) {
      if (BOUND6.has(reason)) recordDelegationFromEnv(device, env, 'dhcpcd', log);
      if (GONE6.has(reason)) removeDelegation(device);
      recordResolvers6FromEnv(device, env, 'dhcpcd', log);
      reconcile(managed.config, log);
    } else if (BOUND.has(reason)) {
      recordLeaseFromEnv(device, env, 'dhcpcd', log);
      reconcile(managed.config, log);
    } else if (GONE.has(reason)) {
      forgetLease(device);
      // out in this run even if dhcpcd still holds the address and its route when it reports
      // (its route would otherwise tell the gateway again); a later BOUND brings it back
      reconcile(managed.config, log, { device, mode: 'stop' });
    } else reconcile(managed.config, log);
    return 0;
  } catch (err) {
    log.error(`dhcpcd ${env.interface ?? ''} ${reason}: ${(err as Error).message}`);
    return 1;
  } finally {
    log.flush();
  }
}
