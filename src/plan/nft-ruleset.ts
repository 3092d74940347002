// The nftables table uplink-lb owns (inet uplink_lb): connection pinning, the traffic policies
// (PIN and POLICY entries), IPv6 native mode's refusal of new connections from an
// out-of-service uplink's delegated prefix, and IPv6 translated mode's prefix translation (with
// pinning for IPv6 too).
// Pure: the same configuration and state always give the same text, and its fingerprint
// (a comment on the first rule) tells a reconcile whether the kernel's table is current.
import { createHash } from 'node:crypto';
import type { Config, Policy } from '../config/types.js';
import type { PolicyChoice } from './policy-choice.js';
import { FINGERPRINT_PREFIX, NFT_FAMILY, NFT_TABLE } from '../kernel/tables.js';
import { hex } from '../util/hex.js';
import { ipv6Policy } from '../config/validate-policy.js';

export interface Ruleset {
  /** `nft -f` input that creates the table. */
  text: string;
  fingerprint: string;
  chains: number;
  rules: number;
}

// Never pinned: multicast, link-local, limited broadcast.
const NOT_INTERNET = '{ 224.0.0.0/4, 169.254.0.0/16, 255.255.255.255 }';
// IPv6's: link-local (neighbour discovery) and multicast.
const NOT_INTERNET6 = '{ fe80::/10, ff00::/8 }';

/** IPv6 translated mode: the LAN's prefix, and what it becomes through each uplink: the first
 *  /64 of its delegated prefix, or (none delegated) its own address by masquerading. */
export interface Translation6 {
  lan: string;
  uplinks: { device: string; to?: string }[];
}

/** The LAN's prefix translated on the way out through each uplink, and back for connections
 *  that come in to an uplink's /64 (NPTv6: the host part is kept, so each LAN host has one
 *  address per ISP, and a reply finds it). */
function translationRules(t: Translation6): { out: string[]; back: string[] } {
  const out = t.uplinks.map((u) => `oifname "${u.device}" ip6 saddr ${t.lan} ${u.to ? `snat ip6 prefix to ${u.to}` : 'masquerade'}`);
  const back = t.uplinks.flatMap((u) => (u.to ? [`iifname "${u.device}" ip6 daddr ${u.to} dnat ip6 prefix to ${t.lan}`] : []));
  return { out, back };
}

/** The address family's word in nft: `ip` or `ip6`. */
type Ip = 'ip' | 'ip6';

/** What the policy matches, in nft words; `in` only where packets arrive (prerouting). */
function policyMatch(match: Policy['match'], hook: 'prerouting' | 'output', ip: Ip): string {
  const parts: string[] = [];
  if (match.in && hook === 'prerouting') parts.push(`iifname "${match.in}"`);
  if (match.from) parts.push(`${ip} saddr ${match.from}`);
  if (match.to) parts.push(`${ip} daddr ${match.to}`);
  if (match.protocol && match.ports) parts.push(`${match.protocol} dport ${match.ports[0] === match.ports[1] ? match.ports[0] : `${match.ports[0]}-${match.ports[1]}`}`);
  else if (match.protocol) parts.push(`meta l4proto ${match.protocol}`);
  return parts.join(' ');
}

/** The mark of the uplink a new connection goes through: the one member, or a weighted draw
 *  (by client and server under the kernel's default l3 hash, so that a client keeps one uplink
 *  per server as with the default route; at random per connection under l4). */
function markOf(choice: PolicyChoice, perConnection: boolean, ip: Ip): string {
  const [only] = choice.members;
  if (choice.members.length === 1 && only) return hex(only.mark);
  let next = 0;
  const ranges = choice.members.map((m) => {
    const first = next;
    next += m.weight;
    return `${first === next - 1 ? first : `${first}-${next - 1}`} : ${hex(m.mark)}`;
  });
  const draw = perConnection ? `numgen random mod ${next}` : `jhash ${ip} saddr . ${ip} daddr mod ${next} seed 0x0`;
  return `${draw} map { ${ranges.join(', ')} }`;
}

/** A strict policy's refusal: a TCP reset for TCP (the kernel sends as many as asked), an ICMP
 *  "administratively prohibited" for the rest (rate-limited per host by the kernel's
 *  icmp_ratelimit: about 6 at once, then one a second, each further TCP connection would wait
 *  for its SYN to be sent again). */
function refusal(match: string, protocol: Policy['match']['protocol'], ip: Ip): string[] {
  const icmp = ip === 'ip6' ? 'reject with icmpv6 type admin-prohibited' : 'reject with icmp type admin-prohibited';
  if (protocol === 'tcp') return [`${match} reject with tcp reset`];
  if (protocol === 'udp') return [`${match} ${icmp}`];
  const tcp = match === '' ? 'meta l4proto tcp' : `${match} meta l4proto tcp`;
  return [`${tcp} reject with tcp reset`, `${match} ${icmp}`];
}

/** The rules of a policy chain, tried only for the first packet of a new connection: each
 *  policy, first match deciding, marks it for an uplink of its first tier that has a usable one
 *  (in the route, or on standby in a higher tier); while none has, it is left to the default
 *  route, or refused when the policy is strict. */
function policyRules(choices: readonly PolicyChoice[], perConnection: boolean, hook: 'prerouting' | 'output', ip: Ip = 'ip'): string[] {
  const rules: string[] = [];
  for (const choice of choices) {
    if (hook === 'output' && choice.policy.match.in) continue; // the router's own traffic arrives through no interface
    const match = policyMatch(choice.policy.match, hook, ip);
    if (choice.members.length > 0) rules.push(`${match} meta mark set ${markOf(choice, perConnection, ip)} ct mark set meta mark accept`);
    else if (choice.policy.strict) rules.push(...refusal(match, choice.policy.match.protocol, ip));
    else rules.push(`${match} accept`);
  }
  return rules;
}

/** The router's own traffic that no policy may move: probes. An ICMP probe carries its uplink's
 *  mark (ping -m), so policies apply only to unmarked packets; a TCP probe cannot be marked
 *  (Node has no SO_MARK) and its target and port are passed over instead. */
function probeExemption(config: Config): string[] {
  // (a gateway as the target needs nothing: connected networks are routed before any mark)
  const probes = new Set<string>();
  for (const u of config.uplinks) {
    const method = u.method;
    if (method.kind === 'tcp') for (const target of u.targets) probes.add(`${target} . ${method.port}`);
  }
  return probes.size === 0 ? [] : [`ip daddr . tcp dport { ${[...probes].join(', ')} } return`];
}

/** The router's own connections that a policy moved to another uplink than the one whose
 *  address their socket had already taken (from the default route, before the policy's mark):
 *  they leave with the address of the uplink they leave through, as its ISP expects. Only other
 *  uplinks' addresses are translated; the user's own NAT, at the usual priority, comes first. */
function ownMovedNat(config: Config, addresses: ReadonlyMap<string, string>): string[] {
  return config.uplinks.flatMap((u) => {
    const own = addresses.get(u.device);
    const others = [...new Set(addresses.values())].filter((address) => address !== own);
    return own === undefined || others.length === 0 ? [] : [`oifname "${u.device}" ip saddr { ${others.join(', ')} } masquerade`];
  });
}

/** The table for `config`, with the policies' uplinks as chosen. The policies are chains of
 *  their own, entered only by the first packet of a new connection: every later packet passes
 *  one test however many policies there are. */
/** IPv6 native mode: new connections forwarded from the delegated prefix of an uplink that is
 *  out of service (its health check drained it, or its IPv6 side is down) are refused at once,
 *  not sent to an ISP that cannot take them: a TCP reset for TCP (not rate-limited), ICMPv6
 *  "source address failed ingress/egress policy" (type 1 code 5) for the rest. A host that
 *  still starts connections from the prefix before its address is deprecated fails over at once. */
function refusedPrefixRules(prefixes: readonly string[]): string[] {
  if (prefixes.length === 0) return [];
  const from = `ip6 saddr { ${prefixes.join(', ')} } ct state new`;
  return [`${from} meta l4proto tcp reject with tcp reset`, `${from} reject with icmpv6 type policy-fail`];
}

export function buildRuleset(config: Config, choices: readonly PolicyChoice[], perConnection: boolean, addresses: ReadonlyMap<string, string>, refused6: readonly string[] = [], translation6?: Translation6): Ruleset {
  const marks = `{ ${config.uplinks.map((u) => hex(u.mark)).join(', ')} }`;
  const devices = `{ ${config.uplinks.map((u) => `"${u.device}"`).join(', ')} }`;
  // IPv4's connections are pinned, and in translated mode IPv6's too (in native mode an IPv6
  // connection's source address is its uplink)
  const pinned = translation6 ? '' : 'meta nfproto ipv4 ';
  const restore = `${pinned}ct mark ${marks} meta mark set ct mark`;
  // the router's own packets take the connection's mark unless their socket set one (the
  // probes: ping -m): a probe that left through another uplink once (its uplink's rules not
  // there yet, as when pppd brings a new address up) must not stay pinned there
  const restoreOwn = `${pinned}meta mark 0 ct mark ${marks} meta mark set ct mark`;
  // IPv6 policies (translated mode: validate refuses them otherwise) steer the LAN's IPv6; the
  // router's own IPv6 leaves by its WAN addresses, as in native mode
  const four = choices.filter((c) => !ipv6Policy(c.policy));
  const forwarded = policyRules(four, perConnection, 'prerouting');
  const forwarded6 = translation6 ? policyRules(choices.filter((c) => ipv6Policy(c.policy)), perConnection, 'prerouting', 'ip6') : [];
  const own = policyRules(four, perConnection, 'output');
  const policiesIn = forwarded.length > 0 ? forwarded : undefined;
  const policiesIn6 = forwarded6.length > 0 ? forwarded6 : undefined;
  const policiesOut = own.length > 0 ? [...probeExemption(config), ...own] : undefined;
  const prerouting = [
    restore,
    // a connection that arrives through an uplink is answered through it
    ...config.uplinks.map((u) => `${pinned}ct state new iifname "${u.device}" ct mark set ${hex(u.mark)}`),
    ...(policiesIn ? [`meta nfproto ipv4 ct state new iifname != ${devices} jump policies_in`] : []),
    ...(policiesIn6 ? [`meta nfproto ipv6 ct state new iifname != ${devices} jump policies6_in`] : []),
  ];
  // the router's own traffic, unless its socket chose a mark itself
  const output = [restoreOwn, ...(policiesOut ? ['meta nfproto ipv4 ct state new meta mark 0 jump policies_out'] : [])];
  // a new connection keeps the uplink its first packet left through, or, when its packets carry
  // an uplink's mark (a socket's own: the probes), that uplink's
  const postrouting = [
    `${pinned}ct mark 0 meta mark ${marks} ct mark set meta mark`,
    ...config.uplinks.map((u) => `meta nfproto ipv4 ct mark 0 ip daddr != ${NOT_INTERNET} oifname "${u.device}" ct mark set ${hex(u.mark)}`),
    ...(translation6 ? config.uplinks.map((u) => `meta nfproto ipv6 ct mark 0 ip6 daddr != ${NOT_INTERNET6} oifname "${u.device}" ct mark set ${hex(u.mark)}`) : []),
  ];
  const ownNat = policiesOut ? ownMovedNat(config, addresses) : [];
  const refusals = refusedPrefixRules(refused6);
  const translation = translation6 ? translationRules(translation6) : { out: [], back: [] };
  const chain = (name: string, rules: string[], type?: string, hook?: string, priority = 'mangle'): string =>
    [`  chain ${name} {`, ...(type ? [`    type ${type} hook ${hook} priority ${priority}; policy accept;`] : []), ...rules.map((r) => `    ${r}`), '  }'].join('\n');
  const chains = [
    chain('prerouting', prerouting, 'filter', 'prerouting'),
    chain('output', output, 'route', 'output'),
    chain('postrouting', postrouting, 'filter', 'postrouting'),
    ...(policiesIn ? [chain('policies_in', policiesIn)] : []),
    ...(policiesIn6 ? [chain('policies6_in', policiesIn6)] : []),
    ...(policiesOut ? [chain('policies_out', policiesOut)] : []),
    ...(ownNat.length > 0 ? [chain('own_moved_nat', ownNat, 'nat', 'postrouting', 'srcnat + 1')] : []),
    ...(refusals.length > 0 ? [chain('refuse_prefixes', refusals, 'filter', 'forward', 'filter - 1')] : []),
    // after the user's own NAT, as own_moved_nat
    ...(translation.out.length > 0 ? [chain('translate6_out', translation.out, 'nat', 'postrouting', 'srcnat + 1')] : []),
    ...(translation.back.length > 0 ? [chain('translate6_in', translation.back, 'nat', 'prerouting', 'dstnat + 1')] : []),
  ];
  const body = chains.join('\n');
  const fingerprint = createHash('sha256').update(body).digest('hex').slice(0, 16);
  // the fingerprint rides on the first rule as its comment
  const stamped = body.replace(restore, `${restore} comment "${FINGERPRINT_PREFIX}${fingerprint}"`);
  return {
    text: `table ${NFT_FAMILY} ${NFT_TABLE} {\n${stamped}\n}\n`,
    fingerprint,
    chains: chains.length,
    rules: prerouting.length + output.length + postrouting.length + (policiesIn?.length ?? 0) + (policiesIn6?.length ?? 0) + (policiesOut?.length ?? 0) + ownNat.length + refusals.length + translation.out.length + translation.back.length,
  };
}
