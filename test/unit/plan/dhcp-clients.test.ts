// Gateways from what the DHCP clients of a Debian 13 router left in the kernel (captured on the
// trixie root by scripts/rig/capture-client-fixtures.sh): dhcpcd's defaults at 1000 + ifindex
// are read and left alone, udhcpc's at metric 0 is read and taken over.
import { describe, expect, it } from 'vitest';
import { desired } from '../../../src/plan/desired.js';
import { diff } from '../../../src/plan/diff.js';
import type { Lease } from '../../../src/plan/lease.js';
import { configFrom, observedAt } from '../helpers.js';

const TWO = 'IFACE_DEVICE=( eth1 eth2 )\nIFACE_WEI=( 2 1 )\n';
const lease = (device: string, address: string, gateway: string, source: Lease['source']): [string, Lease] => [device, { device, address, gateway, reason: 'BOUND', source }];

describe('dhcpcd (Debian 13): its routes tell the gateway and are left at their metric', () => {
  const observed = observedAt('dhcpcd-bound');

  it('without a hook record, learns both gateways from dhcpcd routes, records them, deletes nothing', () => {
    const want = desired(configFrom(TWO), observed, { leases: new Map() });
    expect(want.uplinks.map((s) => `${s.uplink.device} ${s.status} ${s.gateway} ${s.gatewaySource}`)).toEqual(['eth1 up 198.18.101.1 route', 'eth2 up 198.18.102.1 route']);
    expect(want.target.takeover).toEqual([]);
    expect(want.learned.map((l) => `${l.device} ${l.address} ${l.gateway} ${l.reason}`)).toEqual([
      'eth1 198.18.101.163 198.18.101.1 default route proto 16 metric 1003',
      'eth2 198.18.102.162 198.18.102.1 default route proto 16 metric 1004',
    ]);
    const commands = diff(want, observed).changes.map((c) => c.command);
    expect(commands.at(-1)).toBe('route replace default table 254 metric 10 proto 73 nexthop via 198.18.101.1 dev eth1 weight 2 nexthop via 198.18.102.1 dev eth2 weight 1');
    expect(commands.filter((c) => c.includes('del'))).toEqual([]);
  });

  it("with the hook's records, the lease is the source and nothing is learned", () => {
    const leases = new Map([lease('eth1', '198.18.101.163', '198.18.101.1', 'dhcpcd'), lease('eth2', '198.18.102.162', '198.18.102.1', 'dhcpcd')]);
    const want = desired(configFrom(TWO), observed, { leases });
    expect(want.uplinks.map((s) => s.gatewaySource)).toEqual(['lease', 'lease']);
    expect(want.learned).toEqual([]);
  });

  it("a hook's record wins over the client's route when they differ (a renewal being applied)", () => {
    const leases = new Map([lease('eth1', '198.18.101.163', '198.18.101.254', 'dhcpcd')]);
    expect(desired(configFrom(TWO), observed, { leases }).uplinks[0]?.gateway).toBe('198.18.101.254');
  });

  it('takes dhcpcd routes over only when they would win: DEFAULT_ROUTE_METRIC above their metric', () => {
    const want = desired(configFrom(`${TWO}DEFAULT_ROUTE_METRIC=2000\n`), observed, { leases: new Map() });
    expect(want.target.takeover.map((r) => `${r.dev} ${r.metric}`)).toEqual(['eth1 1003', 'eth2 1004']);
  });

  it('never learns from a route for an uplink with a configured gateway', () => {
    const want = desired(configFrom(`${TWO}IFACE_GWS=( 198.18.101.7 auto )\n`), observed, { leases: new Map() });
    expect(want.uplinks[0]).toMatchObject({ gateway: '198.18.101.7' });
    expect(want.uplinks[0]?.gatewaySource).toBeUndefined();
    expect(want.learned.map((l) => l.device)).toEqual(['eth2']);
  });
});

describe('udhcpc (busybox, no hooks): its metric-0 route is taken over', () => {
  const observed = observedAt('udhcpc-bound');

  it("learns eth1's gateway, deletes exactly that route after the balanced one is in place; eth2's add had failed", () => {
    const want = desired(configFrom(TWO), observed, { leases: new Map() });
    expect(want.uplinks.map((s) => `${s.uplink.device} ${s.status}`)).toEqual(['eth1 up', 'eth2 unconfigured']);
    expect(want.uplinks[1]?.reason).toContain('no gateway');
    expect(want.learned.map((l) => `${l.device} ${l.gateway} ${l.source} ${l.reason}`)).toEqual(['eth1 198.18.101.1 route default route proto 3 metric 0']);
    const commands = diff(want, observed).changes.map((c) => c.command);
    expect(commands.slice(-2)).toEqual(['route replace default table 254 metric 10 proto 73 via 198.18.101.1 dev eth1', 'route del default via 198.18.101.1 dev eth1 table 254 metric 0']);
  });

  it('after the takeover, the recorded gateway keeps the uplink up; a new route of udhcpc (a renewal) wins over the record', () => {
    const withoutRoute = { ...observed, routes: observed.routes.filter((r) => !(r.dst === 'default' && r.table === 254)) };
    const leases = new Map([lease('eth1', '198.18.101.163', '198.18.101.1', 'route'), lease('eth2', '198.18.102.162', '198.18.102.1', 'route')]);
    const want = desired(configFrom(TWO), withoutRoute, { leases });
    expect(want.uplinks.map((s) => `${s.uplink.device} ${s.status} ${s.gateway}`)).toEqual(['eth1 up 198.18.101.1', 'eth2 up 198.18.102.1']);
    expect(want.target.takeover).toEqual([]);
    expect(want.learned).toEqual([]);
    const moved = new Map([lease('eth1', '198.18.101.163', '198.18.101.254', 'route')]);
    const renewed = desired(configFrom(TWO), observed, { leases: moved });
    expect(renewed.uplinks[0]?.gateway).toBe('198.18.101.1');
    expect(renewed.learned.map((l) => l.gateway)).toEqual(['198.18.101.1']);
    expect(renewed.target.takeover).toHaveLength(1);
  });
});
