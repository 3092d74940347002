// The delegated prefixes a DHCPv6 client's hook passes: dhclient -6 -P's environment as it ran
// the hook on the dual-stack rig (kea-dhcp6 delegating a /56), and dhcpcd's variables as its
// dhcpcd-definitions.conf names them (ia_pd N, prefix M, its length).
import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { delegationFromEnv, nextDhclientDelegation } from '../../../src/entry/delegation-from-env.js';
import { parseDelegation } from '../../../src/state/prefix6.js';
import { advertisedResolvers, resolvers6FromText } from '../../../src/entry/resolvers6-from-env.js';
import { parseResolvers6 } from '../../../src/state/resolvers6.js';
import { Log } from '../../../src/util/log.js';

const captured = Object.fromEntries(
  readFileSync('test/fixtures/dhclient6-env/BOUND6.env', 'utf8')
    .split('\n')
    .filter((l) => l.includes('='))
    .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
);

describe('delegated prefixes from a hook', () => {
  it("reads dhclient -6 -P's new_ip6_prefix", () => {
    expect(captured.reason).toBe('BOUND6');
    expect(delegationFromEnv(captured, 'dhclient')).toEqual({ prefixes: ['2001:db8:1:100::/56'], problems: [] });
  });

  it("reads the IPv6 resolvers dhclient -6 was told (new_dhcp6_name_servers), and leaves out what cannot be one", () => {
    const log = new Log(false);
    const warn = vi.spyOn(log, 'warn');
    expect(resolvers6FromText(captured.new_dhcp6_name_servers, 'dhclient eth1 BOUND6', log)).toEqual(['2001:db8:ff:53::1']);
    expect(resolvers6FromText('2001:DB8:FF:53:0::2  fe80::1 2001:db8:ff:53::2 192.0.2.1', 'dhcpcd eth2 BOUND6', log)).toEqual(['2001:db8:ff:53::2']);
    expect(warn.mock.calls.map(([text]) => text)).toEqual([
      'dhcpcd eth2 BOUND6: IPv6 resolver "fe80::1" is a link-local address: a resolver reached through a route is needed (one on the link is reached there anyway); left out',
      'dhcpcd eth2 BOUND6: IPv6 resolver "192.0.2.1" is not an IPv6 address; left out',
    ]);
  });

  it("reads the resolvers of dhcpcd's router advertisements (RDNSS of every router, a lifetime of 0 withdrawn), as its own resolv.conf hook does", () => {
    const env = {
      reason: 'ROUTERADVERT',
      nd1_from: 'fe80::ff:fe00:101',
      nd1_rdnss1_lifetime: '30',
      nd1_rdnss1_servers: '2001:db8:ff:53::1 2001:db8:ff:53::11',
      nd1_rdnss2_lifetime: '0',
      nd1_rdnss2_servers: '2001:db8:ff:53::12',
      nd2_from: 'fe80::ff:fe00:102',
      nd2_rdnss1_lifetime: '600',
      nd2_rdnss1_servers: '2001:db8:ff:53::13',
    };
    expect(advertisedResolvers(env)).toBe('2001:db8:ff:53::1 2001:db8:ff:53::11 2001:db8:ff:53::13');
    expect(advertisedResolvers({ reason: 'ROUTERADVERT', nd1_from: 'fe80::1' })).toBe('');
    // a record with both lists, and one written before the list of advertised ones existed
    expect(parseResolvers6('eth1', '{"device":"eth1","resolvers":["2001:db8:ff:53::1"],"ra":["2001:db8:ff:53::11"],"source":"dhcpcd"}')).toEqual({ value: { device: 'eth1', resolvers: ['2001:db8:ff:53::1'], ra: ['2001:db8:ff:53::11'], source: 'dhcpcd' } });
    expect(parseResolvers6('eth1', '{"device":"eth1","resolvers":["2001:db8:ff:53::1"],"source":"dhclient"}')).toEqual({ value: { device: 'eth1', resolvers: ['2001:db8:ff:53::1'], ra: [], source: 'dhclient' } });
    expect(parseResolvers6('eth1', '{"device":"eth1","resolvers":["2001:DB8:ff:53::1"],"source":"dhclient"}')).toHaveProperty('problem');
  });

  it("reads every prefix of every IA_PD of dhcpcd's, each with its length", () => {
    const env = {
      reason: 'BOUND6',
      new_dhcp6_ia_pd1_iaid: '1',
      new_dhcp6_ia_pd1_prefix1: '2001:db8:1:100::',
      new_dhcp6_ia_pd1_prefix1_length: '56',
      new_dhcp6_ia_pd1_prefix2: '2001:db8:1:f00::',
      new_dhcp6_ia_pd1_prefix2_length: '60',
      new_dhcp6_ia_pd2_iaid: '2',
      new_dhcp6_ia_pd2_prefix1: '2001:db8:7::',
      new_dhcp6_ia_pd2_prefix1_length: '48',
    };
    expect(delegationFromEnv(env, 'dhcpcd').prefixes).toEqual(['2001:db8:1:100::/56', '2001:db8:1:f00::/60', '2001:db8:7::/48']);
  });

  it('leaves out what is not a prefix, and says why', () => {
    expect(delegationFromEnv({ new_ip6_prefix: '2001:db8:1:101::/56' }, 'dhclient')).toEqual({ prefixes: [], problems: ['delegated prefix "2001:db8:1:101::/56" has host bits set (did you mean 2001:db8:1:100::/56?); left out'] });
    expect(delegationFromEnv({ new_ip6_prefix: '198.18.0.0/16' }, 'dhclient').problems).toEqual(['delegated prefix "198.18.0.0/16" is not an IPv6 prefix (address/len); left out']);
    expect(delegationFromEnv({}, 'dhclient')).toEqual({ prefixes: [], problems: [] });
  });

  it('trusts a record only for its device and with canonical prefixes', () => {
    const record = { device: 'eth1', prefixes: ['2001:db8:1:100::/56'], reason: 'BOUND6', source: 'dhclient' };
    expect(parseDelegation('eth1', JSON.stringify(record))).toEqual({ value: record });
    expect(parseDelegation('eth2', JSON.stringify(record))).toEqual({ problem: 'names device "eth1", not eth2' });
    expect('problem' in parseDelegation('eth1', JSON.stringify({ ...record, prefixes: ['2001:db8:1:101::/56'] }))).toBe(true);
  });
});

describe("dhclient -6's runs, one per prefix", () => {
  // what its script was given on the rig when the ISP moved the delegation from 1:200 to 1:300
  // (rig.sh pd-move; logged by a dhclient exit hook), in that order
  const moved = [
    { reason: 'RENEW6', new_ip6_prefix: '2001:db8:1:300::/56', new_max_life: '1800', new_preferred_life: '1200' },
    { reason: 'RENEW6', new_ip6_prefix: '2001:db8:1:200::/56', old_ip6_prefix: '2001:db8:1:200::/56', new_max_life: '0', new_preferred_life: '0' },
    { reason: 'DEPREF6', cur_ip6_prefix: '2001:db8:1:200::/56' },
    { reason: 'EXPIRE6', old_ip6_prefix: '2001:db8:1:200::/56' },
  ];

  it('follow a prefix the ISP moved: the new one added, the old one gone when its lifetime is 0, and its expiry takes nothing else', () => {
    let record = ['2001:db8:1:200::/56'];
    const seen: string[][] = [];
    for (const env of moved) {
      record = nextDhclientDelegation(record, env).prefixes;
      seen.push(record);
    }
    expect(seen).toEqual([['2001:db8:1:200::/56', '2001:db8:1:300::/56'], ['2001:db8:1:300::/56'], ['2001:db8:1:300::/56'], ['2001:db8:1:300::/56']]);
  });

  it('renew in place, replace the old_ip6_prefix that differs, and drop everything at a stop that names no prefix', () => {
    expect(nextDhclientDelegation(['2001:db8:1:100::/56'], { reason: 'RENEW6', new_ip6_prefix: '2001:db8:1:100::/56', old_ip6_prefix: '2001:db8:1:100::/56', new_max_life: '45' }).prefixes).toEqual(['2001:db8:1:100::/56']);
    expect(nextDhclientDelegation(['2001:db8:1:100::/56'], { reason: 'REBIND6', new_ip6_prefix: '2001:db8:1:200::/56', old_ip6_prefix: '2001:db8:1:100::/56', new_max_life: '45' }).prefixes).toEqual(['2001:db8:1:200::/56']);
    expect(nextDhclientDelegation(['2001:db8:1:100::/56', '2001:db8:1:300::/56'], { reason: 'STOP6' }).prefixes).toEqual([]);
    expect(nextDhclientDelegation(['2001:db8:1:100::/56', '2001:db8:1:300::/56'], { reason: 'RELEASE6', old_ip6_prefix: '2001:db8:1:100::/56' }).prefixes).toEqual(['2001:db8:1:300::/56']);
  });

  it('change nothing at an event that names no prefix, and say what is not one', () => {
    // an address-only lease (-N) of the same client
    expect(nextDhclientDelegation(['2001:db8:1:100::/56'], { reason: 'BOUND6', new_ip6_address: '2001:db8:1::5' })).toEqual({ prefixes: ['2001:db8:1:100::/56'], problems: [] });
    expect(nextDhclientDelegation(['2001:db8:1:100::/56'], { reason: 'RENEW6', new_ip6_prefix: '2001:db8:1:101::/56', new_max_life: '45' })).toEqual({
      prefixes: ['2001:db8:1:100::/56'],
      problems: ['delegated prefix "2001:db8:1:101::/56" has host bits set (did you mean 2001:db8:1:100::/56?); left out'],
    });
  });
});

