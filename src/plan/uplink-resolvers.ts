// Each uplink's resolvers and who said so: the list IFACE_RESOLVERS gives it, or (auto) what its
// DHCP client recorded with the lease, or what its PPP peer announced, or what its client gave
// resolvconf (udhcpc tells uplink-lb nothing else); and, where uplink-lb routes IPv6, its
// DHCPv6 client's IPv6 resolvers and its router advertisements' (or those of its resolvconf
// records). Pure.
import { isIpv6 } from '../config/ipv6.js';
import type { Config } from '../config/types.js';
import type { Lease } from './lease.js';
import type { RecordedResolvers } from './resolvconf-records.js';

export interface UplinkResolvers {
  /** IPv4 and IPv6 addresses, IPv4 first. */
  resolvers: string[];
  /** Who announced them, for status and the log: "eth1's DHCP client (dhclient)". */
  by: string;
  /** Who announced the IPv6 ones, where another than `by`. */
  by6?: string;
}

/** The IPv6 resolvers each uplink's DHCPv6 client recorded (`resolvers`: its lease's, `ra`:
 *  its router advertisements'), and which client. */
export type Dhcp6Resolvers = ReadonlyMap<string, { resolvers: readonly string[]; ra?: readonly string[]; source: string }>;

/** Who announced `address` of `announced`. */
export function announcer(announced: UplinkResolvers, address: string): string {
  return isIpv6(address) ? (announced.by6 ?? announced.by) : announced.by;
}

/** The IPv4 resolvers an uplink's clients announced, and which. */
function announced4(device: string, lease: Lease | undefined, peer: readonly string[] | undefined, record: RecordedResolvers | undefined): UplinkResolvers | undefined {
  if (lease?.resolvers && lease.resolvers.length > 0) return { resolvers: [...lease.resolvers], by: `${device}'s DHCP client (${lease.source})` };
  if (peer && peer.length > 0) return { resolvers: [...peer], by: `${device}'s PPP peer` };
  const fromRecord = (record?.resolvers ?? []).filter((r) => !isIpv6(r));
  if (record && fromRecord.length > 0) return { resolvers: fromRecord, by: `${device}'s resolvconf record ${record.names.join(', ')}` };
  return undefined;
}

/** The IPv6 resolvers an uplink's clients announced, and which. */
function announced6(device: string, dhcp6: { resolvers: readonly string[]; ra?: readonly string[]; source: string } | undefined, record: RecordedResolvers | undefined): UplinkResolvers | undefined {
  const leased = dhcp6?.resolvers ?? [];
  const advertised = (dhcp6?.ra ?? []).filter((r) => !leased.includes(r));
  if (dhcp6 && leased.length + advertised.length > 0) {
    const from = [...(leased.length > 0 ? ['DHCPv6 client'] : []), ...(advertised.length > 0 ? ['router advertisements'] : [])].join(' and ');
    return { resolvers: [...leased, ...advertised], by: `${device}'s ${from} (${dhcp6.source})` };
  }
  const fromRecord = (record?.resolvers ?? []).filter(isIpv6);
  if (record && fromRecord.length > 0) return { resolvers: fromRecord, by: `${device}'s resolvconf record ${record.names.join(', ')}` };
  return undefined;
}

/** Devices with at least one resolver. IPv6 resolvers count unless IPV6_MODE=off (which leaves
 *  IPv6 alone, its resolvers included). */
export function uplinkResolvers(config: Config, leases: ReadonlyMap<string, Lease>, peers: ReadonlyMap<string, readonly string[]>, recorded: ReadonlyMap<string, RecordedResolvers> = new Map(), dhcp6: Dhcp6Resolvers = new Map()): Map<string, UplinkResolvers> {
  const found = new Map<string, UplinkResolvers>();
  const ipv6 = config.ipv6 !== 'off';
  for (const uplink of config.uplinks) {
    const device = uplink.device;
    if (uplink.resolvers !== 'auto') {
      const list = uplink.resolvers.filter((r) => ipv6 || !isIpv6(r));
      if (list.length > 0) found.set(device, { resolvers: [...list.filter((r) => !isIpv6(r)), ...list.filter(isIpv6)], by: `IFACE_RESOLVERS for ${device}` });
      continue;
    }
    const four = announced4(device, leases.get(device), peers.get(device), recorded.get(device));
    const six = ipv6 ? announced6(device, dhcp6.get(device), recorded.get(device)) : undefined;
    if (four && six) found.set(device, { resolvers: [...four.resolvers, ...six.resolvers], by: four.by, ...(six.by !== four.by ? { by6: six.by } : {}) });
    else if (four ?? six) found.set(device, (four ?? six) as UplinkResolvers);
  }
  return found;
}
