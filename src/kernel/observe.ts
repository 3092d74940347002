// Reads the kernel state uplink-lb reasons about: links and IPv4 addresses, rules, routes of
// every table.
import { IP } from '../paths.js';
import { runChecked } from '../util/run.js';
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

/** Links and addresses (one `ip addr` lists every link with its flags), rules, routes of every
 *  table: what a reconcile reads, alone or after its changes in the same `ip -batch`. */
export const READS: readonly string[] = [ADDRESSES, RULES, ROUTES];

/** The documents READS printed, parsed. */
export function parseReads([links = '', rules = '', routes = '']: readonly string[]): Observed {
  return parseObservation({ links, addresses: links, rules, routes });
}

/** One `ip` process. */
export function observe(): Observed {
  return parseReads(ipBatch(READS));
}

/** Links, addresses and the main table's default routes (a DHCP client's own, which may tell
 *  an uplink's gateway or need taking over): all that the desired state depends on, for a probe
 *  round, from one `ip` process. */
export function observeInterfaces(): Observed {
  const [links = '', routes = ''] = ipBatch([ADDRESSES, MAIN_DEFAULTS]);
  return parseObservation({ links, addresses: links, rules: '', routes });
}
