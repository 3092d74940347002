// What a DHCP client told about an uplink (dhclient's and dhcpcd's hooks), or what uplink-lb
// learned from the default route a client installed itself (udhcpc): an input of the desired
// state, recorded by state/lease.ts.

export type LeaseSource = 'dhclient' | 'dhcpcd' | 'route';

export interface Lease {
  device: string;
  address: string;
  gateway: string;
  /** The client's reason when recorded (BOUND, RENEW, ...). */
  reason: string;
  /** Who told: a client's hook, or `route` when learned from a client's own default route. */
  source: LeaseSource;
  /** The resolvers (IPv4) the client announced for this uplink (domain-name-servers), when it
   *  announced any. */
  resolvers?: string[];
}
