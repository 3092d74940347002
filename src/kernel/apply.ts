// Carries out commands: one `ip -batch` run for rules and routes that also reads the kernel
// back (the show commands follow the changes in the same process, after the kernel acked them),
// and one nft transaction for uplink-lb's table. The only code that changes the kernel's
// routing; it takes command text, not the planner's types.
import { IP } from '../paths.js';
import { run, CommandError } from '../util/run.js';
import { applyNft } from './nft.js';
import { parseReads, reads } from './observe.js';
import type { Observed } from './types.js';

/** What a plan runs: `ip -batch` lines (without `ip`) and the whole `nft -f` input. */
export interface Commands {
  ipLines: string[];
  /** Absent when uplink-lb's nftables table stays as it is. */
  nftInput?: string;
}

/** Runs the lines in one `ip -j -N -batch -`, then reads links, addresses, rules and routes
 *  in the same run; returns what was read. ip stops at the first failing line and names it. */
export function applyIpLines(lines: readonly string[]): Observed {
  const argv = [IP, '-j', '-N', '-batch', '-'];
  const readLines = reads();
  const result = run(argv, `${[...lines, ...readLines].join('\n')}\n`);
  if (result.status !== 0) {
    // "Command failed -:N"; a bad argument of `ip nexthop` ends ip at once without that line
    // (`Error: argument "eth9" is wrong: Device does not exist`): ip runs the lines in order,
    // so it stopped at the first line with that argument
    const numbered = /Command failed -:(\d+)/.exec(result.stderr)?.[1];
    const argument = /argument "([^"]+)" is wrong/.exec(result.stderr)?.[1];
    const index = numbered !== undefined ? Number(numbered) - 1 : argument !== undefined ? lines.findIndex((l) => l.split(' ').includes(argument)) : -1;
    const failed = index < 0 ? undefined : lines[index];
    const where = failed === undefined ? '' : ` (at \`ip ${failed}\`, after ${index} of ${lines.length} commands had been applied)`;
    throw new CommandError(argv, result.status, `${result.stderr.trim()}${where}`);
  }
  // the changes print nothing; the reads one JSON document each, a line each
  const documents = result.stdout.split('\n').filter((l) => l !== '');
  return parseReads(documents.slice(-readLines.length));
}

