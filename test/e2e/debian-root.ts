// Helpers for the tests whose router runs another Debian's userland (RIG_ROOT): commands in
// that root, its configuration, and the balanced route as a short list.
import { spawnSync } from 'node:child_process';
import { lstatSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defaults, rig, type RouteJson } from './rig.js';

export interface Ran {
  status: number | null;
  stdout: string;
  /** the command, the end of its stdout and stderr: for assertion messages */
  output: string;
}

/** CMD in the root, in the host's network namespace (apt, dpkg). */
export function inRoot(...args: string[]): Ran {
  const r = spawnSync(resolve('scripts/rig/rig.sh'), ['chroot', ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, output: `${args.join(' ')}:\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-3000)}` };
}

export const root = (): string => rig('root').trim();
/** The router's private /run, as the tools in the root see it. */
export const rootRun = (name: string): string => `${root()}/../router/run/${name}`;

export function writeRootConfig(text: string): void {
  writeFileSync(`${root()}/etc/default/uplink-lb`, text, { mode: 0o600 });
}

/** `dev:gateway` per nexthop of the balanced route (uplink-lb's, metric 10). */
export function balanced(): string[] {
  const route = defaults().find((r: RouteJson) => r.metric === 10);
  if (!route) return [];
  if (route.nexthops) return route.nexthops.map((h) => `${h.dev}:${h.gateway}`);
  return [`${route.dev}:${route.gateway}`];
}

/** Rules and routes with numbers for names (a purge takes the names away). */
// rules of one priority (uplink-lb's mark rules) sorted: the kernel lists them in the order they came
export const numericKernel = (): string => rig('rx', 'sh', '-c', 'ip -N -4 rule show | sort -t: -k1,1n -k2; ip -N -4 route show table all | grep -v "^local\\|^broadcast"');

/** The package's files (not directories) still in the root. */
export function filesLeft(paths: readonly string[]): string[] {
  return paths.filter((path) => {
    try {
      const stat = lstatSync(`${root()}${path}`);
      return stat.isFile() || stat.isSymbolicLink();
    } catch {
      return false;
    }
  });
}
