// A DHCP client hook's lease, as dhclient and dhcpcd both pass it (new_ip_address,
// new_routers), recorded under the run directory; one without a usable address or router is
// not, and an older record for the device goes.
import { hostAddressProblem } from '../config/ipv4.js';
import type { LeaseSource } from '../state/lease.js';
import { removeLease, writeLease } from '../state/rundir.js';
import type { Log } from '../util/log.js';
import type { Env } from './context.js';

export function recordLeaseFromEnv(device: string, env: Env, source: Exclude<LeaseSource, 'route'>, log: Log): void {
  const reason = env.reason ?? '';
  const address = env.new_ip_address ?? '';
  const gateway = (env.new_routers ?? '').trim().split(/\s+/)[0] ?? '';
  if (!hostAddressProblem(address) && !hostAddressProblem(gateway)) {
    writeLease({ device, address, gateway, reason, source });
    return;
  }
  log.warn(`${source} ${device} ${reason}: lease without a usable address or router (${JSON.stringify(address)}, ${JSON.stringify(gateway)}); not recorded`);
  removeLease(device);
}
