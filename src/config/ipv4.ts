// IPv4 text <-> number helpers, strict about what they accept (no leading zeros, no shorthand).

const OCTET = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

export function parseIPv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => OCTET.test(p))) return undefined;
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}

export function formatIPv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

export function prefixMask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

export function networkOf(address: string, prefix: number): string {
  const value = parseIPv4(address);
  if (value === undefined) throw new Error(`networkOf: "${address}" is not an IPv4 address`);
  return formatIPv4((value & prefixMask(prefix)) >>> 0);
}

export function inSubnet(address: string, network: string, prefix: number): boolean {
  const a = parseIPv4(address);
  const n = parseIPv4(network);
  if (a === undefined || n === undefined) return false;
  const mask = prefixMask(prefix);
  return ((a & mask) >>> 0) === ((n & mask) >>> 0);
}

/** Why an address cannot be a host address, or undefined when it can. */
export function hostAddressProblem(text: string): string | undefined {
  const value = parseIPv4(text);
  if (value === undefined) return 'is not an IPv4 address (a.b.c.d)';
  const first = Math.floor(value / 2 ** 24);
  if (value === 0) return 'is the unspecified address';
  if (first === 127) return 'is a loopback address';
  if (first >= 224) return 'is a multicast or reserved address';
  if (first === 0) return 'is in 0.0.0.0/8';
  return undefined;
}

/** Accepts "/24", "24" or a contiguous dotted netmask; returns the prefix length. */
export function parsePrefix(text: string): number | undefined {
  const bare = text.startsWith('/') ? text.slice(1) : text;
  if (/^(3[0-2]|[12]?\d)$/.test(bare)) return Number(bare);
  const mask = parseIPv4(text);
  if (mask === undefined) return undefined;
  for (let prefix = 0; prefix <= 32; prefix++) if (prefixMask(prefix) === mask) return prefix;
  return undefined;
}
