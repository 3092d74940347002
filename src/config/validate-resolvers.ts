// The resolver keys: RESOLV_CONF (which file holds the router's resolvers: `auto`, the system's
// resolv.conf, a plain file or Debian's resolvconf's link; `no`, left alone; or the path of a
// file of nameserver lines, such as dnsmasq's resolv-file) and IFACE_RESOLVERS (each uplink's resolvers: `auto`,
// those its DHCP clients or PPP peer announce; `none`; or a comma-separated list of IPv4 and
// IPv6 addresses, for a static uplink).
import type { RawValues } from './collect.js';
import { isFilePath, printable } from './checkers.js';
import { resolverAddress6 } from './ipv6.js';
import { hostAddress } from './ipv4.js';
import { bad, ok, type Result } from '../util/result.js';
import type { Validator } from './validator.js';

/** Where the router's resolvers are kept: `auto` is the system's resolv.conf, a configured path
 *  another file; either is managed when it is a plain file or Debian's resolvconf's link (what
 *  else it is, plan/resolv-conf.ts leaves alone). */
export type ResolvConf = { manage: 'no' } | { manage: 'auto' | 'file'; path: string };

/** An uplink's resolvers: those its client announces, or a fixed list (empty: none). */
export type UplinkResolvers = 'auto' | string[];

function checkResolvers(text: string): Result<UplinkResolvers> {
  if (text === 'auto') return ok('auto');
  if (text === 'none') return ok([]);
  const list: string[] = [];
  for (const item of text.split(',').map((t) => t.trim())) {
    const address = item.includes(':') ? resolverAddress6(item) : hostAddress(item);
    if ('problem' in address) return bad(`${printable(item)} ${address.problem} (auto, none, or IPv4 and IPv6 addresses separated by commas)`);
    if (list.includes(address.value)) return bad(`${address.value} is named twice`);
    list.push(address.value);
  }
  return ok(list);
}

export function validateResolvers(v: Validator, raw: RawValues, count: number, systemFile: string): { resolvConf: ResolvConf; resolvers: (UplinkResolvers | undefined)[] } {
  const resolvers = v.column<UplinkResolvers>(count, { key: 'IFACE_RESOLVERS', check: checkResolvers, fallback: () => 'auto' });
  let resolvConf: ResolvConf = { manage: 'auto', path: systemFile };
  const text = raw.RESOLV_CONF?.values[0];
  if (text !== undefined && text !== 'auto') {
    if (text === 'no') resolvConf = { manage: 'no' };
    else if (isFilePath(text)) resolvConf = { manage: 'file', path: text };
    else v.report('RESOLV_CONF', `RESOLV_CONF: ${printable(text)} is not auto (${systemFile} when it is a plain file), no (left alone) or the absolute path of a file (letters, digits and _ . / + @ % = - only)`);
  }
  return { resolvConf, resolvers };
}
