// The .deb on Debian 12 (bookworm) as the router's userland: a minimal root with ifupdown
// 0.8.41 and dhcpcd-base 9 (the host's own Debian 12 programs run every other end-to-end file,
// with dhclient). apt pulls the dependencies; dhcpcd 9 and udhcpc uplinks balance; openresolv
// keeps the resolvers; purge leaves no file; then ifupdown2 takes ifupdown's place.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { nameservers } from '../../src/plan/resolv-conf.js';
import { defaults, dist, ifdown, ifup, rig, rigResult, ulb, up, waitFor } from './rig.js';
import { buildDeb } from './deb.js';
import { balanced, filesLeft, inRoot, numericKernel, root, rootRun, writeRootConfig } from './debian-root.js';

process.env.RIG_ROOT = 'bookworm';

describe('Debian 12 router: apt install of the .deb, dhcpcd 9, udhcpc, purge, ifupdown2', () => {
  let deb = '';
  beforeAll(() => {
    deb = buildDeb();
    up(2);
  });
  afterAll(() => {
    rigResult('down');
  });

  it('apt install ./uplink-lb.deb pulls every run-time dependency', () => {
    copyFileSync(deb, `${root()}/tmp/uplink-lb.deb`);
    const started = Date.now();
    const install = inRoot('apt-get', 'install', '-y', '-q', '/tmp/uplink-lb.deb');
    expect(install.status, install.output).toBe(0);
    console.log(`apt install of the .deb with its dependencies on Debian 12: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    for (const pkg of ['libatomic1', 'iproute2', 'nftables', 'conntrack', 'iputils-ping', 'cron']) {
      expect(inRoot('dpkg-query', '-W', '-f', '${Status}', pkg).stdout, pkg).toBe('install ok installed');
    }
    expect(ulb(['--version']).stdout).toMatch(/^uplink-lb \d/);
  });

  it('installing again changes nothing and keeps an edited configuration (maintainer scripts idempotent)', () => {
    const config = 'IFACE_DEVICE=( eth1 eth2 )\nIFACE_WEI=( 2 1 )\n';
    writeRootConfig(config);
    const again = inRoot('dpkg', '-i', '/tmp/uplink-lb.deb');
    expect(again.status, again.output).toBe(0);
    expect(readFileSync(`${root()}/etc/default/uplink-lb`, 'utf8')).toBe(config);
    expect(inRoot('dpkg', '--audit').stdout).toBe('');
  });

  it('dhcpcd 9: two uplinks balance at 2:1, its own defaults left at their metric', () => {
    expect(ifup('eth1').status).toBe(0);
    expect(ifup('eth2').status).toBe(0);
    expect(balanced()).toEqual(['eth1:198.18.101.1', 'eth2:198.18.102.1']);
    expect(defaults().filter((d) => d.metric !== 10).every((d) => (d.metric ?? 0) >= 1000)).toBe(true);
    expect(readFileSync(rootRun('uplink-lb/lease.eth1'), 'utf8')).toContain('"source":"dhcpcd"');
    const counts = dist(300);
    console.log(`Debian 12, dhcpcd 9: 300 new LAN connections at 2:1: ${JSON.stringify(counts)}`);
    expect(counts.fail).toBe(0);
    // 2:1: 155 or fewer of 300 on isp1 happens in 6e-8 of runs, 55 or fewer on isp2 in 5e-9
    expect(counts.isp1).toBeGreaterThan(155);
    expect(counts.isp2).toBeGreaterThan(55);
    expect(ulb(['status']).stdout).toContain('kernel: [pass]');
    expect(ifdown('eth2').status).toBe(0);
    expect(balanced()).toEqual(['eth1:198.18.101.1']);
  });

  it("openresolv installed: dhcpcd's records make way for uplink-lb's in the file openresolv writes, which lists the usable uplinks' resolvers best first; release puts them back", () => {
    expect(ifdown('eth1').status).toBe(0);
    const file = `${root()}/etc/resolv.conf`;
    const before = readFileSync(file, 'utf8');
    const install = inRoot('apt-get', 'install', '-y', '-q', 'openresolv');
    expect(install.status, install.output).toBe(0);
    try {
      expect(ulb(['validate']).stdout).toContain("resolvers: through openresolv: the uplinks' own records give way to uplink-lb's (uplink-lb)");
      const records = (): string[] => readdirSync(rootRun('resolvconf/interfaces')).sort();
      const servers = (): string[] => nameservers(readFileSync(file, 'utf8'));
      expect(ifup('eth1').status).toBe(0);
      expect(ifup('eth2').status).toBe(0);
      // dhcpcd gave openresolv each lease's resolver (the ISP's gateway here); 2:1
      expect(records()).toEqual(['uplink-lb']);
      expect(servers()).toEqual(['198.18.101.1', '198.18.102.1']);
      expect(ulb(['status']).stdout).toContain('resolvers in openresolv (its record uplink-lb), best first: 198.18.101.1 (eth1), 198.18.102.1 (eth2)\n');
      expect(ulb(['drain', 'eth1']).status).toBe(0);
      expect(servers()).toEqual(['198.18.102.1']);
      expect(ulb(['undrain', 'eth1']).status).toBe(0);
      expect(servers()).toEqual(['198.18.101.1', '198.18.102.1']);
      // the uninstall's step: dhcpcd's own records back, uplink-lb's gone
      expect(ulb(['release-resolvers']).status).toBe(0);
      expect(records()).toEqual(['eth1.dhcp', 'eth2.dhcp']);
      expect(servers().sort()).toEqual(['198.18.101.1', '198.18.102.1']);
      expect(ifdown('eth2').status).toBe(0);
      expect(ifdown('eth1').status).toBe(0);
    } finally {
      expect(inRoot('apt-get', 'purge', '-y', '-q', 'openresolv').status).toBe(0);
      writeFileSync(file, before);
    }
  });

  it('udhcpc (busybox 1.35): its metric-0 default routes taken over, both uplinks balanced', () => {
    const install = inRoot('apt-get', 'install', '-y', '-q', 'udhcpc');
    expect(install.status, install.output).toBe(0);
    expect(ifup('eth1').status).toBe(0);
    expect(ifup('eth2').status).toBe(0);
    expect(existsSync(rootRun('udhcpc.eth2.pid'))).toBe(true);
    expect(balanced()).toEqual(['eth1:198.18.101.1', 'eth2:198.18.102.1']);
    expect(defaults().map((d) => d.metric)).toEqual([10]);
    expect(dist(60).fail).toBe(0);
    expect(ifdown('eth2').status).toBe(0);
  });

  it('apt purge removes every file it added and leaves the kernel as it was', () => {
    const files = inRoot('dpkg-query', '-L', 'uplink-lb').stdout.split('\n').filter((f) => f !== '');
    const before = numericKernel();
    const purge = inRoot('apt-get', 'purge', '-y', '-q', 'uplink-lb');
    expect(purge.status, purge.output).toBe(0);
    expect(numericKernel()).toBe(before);
    expect(files.length).toBeGreaterThan(15);
    // directories shared with other packages stay; no file of the package does
    expect(filesLeft(files)).toEqual([]);
    expect(ifdown('eth1').status).toBe(0);
  });

  it('ifupdown2 in place of ifupdown: dhclient runs the lease hooks (a renewal too), ifup and ifdown the interface hook', async () => {
    // ifupdown2 conflicts with ifupdown: apt swaps them (its DHCP is always dhclient)
    const swap = inRoot('apt-get', 'install', '-y', '-q', 'ifupdown2', 'isc-dhcp-client');
    expect(swap.status, swap.output).toBe(0);
    expect(inRoot('dpkg-query', '-W', '-f', '${Status}', 'ifupdown2').stdout).toBe('install ok installed');
    const install = inRoot('apt-get', 'install', '-y', '-q', '/tmp/uplink-lb.deb');
    expect(install.status, install.output).toBe(0);
    writeRootConfig('IFACE_DEVICE=( eth1 eth2 )\nIFACE_WEI=( 2 1 )\n');
    // isp1's leases from now on ask for a renewal after 8 s: the dhclient ifupdown2 starts renews
    process.env.RIG_RENEW = '8';
    rig('dhcp-router', 'isp1', '198.18.101.1');
    const up1 = ifup('eth1');
    expect(up1.status, up1.stderr).toBe(0);
    expect(ifup('eth2').status).toBe(0);
    expect(balanced()).toEqual(['eth1:198.18.101.1', 'eth2:198.18.102.1']);
    expect(readFileSync(rootRun('uplink-lb/lease.eth1'), 'utf8')).toContain('"source":"dhclient"');
    const counts = dist(150);
    expect(counts.fail).toBe(0);
    // 20 or fewer of 150 on isp2 at 2:1: 2e-8 of runs
    expect(counts.isp2).toBeGreaterThan(20);
    // the renewal: isp1 moves its gateway; dhclient's hooks (ifupdown2's dhclient) follow it
    rig('dhcp-router', 'isp1', '198.18.101.254');
    delete process.env.RIG_RENEW;
    const started = Date.now();
    const renewed = await waitFor(() => balanced().includes('eth1:198.18.101.254'), 40);
    console.log(`ifupdown2: dhclient's renewal with a new gateway followed ${Math.round((Date.now() - started) / 1000)} s after the move (leases renewed every 8 s)`);
    expect(renewed).toBe(true);
    expect(balanced()).toEqual(['eth1:198.18.101.254', 'eth2:198.18.102.1']);
    expect(ifdown('eth2').status).toBe(0);
    expect(balanced()).toEqual(['eth1:198.18.101.254']);
    // a static eth2: no DHCP client hook runs, so only the if-up.d and if-down.d hook, run by
    // ifupdown2, can put it into the route and take it out again
    const interfaces = `${root()}/etc/network/interfaces`;
    writeFileSync(interfaces, readFileSync(interfaces, 'utf8').replace('iface eth2 inet dhcp', 'iface eth2 inet static\n    address 198.18.102.2/24'));
    writeRootConfig('IFACE_DEVICE=( eth1 eth2 )\nIFACE_WEI=( 2 1 )\nIFACE_IPS=( auto 198.18.102.2 )\nIFACE_NMS=( auto /24 )\nIFACE_GWS=( auto 198.18.102.1 )\n');
    const up2 = ifup('eth2');
    expect(up2.status, up2.stderr).toBe(0);
    expect(balanced()).toEqual(['eth1:198.18.101.254', 'eth2:198.18.102.1']);
    expect(dist(60).fail).toBe(0);
    expect(ulb(['status']).stdout).toContain('kernel: [pass]');
    expect(ifdown('eth2').status).toBe(0);
    expect(balanced()).toEqual(['eth1:198.18.101.254']);
    // ifreload -a brings up what is now marked auto: the hook runs for it as for ifup
    writeFileSync(interfaces, readFileSync(interfaces, 'utf8').replace('iface eth2 inet static', 'auto eth2\niface eth2 inet static'));
    const reload = rigResult('rx', 'ifreload', '-a');
    expect(reload.status, reload.stderr).toBe(0);
    expect(balanced()).toEqual(['eth1:198.18.101.254', 'eth2:198.18.102.1']);
    expect(ifdown('eth2').status).toBe(0);
    expect(ifdown('eth1').status).toBe(0);
    expect(balanced()).toEqual([]);
  }, 300_000);
});
