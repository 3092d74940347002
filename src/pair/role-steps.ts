// What a change of this router's role does (keepalived has already moved the virtual
// addresses when it tells): conntrackd's state steps, and the active-only uplinks brought up on
// the active router and down on the others.
// - MASTER: `conntrackd -R` takes the connections the peer synchronised into its own cache,
//   `-B` sends them all back (the peer, rejoining as backup, gets copies it can follow: without
//   these a connection that lived through a failover breaks at the failback), then `ifup` of
//   each active-only uplink.
// - BACKUP: `conntrackd -n` asks the master for every connection at once; `ifdown` of the
//   active-only uplinks.
// - FAULT, STOP: `ifdown` of the active-only uplinks (no conntrackd step: with its external
//   cache off, the kernel's table is the replica, which `-t` would flush).
// The steps are a plan (pure) and its run.
import type { Config } from '../config/types.js';
import { CONNTRACKD, IFDOWN, IFUP } from '../paths.js';
import { run } from '../util/run.js';
import type { Role } from './notify-line.js';

export interface Step {
  argv: string[];
  /** What it is for, in a log line. */
  what: string;
}

export function roleSteps(role: Role, config: Config): Step[] {
  const conf = config.ha?.conntrackdConf;
  const conntrackd = (flag: string, what: string): Step[] => (conf ? [{ argv: [CONNTRACKD, '-C', conf, flag], what }] : []);
  const activeOnly = config.uplinks.filter((u) => u.pairing === 'active-only').map((u) => u.device);
  if (role === 'MASTER') {
    return [...conntrackd('-R', 'take the synchronised connections'), ...conntrackd('-B', 'send every connection to the peer'), ...activeOnly.map((d) => ({ argv: [IFUP, d], what: `bring up the active-only uplink ${d}` }))];
  }
  const down = activeOnly.map((d) => ({ argv: [IFDOWN, d], what: `take down the active-only uplink ${d}` }));
  return role === 'BACKUP' ? [...conntrackd('-n', 'ask the master for every connection'), ...down] : down;
}

/** Runs each step in order, whatever the one before gave; what failed, each with why. */
export function runSteps(steps: readonly Step[]): string[] {
  const failed: string[] = [];
  for (const step of steps) {
    try {
      const result = run(step.argv);
      if (result.status !== 0) failed.push(`${step.argv.join(' ')} (to ${step.what}) failed (exit ${result.status ?? 'signal'}): ${result.stderr.trim().split('\n').slice(-2).join(' ') || 'no output'}`);
    } catch (err) {
      failed.push(`${step.argv.join(' ')} (to ${step.what}) could not run: ${(err as Error).message}`);
    }
  }
  return failed;
}
