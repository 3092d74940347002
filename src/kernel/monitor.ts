// Link, address, route and rule events as they happen: one `ip -o monitor link address route
// rule` for the life of a check run. A line that names an uplink (carrier lost or back, an
// address added or gone, a route through it changed) or an entry of uplink-lb's own protocol
// has the run read the interfaces again and verify the kernel at once.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { IP, SETPRIV } from '../paths.js';

export interface Watch {
  stop(): void;
}

/** The uplink a monitor line is about, if any: `2: eth1: <...>` (link), `2: eth1    inet ...`
 *  (address), `default via 198.18.101.1 dev eth1 ...` (route), each perhaps after `Deleted `. */
export function deviceOfEvent(line: string, devices: readonly string[]): string | undefined {
  const name = /^(?:Deleted )?\d+: ([^:@\s]+)[:@\s]/.exec(line)?.[1] ?? / dev ([^\s]+)/.exec(line)?.[1];
  return name !== undefined && devices.includes(name) ? name : undefined;
}

/** What a monitor line concerns: an uplink, uplink-lb's own rules and routes, or nothing. */
export function concerns(line: string, devices: readonly string[]): string | undefined {
  return deviceOfEvent(line, devices) ?? (/ proto (uplink-lb|73)\b/.test(line) ? 'uplink-lb' : undefined);
}

export function watchLinks(devices: readonly string[], onEvent: (device: string, line: string) => void): Watch {
  // killed with the check, however it ends (a monitor that outlived it would wait forever)
  const child = spawn(SETPRIV, ['--pdeathsig', 'KILL', '--', IP, '-o', 'monitor', 'link', 'address', 'route', 'rule'], { stdio: ['ignore', 'pipe', 'ignore'], env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C' } });
  child.on('error', () => undefined); // no events then: the rounds still come at their interval
  createInterface({ input: child.stdout }).on('line', (line) => {
    const about = concerns(line, devices);
    if (about) onEvent(about, line);
  });
  return {
    stop: () => {
      child.kill('SIGTERM');
    },
  };
}
