// Two routers, one site (scripts/rig/pair.sh): Debian's keepalived holds the LAN gateway and
// each shared uplink's address (isp1, isp2) on the active router, conntrackd gives the other
// router every connection with its mark, and uplink-lb on both follows keepalived through its
// notify FIFO (`ha-notify`: conntrackd's state steps, the active-only DHCP uplink isp3 brought up
// on the active router and down on the other, the role for status) and feeds it the weight of
// the router's working shared uplinks (HA_TRACK_FILE, keepalived's track_file). Real traffic
// from the LAN: long-lived connections that must survive each switch on the shared uplinks (those
// on the active-only one are lost: its address changes), a stream of new ones whose gap is
// printed. Both families: the LAN's IPv6 gateway is keepalived's fe80::1, announced by radvd
// from that address only, the LAN's ULA translated to the pair's address on each shared uplink.
// PAIR_ROOT=trixie runs the same cases with Debian 13's keepalived, conntrackd, radvd, ifupdown
// and dhclient, uplink-lb from its .deb, in a root of each router's own.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { begin, sleep, waitFor, type Begun } from './rig.js';

const PAIR = resolve('scripts/rig/pair.sh');
const NAME = `uplink-lb-p${process.env.VITEST_POOL_ID ?? '1'}`;
const ST = resolve(`test/.state/${NAME}`);
const env = { ...process.env, PAIR_NAME: NAME };

const pair = (...args: string[]): string => execFileSync(PAIR, args, { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'pipe'] });
const role = (r: 'r1' | 'r2'): string => pair('role', r).trim();
/** The router whose LAN address is the gateway (`both` while a frozen one still has it). */
const gateway = (): string => pair('master').trim();
const offered = (r: 'r1' | 'r2'): string => readFileSync(`${ST}/${r}/run/uplink-lb/vrrp-track`, 'utf8').trim();
/** The active-only uplink's address on the router (its DHCP lease), or '' when it has none. */
const leased = (r: 'r1' | 'r2'): string => /inet (\S+)/.exec(pair('x', r, 'ip', '-4', '-o', 'addr', 'show', 'dev', 'eth3'))?.[1] ?? '';
/** uplink-lb as installed on the router (its configuration in the router's /etc/default). */
const ulb = (r: 'r1' | 'r2', ...args: string[]): { status: number | null; stdout: string; stderr: string } => {
  try {
    return { status: 0, stdout: execFileSync(PAIR, ['ulb', r, ...args], { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'pipe'] }), stderr: '' };
  } catch (err) {
    const e = err as { status: number | null; stdout: string; stderr: string };
    return { status: e.status, stdout: e.stdout, stderr: e.stderr };
  }
};

interface Held {
  opened: Record<string, number>;
  failed_to_open: number;
  broken: [number, string][];
}

/** N long-lived LAN connections for SECONDS, a line every 0.1 s each (`hold6`: in IPv6);
 *  `ready()` once every one has opened. */
function hold(n: number, seconds: number, verb: 'hold' | 'hold6' = 'hold'): Begun<Held> {
  return begin(PAIR, [verb, String(n), String(seconds)], env, `pair ${verb}`, (out) => JSON.parse(out) as Held);
}

/** New LAN connections at RATE/s for SECONDS (1 s each): [moment on the monotonic clock in s,
 *  isp1 | isp2 | fail] for each (`stream6`: in IPv6); `ready()` once the stream has begun. */
function stream(rate: number, seconds: number, verb: 'stream' | 'stream6' = 'stream'): Begun<[number, string][]> {
  return begin(PAIR, [verb, String(rate), String(seconds), '1'], env, `pair ${verb}`, (out) => {
    const [first, ...rest] = out.trim().split('\n').map((l) => JSON.parse(l) as unknown);
    const start = (first as { start: number }).start;
    return (rest as [number, string][]).map(([at, isp]): [number, string] => [start + at, isp]);
  });
}

const monotonic = (): number => Number(process.hrtime.bigint()) / 1e9;

/** The new connections that failed: how many, and from the first failure's start to the last's,
 *  in seconds after `from` (monotonic). */
function gapOf(connections: readonly [number, string][], from: number): { failed: number; first: number; last: number } {
  const failed = connections.filter(([, isp]) => isp === 'fail').map(([at]) => at - from);
  return { failed: failed.length, first: failed.length > 0 ? Math.min(...failed) : 0, last: failed.length > 0 ? Math.max(...failed) : 0 };
}

describe('a high-availability pair: keepalived and conntrackd, driven and followed by uplink-lb', () => {
  /** Long-lived connections opened before r2 dies that live through its death, its return and
   *  the switch back to it (r2's own entries for them went stale while it was away). */
  let spanning: Promise<Held> | undefined;
  let spanning6: Promise<Held> | undefined;
  beforeAll(() => {
    if (process.getuid?.() !== 0) throw new Error('the end-to-end tests need root (network namespaces)');
    pair('down');
    pair('up');
    pair('start');
  });
  afterAll(() => {
    pair('down');
  });

  it('settles with r1 active and r2 on standby, each offering keepalived the weight of its two working shared uplinks in each family; only r1 brings up the active-only one; the two configurations pair', async () => {
    expect([role('r1'), role('r2'), gateway()]).toEqual(['MASTER', 'BACKUP', 'r1']);
    expect([offered('r1'), offered('r2')]).toEqual(['4', '4']);
    expect(leased('r1')).toMatch(/^198\.18\.103\.\d+\/24$/);
    expect(leased('r2')).toBe('');
    expect(ulb('r1', 'status').stdout.split('\n')[0]).toBe('balancing over 3 of 3 uplinks (eth1, eth2, eth3)');
    // (the check looks at conntrackd every 2 s; it started before conntrackd did)
    const pairLine = /^pair: MASTER \(keepalived's uplink_lb, since \S+\), offering weight 4 in \/run\/uplink-lb\/vrrp-track; synchronisation works \(the peer's messages arrive over sync0; the peer last heard 20\d\d-\S+Z\)$/m;
    expect(await waitFor(() => pairLine.test(ulb('r1', 'status').stdout), 10)).toBe(true);
    const status = ulb('r1', 'status');
    expect(status.stdout).toMatch(pairLine);
    expect(ulb('r2', 'status').stdout).toMatch(/^pair: BACKUP \(keepalived's uplink_lb, since \S+\), offering weight 4/m);
    // conntrackd's state steps ran without a failure, and keepalived's transitions are in the history
    expect(JSON.parse(readFileSync(`${ST}/r1/run/uplink-lb/ha.json`, 'utf8'))).toMatchObject({ role: 'MASTER', failed: [] });
    expect(status.stdout).toMatch(/ha-master: keepalived: uplink_lb MASTER/);
    const json = JSON.parse(ulb('r2', 'status', '--json').stdout) as { pair: unknown };
    expect(json.pair).toMatchObject({ vrrp: 'uplink_lb', role: 'BACKUP', failed: [], trackFile: '/run/uplink-lb/vrrp-track', weight: 4 });
    const peer = ulb('r1', 'validate', '--peer', `${ST}/r2/uplink-lb.conf`);
    expect(peer.stdout).toContain(`pairs with ${ST}/r2/uplink-lb.conf: the same 3 uplink(s), each with the same mark, table and priority`);
    // LAN connections through r1 are on r2 too, with the mark of their uplink
    const connections = stream(20, 2);
    const opened = await connections;
    expect(opened.filter(([, isp]) => isp === 'fail')).toEqual([]);
    expect(opened.filter(([, isp]) => isp === 'isp3').length).toBeGreaterThan(0);
    const synced = pair('x', 'r2', 'conntrack', '-L', '-p', 'tcp', '--orig-src', '198.19.10.100');
    expect(synced).toMatch(/dst=198\.18\.101\.10 .* mark=151/);
    expect(synced).toMatch(/dst=198\.18\.102\.10 .* mark=152/);
    // IPv6: the client's one default router is the pair's fe80::1 (the backup's radvd, without
    // that address, sends nothing; a router advertisement from it would add a second route)
    expect(pair('ra').trim().split('\n')).toEqual([expect.stringMatching(/^default via fe80::1 proto ra metric \d+ /)]);
    const opened6 = await stream(20, 2, 'stream6');
    expect(opened6.filter(([, isp]) => isp === 'fail')).toEqual([]);
    expect(opened6.filter(([, isp]) => isp === 'isp1').length).toBeGreaterThan(0);
    expect(opened6.filter(([, isp]) => isp === 'isp2').length).toBeGreaterThan(0);
    const client6 = /inet6 (fd00:19:10:\S+)\/64/.exec(pair('x', 'lan', 'ip', '-6', '-o', 'addr', 'show', 'dev', 'br0', 'scope', 'global'))?.[1] ?? 'none';
    const synced6 = pair('x', 'r2', 'conntrack', '-L', '-f', 'ipv6', '-p', 'tcp', '--orig-src', client6);
    expect(synced6).toMatch(/dst=2001:db8:101::10 .* mark=151/);
    expect(synced6).toMatch(/dst=2001:db8:102::10 .* mark=152/);
  });

  it('the active router loses an uplink its peer still has: the pair hands over, no long-lived connection on a shared uplink breaks, and the active-only uplink moves with it', async () => {
    const held = hold(30, 12);
    const held6 = hold(20, 12, 'hold6');
    const connections = stream(20, 10);
    // the failure once every connection is open and the stream has run a second (on a loaded
    // machine the scripts start seconds late: a fixed pause let a failure come before them)
    await Promise.all([held.ready(), held6.ready(), connections.ready()]);
    await sleep(1000);
    const failed = monotonic();
    // r1's own addresses on isp1, both families, dropped by the ISP
    pair('probes', 'r1', 'off', 'isp1');
    expect(await waitFor(() => gateway() === 'r2', 15)).toBe(true);
    const moved = monotonic() - failed;
    const result = await held;
    const gap = gapOf(await connections, failed);
    console.log(`r1's isp1 failed for r1 only: gateway on r2 ${moved.toFixed(2)} s later (polled every 0.5 s); new LAN connections failed ${gap.failed} of 200${gap.failed > 0 ? `, started ${gap.first.toFixed(2)} to ${gap.last.toFixed(2)} s after the failure` : ''}; long-lived broken ${result.broken.length} of 30 (${result.broken.filter(([, isp]) => isp === 'isp3').length} of the ${result.opened.isp3 ?? 0} on the active-only isp3)`);
    expect(result.opened.isp1).toBeGreaterThan(0);
    expect(result.broken.filter(([, isp]) => isp !== 'isp3')).toEqual([]);
    const result6 = await held6;
    console.log(`r1's isp1 failed for r1 only: IPv6 long-lived broken ${result6.broken.length} of 20 (${JSON.stringify(result6.opened)})`);
    expect(result6.failed_to_open).toBe(0);
    expect(result6.opened.isp1).toBeGreaterThan(0);
    expect(result6.broken).toEqual([]);
    expect([role('r1'), role('r2')]).toEqual(['BACKUP', 'MASTER']);
    // isp1 counted once for each family: r1 offers eth2's two sides
    expect([offered('r1'), offered('r2')]).toEqual(['2', '4']);
    // the active-only uplink: r2 brought it up (a lease of its own), r1 took it down
    expect(await waitFor(() => leased('r2') !== '', 15)).toBe(true);
    expect(leased('r1')).toBe('');
  });

  it("the router's uplink comes back: equal weights, so no second switch", async () => {
    pair('probes', 'r1', 'on', 'isp1');
    expect(await waitFor(() => offered('r1') === '4', 15)).toBe(true);
    await sleep(3000);
    expect([role('r1'), role('r2'), gateway()]).toEqual(['BACKUP', 'MASTER', 'r2']);
  });

  it('the active router dies (its processes frozen, its links down): the other takes the gateway, every long-lived connection on a shared uplink survives, new ones work again after a gap', async () => {
    const held = hold(50, 14);
    const held6 = hold(30, 14, 'hold6');
    const spanned = hold(20, 36);
    const spanned6 = hold(10, 36, 'hold6');
    spanning = spanned;
    spanning6 = spanned6;
    const connections = stream(20, 10);
    const connections6 = stream(10, 10, 'stream6');
    // the death once every connection is open and the streams have run a second (in a full run
    // on three workers r2 froze before they had begun: no connection broke, not even on its
    // active-only uplink, and no new one failed)
    await Promise.all([held.ready(), held6.ready(), spanned.ready(), spanned6.ready(), connections.ready(), connections6.ready()]);
    await sleep(1000);
    const died = monotonic();
    pair('freeze', 'r2');
    expect(await waitFor(() => gateway() !== 'r2', 15)).toBe(true);
    const took = monotonic() - died;
    expect(await waitFor(() => leased('r1') !== '', 15)).toBe(true);
    const lease = monotonic() - died;
    const result = await held;
    const all = await connections;
    const gap = gapOf(all, died);
    const shared = (result.opened.isp1 ?? 0) + (result.opened.isp2 ?? 0);
    console.log(`r2 died: the gateway on r1 ${took.toFixed(2)} s later, its lease on isp3 ${lease.toFixed(2)} s later (polled every 0.5 s); new LAN connections failed ${gap.failed} of ${all.length}, from ${gap.first.toFixed(2)} to ${gap.last.toFixed(2)} s after; long-lived broken ${result.broken.length} of 50: ${result.broken.filter(([, isp]) => isp !== 'isp3').length} of the ${shared} on shared uplinks, ${result.broken.filter(([, isp]) => isp === 'isp3').length} of the ${result.opened.isp3 ?? 0} on the active-only isp3`);
    expect(result.failed_to_open).toBe(0);
    expect(shared).toBeGreaterThan(20);
    expect(result.broken.filter(([, isp]) => isp !== 'isp3')).toEqual([]);
    expect(role('r1')).toBe('MASTER');
    // new connections work again after the gap: of those started later than 3 s after the
    // death at most one failed (one full run of the suite saw one at 6.9 s, about when the
    // active-only uplink, leased at 1.5 s, joined the new master's route after its recovery
    // window; not explained yet), and over 40 worked
    const late = all.filter(([at]) => at - died > 3);
    const lateFailed = late.filter(([, isp]) => isp === 'fail').map(([at]) => Math.round((at - died) * 100) / 100);
    if (lateFailed.length > 0) console.log(`r2 died: new connections that failed later than 3 s after: ${lateFailed.join(', ')} s`);
    expect(lateFailed.length).toBeLessThanOrEqual(1);
    expect(late.length - lateFailed.length).toBeGreaterThan(40);
    // IPv6: the gateway fe80::1 moved with the rest (keepalived's unsolicited neighbour
    // advertisement), every long-lived connection survived, new ones work after the gap
    const result6 = await held6;
    const all6 = await connections6;
    const gap6 = gapOf(all6, died);
    console.log(`r2 died, IPv6: new LAN connections failed ${gap6.failed} of ${all6.length}${gap6.failed > 0 ? `, from ${gap6.first.toFixed(2)} to ${gap6.last.toFixed(2)} s after` : ''}; long-lived broken ${result6.broken.length} of 30 (${JSON.stringify(result6.opened)})`);
    expect(result6.failed_to_open).toBe(0);
    expect(result6.broken).toEqual([]);
    const late6 = all6.filter(([at]) => at - died > 3);
    expect(late6.filter(([, isp]) => isp === 'fail')).toEqual([]);
    expect(late6.length).toBeGreaterThan(20);
    expect(pair('ra').trim().split('\n')).toEqual([expect.stringMatching(/^default via fe80::1 proto ra /)]);
  });

  it('the dead router comes back: it rejoins on standby, without a second switch', async () => {
    pair('thaw', 'r2');
    expect(await waitFor(() => role('r2') === 'BACKUP', 15)).toBe(true);
    await sleep(3000);
    expect([role('r1'), role('r2'), gateway()]).toEqual(['MASTER', 'BACKUP', 'r1']);
    // as backup it gave its lease of the active-only uplink up
    expect(leased('r2')).toBe('');
    const after = await stream(20, 1);
    expect(after.filter(([, isp]) => isp === 'fail')).toEqual([]);
  });

  it('the pair switches back to the router that came back: the connections it carried before it died survive (its stale entries were replaced by the resync)', async () => {
    pair('probes', 'r1', 'off', 'isp1');
    expect(await waitFor(() => gateway() === 'r2', 15)).toBe(true);
    // the gateway address moves before keepalived's line reaches uplink-lb ha-notify (a full
    // run read r2's record still BACKUP right after the address had moved)
    expect(await waitFor(() => role('r1') === 'BACKUP' && role('r2') === 'MASTER', 5)).toBe(true);
    const result = await (spanning ?? Promise.reject(new Error('the death case did not run')));
    const broken = result.broken.filter(([, isp]) => isp !== 'isp3');
    console.log(`through r2, r1, and r2 again: long-lived broken ${broken.length} of the ${(result.opened.isp1 ?? 0) + (result.opened.isp2 ?? 0)} on shared uplinks (and ${result.broken.length - broken.length} of the ${result.opened.isp3 ?? 0} on the active-only isp3)`);
    expect(result.failed_to_open).toBe(0);
    expect((result.opened.isp1 ?? 0) + (result.opened.isp2 ?? 0)).toBeGreaterThan(5);
    expect(broken).toEqual([]);
    const result6 = await (spanning6 ?? Promise.reject(new Error('the death case did not run')));
    console.log(`through r2, r1, and r2 again, IPv6: long-lived broken ${result6.broken.length} of ${JSON.stringify(result6.opened)}`);
    expect(result6.failed_to_open).toBe(0);
    expect(result6.broken).toEqual([]);
    // (r1's isp1 comes back after flap damping's hold-down: its second failure in 10 minutes)
    pair('probes', 'r1', 'on', 'isp1');
  });

  it('a synchronisation that stops is said (status, the history, an event, a metric), and so is its return', async () => {
    const metric = (): string => /^uplink_lb_pair_sync_working (\d)$/m.exec(readFileSync(`${ST}/r2/run/metrics/uplink-lb.prom`, 'utf8'))?.[1] ?? '';
    expect(ulb('r2', 'status').stdout).toMatch(/^pair: MASTER .*; synchronisation works \(the peer's messages arrive over sync0; the peer last heard \S+\)$/m);
    expect(metric()).toBe('1');
    expect(readFileSync(`${ST}/r2/run/metrics/uplink-lb.prom`, 'utf8')).toMatch(/^uplink_lb_pair_master 1$/m);
    // the peer's conntrackd is stopped (SIGSTOP): nothing arrives any more, and nothing says so
    const peer = readFileSync(`${ST}/r1/conntrackd.pid`, 'utf8').trim();
    process.kill(Number(peer), 'SIGSTOP');
    try {
      const stopped = monotonic();
      expect(await waitFor(() => metric() === '0', 20)).toBe(true);
      console.log(`the peer's conntrackd stopped: said ${(monotonic() - stopped).toFixed(1)} s later (polled every 0.5 s)`);
      const status = ulb('r2', 'status').stdout;
      expect(status).toMatch(/; synchronisation LOST since \S+: no message from the peer over sync0 for \d+ s; the peer last heard \S+ \(connections would not survive a switch\)$/m);
      expect(status).toMatch(/ha-sync-lost: conntrackd: no message from the peer over sync0/);
    } finally {
      process.kill(Number(peer), 'SIGCONT');
    }
    expect(await waitFor(() => metric() === '1', 20)).toBe(true);
    expect(ulb('r2', 'status').stdout).toMatch(/ha-sync-back: conntrackd: the peer's messages arrive over sync0/);
  });
});
