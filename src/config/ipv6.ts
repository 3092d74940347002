// IPv6 addresses and prefixes through ipaddr.js, as strict as the IPv4 side: canonical text
// out (what `ip -6` prints), host bits refused in a prefix.
import ipaddr from 'ipaddr.js';
import { bad, ok, type Result } from '../util/result.js';

const parse6 = (text: string): ipaddr.IPv6 | undefined => (ipaddr.IPv6.isValid(text) && !text.includes('%') ? ipaddr.IPv6.parse(text) : undefined);

/** Ranges that are never an uplink's router. */
const NOT_A_ROUTER = new Set(['unspecified', 'loopback', 'multicast', 'ipv4Mapped']);

/** An IPv6 router address (link-local ones included: routers advertise from those), in the
 *  canonical form ip prints. */
export function routerAddress6(text: string): Result<string> {
  const address = parse6(text);
  if (!address) return bad('is not an IPv6 address');
  const range = address.range();
  if (NOT_A_ROUTER.has(range)) return bad(`is ${range === 'ipv4Mapped' ? 'an IPv4-mapped' : `the ${range}`} address, not a router's`);
  return ok(address.toString());
}

export const isIpv6 = (text: string): boolean => parse6(text) !== undefined;

/** "2001:db8:1:100::/56" as canonical PREFIX/LEN, refusing host bits. */
export function prefix6(text: string): Result<{ network: string; length: number }> {
  const [address = '', len = '', ...rest] = text.split('/');
  const value = parse6(address);
  if (!value || rest.length > 0 || !/^(12[0-8]|1[01]\d|[1-9]?\d)$/.test(len)) return bad('is not an IPv6 prefix (address/len)');
  const length = Number(len);
  const network = ipaddr.IPv6.networkAddressFromCIDR(`${value.toString()}/${length}`).toString();
  if (network !== value.toString()) return bad(`has host bits set (did you mean ${network}/${length}?)`);
  return ok({ network, length });
}

/** Whether ADDRESS lies in NETWORK/LENGTH. */
export function inPrefix6(address: string, network: string, length: number): boolean {
  const a = parse6(address);
  const n = parse6(network);
  return a !== undefined && n !== undefined && a.match(n, length);
}

/** The `index`-th /64 of PREFIX/LENGTH (its subnet id: the bits between LENGTH and 64), as the
 *  router's address in it ("...::1") and the /64 itself; undefined when the prefix is longer
 *  than /64 or has fewer /64s than that. */
export function subnet64(network: string, length: number, index: number): { network: string; router: string } | undefined {
  const base = parse6(network);
  if (!base || length > 64 || index < 0 || BigInt(index) >= 1n << BigInt(64 - length)) return undefined;
  const bytes = base.toByteArray();
  let upper = bytes.slice(0, 8).reduce((n, b) => (n << 8n) | BigInt(b), 0n);
  upper |= BigInt(index);
  const out = [...bytes];
  for (let i = 7; i >= 0; i--) {
    out[i] = Number(upper & 0xffn);
    upper >>= 8n;
  }
  for (let i = 8; i < 16; i++) out[i] = 0;
  const net = ipaddr.fromByteArray(out).toString();
  out[15] = 1;
  return { network: net, router: ipaddr.fromByteArray(out).toString() };
}

/** Ranges that are never a probe target: a link-local target would need an interface, and the
 *  rest are not a host beyond an ISP. */
const NOT_A_TARGET = new Set(['unspecified', 'loopback', 'multicast', 'linkLocal', 'ipv4Mapped']);

/** An IPv6 probe target, canonical. */
export function targetAddress6(text: string): Result<string> {
  const address = parse6(text);
  if (!address) return bad('is not an IPv6 address');
  const range = address.range();
  if (NOT_A_TARGET.has(range)) return bad(`is ${range === 'linkLocal' ? 'a link-local' : range === 'ipv4Mapped' ? 'an IPv4-mapped' : `the ${range}`} address, not a host beyond an ISP`);
  return ok(address.toString());
}

/** A resolver's IPv6 address, canonical: a unicast address reachable beyond the link (not
 *  link-local: a resolver there would need its interface named, and it is reached through that
 *  link whatever the routes say). */
export function resolverAddress6(text: string): Result<string> {
  const address = parse6(text);
  if (!address) return bad('is not an IPv6 address');
  const range = address.range();
  if (range === 'linkLocal') return bad('is a link-local address: a resolver reached through a route is needed (one on the link is reached there anyway)');
  if (NOT_A_ROUTER.has(range)) return bad(`is ${range === 'ipv4Mapped' ? 'an IPv4-mapped' : `the ${range}`} address, not a resolver's`);
  return ok(address.toString());
}

/** The /64 an IPv6 address is in, as "NETWORK/64". */
export function network64(address: string): string | undefined {
  const value = parse6(address);
  return value ? `${ipaddr.IPv6.networkAddressFromCIDR(`${value.toString()}/64`).toString()}/64` : undefined;
}
