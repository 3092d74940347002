// A DHCP client hook's lease, as dhclient and dhcpcd both pass it (new_ip_address,
// new_routers, and the resolvers in new_domain_name_servers), recorded under the run directory;
// one without a usable address or router is not, and an older record for the device goes. A
// resolver that is not an IPv4 host address is left out, and said. Written under the run lock.
import { hostAddress } from '../config/ipv4.js';
import { removeLease, writeLease } from '../state/lease.js';
import { resolversFromEnv } from './resolvers-from-env.js';
import type { LeaseSource } from '../plan/lease.js';
import type { Log } from '../util/log.js';
import type { Env } from './context.js';
import { underRunLock } from '../pipeline/run-lock.js';

/** Records the lease (under the run lock: pipeline/run-lock.ts says why). */
export function recordLeaseFromEnv(device: string, env: Env, source: Exclude<LeaseSource, 'route'>, log: Log): void {
  underRunLock(() => recordLease(device, env, source, log));
}

/** Removes the device's lease record (an expiry, a release), under the run lock. */
export function forgetLease(device: string): void {
  underRunLock(() => removeLease(device));
}

function recordLease(device: string, env: Env, source: Exclude<LeaseSource, 'route'>, log: Log): void {
  const reason = env.reason ?? '';
  const address = hostAddress(env.new_ip_address ?? '');
  const gateway = hostAddress((env.new_routers ?? '').trim().split(/\s+/)[0] ?? '');
  if ('value' in address && 'value' in gateway) {
    const resolvers = resolversFromEnv((env.new_domain_name_servers ?? '').trim().split(/\s+/), `${source} ${device} ${reason}`, log);
    writeLease({ device, address: address.value, gateway: gateway.value, reason, source, ...(resolvers.length > 0 ? { resolvers } : {}) });
    return;
  }
  log.warn(`${source} ${device} ${reason}: lease without a usable address or router (${JSON.stringify(env.new_ip_address ?? '')}, ${JSON.stringify(env.new_routers ?? '')}); not recorded`);
  removeLease(device);
}
