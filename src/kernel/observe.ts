// Reads the kernel state uplink-lb reasons about: links, IPv4 addresses, rules, routes of every table.
import { IP } from '../paths.js';
import { runChecked } from '../util/run.js';
import { parseObservation, type RawObservation } from './parse.js';
import type { Observed } from './types.js';

export function readRawObservation(): RawObservation {
  const ip = (...args: string[]): string => runChecked([IP, '-j', '-N', ...args]);
  return {
    links: ip('link', 'show'),
    addresses: ip('-4', 'addr', 'show'),
    rules: ip('-4', 'rule', 'show'),
    routes: ip('-4', 'route', 'show', 'table', 'all'),
  };
}

export function observe(): Observed {
  return parseObservation(readRawObservation());
}
