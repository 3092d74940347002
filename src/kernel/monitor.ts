// Link and address events as they happen: one `ip -o monitor link address` for the life of a
// check run. A line that names an uplink (carrier lost or back, an address added or gone) wakes
// the run for a round at once instead of at its next interval.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { IP } from '../paths.js';

export interface Watch {
  stop(): void;
}

/** The uplink a monitor line is about, if any: `2: eth1: <...>` (link), `2: eth1    inet ...`
 *  (address), each perhaps after `Deleted `. */
export function deviceOfEvent(line: string, devices: readonly string[]): string | undefined {
  const name = /^(?:Deleted )?\d+: ([^:@\s]+)[:@\s]/.exec(line)?.[1];
  return name !== undefined && devices.includes(name) ? name : undefined;
}

export function watchLinks(devices: readonly string[], onEvent: (device: string, line: string) => void): Watch {
  const child = spawn(IP, ['-o', 'monitor', 'link', 'address'], { stdio: ['ignore', 'pipe', 'ignore'], env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C' } });
  child.on('error', () => undefined); // no events then: the rounds still come at their interval
  createInterface({ input: child.stdout }).on('line', (line) => {
    const device = deviceOfEvent(line, devices);
    if (device) onEvent(device, line);
  });
  return {
    stop: () => {
      child.kill('SIGTERM');
    },
  };
}
