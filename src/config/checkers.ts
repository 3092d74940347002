// Checkers for single configuration values: each returns the parsed value or a problem that
// starts with the offending text.
import { MAIN_RULE_PRIORITY, MIN_UPLINK_PRIORITY } from './keys.js';
import { hostAddress, parsePrefix } from './ipv4.js';
import { isIpv6 } from './ipv6.js';
import { bad, ok, type Result } from '../util/result.js';
import { RESERVED_TABLES } from '../kernel/tables.js';

export interface Lookups {
  tableNames: ReadonlyMap<string, number>;
  protocols: ReadonlyMap<string, number>;
}

const IFNAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,14}$/;
export const U32 = 0xffffffff;

/** A checker returns the parsed value, or a problem that starts with the offending text. */
export type Check<T> = (text: string) => Result<T>;

export function printable(text: string): string {
  return JSON.stringify(text);
}

export const checkDevice: Check<string> = (text) => {
  if (text.startsWith('-')) return bad(`${printable(text)} looks like an option, not an interface name`);
  if (text === '.' || text === '..' || !IFNAME.test(text)) {
    return bad(`${printable(text)} is not an interface name (1-15 characters: letters, digits, _ . -)`);
  }
  return ok(text);
};

export function checkTable(lookups: Lookups): Check<number> {
  return (text) => {
    const reserved = RESERVED_TABLES.get(text);
    if (reserved !== undefined) return bad(`table ${printable(text)} is reserved for the kernel; choose another name or number`);
    let number: number | undefined;
    if (/^\d+$/.test(text)) number = Number(text);
    else if (/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(text)) {
      number = lookups.tableNames.get(text);
      if (number === undefined) {
        return bad(`table name ${printable(text)} is not defined in iproute2/rt_tables or rt_tables.d/*.conf; use a number or add the name there`);
      }
    } else return bad(`${printable(text)} is not a table name or number`);
    if (number < 1 || number > U32 || [...RESERVED_TABLES.values()].includes(number)) {
      return bad(`table ${printable(text)} (${number}) is reserved or out of range (1..${U32}, not 253/254/255)`);
    }
    return ok(number);
  };
}

export const checkPriority: Check<number> = (text) => {
  if (!/^\d+$/.test(text) || Number(text) < MIN_UPLINK_PRIORITY || Number(text) >= MAIN_RULE_PRIORITY) {
    return bad(`${printable(text)} is not a rule priority from ${MIN_UPLINK_PRIORITY} to ${MAIN_RULE_PRIORITY - 1} (uplink-lb's own rules take the two priorities below the lowest; the main table's rule is ${MAIN_RULE_PRIORITY})`);
  }
  return ok(Number(text));
};

export const checkAddress: Check<string> = (text) => {
  if (text === 'auto') return ok(text);
  if (isIpv6(text)) return bad(`${printable(text)} is an IPv6 address, and this key takes IPv4 (an uplink's IPv6 router goes in IFACE_GW6S; its IPv6 address and prefixes come from the interface and its DHCPv6 client)`);
  const address = hostAddress(text);
  return 'problem' in address ? bad(`${printable(text)} ${address.problem}`) : address;
};

export const checkPrefix: Check<number | 'auto'> = (text) => {
  if (text === 'auto') return ok(text);
  const prefix = parsePrefix(text);
  if (prefix === undefined || prefix < 1) return bad(`${printable(text)} is not a prefix length (/1../32) or netmask`);
  return ok(prefix);
};

export const checkWeight: Check<number> = (text) => {
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > 256) return bad(`${printable(text)} is not a weight from 1 to 256`);
  return ok(Number(text));
};

/** Failover tiers: 1 is used first; a higher tier carries traffic only while no uplink of a
 *  lower one is usable. */
export const MAX_TIER = 9;

export const checkTier: Check<number> = (text) => {
  if (!/^\d$/.test(text) || Number(text) < 1) return bad(`${printable(text)} is not a tier from 1 to ${MAX_TIER} (1 is used first)`);
  return ok(Number(text));
};

/** Seconds after a failback that connections still pinned to an uplink on standby are
 *  released: 0 keeps them until they end. */
export const MAX_FAILBACK_RELEASE = 86_400;

export const checkFailbackRelease: Check<number> = (text) => {
  if (!/^\d+$/.test(text) || Number(text) > MAX_FAILBACK_RELEASE) return bad(`${printable(text)} is not a number of seconds from 0 (keep the connections until they end) to ${MAX_FAILBACK_RELEASE}`);
  return ok(Number(text));
};

export const checkMark: Check<number> = (text) => {
  if (!/^0x[0-9a-fA-F]{1,8}$/.test(text) || Number(text) === 0) {
    return bad(`${printable(text)} is not a firewall mark in hex from 0x1 to 0xffffffff`);
  }
  return ok(Number(text));
};


/** An absolute path of a file (letters, digits and _ . / + @ % = - only, no `..`, not a
 *  directory's trailing slash): where uplink-lb may keep a file it is told to. */
export function isFilePath(text: string): boolean {
  return /^\/[A-Za-z0-9_.\/+@%=-]*[^/]$/.test(text) && !text.split('/').includes('..');
}
