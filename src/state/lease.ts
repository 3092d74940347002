// What a DHCP client told us about an uplink (dhclient's and dhcpcd's hooks), or what uplink-lb
// learned from the default route a client installed itself (udhcpc), recorded under the run
// directory.
import { hostAddressProblem } from '../config/ipv4.js';
import { parseJsonObject } from './json-record.js';

export interface Lease {
  device: string;
  address: string;
  gateway: string;
  /** The client's reason when recorded (BOUND, RENEW, ...). */
  reason: string;
  /** Who told: a client's hook, or `route` when learned from a client's own default route. */
  source: LeaseSource;
}

export type LeaseSource = 'dhclient' | 'dhcpcd' | 'route';
const SOURCES: readonly LeaseSource[] = ['dhclient', 'dhcpcd', 'route'];

/** Validates a lease record's text; returns the lease or why it is not trusted. */
export function parseLease(device: string, text: string): Lease | string {
  const record = parseJsonObject(text);
  if (typeof record === 'string') return record;
  const { address, gateway, reason, source } = record;
  if (record.device !== device) return `names device ${JSON.stringify(record.device)}, not ${device}`;
  if (typeof address !== 'string' || hostAddressProblem(address)) return `has no valid address (${JSON.stringify(address)})`;
  if (typeof gateway !== 'string' || hostAddressProblem(gateway)) return `has no valid gateway (${JSON.stringify(gateway)})`;
  // records written before `source` existed came from the dhclient hook
  if (source !== undefined && !SOURCES.includes(source as LeaseSource)) return `has an unknown source (${JSON.stringify(source)})`;
  return { device, address, gateway, reason: typeof reason === 'string' ? reason : '', source: (source as LeaseSource | undefined) ?? 'dhclient' };
}

export function formatLease(lease: Lease): string {
  return `${JSON.stringify(lease)}\n`;
}
