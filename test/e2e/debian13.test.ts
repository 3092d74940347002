// Debian 13 (trixie) as a new router has it: the router's programs come from a minimal trixie
// root (ifupdown 0.8.44, dhcpcd-base, no libatomic1), entered with chroot inside the router's
// namespace. uplink-lb goes in as Debian users install software, `apt install ./uplink-lb.deb`,
// and must then balance with dhcpcd, then udhcpc, then dhclient, as the DHCP client ifupdown
// picks (the first installed of dhclient, udhcpc, dhcpcd).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { nameservers } from '../../src/plan/resolv-conf.js';
import { resolve } from 'node:path';
import { defaults, dist, ifdown, ifup, rig, rigResult, routes, sleep, startCheck, stopCheck, ulb, up, waitFor } from './rig.js';
import { buildDeb } from './deb.js';
import { balanced, filesLeft, inRoot, numericKernel, root, rootRun, writeRootConfig } from './debian-root.js';

process.env.RIG_ROOT = 'trixie';

const CONFIG = 'IFACE_DEVICE=( eth1 eth2 )\nIFACE_WEI=( 2 1 )\nCHECK_TARGETS=( 192.0.2.10 )\nCHECK_INTERVAL=0.5\nCHECK_TIMEOUT=0.5\n';
let deb = '';
/** Route events in the router with their times (`ip -ts monitor route`), while `action` runs. */
async function monitorRoutes(action: () => Promise<void>): Promise<string[]> {
  const child = spawn(resolve('scripts/rig/rig.sh'), ['rx', 'ip', '-ts', 'monitor', 'route'], { stdio: ['ignore', 'pipe', 'ignore'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  await sleep(300);
  await action();
  await sleep(300);
  child.kill('SIGTERM');
  // ip -ts prints "[2026-11-27T08:30:01.123456] route line" and continuation lines for nexthops
  return out.split(/\n(?=\[)/);
}
/** Where a symbolic link in the root points (its target is the root's path, not the host's), or
 *  undefined when there is none. */
const linkAt = (path: string): string | undefined => {
  try {
    return readlinkSync(`${root()}${path}`);
  } catch {
    return undefined;
  }
};
interface Finished {
  status: number | null;
  stdout: string;
  stderr: string;
  error?: Error;
}
let lintian: Promise<Finished> | undefined;
/** `lintian` on the package, started now: warnings fail too. */
function lintianOf(path: string): Promise<Finished> {
  return new Promise((done) => {
    const child = spawn('lintian', ['--fail-on', 'error,warning', '--tag-display-limit', '0', path], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', (error) => done({ status: null, stdout, stderr, error }));
    child.once('close', (status) => done({ status, stdout, stderr }));
  });
}
const eventTime = (event: string): number => Date.parse(`${/^\[([^\]]+)\]/.exec(event)?.[1] ?? ''}Z`);
/** A hook of the test's own, run by a DHCP client's script after the client's own resolv.conf
 *  step and before uplink-lb's hook, that logs the event and the first line of /etc/resolv.conf
 *  as the client left it (into the router's /run/resolv-snapshots). */
function snapshotHook(path: string): void {
  writeFileSync(`${root()}${path}`, 'printf \'%s %s %s\\n\' "$interface" "$reason" "$(head -n 1 /etc/resolv.conf)" >> /run/resolv-snapshots\n');
}
/** The snapshots logged since the last call ("eth2 BOUND # uplink-lb: ..."). */
function snapshots(): string[] {
  const path = rootRun('resolv-snapshots');
  const lines = existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter((l) => l !== '') : [];
  rmSync(path, { force: true });
  return lines;
}
/** Once resolv.conf is uplink-lb's, a DHCP client's event leaves it so: the snapshots from the
 *  first that shows uplink-lb's file on, the ones that show another. */
function overwrittenAfterManaged(lines: readonly string[]): string[] {
  const first = lines.findIndex((l) => l.includes(' # uplink-lb:'));
  return first < 0 ? [] : lines.slice(first).filter((l) => !l.includes(' # uplink-lb:'));
}

describe('Debian 13 router: the .deb, dhcpcd, udhcpc, dhclient', () => {
  beforeAll(() => {
    deb = buildDeb();
    // lintian (about half a minute of one core) runs beside the tests; its test comes last
    lintian = lintianOf(deb);
    up(2);
  });
  afterAll(() => {
    rigResult('down');
  });

  it('make install refuses a root without libatomic1, naming the library and the fix, and installs nothing', () => {
    // the executable the package was made from (built with make's default paths, as this install
    // asks): no build of its own; the lock keeps another file's package build from racing it
    const r = spawnSync('flock', ['test/.state/deb.lock', 'make', '-s', 'install', 'BUILDDIR=test/.state/deb', `DESTDIR=${root()}`, 'PREFIX=/usr'], { encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('the shared library libatomic.so.1 is missing');
    expect(r.stderr).toContain('Fix: apt-get install libatomic1');
    expect(existsSync(`${root()}/usr/sbin/uplink-lb`)).toBe(false);
    expect(existsSync(`${root()}/etc/network/if-up.d/uplink-load-balancing`)).toBe(false);
  });

  it('installed without its dependencies, the executable cannot start, and ifup still brings the uplink up', () => {
    copyFileSync(deb, `${root()}/tmp/uplink-lb.deb`);
    // what a user gets from `dpkg -i` alone: the files, no libatomic1
    const dpkg = inRoot('dpkg', '--force-depends', '-i', '/tmp/uplink-lb.deb');
    expect(dpkg.status, dpkg.output).toBe(0);
    expect(existsSync(`${root()}/usr/lib/x86_64-linux-gnu/libatomic.so.1`)).toBe(false);
    writeRootConfig(CONFIG);
    const version = ulb(['--version']);
    expect(version.status).toBe(127);
    expect(version.stderr).toContain('libatomic.so.1');
    const r = ifup('eth1');
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('could not run (exit 127) for eth1 start');
    // dhcpcd's own default route carries the router meanwhile
    expect(defaults().map((d) => `${d.dev} ${d.metric}`)).toEqual(['eth1 1003']);
    expect(ifdown('eth1').status).toBe(0);
    // removed (not purged): the hooks stay as conffiles, the executable is gone; ifup goes on
    const removed = inRoot('dpkg', '-r', 'uplink-lb');
    expect(removed.status, removed.output).toBe(0);
    expect(existsSync(`${root()}/etc/network/if-up.d/uplink-load-balancing`)).toBe(true);
    const again = ifup('eth1');
    expect(again.status).toBe(0);
    expect(again.stderr).not.toContain('uplink');
    expect(ifdown('eth1').status).toBe(0);
  });

  it('where systemd is the init, apt install ./uplink-lb.deb pulls neither cron nor a mail server; without it, cron', () => {
    // apt's own resolver, asked to install the package with systemd-sysv (what a Debian 13 with
    // systemd as PID 1 has) and without it (this root has no init); -s changes nothing
    const installs = (...pkgs: string[]): string[] => {
      const r = inRoot('apt-get', 'install', '-s', '-y', '-q', ...pkgs);
      expect(r.status, r.output).toBe(0);
      return [...r.stdout.matchAll(/^Inst (\S+)/gm)].map((m) => m[1] ?? '');
    };
    const withSystemd = installs('systemd-sysv', '/tmp/uplink-lb.deb');
    const without = installs('/tmp/uplink-lb.deb');
    console.log(`apt install of the .deb on Debian 13 with systemd-sysv: ${withSystemd.length} packages (${withSystemd.join(' ')}); without an init: ${without.length} (${without.join(' ')})`);
    expect(withSystemd).toContain('systemd-sysv');
    expect(withSystemd).toContain('uplink-lb');
    expect(withSystemd.filter((p) => /^(cron|cron-daemon-common|exim4.*|postfix|.*-mta|bsd-mailx)$/.test(p))).toEqual([]);
    expect(without).toContain('cron');
  });

  it('apt install ./uplink-lb.deb pulls every run-time dependency', () => {
    const started = Date.now();
    const r = inRoot('apt-get', 'install', '-y', '-q', '/tmp/uplink-lb.deb');
    const seconds = (Date.now() - started) / 1000;
    expect(r.status, r.output).toBe(0);
    console.log(`apt install of the .deb (${(readFileSync(deb).length / 1e6).toFixed(1)} MB) with its dependencies on Debian 13: ${seconds.toFixed(1)} s`);
    for (const pkg of ['libatomic1', 'iproute2', 'nftables', 'conntrack', 'iputils-ping', 'cron']) {
      expect(inRoot('dpkg-query', '-W', '-f', '${Status}', pkg).stdout).toBe('install ok installed');
    }
    expect(ulb(['--version']).stdout).toMatch(/^uplink-lb \d/);
    // the timer is enabled (deb-systemd-helper, no systemd running here): a switch to systemd
    // finds it; cron's start steps aside only where systemd runs
    expect(linkAt('/etc/systemd/system/timers.target.wants/uplink-lb.timer')).toMatch(/^(\/usr)?\/lib\/systemd\/system\/uplink-lb\.timer$/);
    // the configuration written before is kept: a conffile the user changed
    expect(readFileSync(`${root()}/etc/default/uplink-lb`, 'utf8')).toBe(CONFIG);
  });

  it('dhcpcd: ifup eth1 eth2 balances at 2:1; dhcpcd keeps its own defaults at their metric, which never win', async () => {
    // after dhcpcd's 20-resolv.conf, before uplink-lb's 90-uplink-lb
    snapshotHook('/usr/lib/dhcpcd/dhcpcd-hooks/21-test-resolv-snapshot');
    expect(ifup('eth1').status).toBe(0);
    let boundToBalanced = NaN;
    const events = await monitorRoutes(async () => {
      expect(ifup('eth2').status).toBe(0);
    });
    const bound = events.find((e) => / default via 198\.18\.102\.1 dev eth2 proto dhcp/.test(e));
    const joined = events.find((e) => /default (nhid \d+ )?proto uplink-lb metric 10/.test(e) && /dev eth2/.test(e));
    expect(bound).toBeDefined();
    expect(joined).toBeDefined();
    boundToBalanced = eventTime(joined as string) - eventTime(bound as string);
    console.log(`dhcpcd BOUND (its route for eth2) to eth2 in the balanced route: ${boundToBalanced} ms`);
    expect(balanced()).toEqual(['eth1:198.18.101.1', 'eth2:198.18.102.1']);
    expect(defaults().map((d) => `${d.dev ?? 'multipath'} ${d.metric}`).sort()).toEqual(['eth1 1003', 'eth2 1004', 'multipath 10']);
    expect(readFileSync(rootRun('uplink-lb/lease.eth2'), 'utf8')).toContain('"source":"dhcpcd"');
    // the resolvers dhcpcd learned (each ISP's first address), in /etc/resolv.conf by weight
    // (written once the run's route is verified: it may follow the route by a moment)
    const servers = (): string[] => nameservers(readFileSync(`${root()}/etc/resolv.conf`, 'utf8'));
    expect(await waitFor(() => servers().join() === '198.18.101.1,198.18.102.1', 10), servers().join()).toBe(true);
    const counts = dist(300);
    console.log(`Debian 13, dhcpcd: 300 new LAN connections at 2:1: ${JSON.stringify(counts)}`);
    expect(counts.fail).toBe(0);
    // 2:1: 155 or fewer of 300 on isp1 happens in 6e-8 of runs, 55 or fewer on isp2 in 5e-9
    expect(counts.isp1).toBeGreaterThan(155);
    expect(counts.isp2).toBeGreaterThan(55);
    const status = ulb(['status']);
    expect(status.status).toBe(0);
    expect(status.stdout).toContain('kernel: [pass]');
  });

  it('dhcpcd: a renewal that moves the gateway and the resolver is followed', async () => {
    rig('dhcp-router', 'isp2', '198.18.102.254', '198.18.102.53');
    const started = Date.now();
    rig('rx', 'dhcpcd', '-n', 'eth2');
    const moved = await waitFor(() => balanced().includes('eth2:198.18.102.254'), 20);
    console.log(`dhcpcd renewal with a new gateway followed in ${Date.now() - started} ms (from \`dhcpcd -n eth2\`)`);
    expect(moved).toBe(true);
    expect(routes('uplink2').find((r) => r.dst === 'default' && r.gateway)?.gateway).toBe('198.18.102.254');
    const servers = (): string[] => nameservers(readFileSync(`${root()}/etc/resolv.conf`, 'utf8'));
    expect(await waitFor(() => servers().join() === '198.18.101.1,198.18.102.53', 10), servers().join()).toBe(true);
    // dhcpcd left the file to uplink-lb at every event since uplink-lb first wrote it (its
    // resolv.conf hook skipped by 19-uplink-lb-resolv), this renewal's included
    const seen = snapshots();
    expect(seen.filter((l) => /^eth2 (BOUND|RENEW|REBIND|REBOOT) # uplink-lb:/.test(l)).length, seen.join('\n')).toBeGreaterThanOrEqual(2);
    expect(overwrittenAfterManaged(seen), seen.join('\n')).toEqual([]);
    const status = ulb(['status']).stdout;
    expect(status).toContain('kernel: [pass]');
    expect(status).toContain('  RESOLVER[198.18.102.53] "resolver 198.18.102.53 of eth2\'s DHCP client (dhcpcd)": eth2\n');
  });

  it('dhcpcd: the health check drains a dead ISP, whose dhcpcd route then carries nothing, and restores it', async () => {
    const check = startCheck();
    try {
      expect(await waitFor(() => !ulb(['status']).stdout.includes('last check: never'), 20)).toBe(true);
      rig('fail', 'isp1', 'upstream');
      expect(await waitFor(() => balanced().join() === 'eth2:198.18.102.254', 20)).toBe(true);
      // dhcpcd's route through eth1 is still there, and leaks nothing
      expect(defaults().some((d) => d.dev === 'eth1' && d.metric === 1003)).toBe(true);
      const counts = dist(60);
      expect(counts).toMatchObject({ isp1: 0, isp2: 60, fail: 0 });
      expect(ulb(['status']).stdout).toMatch(/eth1: draining, not in the default route/);
      rig('fail', 'isp1', 'none');
      expect(await waitFor(() => balanced().length === 2, 30)).toBe(true);
    } finally {
      await stopCheck(check);
    }
  });

  it('dhcpcd: ifdown and ifup in any order', () => {
    expect(ifdown('eth1').status).toBe(0);
    expect(balanced()).toEqual(['eth2:198.18.102.254']);
    expect(ifdown('eth2').status).toBe(0);
    expect(balanced()).toEqual([]);
    expect(ifup('eth2').status).toBe(0);
    expect(ifup('eth1').status).toBe(0);
    expect(balanced()).toEqual(['eth1:198.18.101.1', 'eth2:198.18.102.254']);
    expect(ifdown('eth2').status).toBe(0);
    expect(ifdown('eth1').status).toBe(0);
  });

  it('udhcpc: once installed ifupdown prefers it; its metric-0 default routes are taken over, their gateways kept', () => {
    const install = inRoot('apt-get', 'install', '-y', '-q', 'udhcpc');
    expect(install.status, install.output).toBe(0);
    expect(ifup('eth1').status).toBe(0);
    expect(ifup('eth2').status).toBe(0);
    expect(existsSync(rootRun('udhcpc.eth1.pid'))).toBe(true);
    expect(balanced()).toEqual(['eth1:198.18.101.1', 'eth2:198.18.102.254']);
    // udhcpc installed `default via GW dev ethN` at metric 0; none is left to win
    expect(defaults().map((d) => d.metric)).toEqual([10]);
    expect(readFileSync(rootRun('uplink-lb/lease.eth1'), 'utf8')).toContain('"source":"route"');
    // udhcpc's script tells uplink-lb nothing of its resolvers: the file is left to udhcpc
    expect(ulb(['status']).stdout).toContain('resolvers: not managed: no uplink announces a resolver (IFACE_RESOLVERS sets them for a static uplink)');
    const counts = dist(150);
    console.log(`Debian 13, udhcpc: 150 new LAN connections at 2:1: ${JSON.stringify(counts)}`);
    expect(counts.fail).toBe(0);
    // 2:1: 65 or fewer of 150 on isp1 happens in 4e-9 of runs, 20 or fewer on isp2 in 2e-8
    expect(counts.isp1).toBeGreaterThan(65);
    expect(counts.isp2).toBeGreaterThan(20);
    expect(ulb(['status']).stdout).toContain('kernel: [pass]');
  });

  it('udhcpc: a renewal puts its route back, and a new gateway, and the health check takes both over', async () => {
    const check = startCheck();
    try {
      rig('dhcp-router', 'isp1', '198.18.101.254');
      const pid = readFileSync(rootRun('udhcpc.eth1.pid'), 'utf8').trim();
      const started = Date.now();
      rig('rx', 'sh', '-c', `kill -USR1 ${pid}`); // udhcpc renews now
      const moved = await waitFor(() => balanced().includes('eth1:198.18.101.254') && defaults().length === 1, 30);
      console.log(`udhcpc renewal with a new gateway followed by the health check in ${Date.now() - started} ms`);
      expect(moved).toBe(true);
      expect(routes('uplink1').find((r) => r.dst === 'default' && r.gateway)?.gateway).toBe('198.18.101.254');
    } finally {
      await stopCheck(check);
    }
    expect(ifdown('eth1').status).toBe(0);
    expect(ifdown('eth2').status).toBe(0);
    expect(balanced()).toEqual([]);
  });

  it("resolvconf installed: udhcpc's records make way for uplink-lb's, which lists their resolvers (learned from them) as the usable uplinks go, best first; release puts them back", () => {
    // the link its postinst makes, made by hand: the rig's apt binds the host's resolv.conf over
    // the root's, which cannot be replaced while it runs
    expect(inRoot('sh', '-c', 'echo "resolvconf resolvconf/linkify-resolvconf boolean false" | debconf-set-selections').status).toBe(0);
    const install = inRoot('apt-get', 'install', '-y', '-q', 'resolvconf');
    expect(install.status, install.output).toBe(0);
    const link = `${root()}/etc/resolv.conf`;
    const before = readFileSync(link, 'utf8');
    rmSync(link);
    symlinkSync('../run/resolvconf/resolv.conf', link);
    try {
      // what resolvconf.service does at boot
      expect(rig('rx', '/sbin/resolvconf', '--enable-updates')).toBe('');
      expect(ulb(['validate']).stdout).toContain("resolvers: through resolvconf: the uplinks' own records give way to uplink-lb's (uplink-lb)");
      const records = (): string[] => readdirSync(rootRun('resolvconf/interface')).sort();
      const servers = (): string[] => nameservers(readFileSync(rootRun('resolvconf/resolv.conf'), 'utf8'));
      expect(ifup('eth1').status).toBe(0);
      expect(ifup('eth2').status).toBe(0);
      // udhcpc gave resolvconf its resolvers (isp1's first address, the one isp2 moved to): the
      // only way they reach uplink-lb; 2:1
      expect(servers()).toEqual(['198.18.101.1', '198.18.102.53']);
      expect(records()).toEqual(['uplink-lb']);
      expect(ulb(['status']).stdout).toContain('resolvers in resolvconf (its record uplink-lb), best first: 198.18.101.1 (eth1), 198.18.102.53 (eth2)\n');
      // eth1 drained: its resolver leaves in the same run, and comes back with it
      expect(ulb(['drain', 'eth1']).status).toBe(0);
      expect(servers()).toEqual(['198.18.102.53']);
      expect(ulb(['undrain', 'eth1']).status).toBe(0);
      expect(servers()).toEqual(['198.18.101.1', '198.18.102.53']);
      expect(ulb(['status']).stdout).toContain('  RESOLVER[198.18.101.1] "resolver 198.18.101.1 of eth1\'s resolvconf record eth1.udhcpc": eth1\n');
      // the uninstall's step: udhcpc's own records back, uplink-lb's gone
      expect(ulb(['release-resolvers']).status).toBe(0);
      expect(records()).toEqual(['eth1.udhcpc', 'eth2.udhcpc']);
      expect(servers().sort()).toEqual(['198.18.101.1', '198.18.102.53']);
      expect(ifdown('eth2').status).toBe(0);
      expect(ifdown('eth1').status).toBe(0);
    } finally {
      rmSync(link);
      writeFileSync(link, before);
      expect(inRoot('apt-get', 'purge', '-y', '-q', 'resolvconf').status).toBe(0);
    }
  });

  it('dhclient (an upgraded router keeps isc-dhcp-client, which ifupdown prefers): balanced, no default route of its own', () => {
    const install = inRoot('apt-get', 'install', '-y', '-q', 'isc-dhcp-client');
    expect(install.status, install.output).toBe(0);
    // after dhclient-script's own make_resolv_conf, before uplink-lb's exit hook
    snapshotHook('/etc/dhcp/dhclient-exit-hooks.d/00-test-resolv-snapshot');
    snapshots();
    expect(ifup('eth1').status).toBe(0);
    expect(ifup('eth2').status).toBe(0);
    expect(existsSync(rootRun('dhclient.eth1.pid'))).toBe(true);
    // once uplink-lb wrote the file (eth1's bind), dhclient-script leaves it (make_resolv_conf
    // replaced by uplink-lb's enter hook): eth2's bind found it uplink-lb's
    const seen = snapshots();
    expect(seen.some((l) => /^eth2 BOUND # uplink-lb:/.test(l)), seen.join('\n')).toBe(true);
    expect(overwrittenAfterManaged(seen), seen.join('\n')).toEqual([]);
    expect(balanced()).toEqual(['eth1:198.18.101.254', 'eth2:198.18.102.254']);
    expect(defaults().map((d) => d.metric)).toEqual([10]);
    expect(readFileSync(rootRun('uplink-lb/lease.eth1'), 'utf8')).toContain('"source":"dhclient"');
    expect(dist(60).fail).toBe(0);
    expect(ifdown('eth2').status).toBe(0);
    expect(ifdown('eth1').status).toBe(0);
  });

  it('apt purge removes every file it added and leaves the kernel as it was', () => {
    expect(ifup('eth1').status).toBe(0);
    const files = inRoot('dpkg-query', '-L', 'uplink-lb').stdout.split('\n').filter((f) => f !== '');
    expect(files.length).toBeGreaterThan(15);
    // numeric: the purge takes the table and protocol names (rt_tables.d, rt_protos.d) with it
    const before = numericKernel();
    expect(before).toContain('proto 73');
    const purge = inRoot('apt-get', 'purge', '-y', '-q', 'uplink-lb');
    expect(purge.status, purge.output).toBe(0);
    expect(numericKernel()).toBe(before);
    // directories shared with other packages stay; no file of the package does
    expect(filesLeft(files)).toEqual([]);
    expect(existsSync(`${root()}/etc/default/uplink-lb`)).toBe(false);
    // and the timer's enable link, with deb-systemd-helper's record of it
    expect(linkAt('/etc/systemd/system/timers.target.wants/uplink-lb.timer')).toBeUndefined();
    expect(linkAt('/etc/systemd/system/uplink-lb.timer')).toBeUndefined();
    expect(existsSync(`${root()}/var/lib/systemd/deb-systemd-helper-enabled/uplink-lb.timer.dsh-also`)).toBe(false);
    // the hooks went with the package: ifdown is plain ifdown
    expect(ifdown('eth1').status).toBe(0);
  });

  it('the package has no lintian errors (lintian ran beside the tests above)', async () => {
    // warnings fail too: the manual pages are in (the overrides are argued in docs/development.md)
    if (!lintian) throw new Error('lintian was not started (beforeAll failed)');
    const r = await lintian;
    expect(r.error).toBeUndefined();
    expect(r.stdout.split('\n').filter((l) => /^[EW]:/.test(l))).toEqual([]);
    // nothing on stderr but its caution about running as root (a lintian that could not read
    // the package says so there, and exits 2)
    expect(r.stderr.split('\n').filter((l) => l !== '' && l !== 'running with root privileges is not recommended!')).toEqual([]);
    expect(r.status).toBe(0);
    const files = spawnSync('dpkg-deb', ['--contents', deb], { encoding: 'utf8' }).stdout;
    for (const path of ['./usr/share/man/man8/uplink-lb.8.gz', './usr/share/man/man5/uplink-lb.conf.5.gz', './usr/share/bash-completion/completions/uplink-lb']) expect(files).toContain(path);
  }, 300_000);
});
