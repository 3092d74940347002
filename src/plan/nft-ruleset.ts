// The nftables table uplink-lb owns (inet uplink_lb): connection pinning and destination pins.
// Pure: the same configuration and state always give the same text, and its fingerprint
// (a comment on the first rule) tells a reconcile whether the kernel's table is current.
import { createHash } from 'node:crypto';
import type { Config, Pin } from '../config/types.js';
import { FINGERPRINT_PREFIX, NFT_FAMILY, NFT_TABLE } from '../kernel/tables.js';
import { hex } from '../util/hex.js';

export interface Ruleset {
  /** `nft -f` input that creates the table. */
  text: string;
  fingerprint: string;
  chains: number;
  rules: number;
}

// Never pinned: multicast, link-local, limited broadcast.
const NOT_INTERNET = '{ 224.0.0.0/4, 169.254.0.0/16, 255.255.255.255 }';

function pinMatch(pin: Pin): string {
  const parts: string[] = [];
  if (pin.destination) parts.push(`ip daddr ${pin.destination}`);
  if (pin.protocol && pin.port !== undefined) parts.push(`${pin.protocol} dport ${pin.port}`);
  return parts.join(' ');
}

/** New connections matching a pin: marked for its uplink while it is usable (in the route, or
 *  on standby in a higher tier); while it is not, left to the hash, or refused when the pin is
 *  strict. */
function pinRules(config: Config, usable: ReadonlySet<string>, fromUplink: string): string[] {
  const rules: string[] = [];
  for (const pin of config.pins) {
    const uplink = config.uplinks[pin.uplink];
    if (!uplink) continue;
    const match = `meta nfproto ipv4 ct state new ${fromUplink}${pinMatch(pin)}`;
    if (usable.has(uplink.device)) rules.push(`${match} meta mark set ${hex(uplink.mark)} ct mark set ${hex(uplink.mark)}`);
    else if (pin.strict) rules.push(`${match} reject with icmp type admin-prohibited`);
  }
  return rules;
}

/** The table for `config`, with the usable uplinks named in `usable`. */
export function buildRuleset(config: Config, usable: ReadonlySet<string>): Ruleset {
  const marks = `{ ${config.uplinks.map((u) => hex(u.mark)).join(', ')} }`;
  const devices = `{ ${config.uplinks.map((u) => `"${u.device}"`).join(', ')} }`;
  const restore = `meta nfproto ipv4 ct mark ${marks} meta mark set ct mark`;
  const prerouting = [
    restore,
    // a connection that arrives through an uplink is answered through it
    ...config.uplinks.map((u) => `meta nfproto ipv4 ct state new iifname "${u.device}" ct mark set ${hex(u.mark)}`),
    ...pinRules(config, usable, `iifname != ${devices} `),
  ];
  const output = [restore, ...pinRules(config, usable, '')];
  // a new connection keeps the uplink its first packet left through
  const postrouting = config.uplinks.map((u) => `meta nfproto ipv4 ct mark 0 ip daddr != ${NOT_INTERNET} oifname "${u.device}" ct mark set ${hex(u.mark)}`);
  const chain = (name: string, type: string, hook: string, rules: string[]): string =>
    [`  chain ${name} {`, `    type ${type} hook ${hook} priority mangle; policy accept;`, ...rules.map((r) => `    ${r}`), '  }'].join('\n');
  const body = [chain('prerouting', 'filter', 'prerouting', prerouting), chain('output', 'route', 'output', output), chain('postrouting', 'filter', 'postrouting', postrouting)].join('\n');
  const fingerprint = createHash('sha256').update(body).digest('hex').slice(0, 16);
  // the fingerprint rides on the first rule as its comment
  const stamped = body.replace(restore, `${restore} comment "${FINGERPRINT_PREFIX}${fingerprint}"`);
  return {
    text: `table ${NFT_FAMILY} ${NFT_TABLE} {\n${stamped}\n}\n`,
    fingerprint,
    chains: 3,
    rules: prerouting.length + output.length + postrouting.length,
  };
}
