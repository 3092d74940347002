// Link, address, route, rule and nexthop events as they happen: one `ip -o monitor link
// address route rule [nexthop]` for the life of a check run. A line that names an uplink
// (carrier lost or back, an address added or gone, a route through it changed) or an entry of
// uplink-lb's own protocol has the run read the interfaces again and verify the kernel at once
// (an address merely renewed: only when the interfaces read differently). One `nft monitor`
// does the same for a change of uplink-lb's own nftables table (a firewall's `nft flush
// ruleset`).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { IP, NFT, SETPRIV } from '../paths.js';
import { NFT_FAMILY, NFT_TABLE } from './tables.js';
import { haveNexthopObjects } from './observe.js';

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

/** What an event asks of the check: `observe` for an address added or changed (a DHCP
 *  renewal's new lifetimes are such an event: the interfaces are read again, and the kernel
 *  verified only when they read differently), `verify` for the rest (a link's flags, an address
 *  deleted: the kernel drops routes then without telling; a route, a rule, the nft table). */
export type EventNeed = 'observe' | 'verify';

export function needOf(line: string): EventNeed {
  return /^\d+: [^:\s]+\s+inet6? /.test(line) ? 'observe' : 'verify';
}

/** Addresses as the monitor last told them, without their lifetimes, by device and address:
 *  a DHCP renewal or a router advertisement's refresh (every few minutes per address; the
 *  kernel reports each new lifetime as an address event) tells nothing new and is dropped. A
 *  new address, new flags (`deprecated`, `tentative`, `dadfailed`) or a deletion pass. */
export class AddressMemory {
  private readonly told = new Map<string, string>();

  /** Whether the line is an address added again exactly as the last time (lifetimes aside). */
  repeats(line: string): boolean {
    const m = /^(Deleted )?(\d+: (\S+)\s+inet6? (\S+).*?)\s*(?:\\\s*)?(?:valid_lft \S+ preferred_lft \S+)?$/.exec(line);
    if (!m) return false;
    const [, deleted, identity = '', device = '', address = ''] = m;
    const key = `${device} ${address}`;
    if (deleted) {
      this.told.delete(key);
      return false;
    }
    if (this.told.get(key) === identity) return true;
    this.told.set(key, identity);
    return false;
  }
}

/** Whether a line of `nft monitor` changes uplink-lb's own table (`delete rule inet uplink_lb
 *  prerouting handle 5`, `delete table inet uplink_lb`, ...). */
export function concernsNft(line: string): boolean {
  return line.includes(` ${NFT_FAMILY} ${NFT_TABLE} `) || line.endsWith(` ${NFT_FAMILY} ${NFT_TABLE}`);
}

/** One monitor for the life of the run; `about` picks the lines that matter. */
function monitor(command: readonly string[], about: (line: string) => string | undefined, onEvent: (about: string, line: string) => void): Watch {
  // killed with the check, however it ends (a monitor that outlived it would wait forever)
  const child = spawn(SETPRIV, ['--pdeathsig', 'KILL', '--', ...command], { stdio: ['ignore', 'pipe', 'ignore'], env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C' } });
  child.on('error', () => undefined); // no events then: the periodic verify still comes
  createInterface({ input: child.stdout }).on('line', (line) => {
    const what = about(line);
    if (what) onEvent(what, line);
  });
  return { stop: () => void child.kill('SIGTERM') };
}

export function watchLinks(devices: readonly string[], onEvent: (about: string, line: string) => void): Watch {
  // nexthop objects too where the kernel has them (`id 7300001 via ... proto uplink-lb`): one
  // deleted by someone takes its routes with it
  const objects = haveNexthopObjects() ? ['nexthop'] : [];
  const addresses = new AddressMemory();
  const watches = [monitor([IP, '-o', 'monitor', 'link', 'address', 'route', 'rule', ...objects], (line) => (addresses.repeats(line) ? undefined : concerns(line, devices)), onEvent)];
  if (existsSync(NFT)) watches.push(monitor([NFT, 'monitor'], (line) => (concernsNft(line) ? 'uplink-lb' : undefined), onEvent));
  return { stop: () => watches.forEach((w) => w.stop()) };
}
