import { describe, expect, it } from 'vitest';
import type { Config } from '../../../src/config/types.js';
import type { Ruleset } from '../../../src/plan/nft-ruleset.js';
import { diffNft } from '../../../src/plan/nft-diff.js';
import { parseNftTable } from '../../../src/kernel/nft.js';
import { desired } from '../../../src/plan/desired.js';
import { configFrom, leasesAt, observedAt, problemsOf } from '../helpers.js';

const observed = observedAt('applied-2');
const leases = leasesAt('applied-2');
const PINNED = 'IFACE_DEVICE=( eth1 eth2 )\nPIN=( "192.0.2.0/24 tcp:25 eth2" "198.51.100.7 eth1 strict" )\n';

/** The table the desired state asks for, on a machine with nft. */
function rulesetOf(config: Config, drained: ReadonlySet<string> = new Set()): Ruleset {
  const ruleset = desired(config, observed, { leases, drained, nft: true }).target.nft;
  if (!ruleset) throw new Error('no ruleset planned');
  return ruleset;
}

describe('nftables ruleset', () => {
  it('pins by conntrack mark, answers inbound connections through their uplink, and applies pins', () => {
    const config = configFrom(PINNED);
    const ruleset = rulesetOf(config);
    expect(ruleset.text).toContain('meta nfproto ipv4 ct mark { 0x97, 0x98 } meta mark set ct mark comment "uplink-lb ');
    expect(ruleset.text).toContain('ct state new iifname "eth2" ct mark set 0x98');
    // new connections from the LAN and from the router itself go through the policy chains (the
    // router's own only when its socket chose no mark: the probes)
    expect(ruleset.text).toContain('meta nfproto ipv4 ct state new iifname != { "eth1", "eth2" } jump policies_in');
    expect(ruleset.text).toContain('meta nfproto ipv4 ct state new meta mark 0 jump policies_out');
    const pin = '    ip daddr 192.0.2.0/24 tcp dport 25 meta mark set 0x98 ct mark set meta mark accept\n';
    expect(ruleset.text).toContain(`  chain policies_in {\n${pin}`);
    expect(ruleset.text).toContain(`  chain policies_out {\n${pin}`);
    expect(ruleset.text).toContain('ct mark 0 ip daddr != { 224.0.0.0/4, 169.254.0.0/16, 255.255.255.255 } oifname "eth1" ct mark set 0x97');
    // the router's own connections that a pin moved off the uplink whose address their socket
    // took leave with the address of the uplink they leave through (after the user's own NAT)
    expect(ruleset.text).toContain([
      '  chain own_moved_nat {',
      '    type nat hook postrouting priority srcnat + 1; policy accept;',
      '    oifname "eth1" ip saddr { 198.18.102.162 } masquerade',
      '    oifname "eth2" ip saddr { 198.18.101.163 } masquerade',
      '  }',
    ].join('\n'));
    // the router's own packets restore the connection's mark only when their socket set none
    // (a probe's ping -m keeps its uplink), and a connection whose packets carry an uplink's mark
    // is pinned to that uplink, whichever device its first packet left through
    expect(ruleset.text).toContain('  chain output {\n    type route hook output priority mangle; policy accept;\n    meta nfproto ipv4 meta mark 0 ct mark { 0x97, 0x98 } meta mark set ct mark\n');
    expect(ruleset.text).toContain('  chain postrouting {\n    type filter hook postrouting priority mangle; policy accept;\n    meta nfproto ipv4 ct mark 0 meta mark { 0x97, 0x98 } ct mark set meta mark\n');
    expect(ruleset).toMatchObject({ chains: 6, rules: 15 });
  });

  it('has no NAT chain without a policy for the router\'s own traffic, nor with one uplink up', () => {
    expect(rulesetOf(configFrom('IFACE_DEVICE=( eth1 eth2 )\n')).text).not.toContain('nat');
    expect(rulesetOf(configFrom('IFACE_DEVICE=( eth1 eth2 )\nPOLICY=( "in lan0 use eth2" )\n')).text).not.toContain('nat');
    expect(rulesetOf(configFrom('IFACE_DEVICE=( eth1 eth3 )\nPIN=( "tcp:25 eth3" )\n')).text).not.toContain('nat');
  });

  it('a pin whose uplink is drained falls back to the default route, or rejects when strict', () => {
    const config = configFrom(PINNED);
    const text = rulesetOf(config, new Set(['eth1', 'eth2'])).text;
    // fail open keeps both in the route: pins still apply
    expect(text).toContain('ip daddr 198.51.100.7/32 meta mark set 0x97');
    const drained = rulesetOf(config, new Set(['eth1'])).text;
    // refused: TCP with a reset (not rate-limited), the rest with an ICMP error
    expect(drained).toContain('    ip daddr 198.51.100.7/32 meta l4proto tcp reject with tcp reset\n    ip daddr 198.51.100.7/32 reject with icmp type admin-prohibited\n');
    expect(drained).toContain('ip daddr 192.0.2.0/24 tcp dport 25 meta mark set 0x98');
    const eth2Drained = rulesetOf(config, new Set(['eth2'])).text;
    // left to the default route, and no later entry may claim it
    expect(eth2Drained).toContain('ip daddr 192.0.2.0/24 tcp dport 25 accept');
  });

  it('the same state gives the same fingerprint; a change gives another', () => {
    const config = configFrom(PINNED);
    const a = rulesetOf(config);
    const b = rulesetOf(config);
    const c = rulesetOf(config, new Set(['eth1']));
    expect(a.fingerprint).toBe(b.fingerprint);
    expect(c.fingerprint).not.toBe(a.fingerprint);
  });

  it('diffs against what nft lists', () => {
    const config = configFrom(PINNED);
    const want = rulesetOf(config);
    expect(diffNft(want, { present: false, chains: 0, rules: 0 })?.action).toBe('add');
    expect(diffNft(want, { present: true, fingerprint: want.fingerprint, chains: 6, rules: 15 })).toBeUndefined();
    expect(diffNft(want, { present: true, fingerprint: want.fingerprint, chains: 6, rules: 14 })?.action).toBe('replace');
    expect(diffNft(undefined, { present: true, chains: 3, rules: 11 })?.action).toBe('delete');
    expect(diffNft(undefined, { present: false, chains: 0, rules: 0 })).toBeUndefined();
  });

  it('reads the fingerprint from nft -j output', () => {
    const listed = JSON.stringify({
      nftables: [
        { metainfo: { version: '1.0.6' } },
        { table: { family: 'inet', name: 'uplink_lb' } },
        { chain: { name: 'prerouting' } },
        { rule: { chain: 'prerouting', comment: 'uplink-lb 0123456789abcdef', expr: [] } },
        { rule: { chain: 'prerouting', expr: [] } },
      ],
    });
    expect(parseNftTable(listed)).toEqual({ present: true, fingerprint: '0123456789abcdef', chains: 1, rules: 2 });
  });
});

describe('pinning keys', () => {
  const cases: [string, string][] = [
    ['PIN=( "192.0.2.0/24" )', 'PIN[0]: "192.0.2.0/24" names no uplink'],
    ['PIN=( "eth1" )', 'PIN[0]: "eth1" names neither a destination nor a port'],
    ['PIN=( "192.0.2.1/24 eth1" )', 'has host bits set (did you mean 192.0.2.0/24?)'],
    ['PIN=( "tcp:99999 eth1" )', 'port 99999 is out of range'],
    ['PIN=( "tcp:25 eth9" )', '"eth9" is not a network, tcp:PORT/udp:PORT, an uplink of IFACE_DEVICE, or strict'],
    ['PIN=( "tcp:25 eth1 eth2" )', 'names two uplinks'],
    ['CONNECTION_PINNING=maybe', 'CONNECTION_PINNING: "maybe" is not yes or no'],
    ['CONNECTION_PINNING=no\nPIN=( "tcp:25 eth1" )', 'PIN needs CONNECTION_PINNING=yes'],
    ['HASH_POLICY=l7', 'HASH_POLICY: "l7" is not l3'],
    ['IFACE_TABLES_PRIO=( 2 5 )', 'IFACE_TABLES_PRIO[0]: "2" is not a rule priority from 3 to 32765'],
  ];
  it.each(cases)('%j -> %s', (text, expected) => {
    expect(problemsOf(`IFACE_DEVICE=( eth1 eth2 )\n${text}\n`).join('\n')).toContain(expected);
  });

  it('reads pins', () => {
    expect(configFrom(PINNED).pins).toEqual([
      { text: '192.0.2.0/24 tcp:25 eth2', strict: false, destination: '192.0.2.0/24', protocol: 'tcp', port: 25, uplink: 1 },
      { text: '198.51.100.7 eth1 strict', strict: true, destination: '198.51.100.7/32', uplink: 0 },
    ]);
  });
});
