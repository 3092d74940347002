import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseConfigText } from '../../src/config/load.js';
import { parseTableNames } from '../../src/config/rt-tables.js';
import type { Lookups } from '../../src/config/validate.js';
import type { Config } from '../../src/config/types.js';
import { parseObservation } from '../../src/kernel/parse.js';
import { parseReads } from '../../src/kernel/observe.js';
import { parseDelegation } from '../../src/state/prefix6.js';
import type { Observed } from '../../src/kernel/types.js';
import { parseLease } from '../../src/state/lease.js';
import type { Lease } from '../../src/plan/lease.js';

// vitest runs from the project root
export const FIXTURES = resolve('test/fixtures');
const HOOKS = resolve('hooks');

/** Names as an installed router has them: Debian's rt_tables plus the shipped uplinkN names. */
export const LOOKUPS: Lookups = {
  tableNames: parseTableNames(['255\tlocal\n254\tmain\n253\tdefault\n0\tunspec\n101\tisp1\n102\tisp2\n', readFileSync(join(HOOKS, 'rt_tables.conf'), 'utf8')]),
  protocols: new Map([['static', 4], ['dhcp', 16], ['kernel', 2], ['boot', 3], ['uplink-lb', 73]]),
};

export function configFrom(text: string, env: Record<string, string> = {}): Config {
  const result = parseConfigText('test.conf', text, env, LOOKUPS);
  if (!result.config) throw new Error(`fixture config invalid: ${JSON.stringify(result.problems)}`);
  return result.config;
}

export function problemsOf(text: string, env: Record<string, string> = {}): string[] {
  return parseConfigText('test.conf', text, env, LOOKUPS).problems.map((p) => `${p.where}: ${p.message}`);
}

/** A kernel state captured on the rig with `ip -j -N` (see test/fixtures/README.md); one with a
 *  nexthops.json is a kernel with nexthop objects, one without a kernel that has none. */
export function observedAt(name: string): Observed {
  const read = (file: string): string => readFileSync(join(FIXTURES, name, file), 'utf8');
  const has = (file: string): boolean => existsSync(join(FIXTURES, name, file));
  // the documents a reconcile's reads print, in their order (kernel/observe.ts)
  const four = [read('links.json'), read('rules.json'), read('routes.json'), ...(has('nexthops.json') ? [read('nexthops.json')] : [])];
  if (has('rules6.json')) return parseReads(four, [read('rules6.json'), read('routes6.json')]);
  const raw = { links: read('links.json'), addresses: read('addresses.json'), rules: read('rules.json'), routes: read('routes.json') };
  return parseObservation(has('nexthops.json') ? { ...raw, nexthops: read('nexthops.json') } : raw);
}

/** The delegated-prefix records captured with a state (prefix6.DEVICE). */
export function delegationsAt(name: string): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const file of readdirSync(join(FIXTURES, name))) {
    if (!file.startsWith('prefix6.')) continue;
    const device = file.slice('prefix6.'.length);
    const record = parseDelegation(device, readFileSync(join(FIXTURES, name, file), 'utf8'));
    if ('problem' in record) throw new Error(`${name}/${file}: ${record.problem}`);
    found.set(device, record.value.prefixes);
  }
  return found;
}

export function leasesAt(name: string): Map<string, Lease> {
  const leases = new Map<string, Lease>();
  for (const file of readdirSync(join(FIXTURES, name))) {
    if (!file.startsWith('lease.')) continue;
    const device = file.slice('lease.'.length);
    const lease = parseLease(device, readFileSync(join(FIXTURES, name, file), 'utf8'));
    if ('problem' in lease) throw new Error(`${name}/${file}: ${lease.problem}`);
    leases.set(device, lease.value);
  }
  return leases;
}

/** uplink-lb's rules in the applied-2 state (eth1 and eth2 at their default priorities), as
 *  `ip rule` arguments after add or del, in the order a plan adds or deletes them. */
export const APPLIED_2_RULES = [
  'priority 999 lookup 254 suppress_prefixlength 0 protocol 73',
  'priority 1000 fwmark 0x97 lookup 201 protocol 73',
  'priority 1000 fwmark 0x98 lookup 202 protocol 73',
  'priority 1001 from 198.18.101.163/32 lookup 201 protocol 73',
  'priority 1002 from 198.18.102.162/32 lookup 202 protocol 73',
];

/** The applied-2 fixture's leases (captured on the rig), with the resolvers each client announced. */
export function leasesWith(resolvers: Record<string, string[]>): Map<string, Lease> {
  const leases = leasesAt('applied-2');
  for (const [device, list] of Object.entries(resolvers)) {
    const lease = leases.get(device);
    if (lease) leases.set(device, { ...lease, resolvers: list });
  }
  return leases;
}
