// Traffic policies on the real stack, three ISPs: by source host, by LAN subnet, by destination
// port, by inbound interface with weights; falling back in order as their uplinks fail; the
// router's own traffic following them to each uplink, whichever address its socket took; strict
// ones refusing TCP with a reset; and the health probes never moved by them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { nameservers } from '../../src/plan/resolv-conf.js';
import { connect, Cron, inRoute, lookups, PROBED_CONFIG, rig, sleep, ulb, upProbed, waitFor, writeConfig } from './rig.js';

// each ISP's DHCP server hands out a resolver of its own (192.0.2.5N), beyond its gateway, that
// answers only the ISP's customers
process.env.RIG_DNS = '1';

const SERVER = '192.0.2.10';
const POLICIES = `${PROBED_CONFIG}POLICY=(
  "from 198.19.10.3 use eth2 then eth3"
  "from 198.19.20.0/24 use eth3 strict"
  "tcp:20100-20199 use eth1 then eth2"
  "in lan0 tcp:20200-20299 use eth2 eth3"
  "to 192.0.2.20 use eth1"
  "tcp:20300-20332 use eth1"
  "tcp:20333-20365 use eth2"
  "tcp:20366-20399 use eth3"
)
`;

/** 40 new connections to the server's ports PORT..PORT+99, from the LAN client (at `from`) or
 *  from the router itself. */
const lan = (port: number, from?: string, n = 40): Record<string, number> => connect('lan', SERVER, port, n, 1, { ports: 100, ...(from ? { from } : {}) });
const router = (port: number, ports = 100): Record<string, number> => connect('router', SERVER, port, 40, 1, { ports });
/** Of 20 lookups from the router or the LAN client through `resolver`, how many were answered. */
const answered = (where: 'router' | 'lan', resolver: string): number => lookups(where, resolver).answered;

describe('traffic policies', () => {
  const cron = new Cron();
  beforeAll(() => {
    upProbed();
    // a second host and a guest subnet on the LAN
    rig('x', 'router', 'ip', 'addr', 'add', '198.19.20.1/24', 'dev', 'lan0');
    rig('x', 'lan', 'ip', 'addr', 'add', '198.19.10.3/24', 'dev', 'eth0');
    rig('x', 'lan', 'ip', 'addr', 'add', '198.19.20.2/24', 'dev', 'eth0');
    writeConfig(POLICIES);
    expect(ulb(['apply']).status).toBe(0);
    // the router's firewall masquerades the LAN only: what makes the router's own connections
    // that a policy moved leave with the right address is uplink-lb's own table
    rig('x', 'router', 'nft', 'delete', 'table', 'ip', 'rig_nat');
    rig('x', 'router', 'nft', 'add table ip rig_nat { chain post { type nat hook postrouting priority srcnat; ip saddr 198.19.0.0/16 oifname { "eth1", "eth2", "eth3" } masquerade; }; }');
  });
  afterAll(async () => {
    await cron.stop();
    rig('down');
  });

  it('send each match through its uplinks, the router\'s own traffic too, and the rest over the default route', () => {
    expect(lan(20000, '198.19.10.3')).toMatchObject({ isp2: 40, fail: 0 });
    expect(lan(20000, '198.19.20.2')).toMatchObject({ isp3: 40, fail: 0 });
    expect(lan(20100)).toMatchObject({ isp1: 40, fail: 0 });
    // the router's own connections follow the port policy
    expect(router(20100)).toMatchObject({ isp1: 40, fail: 0 });
    // the router's own connections to each uplink in turn: its sockets take an address from the
    // default route's draw (mostly eth1's, at 2:1:1), the policy's mark then wins over that
    // address's rule, and the ISPs, which drop foreign sources, see each uplink's own address
    expect(router(20300, 33)).toMatchObject({ isp1: 40, fail: 0 });
    expect(router(20333, 33)).toMatchObject({ isp2: 40, fail: 0 });
    expect(router(20366, 34)).toMatchObject({ isp3: 40, fail: 0 });
    // weighted over two uplinks, for the LAN only (the router's own traffic arrives through no interface)
    // (3 or fewer of 40 on one of two even uplinks happens in 1e-8 of runs)
    const weighted = lan(20200);
    expect(weighted).toMatchObject({ isp1: 0, fail: 0 });
    expect(weighted.isp2).toBeGreaterThan(3);
    expect(weighted.isp3).toBeGreaterThan(3);
    const own = router(20200);
    expect(own.fail).toBe(0);
    expect(own.isp1).toBeGreaterThan(3);
    // no policy: the default route's three uplinks
    const rest = lan(20000, undefined, 80);
    expect(rest.fail).toBe(0);
    // each uplink is in the route: at weights 2:1:1, 40 connections left isp2 (or isp3) 3 or
    // fewer one time in 200 (CI saw it); none of 80 does one time in 10^10
    for (const isp of ['isp1', 'isp2', 'isp3']) expect(rest[isp]).toBeGreaterThan(0);
    const status = ulb(['status']);
    // the resolvers' pins come first
    expect(status.stdout).toContain('policies (the first that matches a new connection decides):\n  RESOLVER[192.0.2.51] "resolver 192.0.2.51 of eth1\'s DHCP client (dhclient)": eth1\n');
    expect(status.stdout).toContain('eth3\n  POLICY[0] "from 198.19.10.3 use eth2 then eth3": eth2, tier 1 of 2\n');
    expect(status.stdout).toContain('  POLICY[3] "in lan0 tcp:20200-20299 use eth2 eth3": eth2 (weight 1), eth3 (weight 1)\n');
  });

  it("send each ISP's resolver through its uplink, from the router and from the LAN; refuse it while that uplink is out, and none other", async () => {
    // every lookup answered: through another uplink (the default route's draw: 2 of 4 for the
    // router's eth1-sourced sockets alone) the resolver would never see it
    for (const i of [1, 2, 3]) {
      expect(answered('router', `192.0.2.5${i}`), `router to isp${i}'s resolver`).toBe(20);
      expect(answered('lan', `192.0.2.5${i}`), `LAN to isp${i}'s resolver`).toBe(20);
    }
    cron.start();
    rig('fail', 'isp2', 'upstream');
    try {
      expect(await waitFor(() => inRoute().join() === 'eth1,eth3', 15)).toBe(true);
      expect(ulb(['status']).stdout).toContain('  RESOLVER[192.0.2.52] "resolver 192.0.2.52 of eth2\'s DHCP client (dhclient)": refused (strict): no uplink of it is usable\n');
      expect(answered('router', '192.0.2.52')).toBe(0);
      expect(answered('router', '192.0.2.51')).toBe(20);
      expect(answered('lan', '192.0.2.53')).toBe(20);
    } finally {
      rig('fail', 'isp2', 'none');
    }
    // back: the queries of the drain, refused, left nothing pinned to another uplink
    expect(await waitFor(() => inRoute().join() === 'eth1,eth2,eth3', 20)).toBe(true);
    expect(answered('router', '192.0.2.52')).toBe(20);
    await cron.stop();
  }, 120_000);

  it("keep the router's resolv.conf to the usable uplinks' resolvers: the LAN's lookups through the router's dnsmasq survive each ISP's death", async () => {
    const file = `${rig('etc').trim()}/resolv.conf`;
    // dhclient wrote the last lease's resolver alone; uplink-lb, the three, by weight (2:1:1)
    expect(nameservers(readFileSync(file, 'utf8'))).toEqual(['192.0.2.51', '192.0.2.52', '192.0.2.53']);
    expect(ulb(['status']).stdout).toContain('resolvers in /etc/netns/');
    rig('lan-dns');
    const throughRouter = (): number => rig('lookups', '20', '1', '1').split('\n').filter((l) => l.startsWith('{"at"') && (JSON.parse(l) as { rcode: number | null }).rcode === 0).length;
    expect(throughRouter()).toBe(20);
    cron.start();
    try {
      // isp1's resolver, the first, dies with it: the file drops it in the run that drains eth1,
      // and dnsmasq reads it again at once (inotify)
      rig('fail', 'isp1', 'upstream');
      try {
        expect(await waitFor(() => nameservers(readFileSync(file, 'utf8')).join() === '192.0.2.52,192.0.2.53', 15), readFileSync(file, 'utf8')).toBe(true);
        expect(throughRouter(), "isp1 dead: LAN lookups through the router's dnsmasq").toBe(20);
      } finally {
        rig('fail', 'isp1', 'none');
      }
      expect(await waitFor(() => nameservers(readFileSync(file, 'utf8')).length === 3, 20)).toBe(true);
      expect(throughRouter()).toBe(20);
    } finally {
      await cron.stop();
    }
    expect(ulb(['status']).stdout).toMatch(/ resolvers: \/etc\/netns\/[^:]+\/resolv.conf: 192.0.2.52 \(eth2\), 192.0.2.53 \(eth3\)\n.* resolvers: \/etc\/netns\/[^:]+\/resolv.conf: 192.0.2.51 \(eth1\), 192.0.2.52 \(eth2\), 192.0.2.53 \(eth3\)\n/s);
    // told to leave it alone: the file dhclient wrote before uplink-lb's first is back
    writeConfig(`${POLICIES}RESOLV_CONF=no\n`);
    expect(ulb(['apply']).status).toBe(0);
    expect(readFileSync(file, 'utf8')).not.toContain('uplink-lb');
    expect(nameservers(readFileSync(file, 'utf8'))).toEqual(['192.0.2.51']);
    expect(ulb(['status']).stdout).toContain('resolvers: not managed: RESOLV_CONF=no\n');
    // resolvers set by hand (a static uplink's): eth3's alone, and only eth3 carries it
    writeConfig(`${POLICIES}IFACE_RESOLVERS=( none none 192.0.2.53 )\n`);
    expect(ulb(['apply']).status).toBe(0);
    expect(nameservers(readFileSync(file, 'utf8'))).toEqual(['192.0.2.53']);
    expect(ulb(['status']).stdout).toContain('  RESOLVER[192.0.2.53] "resolver 192.0.2.53 of IFACE_RESOLVERS for eth3": eth3\n');
    expect(answered('router', '192.0.2.53')).toBe(20);
    writeConfig(POLICIES);
    expect(ulb(['apply']).status).toBe(0);
    expect(nameservers(readFileSync(file, 'utf8'))).toEqual(['192.0.2.51', '192.0.2.52', '192.0.2.53']);
  }, 120_000);

  it('fall back in order as their uplinks fail, refuse a strict one, and come back; the probes stay on their uplinks', async () => {
    // a policy sends everything to the probe target through eth1, yet the probes of eth2 (new
    // ones: the check starts now) keep their own uplink: when isp2 dies, eth2 leaves the route
    cron.start();
    await sleep(1500);
    rig('fail', 'isp2', 'upstream');
    expect(await waitFor(() => inRoute().join() === 'eth1,eth3', 15)).toBe(true);
    expect(await waitFor(() => lan(20000, '198.19.10.3').isp3 === 40, 5)).toBe(true);
    rig('fail', 'isp2', 'none');
    rig('fail', 'isp1', 'upstream');
    expect(await waitFor(() => inRoute().join() === 'eth2,eth3', 15)).toBe(true);
    expect(await waitFor(() => lan(20100).isp2 === 40, 5)).toBe(true);
    expect(router(20100)).toMatchObject({ isp2: 40, fail: 0 });
    rig('fail', 'isp1', 'none');
    rig('fail', 'isp2', 'upstream');
    rig('fail', 'isp3', 'upstream');
    expect(await waitFor(() => inRoute().join() === 'eth1', 15)).toBe(true);
    // no uplink of its left: the default route; strict: refused
    expect(await waitFor(() => lan(20000, '198.19.10.3').isp1 === 40, 5)).toBe(true);
    // refused by a TCP reset, every one: an ICMP error would be rate-limited after about 6, and
    // the rest would time out instead (with a 1 s timeout)
    expect(lan(20000, '198.19.20.2')).toMatchObject({ isp1: 0, isp2: 0, isp3: 0, fail: 40, refused: 40 });
    expect(ulb(['status']).stdout).toContain('  POLICY[1] "from 198.19.20.0/24 use eth3 strict": refused (strict): no uplink of it is usable\n');
    rig('fail', 'isp2', 'none');
    rig('fail', 'isp3', 'none');
    expect(await waitFor(() => inRoute().join() === 'eth1,eth2,eth3', 20)).toBe(true);
    expect(await waitFor(() => lan(20000, '198.19.20.2').isp3 === 40, 5)).toBe(true);
    expect(lan(20000, '198.19.10.3')).toMatchObject({ isp2: 40, fail: 0 });
  }, 120_000);
});
