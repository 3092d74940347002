// Conntrack entries pinned to an uplink (their ct mark is the uplink's mark): counted for
// status, deleted when the uplink leaves the route so clients reconnect at once elsewhere.
import { existsSync } from 'node:fs';
import { CONNTRACK } from '../paths.js';
import { run } from '../util/run.js';
import { hex } from '../util/hex.js';

export const conntrackAvailable = (): boolean => existsSync(CONNTRACK);


/** Deletes the IPv4 entries with this mark; returns how many (conntrack prints the count). */
export function releaseMark(mark: number): number {
  const result = run([CONNTRACK, '-D', '-f', 'ipv4', '--mark', hex(mark)]);
  const count = /(\d+) flow entries have been deleted/.exec(result.stderr);
  return count?.[1] ? Number(count[1]) : 0;
}

export function countMark(mark: number): number | null {
  if (!conntrackAvailable()) return null;
  const result = run([CONNTRACK, '-L', '-f', 'ipv4', '--mark', hex(mark)]);
  const count = /(\d+) flow entries have been shown/.exec(result.stderr);
  return count?.[1] ? Number(count[1]) : 0;
}
