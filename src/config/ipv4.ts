// IPv4 addresses and networks through ipaddr.js, with the strictness the configuration needs:
// four decimal parts, no leading zeros, no shorthand ("10.1", "0x0a.0.0.1" and "010.0.0.1" are
// refused, though inet_aton takes them).
import ipaddr from 'ipaddr.js';
import { bad, ok, type Result } from '../util/result.js';

type Range = [ipaddr.IPv4, number];
const cidr = (text: string): Range => ipaddr.IPv4.parseCIDR(text);

/** Never an uplink's address, gateway or probe target. */
const NOT_A_HOST: readonly [Range, string][] = [
  [cidr('0.0.0.0/32'), 'is the unspecified address'],
  [cidr('0.0.0.0/8'), 'is in 0.0.0.0/8'],
  [cidr('127.0.0.0/8'), 'is a loopback address'],
  [cidr('224.0.0.0/3'), 'is a multicast or reserved address'],
];

function parseStrict(text: string): ipaddr.IPv4 | undefined {
  return ipaddr.IPv4.isValidFourPartDecimal(text) ? ipaddr.IPv4.parse(text) : undefined;
}

/** The address, when it can be a host's. */
export function hostAddress(text: string): Result<string> {
  const address = parseStrict(text);
  if (!address) return bad('is not an IPv4 address (a.b.c.d)');
  const excluded = NOT_A_HOST.find(([range]) => address.match(range));
  return excluded ? bad(excluded[1]) : ok(address.toString());
}

/** Accepts "/24", "24" or a contiguous dotted netmask; returns the prefix length. */
export function parsePrefix(text: string): number | undefined {
  const bare = text.startsWith('/') ? text.slice(1) : text;
  if (/^(3[0-2]|[12]?\d)$/.test(bare)) return Number(bare);
  return parseStrict(text)?.prefixLengthFromSubnetMask() ?? undefined;
}

/** "192.0.2.0/24" or "192.0.2.7" (a /32) as canonical NETWORK/LEN, refusing host bits. */
export function networkPrefix(text: string): Result<string> {
  const [address = '', len = '32', ...rest] = text.split('/');
  const value = parseStrict(address);
  if (!value || rest.length > 0 || !/^(3[0-2]|[12]?\d)$/.test(len)) return bad('is not an address or network (a.b.c.d/len)');
  const network = networkOf(address, Number(len));
  if (network !== address) return bad(`has host bits set (did you mean ${network}/${len}?)`);
  return ok(`${network}/${len}`);
}

/** The network address of ADDRESS/PREFIX. Throws on an address that is not IPv4 (a bug). */
export function networkOf(address: string, prefix: number): string {
  const value = parseStrict(address);
  if (!value) throw new Error(`networkOf: "${address}" is not an IPv4 address`);
  return ipaddr.IPv4.networkAddressFromCIDR(`${value.toString()}/${prefix}`).toString();
}

export function inSubnet(address: string, network: string, prefix: number): boolean {
  const a = parseStrict(address);
  const n = parseStrict(network);
  return a !== undefined && n !== undefined && a.match(n, prefix);
}
