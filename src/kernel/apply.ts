// Carries out commands: `ip -batch` runs for rules, routes and nexthop objects, in order, one
// per family segment (IPv6 rules and routes run under `ip -6`; nexthop objects of both
// families, and their groups, only without it), the last run also reading the kernel back
// (the show commands follow the changes in the same process, after the kernel acked them);
// and one nft transaction for uplink-lb's table. The only code that changes the kernel's
// routing; it takes command text, not the planner's types.
import { IP } from '../paths.js';
import { run, CommandError } from '../util/run.js';
import { familyOptions, observe, parseReads, readIpv6, reads } from './observe.js';
import type { Family, Observed } from './types.js';

/** Lines for one `ip -batch` run: `inet6` runs under `ip -6`. */
export interface IpSegment {
  family: Family;
  lines: string[];
}

/** What a plan runs: `ip -batch` segments in order (lines without `ip`) and the whole `nft -f`
 *  input. */
export interface Commands {
  ip: IpSegment[];
  /** Absent when uplink-lb's nftables table stays as it is. */
  nftInput?: string;
}

const ipCommand = (family: Family): string => ['ip', ...familyOptions(family)].join(' ');

/** Runs the segments in order, each in one `ip -j -N -batch -`, then reads links, addresses,
 *  rules and routes (the IPv4 ones in the last run when it is an IPv4 one); returns what was
 *  read. ip stops at the first failing line and names it; no later segment runs. */
export function applyIpSegments(segments: readonly IpSegment[]): Observed {
  const total = segments.reduce((n, s) => n + s.lines.length, 0);
  let before = 0;
  let documents: string[] | undefined;
  segments.forEach((segment, i) => {
    const readLines = i === segments.length - 1 && segment.family === 'inet' ? reads() : [];
    const argv = [IP, ...familyOptions(segment.family), '-j', '-N', '-batch', '-'];
    const result = run(argv, `${[...segment.lines, ...readLines].join('\n')}\n`);
    if (result.status !== 0) throw new CommandError(argv, result.status, `${result.stderr.trim()}${failedAt(result.stderr, segment, before, total)}`);
    before += segment.lines.length;
    // the changes print nothing; the reads one JSON document each, a line each
    if (readLines.length > 0) documents = result.stdout.split('\n').filter((l) => l !== '').slice(-readLines.length);
  });
  return documents ? parseReads(documents, readIpv6()) : observe();
}

/** Where ip stopped: "Command failed -:N"; a bad argument of `ip nexthop` ends ip at once
 *  without that line (`Error: argument "eth9" is wrong: Device does not exist`): ip runs the
 *  lines in order, so it stopped at the first line with that argument. */
function failedAt(stderr: string, segment: IpSegment, before: number, total: number): string {
  const numbered = /Command failed -:(\d+)/.exec(stderr)?.[1];
  const argument = /argument "([^"]+)" is wrong/.exec(stderr)?.[1];
  const index = numbered !== undefined ? Number(numbered) - 1 : argument !== undefined ? segment.lines.findIndex((l) => l.split(' ').includes(argument)) : -1;
  const failed = index < 0 ? undefined : segment.lines[index];
  return failed === undefined ? '' : ` (at \`${ipCommand(segment.family)} ${failed}\`, after ${before + index} of ${total} commands had been applied)`;
}
