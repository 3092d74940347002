// resolvconf (Debian's) as the keeper of the router's resolvers: it builds /etc/resolv.conf (and
// dnsmasq's list) from one record per interface and client, /run/resolvconf/interface/NAME
// (eth1.dhclient, eth1.dhcp, eth1.udhcpc, ppp0.pppd, ...). uplink-lb takes the uplinks' records
// out (keeping each, to learn its resolvers and to put it back) and adds one record of its own
// with the usable uplinks' resolvers, best first; every other record (a VPN's, the LAN's own
// resolver, dnsmasq's lo.dnsmasq) stays as it is. Pure.
import { resolverAddress6 } from '../config/ipv6.js';
import { hostAddress } from '../config/ipv4.js';
import type { ResolverEntry } from './resolver-list.js';

/** uplink-lb's own record: matched only by interface-order's last pattern (`*`), so the LAN's
 *  and a VPN's records come before it. */
export const OUR_RECORD = 'uplink-lb';

/** The uplink a record belongs to: its name is the device, or the device and a suffix. */
export function uplinkOfRecord(name: string, devices: readonly string[]): string | undefined {
  return devices.find((d) => name === d || name.startsWith(`${d}.`));
}

/** The resolvers a record names, in order (IPv4 host addresses, and IPv6 ones reached through
 *  a route: a link-local one, with its %interface, is passed over). */
export function recordResolvers(text: string): string[] {
  const found: string[] = [];
  for (const line of text.split('\n')) {
    const address = /^\s*nameserver\s+(\S+)/.exec(line)?.[1];
    if (address === undefined) continue;
    const host = address.includes(':') ? resolverAddress6(address) : hostAddress(address);
    if ('value' in host && !found.includes(host.value)) found.push(host.value);
  }
  return found;
}

export interface RecordedResolvers {
  /** The records they came from. */
  names: string[];
  resolvers: string[];
}

/** Each uplink's resolvers from its records (`records`: name -> text). */
export function resolversByUplink(records: ReadonlyMap<string, string>, devices: readonly string[]): Map<string, RecordedResolvers> {
  const found = new Map<string, RecordedResolvers>();
  for (const [name, text] of [...records].sort(([a], [b]) => a.localeCompare(b))) {
    const device = uplinkOfRecord(name, devices);
    if (device === undefined) continue;
    const entry = found.get(device) ?? { names: [], resolvers: [] };
    entry.names.push(name);
    for (const r of recordResolvers(text)) if (!entry.resolvers.includes(r)) entry.resolvers.push(r);
    found.set(device, entry);
  }
  return found;
}

/** uplink-lb's record: the usable uplinks' resolvers, best first. */
export function renderRecord(list: readonly ResolverEntry[]): string {
  return list.map((e) => `nameserver ${e.address}\n`).join('');
}
