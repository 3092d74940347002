// Reads the kernel state uplink-lb reasons about: links and IPv4 addresses, rules, routes of
// every table, and nexthop objects where the kernel and iproute2 have them.
import { IP } from '../paths.js';
import { run, runChecked } from '../util/run.js';
import { parseObservation } from './parse.js';
import type { Observed } from './types.js';

/** One `ip -batch` run for several reads: ip prints one JSON document per command, a line each. */
const ipBatch = (commands: readonly string[]): string[] => runChecked([IP, '-j', '-N', '-batch', '-'], `${commands.join('\n')}\n`).split('\n');

// In a batch no global -4 can be given: `rule show` lists IPv4 rules by default, and `root
// 0.0.0.0/0` keeps the route listing to IPv4 (it is every IPv4 prefix).
const ADDRESSES = 'addr show';
const RULES = 'rule show';
const ROUTES = 'route show table all root 0.0.0.0/0';
const MAIN_DEFAULTS = 'route show table main exact 0.0.0.0/0';
const NEXTHOPS = 'nexthop show';

let nexthopObjects: boolean | undefined;
/** Whether this kernel and iproute2 have nexthop objects (Linux 5.3+): asked once per process,
 *  with a read of its own (in a batch, an unknown object would fail the reads after it). */
export function haveNexthopObjects(): boolean {
  nexthopObjects ??= run([IP, '-j', 'nexthop', 'show']).status === 0;
  return nexthopObjects;
}

/** Links and addresses (one `ip addr` lists every link with its flags), rules, routes of every
 *  table, and nexthop objects: what a reconcile reads, alone or after its changes in the same
 *  `ip -batch`. */
export function reads(): readonly string[] {
  return haveNexthopObjects() ? [ADDRESSES, RULES, ROUTES, NEXTHOPS] : [ADDRESSES, RULES, ROUTES];
}

/** The documents reads() printed, parsed. */
export function parseReads([links = '', rules = '', routes = '', nexthops]: readonly string[]): Observed {
  return parseObservation(nexthops === undefined ? { links, addresses: links, rules, routes } : { links, addresses: links, rules, routes, nexthops });
}

/** One `ip` process. */
export function observe(): Observed {
  return parseReads(ipBatch(reads()));
}

/** Links, addresses and the main table's default routes (a DHCP client's own, which may tell
 *  an uplink's gateway or need taking over): all that the desired state depends on, for a probe
 *  round, from one `ip` process. */
export function observeInterfaces(): Observed {
  const [links = '', routes = ''] = ipBatch([ADDRESSES, MAIN_DEFAULTS]);
  return parseObservation({ links, addresses: links, rules: '', routes });
}
