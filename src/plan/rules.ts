// The routing rules of the uplinks that are up: each one's address and mark, and the main
// table's connected networks ahead of them. Pure.
import type { Config } from '../config/types.js';
import type { Rule } from '../kernel/types.js';
import { MAIN_TABLE } from '../kernel/tables.js';
import { PROTOCOL } from './ownership.js';
import type { UplinkState } from './uplink-state.js';

/** The uplink's own address (a /32, never its network: two ISPs' modems often hand out the same
 *  network, and a rule for the whole network would send the other uplink's traffic here), at
 *  the uplink's priority. */
function sourceRule(s: UplinkState): Rule {
  const { uplink } = s;
  return { priority: uplink.priority, table: uplink.table, protocol: PROTOCOL, src: s.address ?? 'all', srclen: s.family === 'inet6' ? 128 : 32, extra: [] };
}

/** IPv6: the prefixes the ISP delegated, at the uplink's priority: a LAN host's connection from
 *  an address of this ISP's prefix leaves through this ISP, the only one that takes it. */
function delegatedRules(s: UplinkState): Rule[] {
  const { uplink } = s;
  return (s.delegated ?? []).map((prefix) => {
    const [src = '', len = ''] = prefix.split('/');
    return { priority: uplink.priority, table: uplink.table, protocol: PROTOCOL, src, srclen: Number(len), extra: [] };
  });
}

/** The uplink's mark, ahead of every source rule (`markPriority`): a connection that a policy
 *  moved to this uplink after its socket had taken another uplink's address (the router's own)
 *  still leaves here, whichever uplink's priority is lower; uplink-lb's nftables table then
 *  gives it this uplink's address. Marks are unique, so the mark rules never compete. */
function markRule(s: UplinkState, markPriority: number): Rule {
  const { uplink } = s;
  return { priority: markPriority, table: uplink.table, protocol: PROTOCOL, src: 'all', srclen: 0, fwmark: uplink.mark, fwmask: 0xffffffff, extra: [] };
}

/** Where the rules go, below the lowest configured priority: the mark rules just before it, and
 *  the main table without its default route before them, so that connected
 *  networks and the LAN win over a connection's mark or an uplink's source address (replies to
 *  the LAN must not follow a mark out of a WAN). */
export function rulePriorities(config: Config): { mark: number; connected: number } {
  const lowest = Math.min(...config.uplinks.map((u) => u.priority));
  return { mark: lowest - 1, connected: lowest - 2 };
}

function connectedFirstRule(priority: number): Rule {
  return { priority, table: MAIN_TABLE, protocol: PROTOCOL, src: 'all', srclen: 0, suppressPrefixlength: 0, extra: [] };
}

/** Every rule for the uplinks that are up (of one family): connected networks, the marks, the
 *  addresses, and IPv6's delegated prefixes. */
export function uplinkRules(config: Config, up: readonly UplinkState[]): Rule[] {
  if (up.length === 0) return [];
  const priorities = rulePriorities(config);
  const sources = up.flatMap((s) => (s.address ? [sourceRule(s)] : []));
  return [connectedFirstRule(priorities.connected), ...up.map((s) => markRule(s, priorities.mark)), ...sources, ...up.flatMap(delegatedRules)];
}
