// Each uplink's resolvers and who said so: the list IFACE_RESOLVERS gives it, or (auto) what its
// DHCP client recorded with the lease, or what its PPP peer announced, or what its client gave
// resolvconf (udhcpc tells uplink-lb nothing else). Pure.
import type { Config } from '../config/types.js';
import type { Lease } from './lease.js';
import type { RecordedResolvers } from './resolvconf-records.js';

export interface UplinkResolvers {
  resolvers: string[];
  /** Who announced them, for status and the log: "eth1's DHCP client (dhclient)". */
  by: string;
}

/** Devices with at least one resolver. */
export function uplinkResolvers(config: Config, leases: ReadonlyMap<string, Lease>, peers: ReadonlyMap<string, readonly string[]>, recorded: ReadonlyMap<string, RecordedResolvers> = new Map()): Map<string, UplinkResolvers> {
  const found = new Map<string, UplinkResolvers>();
  for (const uplink of config.uplinks) {
    const device = uplink.device;
    const lease = leases.get(device);
    const peer = peers.get(device);
    const record = recorded.get(device);
    if (uplink.resolvers !== 'auto') {
      if (uplink.resolvers.length > 0) found.set(device, { resolvers: [...uplink.resolvers], by: `IFACE_RESOLVERS for ${device}` });
    } else if (lease?.resolvers && lease.resolvers.length > 0) {
      found.set(device, { resolvers: [...lease.resolvers], by: `${device}'s DHCP client (${lease.source})` });
    } else if (peer && peer.length > 0) {
      found.set(device, { resolvers: [...peer], by: `${device}'s PPP peer` });
    } else if (record && record.resolvers.length > 0) {
      found.set(device, { resolvers: [...record.resolvers], by: `${device}'s resolvconf record ${record.names.join(', ')}` });
    }
  }
  return found;
}
