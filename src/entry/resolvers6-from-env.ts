// The IPv6 resolvers a DHCPv6 client hook names (new_dhcp6_name_servers of dhclient -6 and
// dhcpcd, space-separated), and those of the router advertisements dhcpcd passes on at
// ROUTERADVERT (nd<i>_rdnss<j>_servers, each with its nd<i>_rdnss<j>_lifetime: 0 or none
// withdraws it, as dhcpcd's own resolv.conf hook reads them), recorded under the run directory
// (state/resolvers6.ts): a lease that names them sets its list, one that names none empties it,
// as does the lease's end; an advertisement sets the advertised list. dhclient -6 -P runs its
// script once per delegated prefix, and an EXPIRE6 may end only a prefix the ISP moved
// (delegation-from-env.ts): its resolvers go only with the last prefix.
import { resolverAddress6 } from '../config/ipv6.js';
import { readDelegations } from '../state/prefix6.js';
import { readResolvers6Of, removeResolvers6, writeResolvers6, type Resolvers6 } from '../state/resolvers6.js';
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

/** The resolvers of the router advertisements in dhcpcd's ROUTERADVERT environment, as text
 *  (not yet checked): every advertisement's (nd1, nd2, ...) every RDNSS option whose lifetime
 *  is not 0. */
export function advertisedResolvers(env: Env): string {
  const found: string[] = [];
  for (let i = 1; env[`nd${i}_from`] !== undefined || env[`nd${i}_rdnss1_servers`] !== undefined; i++) {
    for (let j = 1; env[`nd${i}_rdnss${j}_servers`] !== undefined; j++) {
      const lifetime = env[`nd${i}_rdnss${j}_lifetime`];
      if (lifetime !== undefined && lifetime !== '' && lifetime !== '0') found.push(env[`nd${i}_rdnss${j}_servers`] ?? '');
    }
  }
  return found.join(' ');
}

/** INFORM6: stateless DHCPv6 (no address, resolvers only). */
const INFORMED = 'INFORM6';

/** Records what one run of a DHCPv6 client's hook says of the uplink's IPv6 resolvers. */
export function recordResolvers6FromEnv(device: string, env: Env, source: Resolvers6['source'], log: Log): void {
  const reason = env.reason ?? '';
  const who = `${source} ${device} ${reason}`;
  const current = readResolvers6Of(device, (text) => log.warn(text));
  let next: Pick<Resolvers6, 'resolvers' | 'ra'> = { resolvers: current?.resolvers ?? [], ra: current?.ra ?? [] };
  if (BOUND6.has(reason) || reason === INFORMED) next = { ...next, resolvers: resolvers6FromText(env.new_dhcp6_name_servers, who, log) };
  else if (reason === 'ROUTERADVERT') next = { ...next, ra: resolvers6FromText(advertisedResolvers(env), who, log) };
  else if (GONE6.has(reason)) {
    const prefixLeft = source === 'dhclient' && reason === 'EXPIRE6' && (readDelegations([device], (text) => log.warn(text)).get(device) ?? []).length > 0;
    if (!prefixLeft) next = { ...next, resolvers: [] };
  } else return;
  if (next.resolvers.length === 0 && next.ra.length === 0) removeResolvers6(device);
  else if (JSON.stringify(next) !== JSON.stringify({ resolvers: current?.resolvers, ra: current?.ra }) || current?.source !== source) writeResolvers6({ device, ...next, source });
}
