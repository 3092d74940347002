// The IPv6 resolvers a DHCPv6 client hook names (new_dhcp6_name_servers of dhclient -6 and
// dhcpcd, space-separated), recorded under the run directory (state/resolvers6.ts): a lease
// that names them writes the record, one that names none removes it, as does the lease's end.
// dhclient -6 -P runs its script once per delegated prefix, and an EXPIRE6 may end only a
// prefix the ISP moved (delegation-from-env.ts): its resolvers go only with the last prefix.
import { resolverAddress6 } from '../config/ipv6.js';
import { readDelegations } from '../state/prefix6.js';
import { removeResolvers6, writeResolvers6, type Resolvers6 } from '../state/resolvers6.js';
import type { Log } from '../util/log.js';
import type { Env } from './context.js';
import { BOUND6, GONE6 } from './delegation-from-env.js';

/** IPv6 resolver addresses in a space-separated list, canonical, each once, in order; anything
 *  else is left out and said. */
export function resolvers6FromText(text: string | undefined, who: string, log: Log): string[] {
  const resolvers: string[] = [];
  for (const item of (text ?? '').split(/\s+/).filter((t) => t !== '')) {
    const address = resolverAddress6(item);
    if ('value' in address) {
      if (!resolvers.includes(address.value)) resolvers.push(address.value);
    } else log.warn(`${who}: IPv6 resolver ${JSON.stringify(item)} ${address.problem}; left out`);
  }
  return resolvers;
}

/** Records what one run of a DHCPv6 client's hook says of the uplink's IPv6 resolvers. */
export function recordResolvers6FromEnv(device: string, env: Env, source: Resolvers6['source'], log: Log): void {
  const reason = env.reason ?? '';
  if (BOUND6.has(reason)) {
    const resolvers = resolvers6FromText(env.new_dhcp6_name_servers, `${source} ${device} ${reason}`, log);
    if (resolvers.length > 0) writeResolvers6({ device, resolvers, source });
    else removeResolvers6(device);
  } else if (GONE6.has(reason)) {
    const prefixLeft = source === 'dhclient' && reason === 'EXPIRE6' && (readDelegations([device], (text) => log.warn(text)).get(device) ?? []).length > 0;
    if (!prefixLeft) removeResolvers6(device);
  }
}
