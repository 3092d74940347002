// Reads the kernel state uplink-lb reasons about: links and addresses, rules, routes of every
// table, and nexthop objects where the kernel and iproute2 have them; for IPv4, and for IPv6
// where the kernel has it (a second `ip -6` run: in a batch no line can name its family, and
// `rule show` lists IPv4 rules only).
import { existsSync } from 'node:fs';
import { IP } from '../paths.js';
import { CommandError, run, runChecked } from '../util/run.js';
import { parseObservation } from './parse.js';
import { splitNexthops } from './nexthop-family.js';
import type { Family, Observed } from './types.js';

/** The `ip` options of a family's batch: IPv6's names its family once, for every line. */
export const familyOptions = (family: Family): string[] => (family === 'inet6' ? ['-6'] : []);

/** One `ip -batch` run for several reads: ip prints one JSON document per command, a line each. */
const ipBatch = (commands: readonly string[], family: Family = 'inet'): string[] =>
  runChecked([IP, ...familyOptions(family), '-j', '-N', '-batch', '-'], `${commands.join('\n')}\n`).split('\n');

// In the IPv4 batch no global -4 is given (nexthop objects of both families and their groups
// are listed, and changed, only without one): `rule show` lists IPv4 rules by default, and
// `root 0.0.0.0/0` keeps the route listing to IPv4 (it is every IPv4 prefix).
const ADDRESSES = 'addr show';
const RULES = 'rule show';
const ROUTES = 'route show table all root 0.0.0.0/0';
const MAIN_DEFAULTS = 'route show table main exact 0.0.0.0/0';
// without -6, an IPv6 listing of one table comes back empty (iproute2 6.1): every table's
// default routes are listed, and parse keeps each one's table
const DEFAULTS6 = 'route show table all exact ::/0';
const NEXTHOPS = 'nexthop show';
/** The IPv6 batch's reads (`ip -6`): its rules and the routes of every table. */
const READS6 = ['rule show', 'route show table all'] as const;

let nexthopObjects: boolean | undefined;
/** Whether this kernel and iproute2 have nexthop objects (Linux 5.3+): known once per process,
 *  from the first observe() (its last read), or else from a read of its own. */
export function haveNexthopObjects(): boolean {
  nexthopObjects ??= run([IP, '-j', 'nexthop', 'show']).status === 0;
  return nexthopObjects;
}

/** The IPv4 batch of reads, learning on the way whether nexthop objects are there: their read
 *  comes last, so where they are not (a kernel before 5.3, an old iproute2) ip fails at that
 *  line only, after printing the others, and no process of its own is needed to ask. */
function readIpv4(): string[] {
  if (nexthopObjects !== undefined) return ipBatch(reads());
  const lines = [ADDRESSES, RULES, ROUTES, NEXTHOPS];
  const argv = [IP, '-j', '-N', '-batch', '-'];
  const result = run(argv, `${lines.join('\n')}\n`);
  const documents = result.stdout.split('\n').filter((l) => l !== '');
  if (result.status === 0) {
    nexthopObjects = true;
    return documents;
  }
  // every read before it printed: ip stopped at the nexthop read (how it says so depends on
  // which of the two lacks them)
  if (documents.length === lines.length - 1) {
    nexthopObjects = false;
    return documents;
  }
  throw new CommandError(argv, result.status, result.stderr);
}

/** Whether this kernel has IPv6 (not booted with ipv6.disable=1). */
export function haveIpv6(): boolean {
  return existsSync('/proc/sys/net/ipv6');
}

/** Links and addresses (one `ip addr` lists every link with its flags and both families'
 *  addresses), IPv4 rules and routes of every table, and nexthop objects: what a reconcile
 *  reads in the `ip` run of its IPv4 changes. */
export function reads(): readonly string[] {
  return haveNexthopObjects() ? [ADDRESSES, RULES, ROUTES, NEXTHOPS] : [ADDRESSES, RULES, ROUTES];
}

/** The documents reads() printed, parsed; `six` the IPv6 batch's (absent: no IPv6 here). */
export function parseReads([links = '', rules = '', routes = '', nexthops]: readonly string[], six?: readonly string[]): Observed {
  const observed = parseObservation(nexthops === undefined ? { links, addresses: links, rules, routes } : { links, addresses: links, rules, routes, nexthops });
  if (six === undefined) return observed;
  const [rules6 = '', routes6 = ''] = six;
  const inet6 = parseObservation({ links, addresses: links, rules: rules6, routes: routes6 }, 'inet6');
  return splitNexthops({ ...observed, inet6 });
}

/** The IPv6 rules and routes: one `ip -6` process (undefined without IPv6). */
export function readIpv6(): string[] | undefined {
  return haveIpv6() ? ipBatch(READS6, 'inet6') : undefined;
}

/** Two `ip` processes (one without IPv6). */
export function observe(): Observed {
  return parseReads(readIpv4(), readIpv6());
}

/** Links, addresses and both families' main-table default routes (a DHCP client's own, which
 *  may tell an uplink's gateway or need taking over; a router advertisement's, which tells an
 *  uplink's IPv6 router): all that the desired state depends on, for a probe round, from one
 *  `ip` process. */
export function observeInterfaces(): Observed {
  if (!haveIpv6()) {
    const [links = '', routes = ''] = ipBatch([ADDRESSES, MAIN_DEFAULTS]);
    return parseObservation({ links, addresses: links, rules: '', routes });
  }
  const [links = '', routes = '', routes6 = ''] = ipBatch([ADDRESSES, MAIN_DEFAULTS, DEFAULTS6]);
  const observed = parseObservation({ links, addresses: links, rules: '', routes });
  return { ...observed, inet6: parseObservation({ links, addresses: links, rules: '', routes: routes6 }, 'inet6') };
}
