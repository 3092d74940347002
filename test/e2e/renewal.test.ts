// A DHCP renewal that changes the gateway runs no if-up hook: the dhclient exit hook must
// carry the change into the uplink's table and the default route. Real dhclient, real dnsmasq,
// 2-minute leases so dhclient renews after about a minute.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaults, dist, ifup, rig, rigResult, routes, ulb, up, writeConfig } from './rig.js';

function gateways(): string[] {
  const route = defaults().find((r) => r.metric === 10);
  return route?.nexthops ? route.nexthops.map((h) => h.gateway) : route?.gateway ? [route.gateway] : [];
}

async function waitFor(check: () => boolean, seconds: number): Promise<boolean> {
  for (let i = 0; i < seconds * 2; i++) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 500));
  }
  return check();
}

describe('DHCP renewal with a new gateway', () => {
  beforeAll(() => {
    up(2, { lease: '2m' });
    rig('install');
    writeConfig('IFACE_DEVICE=( eth1 eth2 )\nIFACE_WEI=( 2 1 )\n');
    expect(ifup('eth1').status).toBe(0);
    expect(ifup('eth2').status).toBe(0);
  });
  afterAll(() => {
    rigResult('down');
  });

  it('moves the uplink to the new gateway at the next renewal, with no ifup', async () => {
    expect(gateways()).toEqual(['198.18.101.1', '198.18.102.1']);
    rig('dhcp-router', 'isp1', '198.18.101.254');
    // T1 of a 2-minute lease is 60 s; allow for dhclient's jitter
    expect(await waitFor(() => gateways()[0] === '198.18.101.254', 100)).toBe(true);
    expect(gateways()).toEqual(['198.18.101.254', '198.18.102.1']);
    expect(routes('201').find((r) => r.dst === 'default' && r.gateway)?.gateway).toBe('198.18.101.254');
    expect(ulb(['status']).status).toBe(0);
    const counts = dist(90);
    expect(counts.fail).toBe(0);
    expect(counts.isp1).toBeGreaterThan(0);
  }, 150_000);
});
