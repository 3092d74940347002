// The text of a managed resolv.conf: the file's own lines kept (search, domain, options,
// comments, and the nameservers of a family no uplink announces any of: IPv6 ones where only
// IPv4 resolvers are known), its other nameserver lines replaced by the usable uplinks'
// resolvers, each after a comment naming its uplink. Pure.
import { isIpv6 } from '../config/ipv6.js';
import type { ResolverEntry } from './resolver-list.js';
import type { Config } from '../config/types.js';
import type { UplinkResolvers } from './uplink-resolvers.js';
import { OUR_RECORD, renderRecord, uplinkOfRecord } from './resolvconf-records.js';

/** Lines that start with it are uplink-lb's own comments. */
export const MARK = '# uplink-lb:';

/** A nameserver line's address, if it is one. */
function nameserverOf(line: string): string | undefined {
  const match = /^\s*nameserver\s+(\S+)/.exec(line);
  return match?.[1];
}

/** The nameservers a resolv.conf lists, in order. */
export function nameservers(text: string): string[] {
  return text.split('\n').flatMap((line) => {
    const address = nameserverOf(line);
    return address === undefined ? [] : [address];
  });
}

/** Written by uplink-lb (its first line is uplink-lb's comment). */
export function isManaged(text: string): boolean {
  return text.startsWith(MARK);
}

/** The address families of the resolvers the uplinks announce: the nameserver lines uplink-lb
 *  keeps (an IPv4 resolver is never an IPv6 one's stand-in). */
export function announcedFamilies(announced: ReadonlyMap<string, UplinkResolvers>): { inet: boolean; inet6: boolean } {
  const all = [...announced.values()].flatMap((a) => a.resolvers);
  return { inet: all.some((r) => !isIpv6(r)), inet6: all.some(isIpv6) };
}

/** `current` with its nameservers of the `managed` families replaced by `list`; `note` says
 *  where the file was configured and kept from. */
export function renderResolvConf(current: string, list: readonly ResolverEntry[], note: string, managed: { inet: boolean; inet6: boolean } = { inet: true, inet6: false }): string {
  const lines = current.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const kept: string[] = [];
  const left: string[] = [];
  for (const line of lines) {
    if (line.startsWith(MARK)) continue;
    const address = nameserverOf(line);
    if (address === undefined) kept.push(line);
    else if (!(isIpv6(address.split('%')[0] ?? '') ? managed.inet6 : managed.inet)) left.push(line);
  }
  const servers = list.flatMap((e) => [`${MARK} ${e.address} of ${e.by}${e.devices.length > 1 ? ` (also ${e.devices.slice(1).join(', ')})` : ''}`, `nameserver ${e.address}`]);
  return `${[`${MARK} the resolvers of the usable uplinks, best first; ${note}`, ...kept, ...servers, ...left].join('\n')}\n`;
}

/** The managed file as read; `resolvconf`: kept by a resolvconf (a link to Debian's resolvconf's
 *  file, or the file openresolv writes), with its records there (name -> text). */
export type ResolvFile =
  | { kind: 'file'; text: string; mtimeSeconds: number }
  | { kind: 'missing' }
  | { kind: 'link'; target: string }
  | { kind: 'other'; what: string }
  | { kind: 'resolvconf'; keeper: 'resolvconf' | 'openresolv'; records: ReadonlyMap<string, string> };

export type ResolvPlan =
  /** Not managed, and why (status says it). */
  | { action: 'leave'; why: string }
  /** Managed: `text` is what the file should hold; `write` when it does not yet. */
  | { action: 'write' | 'keep'; path: string; text: string; list: ResolverEntry[] }
  /** Kept by resolvconf: the uplinks' own records to take out, and uplink-lb's record; `current`
   *  when nothing is to change. `path` names it for people. */
  | { action: 'resolvconf'; path: string; record: string; takeOut: string[]; current: boolean; list: ResolverEntry[] };

/** What to do with the resolver file: `backup` is where its original is kept (for its comment). */
export function planResolvConf(config: Config, announced: ReadonlyMap<string, UplinkResolvers>, list: readonly ResolverEntry[], file: ResolvFile, backup: string): ResolvPlan {
  const conf = config.resolvConf;
  if (conf.manage === 'no') return { action: 'leave', why: 'RESOLV_CONF=no' };
  if (announced.size === 0) return { action: 'leave', why: `no uplink announces a resolver (IFACE_RESOLVERS sets them for a static uplink): ${conf.path} is left as it is` };
  if (list.length === 0) return { action: 'leave', why: `no usable uplink has a resolver: ${conf.path} is left as it is` };
  if (file.kind === 'link') return { action: 'leave', why: `${conf.path} is a link to ${file.target} (systemd-resolved, or a resolvconf that is not Debian's): left to it` };
  if (file.kind === 'other') return { action: 'leave', why: `${conf.path} is ${file.what}: left as it is` };
  if (file.kind === 'resolvconf') {
    const devices = config.uplinks.map((u) => u.device);
    const takeOut = [...file.records.keys()].filter((name) => uplinkOfRecord(name, devices) !== undefined).sort();
    const record = renderRecord(list);
    return { action: 'resolvconf', path: `${file.keeper} (its record ${OUR_RECORD})`, record, takeOut, current: takeOut.length === 0 && file.records.get(OUR_RECORD) === record, list: [...list] };
  }
  const current = file.kind === 'file' ? file.text : '';
  const text = renderResolvConf(current, list, `RESOLV_CONF=no in ${config.source} leaves it alone; the file before is ${backup}`, announcedFamilies(announced));
  return { action: file.kind === 'file' && file.text === text ? 'keep' : 'write', path: conf.path, text, list: [...list] };
}

/** What `validate` says of the resolver file: what uplink-lb will do with it. */
export function describeResolvTarget(config: Config, file: ResolvFile): string {
  const conf = config.resolvConf;
  if (conf.manage === 'no') return 'resolvers: left alone (RESOLV_CONF=no)';
  const fixed = config.uplinks.filter((u) => u.resolvers !== 'auto').map((u) => `${u.device}: ${u.resolvers === 'auto' || u.resolvers.length === 0 ? 'none' : u.resolvers.join(', ')}`);
  const sources = `the resolvers the uplinks' DHCP clients and PPP peers announce${fixed.length > 0 ? ` (IFACE_RESOLVERS: ${fixed.join('; ')})` : ''}`;
  switch (file.kind) {
    case 'resolvconf':
      return `resolvers: through ${file.keeper}: the uplinks' own records give way to uplink-lb's (${OUR_RECORD}), which lists ${sources} while their uplink is usable, best first`;
    case 'link':
      return `resolvers: ${conf.path} is a link to ${file.target}: left alone (not Debian's resolvconf)`;
    case 'other':
      return `resolvers: ${conf.path} is ${file.what}: left alone`;
    default:
      return `resolvers: ${conf.path}${file.kind === 'missing' ? ' (made when needed)' : ''} will list ${sources} while their uplink is usable, best first; its other lines are kept`;
  }
}
