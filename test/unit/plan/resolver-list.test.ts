// The router's resolver file follows the usable uplinks: their resolvers best tier and highest
// weight first, the file's other lines kept, nothing touched where uplink-lb has nothing to say
// or the file is someone else's (a link of resolvconf's). States and leases captured on the rig.
import { describe, expect, it } from 'vitest';
import { desired } from '../../../src/plan/desired.js';
import { describeResolvTarget, nameservers, planResolvConf, renderResolvConf, type ResolvFile } from '../../../src/plan/resolv-conf.js';
import { resolversByUplink } from '../../../src/plan/resolvconf-records.js';
import { configFrom, leasesWith, observedAt, problemsOf } from '../helpers.js';

const observed = observedAt('applied-2');

const want = (text: string, resolvers: Record<string, string[]>, drained: string[] = [], peers: Record<string, string[]> = {}) =>
  desired(configFrom(text), observed, { leases: leasesWith(resolvers), nft: true, drained: new Set(drained), peerResolvers: new Map(Object.entries(peers)) });
const addresses = (w: ReturnType<typeof want>): string[] => w.resolvers.map((e) => e.address);

const DHCLIENT_FILE = 'domain isp2.example\nsearch isp2.example\nnameserver 192.0.2.52\n';
const plain = (text: string): ResolvFile => ({ kind: 'file', text, mtimeSeconds: 0 });

describe("the router's resolvers", () => {
  it('are the usable uplinks\', highest weight first, a drained uplink\'s left out, and back with it', () => {
    const two = 'IFACE_DEVICE=( eth1 eth2 )\nIFACE_WEI=( 1 3 )\n';
    expect(addresses(want(two, { eth1: ['192.0.2.51'], eth2: ['192.0.2.52', '192.0.2.62'] }))).toEqual(['192.0.2.52', '192.0.2.62', '192.0.2.51']);
    expect(addresses(want(two, { eth1: ['192.0.2.51'], eth2: ['192.0.2.52', '192.0.2.62'] }, ['eth2']))).toEqual(['192.0.2.51']);
    // every uplink failing: fail open keeps them all in the route, and all their resolvers
    expect(addresses(want(two, { eth1: ['192.0.2.51'], eth2: ['192.0.2.52'] }, ['eth1', 'eth2']))).toEqual(['192.0.2.52', '192.0.2.51']);
  });

  it('put a lower tier\'s after the tier in the route, list a shared one once, and take static and PPP peers\' lists', () => {
    const tiered = 'IFACE_DEVICE=( eth1 eth2 )\nIFACE_TIER=( 2 1 )\n';
    const w = want(tiered, { eth1: ['192.0.2.51', '198.51.100.53'], eth2: ['198.51.100.53'] });
    expect(w.resolvers).toEqual([
      { address: '198.51.100.53', devices: ['eth2', 'eth1'], by: "eth2's DHCP client (dhclient)" },
      { address: '192.0.2.51', devices: ['eth1'], by: "eth1's DHCP client (dhclient)" },
    ]);
    const fixed = want('IFACE_DEVICE=( eth1 eth2 )\nIFACE_RESOLVERS=( "192.0.2.5, 192.0.2.6" none )\n', { eth1: ['192.0.2.51'], eth2: ['192.0.2.52'] });
    expect(fixed.resolvers.map((e) => [e.address, e.by])).toEqual([
      ['192.0.2.5', 'IFACE_RESOLVERS for eth1'],
      ['192.0.2.6', 'IFACE_RESOLVERS for eth1'],
    ]);
    expect(want('IFACE_DEVICE=( eth1 eth2 )\n', {}, [], { eth2: ['192.0.2.72'] }).resolvers).toEqual([{ address: '192.0.2.72', devices: ['eth2'], by: "eth2's PPP peer" }]);
  });

  it('replace the file\'s IPv4 nameservers, keep its other lines, and read the same when written again', () => {
    const w = want('IFACE_DEVICE=( eth1 eth2 )\n', { eth1: ['192.0.2.51'], eth2: ['192.0.2.52'] });
    const current = `${DHCLIENT_FILE}options edns0\nnameserver 2001:db8::53\n`;
    const text = renderResolvConf(current, w.resolvers, 'note');
    expect(text).toBe(
      [
        '# uplink-lb: the resolvers of the usable uplinks, best first; note',
        'domain isp2.example',
        'search isp2.example',
        'options edns0',
        "# uplink-lb: 192.0.2.51 of eth1's DHCP client (dhclient)",
        'nameserver 192.0.2.51',
        "# uplink-lb: 192.0.2.52 of eth2's DHCP client (dhclient)",
        'nameserver 192.0.2.52',
        'nameserver 2001:db8::53',
        '',
      ].join('\n'),
    );
    expect(renderResolvConf(text, w.resolvers, 'note')).toBe(text);
    expect(nameservers(text)).toEqual(['192.0.2.51', '192.0.2.52', '2001:db8::53']);
  });

  it('leave the file alone when told to, when no uplink has a resolver, and when it is a link', () => {
    const config = (text: string) => configFrom(`IFACE_DEVICE=( eth1 eth2 )\n${text}`);
    const w = want('IFACE_DEVICE=( eth1 eth2 )\n', { eth1: ['192.0.2.51'] });
    expect(planResolvConf(config('RESOLV_CONF=no\n'), w.announced, w.resolvers, plain(DHCLIENT_FILE), 'B')).toEqual({ action: 'leave', why: 'RESOLV_CONF=no' });
    const none = want('IFACE_DEVICE=( eth1 eth2 )\n', {});
    expect(planResolvConf(config(''), none.announced, none.resolvers, plain(DHCLIENT_FILE), 'B')).toMatchObject({ action: 'leave', why: expect.stringContaining('no uplink announces a resolver') });
    // only the drained uplink has one: the file keeps what it has
    const drained = want('IFACE_DEVICE=( eth1 eth2 )\n', { eth1: ['192.0.2.51'] }, ['eth1']);
    expect(planResolvConf(config(''), drained.announced, drained.resolvers, plain(DHCLIENT_FILE), 'B')).toMatchObject({ action: 'leave', why: expect.stringContaining('no usable uplink has a resolver') });
    expect(planResolvConf(config(''), w.announced, w.resolvers, { kind: 'link', target: '../run/resolvconf/resolv.conf' }, 'B')).toMatchObject({ action: 'leave', why: expect.stringContaining('is a link to ../run/resolvconf/resolv.conf') });
    const write = planResolvConf(config(''), w.announced, w.resolvers, plain(DHCLIENT_FILE), 'B');
    expect(write).toMatchObject({ action: 'write', path: '/etc/resolv.conf' });
    if (write.action !== 'write') throw new Error('unreachable');
    expect(planResolvConf(config(''), w.announced, w.resolvers, plain(write.text), 'B').action).toBe('keep');
    expect(planResolvConf(config('RESOLV_CONF=/etc/dnsmasq.resolv\n'), w.announced, w.resolvers, { kind: 'missing' }, 'B')).toMatchObject({ action: 'write', path: '/etc/dnsmasq.resolv' });
  });

  it("go into resolvconf's record of their own, the uplinks' records taken out and their resolvers learned (udhcpc's too)", () => {
    const records = new Map([
      ['eth1.udhcpc', 'domain isp1.example\nnameserver 192.0.2.51\n'],
      ['eth2.dhclient', 'nameserver 192.0.2.52\nnameserver 2001:db8::53\nnameserver fe80::1%eth2\n'],
      ['eth10.dhclient', 'nameserver 192.0.2.99\n'],
      ['lo.dnsmasq', 'nameserver 127.0.0.1\n'],
    ]);
    const devices = ['eth1', 'eth2'];
    const recorded = resolversByUplink(records, devices);
    // (an IPv6 resolver learned too; a link-local one, reached on its link anyway, passed over)
    expect(recorded).toEqual(new Map([['eth1', { names: ['eth1.udhcpc'], resolvers: ['192.0.2.51'] }], ['eth2', { names: ['eth2.dhclient'], resolvers: ['192.0.2.52', '2001:db8::53'] }]]));
    const config = configFrom('IFACE_DEVICE=( eth1 eth2 )\nIFACE_WEI=( 1 2 )\n');
    // eth2 has a lease with the same resolver: the lease says who announced it
    const w = desired(config, observed, { leases: leasesWith({ eth2: ['192.0.2.52'] }), nft: true, recordedResolvers: recorded });
    expect(w.resolvers.map((e) => [e.address, e.by])).toEqual([
      ['192.0.2.52', "eth2's DHCP client (dhclient)"],
      ['192.0.2.51', "eth1's resolvconf record eth1.udhcpc"],
    ]);
    const plan = planResolvConf(config, w.announced, w.resolvers, { kind: 'resolvconf', keeper: 'resolvconf', records }, 'B');
    expect(plan).toEqual({ action: 'resolvconf', path: 'resolvconf (its record uplink-lb)', record: 'nameserver 192.0.2.52\nnameserver 192.0.2.51\n', takeOut: ['eth1.udhcpc', 'eth2.dhclient'], current: false, list: w.resolvers });
    // taken out, and uplink-lb's record there: nothing to do
    const after = new Map([['eth10.dhclient', 'x'], ['lo.dnsmasq', 'nameserver 127.0.0.1\n'], ['uplink-lb', 'nameserver 192.0.2.52\nnameserver 192.0.2.51\n']]);
    expect(planResolvConf(config, w.announced, w.resolvers, { kind: 'resolvconf', keeper: 'resolvconf', records: after }, 'B')).toMatchObject({ takeOut: [], current: true });
  });

  it("go into openresolv's records the same way: its dhclient records (eth1, eth1.inet6) and dhcpcd's (eth2.dhcp) taken out", () => {
    const records = new Map([
      ['eth1', '# resolv.conf for eth1\nnameserver 192.0.2.51\n'],
      ['eth1.inet6', '# resolv.conf for eth1\nnameserver 2001:db8:ff:53::1\n'],
      ['eth2.dhcp', 'nameserver 192.0.2.52\n'],
      ['wg0', 'nameserver 10.9.0.1\n'],
    ]);
    const config = configFrom('IFACE_DEVICE=( eth1 eth2 )\nIFACE_WEI=( 1 2 )\n');
    const w = desired(config, observed, { leases: leasesWith({}), nft: true, recordedResolvers: resolversByUplink(records, ['eth1', 'eth2']) });
    const plan = planResolvConf(config, w.announced, w.resolvers, { kind: 'resolvconf', keeper: 'openresolv', records }, 'B');
    // (applied-2 has no IPv6: eth1's IPv6 resolver is not usable, and not listed)
    expect(plan).toEqual({ action: 'resolvconf', path: 'openresolv (its record uplink-lb)', record: 'nameserver 192.0.2.52\nnameserver 192.0.2.51\n', takeOut: ['eth1', 'eth1.inet6', 'eth2.dhcp'], current: false, list: w.resolvers });
    expect(describeResolvTarget(config, { kind: 'resolvconf', keeper: 'openresolv', records })).toMatch(/^resolvers: through openresolv: /);
  });

  it('are said by validate: what will be managed, and how', () => {
    const config = (text: string) => configFrom(`IFACE_DEVICE=( eth1 eth2 )\n${text}`);
    expect(describeResolvTarget(config(''), plain(''))).toBe("resolvers: /etc/resolv.conf will list the resolvers the uplinks' DHCP clients and PPP peers announce while their uplink is usable, best first; its other lines are kept");
    expect(describeResolvTarget(config('IFACE_RESOLVERS=( auto "192.0.2.5,192.0.2.6" )\nRESOLV_CONF=/etc/dnsmasq.resolv\n'), { kind: 'missing' })).toBe(
      "resolvers: /etc/dnsmasq.resolv (made when needed) will list the resolvers the uplinks' DHCP clients and PPP peers announce (IFACE_RESOLVERS: eth2: 192.0.2.5, 192.0.2.6) while their uplink is usable, best first; its other lines are kept",
    );
    expect(describeResolvTarget(config(''), { kind: 'resolvconf', keeper: 'resolvconf', records: new Map() })).toContain('resolvers: through resolvconf: ');
    expect(describeResolvTarget(config(''), { kind: 'link', target: '../run/systemd/resolve/stub-resolv.conf' })).toBe('resolvers: /etc/resolv.conf is a link to ../run/systemd/resolve/stub-resolv.conf: left alone (not Debian\'s resolvconf)');
    expect(describeResolvTarget(config('RESOLV_CONF=no\n'), plain(''))).toBe('resolvers: left alone (RESOLV_CONF=no)');
  });

  it('refuse a resolver that is not an IPv4 or IPv6 host reached through a route, and a file that is not an absolute path', () => {
    expect(problemsOf('IFACE_DEVICE=( eth1 eth2 )\nIFACE_RESOLVERS=( "192.0.2.6,2001:db8::53" auto )\n')).toEqual([]);
    expect(problemsOf('IFACE_DEVICE=( eth1 eth2 )\nIFACE_RESOLVERS=( fe80::53 "192.0.2.5,192.0.2.5" )\nRESOLV_CONF=resolv.conf\n')).toEqual([
      'test.conf:2: IFACE_RESOLVERS[0]: "fe80::53" is a link-local address: a resolver reached through a route is needed (one on the link is reached there anyway) (auto, none, or IPv4 and IPv6 addresses separated by commas)',
      'test.conf:2: IFACE_RESOLVERS[1]: 192.0.2.5 is named twice',
      'test.conf:3: RESOLV_CONF: "resolv.conf" is not auto (/etc/resolv.conf when it is a plain file), no (left alone) or the absolute path of a file (letters, digits and _ . / + @ % = - only)',
    ]);
    expect(problemsOf('IFACE_DEVICE=( eth1 )\nIFACE_RESOLVERS=( "192.0.2.5 x" )\n')[0]).toContain('IFACE_RESOLVERS[0]: "192.0.2.5 x" is not an IPv4 address');
  });
});
