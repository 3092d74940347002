// What dhclient told us about a DHCP uplink, recorded under the run directory by the enter hook.
import { hostAddressProblem } from '../config/ipv4.js';
import { parseJsonObject } from './json-record.js';

export interface Lease {
  device: string;
  address: string;
  gateway: string;
  /** dhclient's reason when recorded (BOUND, RENEW, ...). */
  reason: string;
}

/** Validates a lease record's text; returns the lease or why it is not trusted. */
export function parseLease(device: string, text: string): Lease | string {
  const record = parseJsonObject(text);
  if (typeof record === 'string') return record;
  const { address, gateway, reason } = record;
  if (record.device !== device) return `names device ${JSON.stringify(record.device)}, not ${device}`;
  if (typeof address !== 'string' || hostAddressProblem(address)) return `has no valid address (${JSON.stringify(address)})`;
  if (typeof gateway !== 'string' || hostAddressProblem(gateway)) return `has no valid gateway (${JSON.stringify(gateway)})`;
  return { device, address, gateway, reason: typeof reason === 'string' ? reason : '' };
}

export function formatLease(lease: Lease): string {
  return `${JSON.stringify(lease)}\n`;
}
