// IPv6 with dhcpcd, the DHCP client of a Debian 13 router (RIG_ROOT=trixie): for an `inet dhcp`
// uplink dhcpcd takes IPv6 on by itself (router advertisements in user space, stateless DHCPv6
// when the advertisement's O flag asks for it), with no ifupdown stanza of its own. On the
// dual-stack rig (RIG_IPV6) whose ISPs also hand out a resolver each (RIG_DNS: in their DHCPv6
// replies and their advertisements' RDNSS, answering only the ISP's own /48), uplink-lb balances
// the router's IPv6 over dhcpcd's advertised routers, and the resolvers dhcpcd passes on
// (INFORM6's and ROUTERADVERT's) are listed and pinned like dhclient's. eth1 also asks for a
// delegated prefix (`ia_pd`): dhcpcd's BOUND6 brings it, and uplink-lb gives the LAN a /64 of it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendFileSync, copyFileSync, existsSync, readFileSync } from 'node:fs';
import { connect, Cron, devicesTowards, ifup, lookups, rig, rigResult, ulb, up, waitFor } from './rig.js';
import { buildDeb } from './deb.js';
import { inRoot, root, rootRun, writeRootConfig } from './debian-root.js';

process.env.RIG_ROOT = 'trixie';
process.env.RIG_IPV6 = '1';
process.env.RIG_DNS = '1';

const CONFIG = 'IFACE_DEVICE=( eth1 eth2 )\nIFACE_WEI=( 2 1 )\nCHECK_TARGETS=( 192.0.2.20 2001:db8:ff::20 )\nCHECK_INTERVAL=0.5\nCHECK_TIMEOUT=0.5\nCHECK_FLAP_HOLD=0\nIPV6_LAN=( lan0 )\n';
/** eth1 asks its ISP for a prefix (dhcpcd's `ia_pd`, which assigns it nowhere in ifupdown's
 *  one-interface dhcpcd: uplink-lb puts a /64 of it on lan0); eth2 stays stateless (INFORM6). */
const DHCPCD_PD = '\ninterface eth1\nia_pd 1\n';

const resolversLine = (): string => /resolvers in [^\n]*/.exec(ulb(['status']).stdout)?.[0] ?? '';
/** What to show when the resolver list is not what a test waited for: status, the file, and
 *  what dhcpcd's hooks recorded. */
const resolverState = (): string =>
  [ulb(['status']).stdout, readFileSync(`${root()}/etc/resolv.conf`, 'utf8'), ...['eth1', 'eth2'].map((d) => (existsSync(rootRun(`uplink-lb/resolvers6.${d}`)) ? readFileSync(rootRun(`uplink-lb/resolvers6.${d}`), 'utf8') : `no resolvers6.${d}`))].join('\n--\n');
const ipv6InRoute = (): number => (ulb(['status']).stdout.match(/ipv6: up[^\n]*, in the IPv6 default route/g) ?? []).length;

describe('Debian 13 router, dual-stack with dhcpcd', () => {
  const cron = new Cron();
  beforeAll(() => {
    const deb = buildDeb();
    up(2);
    rig('x', 'inet', 'ip', 'addr', 'add', '192.0.2.20/32', 'dev', 'lo');
    rig('x', 'inet', 'ip', 'addr', 'add', '2001:db8:ff::20/128', 'dev', 'lo', 'nodad');
    copyFileSync(deb, `${root()}/tmp/uplink-lb.deb`);
    // the package and what it depends on (debian13.test.ts installs it as apt does by default,
    // recommends and all): cron's recommends (a mail server, perl) are 40 packages of no use
    // here. netbase, which they brought, for /etc/protocols: the test's `ip route get ipproto udp`
    const install = inRoot('apt-get', 'install', '-y', '-q', '--no-install-recommends', '/tmp/uplink-lb.deb', 'netbase');
    expect(install.status, install.output).toBe(0);
    writeRootConfig(CONFIG);
    appendFileSync(`${root()}/etc/dhcpcd.conf`, DHCPCD_PD);
    expect(ifup('eth1').status).toBe(0);
    expect(ifup('eth2').status).toBe(0);
    cron.start();
  }, 300_000);
  afterAll(async () => {
    await cron.stop();
    rigResult('down');
  });

  it("balances the router's IPv6 over dhcpcd's routers, lists the resolvers dhcpcd learned (stateless DHCPv6, RDNSS) after each uplink's IPv4 one, and sends each through its ISP", async () => {
    expect(await waitFor(() => ipv6InRoute() === 2, 30)).toBe(true);
    expect(await waitFor(() => resolversLine().endsWith('best first: 192.0.2.51 (eth1), 2001:db8:ff:53::1 (eth1), 192.0.2.52 (eth2), 2001:db8:ff:53::2 (eth2)'), 15), resolverState()).toBe(true);
    // what dhcpcd passed on: the DHCPv6 reply's (eth1's lease, BOUND6; eth2's stateless answer,
    // INFORM6) and the advertisements' (ROUTERADVERT)
    for (const i of [1, 2]) {
      expect(JSON.parse(readFileSync(rootRun(`uplink-lb/resolvers6.eth${i}`), 'utf8'))).toEqual({ device: `eth${i}`, resolvers: [`2001:db8:ff:53::${i}`], ra: [`2001:db8:ff:53::${i}`], source: 'dhcpcd' });
    }
    // (named by both: said as the lease's). status plans from what the hooks recorded; the file is
    // written by the run in flight once its route is verified, a moment later
    const named = "# uplink-lb: 2001:db8:ff:53::1 of eth1's DHCPv6 client (dhcpcd)\nnameserver 2001:db8:ff:53::1\n";
    expect(await waitFor(() => readFileSync(`${root()}/etc/resolv.conf`, 'utf8').includes(named), 10), resolverState()).toBe(true);
    for (const i of [1, 2]) {
      expect(devicesTowards(`2001:db8:ff:53::${i}`), `the router's packets to isp${i}'s IPv6 resolver`).toEqual([`eth${i}`]);
      expect(lookups('router', `2001:db8:ff:53::${i}`), `router to isp${i}'s IPv6 resolver`).toEqual({ answered: 20, refused: 0 });
    }
  });

  it("dhcpcd's delegated prefix (ia_pd, BOUND6) is learned: rules for it, a /64 of it on the LAN, and the LAN's connections from it leave through its ISP", async () => {
    expect(JSON.parse(readFileSync(rootRun('uplink-lb/prefix6.eth1'), 'utf8'))).toEqual({ device: 'eth1', prefixes: ['2001:db8:1:100::/56'], reason: 'BOUND6', source: 'dhcpcd' });
    expect(existsSync(rootRun('uplink-lb/prefix6.eth2'))).toBe(false);
    const status = ulb(['status']).stdout;
    expect(status).toContain('delegated 2001:db8:1:100::/56');
    expect(status).toContain('ipv6 LAN lan0: 2001:db8:1:100::1/64 preferred');
    expect(status).toContain('kernel: [pass]');
    expect(rig('rx', 'ip', '-6', 'rule', 'show')).toMatch(/from 2001:db8:1:100::\/56 lookup uplink1/);
    // dhcpcd's own unreachable route for the prefix is left where it put it
    expect(rig('rx', 'ip', '-6', 'route', 'show', 'table', 'main')).toMatch(/unreachable 2001:db8:1:100::\/56 dev lo proto dhcp/);
    // isp1 routes the prefix to the router's link-local address, as an ISP learns it from the
    // request (the rig's route names the kernel's EUI-64 one; dhcpcd's `slaac private` made
    // another)
    const ll = /inet6 (fe80::\S+)\/64/.exec(rig('rx', 'ip', '-6', '-o', 'addr', 'show', 'dev', 'eth1', 'scope', 'link'))?.[1];
    expect(ll).toBeDefined();
    rig('x', 'isp1', 'ip', '-6', 'route', 'replace', '2001:db8:1:100::/56', 'via', ll ?? '', 'dev', 'down0');
    // the LAN host's address in it (by SLAAC from the router's advertisements), used as
    // applications do: no source chosen
    const lanHas = (): boolean => /inet6 2001:db8:1:100:/.test(rig('x', 'lan', 'ip', '-6', 'addr', 'show', 'dev', 'eth0', 'scope', 'global', '-tentative'));
    expect(await waitFor(lanHas, 20)).toBe(true);
    expect(connect('lan', '2001:db8:ff::10', 20000, 30, 1)).toMatchObject({ isp1: 30, isp2: 0, fail: 0 });
  });

  it("isp2's IPv6 broken: its IPv6 side drained, its IPv6 resolver refused at once and out of resolv.conf, its IPv4 one kept; back after", async () => {
    rig('fail', 'isp2', 'ipv6');
    try {
      expect(await waitFor(() => resolversLine().endsWith('best first: 192.0.2.51 (eth1), 2001:db8:ff:53::1 (eth1), 192.0.2.52 (eth2)'), 15), resolverState()).toBe(true);
      expect(lookups('router', '2001:db8:ff:53::2')).toEqual({ answered: 0, refused: 20 });
      expect(lookups('router', '192.0.2.52')).toEqual({ answered: 20, refused: 0 });
      expect(lookups('router', '2001:db8:ff:53::1')).toEqual({ answered: 20, refused: 0 });
    } finally {
      rig('fail', 'isp2', 'none');
    }
    expect(await waitFor(() => resolversLine().endsWith('192.0.2.52 (eth2), 2001:db8:ff:53::2 (eth2)'), 20)).toBe(true);
    expect(lookups('router', '2001:db8:ff:53::2')).toEqual({ answered: 20, refused: 0 });
  });
});
