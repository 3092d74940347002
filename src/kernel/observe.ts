// Reads the kernel state uplink-lb reasons about: links and IPv4 addresses (one `ip addr`,
// which lists every link with its flags), rules, routes of every table.
import { IP } from '../paths.js';
import { runChecked } from '../util/run.js';
import { parseObservation, type RawObservation } from './parse.js';
import type { Observed } from './types.js';

const ip = (...args: string[]): string => runChecked([IP, '-j', '-N', ...args], args.includes('-batch') ? INTERFACES_BATCH : undefined);

export function readRawObservation(): RawObservation {
  const links = ip('addr', 'show');
  return { links, addresses: links, rules: ip('-4', 'rule', 'show'), routes: ip('-4', 'route', 'show', 'table', 'all') };
}

export function observe(): Observed {
  return parseObservation(readRawObservation());
}

/** Links, addresses and the main table's default routes (a DHCP client's own, which may tell
 *  an uplink's gateway or need taking over): all that the desired state depends on, for a probe
 *  round, from one `ip -batch` run (one JSON document per line). */
export function observeInterfaces(): Observed {
  const [links = '', routes = ''] = ip('-batch', '-').split('\n');
  return parseObservation({ links, addresses: links, rules: '', routes });
}
export const INTERFACES_BATCH = 'addr show\nroute show table main exact 0.0.0.0/0\n';
