// Traffic policies: POLICY entries read and refused with their place, each policy carried by its
// first tier with a usable uplink, and the nftables rules that do it.
import { describe, expect, it } from 'vitest';
import { desired } from '../../../src/plan/desired.js';
import { buildStatus, formatStatus } from '../../../src/report/status.js';
import { planTowards } from '../../../src/plan/diff.js';
import { EMPTY_RECORD } from '../../../src/state/health.js';
import { formatMetrics } from '../../../src/report/metrics.js';
import { configFrom, leasesAt, observedAt, problemsOf } from '../helpers.js';

const observed = observedAt('applied-2');
const leases = leasesAt('applied-2');
const DEVICES = 'IFACE_DEVICE=( eth1 eth2 )\n';
const POLICIES = `${DEVICES}POLICY=(
  "from 192.168.1.20 udp:5060-5061 use eth1 then eth2"
  "in lan-guest use eth2 strict"
  "from 192.168.1.0/24 to 198.51.100.0/24 tcp use eth1:3 eth2"
)
`;

/** The rules of one chain of a ruleset's text. */
const chainOf = (text: string, name: string): string[] => {
  const body = text.split(`  chain ${name} {\n`)[1]?.split('\n  }')[0] ?? '';
  return body.split('\n').map((l) => l.trim());
};
const nftOf = (text: string, inputs: { drained?: string[]; factors?: [string, number][]; hash?: number } = {}): string =>
  desired(configFrom(text), observed, { leases, nft: true, drained: new Set(inputs.drained ?? []), factors: new Map(inputs.factors ?? []), multipathHash: inputs.hash ?? 0 }).target.nft?.text ?? '';

describe('POLICY entries', () => {
  it('reads matches, tiers, weights and strict', () => {
    expect(configFrom(POLICIES).policies).toEqual([
      { name: 'POLICY[0]', text: 'from 192.168.1.20 udp:5060-5061 use eth1 then eth2', match: { from: '192.168.1.20/32', protocol: 'udp', ports: [5060, 5061] }, tiers: [[{ uplink: 0, weight: 1 }], [{ uplink: 1, weight: 1 }]], strict: false },
      { name: 'POLICY[1]', text: 'in lan-guest use eth2 strict', match: { in: 'lan-guest' }, tiers: [[{ uplink: 1, weight: 1 }]], strict: true },
      { name: 'POLICY[2]', text: 'from 192.168.1.0/24 to 198.51.100.0/24 tcp use eth1:3 eth2', match: { from: '192.168.1.0/24', to: '198.51.100.0/24', protocol: 'tcp' }, tiers: [[{ uplink: 0, weight: 3 }, { uplink: 1, weight: 1 }]], strict: false },
    ]);
  });

  const refused: [string, string][] = [
    ['"tcp:25"', 'names no uplinks: add "use UPLINK"'],
    ['"use eth1"', 'matches every connection'],
    ['"tcp:25 use"', '"use" names no uplink'],
    ['"tcp:25 use eth1 then"', '"then" must be followed by an uplink'],
    ['"tcp:25 use then eth1"', '"then" must follow an uplink'],
    ['"tcp:25 use eth9"', '"eth9" is not an uplink of IFACE_DEVICE (UPLINK or UPLINK:WEIGHT), "then" or "strict"'],
    ['"tcp:25 use eth1 then eth1"', 'names eth1 twice'],
    ['"tcp:25 use eth1:0"', '"eth1:0": a weight goes from 1 to 100'],
    ['"tcp:25 use eth1:101"', 'a weight goes from 1 to 100'],
    ['"tcp:70000 use eth1"', '"tcp:70000": ports go from 1 to 65535'],
    ['"udp:20-10 use eth1"', 'the first of a range no higher than the last'],
    ['"tcp udp use eth1"', 'names two protocols'],
    ['"icmp use eth1"', '"icmp" is not from NET, in IFACE, to NET, tcp, udp'],
    ['"from 10.0.0.1/8 use eth1"', 'from: "10.0.0.1/8" has host bits set (did you mean 10.0.0.0/8?)'],
    ['"from use eth1"', '"from" needs a network or host after it'],
    ['"to 10.0.0.0/8 to 10.1.0.0/16 use eth1"', 'names "to" twice'],
    ['"in eth2 use eth1"', 'in eth2: eth2 is an uplink'],
    ['"in -x use eth1"', 'looks like an option'],
  ];
  it.each(refused)('POLICY=( %s ) -> %s', (entry, expected) => {
    const problems = problemsOf(`${DEVICES}POLICY=( ${entry} )\n`);
    expect(problems.join('\n')).toContain(`test.conf:2: POLICY[0]: ${entry}: `);
    expect(problems.join('\n')).toContain(expected);
  });

  it('needs connection pinning', () => {
    expect(problemsOf(`${DEVICES}CONNECTION_PINNING=no\nPOLICY=( "tcp:25 use eth1" )\n`).join('\n')).toContain('POLICY needs CONNECTION_PINNING=yes');
  });
});

describe('policy rules', () => {
  it('mark a matching new connection for its first tier, forwarded or from the router itself', () => {
    const text = nftOf(POLICIES);
    expect(text).toContain('meta nfproto ipv4 ct state new iifname != { "eth1", "eth2" } jump policies_in');
    expect(text).toContain('meta nfproto ipv4 ct state new meta mark 0 jump policies_out');
    expect(chainOf(text, 'policies_in')).toEqual([
      'ip saddr 192.168.1.20/32 udp dport 5060-5061 meta mark set 0x97 ct mark set meta mark accept',
      'iifname "lan-guest" meta mark set 0x98 ct mark set meta mark accept',
      // weighted within a tier: a draw of 4 by client and server (the kernel's default l3 hash)
      'ip saddr 192.168.1.0/24 ip daddr 198.51.100.0/24 meta l4proto tcp meta mark set jhash ip saddr . ip daddr mod 4 seed 0x0 map { 0-2 : 0x97, 3 : 0x98 } ct mark set meta mark accept',
    ]);
    // the router's own traffic follows the same policies; an inbound interface matches nothing there
    expect(chainOf(text, 'policies_out')).toEqual([
      'ip saddr 192.168.1.20/32 udp dport 5060-5061 meta mark set 0x97 ct mark set meta mark accept',
      'ip saddr 192.168.1.0/24 ip daddr 198.51.100.0/24 meta l4proto tcp meta mark set jhash ip saddr . ip daddr mod 4 seed 0x0 map { 0-2 : 0x97, 3 : 0x98 } ct mark set meta mark accept',
    ]);
    // no policy: no policy chain
    expect(nftOf(DEVICES)).not.toContain('policies_');
  });

  it('fall back in order, then to the default route, or refuse when strict', () => {
    const eth1Out = nftOf(POLICIES, { drained: ['eth1'] });
    expect(eth1Out).toContain('ip saddr 192.168.1.20/32 udp dport 5060-5061 meta mark set 0x98');
    expect(eth1Out).toContain('ip daddr 198.51.100.0/24 meta l4proto tcp meta mark set 0x98 ct mark set meta mark accept');
    const eth2Out = nftOf(POLICIES, { drained: ['eth2'] });
    // refused: TCP with a reset (the kernel rate-limits ICMP errors per host, not resets)
    expect(eth2Out).toContain('    iifname "lan-guest" meta l4proto tcp reject with tcp reset\n    iifname "lan-guest" reject with icmp type admin-prohibited\n');
    const strictByProtocol = nftOf(`${DEVICES}POLICY=( "tcp:443 use eth2 strict" "udp:53 use eth2 strict" )\n`, { drained: ['eth2'] });
    expect(strictByProtocol).toContain('    tcp dport 443 reject with tcp reset\n    udp dport 53 reject with icmp type admin-prohibited\n');
    expect(eth2Out).toContain('ip daddr 198.51.100.0/24 meta l4proto tcp meta mark set 0x97 ct mark set meta mark accept');
    // both drained: fail open keeps both usable, so every policy keeps its first tier
    expect(nftOf(POLICIES, { drained: ['eth1', 'eth2'] })).toContain('udp dport 5060-5061 meta mark set 0x97');
  });

  it('draw per connection when the default route hashes ports too, and scale a degraded uplink down within its tier', () => {
    const perConnection = 'meta mark set numgen random mod 4 map { 0-2 : 0x97, 3 : 0x98 }';
    expect(nftOf(`${POLICIES}HASH_POLICY=l4\n`)).toContain(perConnection);
    expect(nftOf(POLICIES, { hash: 1 })).toContain(perConnection);
    // HASH_POLICY, when set, is what the kernel will have
    expect(nftOf(`${POLICIES}HASH_POLICY=l3\n`, { hash: 1 })).toContain('jhash ip saddr . ip daddr mod 4');
    // eth1 keeps half its share: 3 x 4 x 0.5 = 6 of 6 + 4
    expect(nftOf(POLICIES, { factors: [['eth1', 0.5]] })).toContain('jhash ip saddr . ip daddr mod 10 seed 0x0 map { 0-5 : 0x97, 6-9 : 0x98 }');
  });

  it('leave the probes alone: ICMP ones carry a mark, TCP ones are passed over by target and port', () => {
    const tcp = nftOf(`${POLICIES}CHECK_METHOD=tcp:443\nCHECK_TARGETS=( 192.0.2.1 192.0.2.2 )\n`);
    expect(chainOf(tcp, 'policies_out')[0]).toBe('ip daddr . tcp dport { 192.0.2.1 . 443, 192.0.2.2 . 443 } return');
    expect(nftOf(POLICIES)).not.toContain('return');
  });

  it('come after the pins, and show in status and the metrics with where they go now', () => {
    const config = configFrom(`${POLICIES}PIN=( "tcp:25 eth2" )\n`);
    const want = desired(config, observed, { leases, nft: true, drained: new Set(['eth1']) });
    const text = want.target.nft?.text ?? '';
    expect(text.indexOf('tcp dport 25')).toBeLessThan(text.indexOf('udp dport 5060'));
    const report = buildStatus(config, observed, want, planTowards(want, observed, undefined), EMPTY_RECORD, { pinning: true, pinned: new Map(), now: 0, transitions: [] });
    expect(report.policies.map((p) => [p.name, p.tier, p.to])).toEqual([
      ['PIN[0]', 1, 'uplinks'],
      ['POLICY[0]', 2, 'uplinks'],
      ['POLICY[1]', 1, 'uplinks'],
      ['POLICY[2]', 1, 'uplinks'],
    ]);
    const metrics = formatMetrics(want, { health: EMPTY_RECORD, lastApply: undefined, pinned: new Map() });
    expect(metrics).toContain('uplink_lb_policy_tier{policy="POLICY[0]"} 2\n');
    expect(metrics).toContain('uplink_lb_policy_tier{policy="PIN[0]"} 1\n');
    const shown = formatStatus(report);
    expect(shown).toContain('policies (the first that matches a new connection decides):\n  PIN[0] "tcp:25 eth2": eth2\n  POLICY[0] "from 192.168.1.20 udp:5060-5061 use eth1 then eth2": eth2, tier 2 of 2\n');
  });
});
