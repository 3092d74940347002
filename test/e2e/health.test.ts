// Health checking on the real stack: each failure the rig can make on isp1, drained within
// seconds by a running check and restored by itself; fail open; parallel rounds; cron takes
// over; 20% loss does not drain.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { defaults, dist, etc, ifup, rig, rigResult, routes, runFile, sleep, startCheck, stopCheck, ulb, up, waitFor, writeConfig } from './rig.js';

// flap damping off: these tests fail isp1 again and again on purpose (one tests damping itself)
const CONFIG = `IFACE_DEVICE=( eth1 eth2 eth3 )
IFACE_WEI=( 2 1 1 )
CHECK_TARGETS=( 192.0.2.20 )
CHECK_FLAP_HOLD=0
`;

function inRoute(): string[] {
  const route = defaults().find((r) => r.metric === 10);
  if (!route) return [];
  return route.nexthops ? route.nexthops.map((h) => h.dev) : [route.dev ?? ''];
}

interface Health {
  failOpen: boolean;
  uplinks: Record<string, { state: string }>;
}
const health = (): Health => JSON.parse(runFile('health.json')) as Health;

/** Polls `check` every 200 ms for up to `seconds` (synchronously: the test runs no timers). */
function waitForSync(check: () => boolean, seconds: number): boolean {
  const end = Date.now() + seconds * 1000;
  for (;;) {
    if (check()) return true;
    if (Date.now() > end) return false;
    spawnSync('sleep', ['0.2']);
  }
}

describe('health check', () => {
  let check: ChildProcess | undefined;
  beforeAll(() => {
    // 2-minute leases: dhclient renews about every minute, which the last test relies on
    up(3, { lease: '2m' });
    rig('install');
    // a probe target beside the server in the "internet" (the rig only adds the server)
    rig('x', 'inet', 'ip', 'addr', 'add', '192.0.2.20/32', 'dev', 'lo');
    writeConfig(CONFIG);
    for (const i of ['eth1', 'eth2', 'eth3']) expect(ifup(i).status).toBe(0);
  });
  afterAll(async () => {
    if (check) await stopCheck(check);
    rigResult('down');
  });

  for (const kind of ['upstream', 'gw-ip', 'gw-all', 'carrier']) {
    it(`${kind} failure on isp1: drained within seconds, restored by itself`, async () => {
      expect(inRoute()).toEqual(['eth1', 'eth2', 'eth3']);
      rig('fail', 'isp1', kind);
      // without a check (carrier loss aside, which the kernel skips by itself once the
      // ignore_routes_with_linkdown sysctl is set) new connections hashed to isp1 fail
      if (kind !== 'carrier') expect(dist(60, 0.5).fail).toBeGreaterThan(0);
      check = startCheck();
      expect(await waitFor(() => !inRoute().includes('eth1'), 15)).toBe(true);
      const during = dist(150, 1);
      expect(during).toMatchObject({ isp1: 0, fail: 0 });
      const status = ulb(['status']);
      expect(status.stdout).toMatch(/eth1: draining, not in the default route/);
      expect(status.stdout.split('\n')[0]).toBe('balancing over 2 of 3 uplinks (eth2, eth3)');
      // the change is kept for status, with its time and cause, across check runs
      expect(status.stdout).toMatch(/last changes:\n(?:.*\n)*  \d{4}-\d\d-\d\dT[\d:.]+Z eth1 draining: (no carrier|\d+ failed rounds in a row)/);
      rig('fail', 'isp1', 'none');
      expect(await waitFor(() => inRoute().includes('eth1'), 20)).toBe(true);
      const after = dist(300, 1);
      expect(after.fail).toBe(0);
      expect(after.isp1).toBeGreaterThan(100); // weight 2 of 4
      expect(after.isp2).toBeGreaterThan(30);
      expect(after.isp3).toBeGreaterThan(30);
      await stopCheck(check);
    }, 90_000);
  }

  it('an ifup of a drained uplink does not put it back before it is healthy', async () => {
    rig('fail', 'isp2', 'upstream');
    check = startCheck();
    expect(await waitFor(() => !inRoute().includes('eth2'), 15)).toBe(true);
    await stopCheck(check);
    const r = rigResult('rx', 'env', 'IFACE=eth2', 'MODE=start', 'ADDRFAM=inet', '/etc/network/if-up.d/uplink-load-balancing');
    expect(r.status).toBe(0);
    expect(inRoute()).toEqual(['eth1', 'eth3']);
    rig('fail', 'isp2', 'none');
    check = startCheck();
    expect(await waitFor(() => inRoute().includes('eth2'), 20)).toBe(true);
    await stopCheck(check);
  }, 60_000);

  it('fails open when the probe target is down for every uplink', async () => {
    rig('x', 'inet', 'ip', 'addr', 'del', '192.0.2.20/32', 'dev', 'lo');
    check = startCheck();
    expect(await waitFor(() => health().failOpen, 15)).toBe(true);
    expect(inRoute()).toEqual(['eth1', 'eth2', 'eth3']);
    expect(Object.values(health().uplinks).map((h) => h.state)).toEqual(['draining', 'draining', 'draining']);
    const failOpen = ulb(['status']);
    expect(failOpen.stdout).toContain('FAIL OPEN');
    expect(failOpen.stdout.split('\n')[0]).toMatch(/^not balancing: every uplink fails its probes \(FAIL OPEN\)/);
    expect(failOpen.status).toBe(3);
    expect(failOpen.stdout).toMatch(/ fail-open: every uplink fails its probes/);
    expect(dist(60, 1).fail).toBe(0);
    rig('x', 'inet', 'ip', 'addr', 'add', '192.0.2.20/32', 'dev', 'lo');
    expect(await waitFor(() => !health().failOpen && Object.values(health().uplinks).every((h) => h.state === 'up'), 20)).toBe(true);
    expect(inRoute()).toEqual(['eth1', 'eth2', 'eth3']);
    await stopCheck(check);
  }, 60_000);

  it('probes every uplink and target at once: a round with dead uplinks lasts about one timeout', () => {
    // 2 s timeout, 2 targets each, two uplinks dead: one after the other would take 8 s
    writeConfig(`${CONFIG.replace('CHECK_TARGETS=( 192.0.2.20 )', 'CHECK_TARGETS=( 192.0.2.20 192.0.2.10 )')}CHECK_TIMEOUT=2\n`);
    rig('fail', 'isp1', 'upstream');
    rig('fail', 'isp2', 'upstream');
    const started = Date.now();
    expect(ulb(['check', '--once']).status).toBe(0);
    const seconds = (Date.now() - started) / 1000;
    rig('fail', 'isp1', 'none');
    rig('fail', 'isp2', 'none');
    writeConfig(CONFIG);
    expect(seconds).toBeGreaterThanOrEqual(2);
    expect(seconds).toBeLessThan(4);
  });

  it('a lost carrier is seen at once, not at the next round (link events wake the check)', async () => {
    rig('rx', 'rm', '-f', '/run/uplink-lb/health.json');
    // rounds 20 s apart: only the link event can explain a drain within seconds
    writeConfig(`${CONFIG}CHECK_INTERVAL=20\n`);
    check = startCheck();
    expect(await waitFor(() => rigResult('rx', 'test', '-s', '/run/uplink-lb/health.json').status === 0, 10)).toBe(true);
    await sleep(1000);
    const lost = Date.now();
    rig('fail', 'isp1', 'carrier');
    expect(await waitFor(() => health().uplinks.eth1?.state === 'draining', 10)).toBe(true);
    const seconds = (Date.now() - lost) / 1000;
    console.log(`carrier lost to eth1 draining, with 20-s rounds: ${seconds.toFixed(2)} s`);
    expect(seconds).toBeLessThan(5);
    expect(inRoute()).toEqual(['eth2', 'eth3']);
    await stopCheck(check);
    check = undefined;
    rig('fail', 'isp1', 'none');
    writeConfig(CONFIG);
    for (let round = 0; round < 5; round++) ulb(['check', '--once']);
    expect(inRoute()).toEqual(['eth1', 'eth2', 'eth3']);
  }, 60_000);

  it('metrics and event hooks: the real prometheus-node-exporter serves the state; a hook that hangs delays nothing', () => {
    const exporter = spawnSync(resolve('scripts/rig/node-exporter.sh'), { encoding: 'utf8' });
    expect(exporter.status, exporter.stderr).toBe(0);
    const dir = '/run/uplink-lb-metrics';
    rig('rx', 'mkdir', '-p', dir);
    // two event hooks: one records what it hears, one hangs (stopped after EVENT_TIMEOUT=6);
    // in a directory of the test's (the rig's /etc can only hold what the host's /etc has)
    mkdirSync(resolve('test/.state'), { recursive: true });
    const hooks = mkdtempSync(resolve('test/.state/events-'));
    chmodSync(hooks, 0o755);
    writeFileSync(`${hooks}/10-record`, '#!/bin/sh\nprintf "%s|%s|%s\\n" "$UPLINK_LB_EVENT" "$UPLINK_LB_DEVICE" "$(cat)" >> /run/uplink-lb-events.log\n', { mode: 0o755 });
    writeFileSync(`${hooks}/20-hang`, '#!/bin/sh\necho $$ >> /run/uplink-lb-hang.pids\nsleep 60\n', { mode: 0o755 });
    writeConfig(`${CONFIG}METRICS_DIR=${dir}\nEVENT_TIMEOUT=6\nEVENT_HOOKS_DIR=${hooks}\n`);
    rig('fail', 'isp2', 'upstream');
    let pid = '';
    try {
      // CHECK_DOWN=3: three failed rounds drain eth2; no round waits for a hook
      const rounds: number[] = [];
      for (let round = 0; round < 3; round++) {
        const started = Date.now();
        expect(ulb(['check', '--once']).status).toBe(0);
        rounds.push((Date.now() - started) / 1000);
      }
      expect(inRoute()).toEqual(['eth1', 'eth3']);
      console.log(`check --once rounds with a hanging event hook installed: ${rounds.join(', ')} s`);
      // a round that waited for the hanging hook would last its 6 s at least
      for (const seconds of rounds) expect(seconds).toBeLessThan(4.5);
      // the hooks ran apart: the record arrives, and the hanging one is stopped at its timeout
      expect(waitForSync(() => rigResult('rx', 'grep', '-q', '^draining|eth2|', '/run/uplink-lb-events.log').status === 0, 10)).toBe(true);
      const heard = rig('rx', 'grep', '^draining|eth2|', '/run/uplink-lb-events.log').trim().split('\n')[0] ?? '';
      expect(JSON.parse(heard.split('|').slice(2).join('|'))).toMatchObject({ version: 1, event: 'draining', device: 'eth2' });
      expect(waitForSync(() => rig('rx', 'sh', '-c', 'for p in $(cat /run/uplink-lb-hang.pids); do [ -d /proc/$p ] && echo alive; done; true').trim() === '', 15)).toBe(true);
      expect(rig('rx', 'stat', '-c', '%a', `${dir}/uplink-lb.prom`).trim()).toBe('644');
      pid = rig('rx', 'sh', '-c', `${exporter.stdout.trim()} --web.listen-address=127.0.0.1:9100 --collector.disable-defaults --collector.textfile --collector.textfile.directory=${dir} >/dev/null 2>&1 & echo $!`).trim();
      let text = '';
      expect(
        waitForSync(() => {
          const r = rigResult('rx', 'python3', '-c', 'import urllib.request; print(urllib.request.urlopen("http://127.0.0.1:9100/metrics", timeout=2).read().decode())');
          text = r.stdout;
          return r.status === 0;
        }, 10),
      ).toBe(true);
      const value = (sample: string): number | undefined => {
        const line = text.split('\n').find((l) => l.startsWith(`${sample} `));
        return line === undefined ? undefined : Number(line.slice(sample.length + 1));
      };
      // node_exporter read the file and found nothing wrong in it
      expect(value('node_textfile_scrape_error')).toBe(0);
      expect(value('uplink_lb_uplink_state{device="eth2",state="draining"}')).toBe(1);
      expect(value('uplink_lb_uplink_state{device="eth2",state="up"}')).toBe(0);
      expect(value('uplink_lb_uplink_state{device="eth1",state="up"}')).toBe(1);
      expect(value('uplink_lb_uplink_in_route{device="eth2"}')).toBe(0);
      expect(value('uplink_lb_uplink_in_route{device="eth1"}')).toBe(1);
      expect(value('uplink_lb_uplink_weight{device="eth1"}')).toBe(2);
      expect(value('uplink_lb_probe_loss_ratio{device="eth2",target="192.0.2.20"}')).toBe(1);
      expect(value('uplink_lb_probe_loss_ratio{device="eth1",target="192.0.2.20"}')).toBe(0);
      expect(value('uplink_lb_probe_rtt_seconds{device="eth1",target="192.0.2.20"}')).toBeGreaterThan(0);
      expect(value('uplink_lb_probe_jitter_seconds{device="eth1",target="192.0.2.20"}')).toBeGreaterThanOrEqual(0);
      expect(value('uplink_lb_uplink_transitions_total{device="eth2"}')).toBeGreaterThanOrEqual(1);
      expect(value('uplink_lb_check_rounds_total')).toBeGreaterThanOrEqual(3);
      expect(value('uplink_lb_fail_open')).toBe(0);
      expect(value('uplink_lb_last_apply_success')).toBe(1);
      console.log(`metrics file: ${rig('rx', 'stat', '-c', '%s', `${dir}/uplink-lb.prom`).trim()} bytes for 3 uplinks, 1 target`);
    } finally {
      if (pid) rigResult('rx', 'kill', pid);
      rig('fail', 'isp2', 'none');
      rmSync(`${hooks}/20-hang`);
    }
    // back by itself: CHECK_UP good rounds; the hook hears where eth2 ended
    for (let round = 0; round < 5; round++) ulb(['check', '--once']);
    expect(inRoute()).toEqual(['eth1', 'eth2', 'eth3']);
    expect(waitForSync(() => (rig('rx', 'cat', '/run/uplink-lb-events.log').trim().split('\n').at(-1) ?? '').startsWith('up|eth2|'), 10)).toBe(true);
    rmSync(hooks, { recursive: true });
    writeConfig(CONFIG);
  }, 60_000);

  it('journald: a drain is one entry with the uplink and the event as fields, at warning priority', () => {
    // a journald of the router's own: volatile (in the router's /run), no kernel messages
    mkdirSync(`${etc()}/systemd`, { recursive: true });
    writeFileSync(`${etc()}/systemd/journald.conf`, '[Journal]\nStorage=volatile\nReadKMsg=no\n');
    const pid = rig('rx', 'sh', '-c', '/lib/systemd/systemd-journald >/dev/null 2>&1 & echo $!').trim();
    try {
      expect(waitForSync(() => rigResult('rx', 'test', '-S', '/run/systemd/journal/socket').status === 0, 10)).toBe(true);
      rig('rx', 'rm', '-f', '/run/uplink-lb/health.json');
      rig('fail', 'isp2', 'upstream');
      for (let round = 0; round < 3; round++) expect(ulb(['check', '--once']).status).toBe(0);
      expect(inRoute()).toEqual(['eth1', 'eth3']);
      const entries = rig('rx', 'journalctl', '-D', '/run/log/journal', '-o', 'json', '--no-pager', 'SYSLOG_IDENTIFIER=uplink-lb')
        .trim()
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as Record<string, string>);
      const drained = entries.filter((e) => e.UPLINK_LB_EVENT === 'draining');
      expect(drained).toHaveLength(1);
      expect(drained[0]).toMatchObject({ UPLINK_LB_DEVICE: 'eth2', PRIORITY: '4', MESSAGE: expect.stringMatching(/^eth2 draining: 3 failed rounds in a row/) });
    } finally {
      rigResult('rx', 'kill', pid);
      rig('fail', 'isp2', 'none');
      waitForSync(() => rigResult('rx', 'test', '-d', `/proc/${pid}`).status !== 0, 5);
      rig('rx', 'rm', '-rf', '/run/systemd', '/run/log');
      rmSync(`${etc()}/systemd`, { recursive: true });
    }
    // without journald the same lines are plain syslog lines again; the uplink comes back
    for (let round = 0; round < 5; round++) ulb(['check', '--once']);
    expect(inRoute()).toEqual(['eth1', 'eth2', 'eth3']);
  }, 60_000);

  it('flap damping: a second failure holds the uplink out until its hold-down ends, and status says so', async () => {
    // one round drains, one brings back: four rounds make two failures
    const round = (): void => {
      expect(ulb(['check', '--once'], { CHECK_DOWN: '1', CHECK_UP: '1', CHECK_FLAP_HOLD: '4' }).status).toBe(0);
    };
    rig('rx', 'rm', '-f', '/run/uplink-lb/health.json');
    rig('fail', 'isp1', 'upstream');
    round();
    expect(inRoute()).toEqual(['eth2', 'eth3']);
    rig('fail', 'isp1', 'none');
    round();
    expect(inRoute()).toEqual(['eth1', 'eth2', 'eth3']); // the first failure is not a flap
    rig('fail', 'isp1', 'upstream');
    round();
    const failedAt = Date.now();
    rig('fail', 'isp1', 'none');
    round();
    // answering again, but held out
    expect(inRoute()).toEqual(['eth2', 'eth3']);
    const status = ulb(['status'], { CHECK_FLAP_HOLD: '4' });
    expect(status.stdout).toMatch(/eth1: recovering, not in the default route - answering again, \d+ good rounds?, but held out until \S+Z \(flapping\)/);
    const json = JSON.parse(ulb(['status', '--json']).stdout) as { uplinks: { device: string; heldUntil: string | null }[] };
    const heldUntil = Date.parse(json.uplinks.find((u) => u.device === 'eth1')?.heldUntil ?? '');
    expect(heldUntil - failedAt).toBeGreaterThan(2000);
    expect(heldUntil - failedAt).toBeLessThanOrEqual(4000);
    await sleep(Math.max(0, heldUntil - Date.now()) + 200);
    round();
    expect(inRoute()).toEqual(['eth1', 'eth2', 'eth3']);
  }, 60_000);

  it('over a minute and more: cron takes over, a second start exits at once, 20% loss never drains, a renewal with a new gateway is followed', async () => {
    rig('rx', 'rm', '-f', '/run/uplink-lb/health.json');
    // isp3 drops 20% of what the router sends it, at random
    rig('x', 'isp3', 'sh', '-c', `printf 'table inet rig_loss {\\n chain p {\\n  type filter hook prerouting priority -200;\\n  iifname "down0" counter\\n  iifname "down0" numgen random mod 10 < 2 counter drop\\n }\\n}\\n' | nft -f -`);
    // isp2 moves its gateway: dhclient's next renewal (a 2-minute lease renews after about
    // 60 s) hands it out, and only the dhclient exit hook can carry it into the routes
    rig('dhcp-router', 'isp2', '198.18.102.254');
    rig('cron');
    const first = startCheck();
    check = first;
    expect(await waitFor(() => runFile('check.json').includes(`"pid":${first.pid}`), 10)).toBe(true);
    // check.json is written before the first round, health.json (removed above) after it
    expect(await waitFor(() => rigResult('rx', 'test', '-s', '/run/uplink-lb/health.json').status === 0, 10)).toBe(true);
    const second = ulb(['check']);
    expect(second.status).toBe(0);
    expect(second.stderr).toBe('');
    // the manual run ends at the next minute boundary at least 30 s away; cron's start there takes over
    let drained = false;
    const handedOver = await waitFor(() => {
      if (health().uplinks.eth3?.state !== 'up') drained = true;
      return !runFile('check.json').includes(`"pid":${first.pid}`);
    }, 95);
    expect(handedOver).toBe(true);
    expect(await waitFor(() => first.exitCode !== null, 5)).toBe(true);
    expect(first.exitCode).toBe(0);
    const before = JSON.parse(runFile('health.json')) as { updated: number };
    await sleep(3000);
    const after = JSON.parse(runFile('health.json')) as { updated: number };
    expect(after.updated).toBeGreaterThan(before.updated);
    expect(drained).toBe(false);
    expect(inRoute()).toEqual(['eth1', 'eth2', 'eth3']);
    // the loss was real: of what the router sent isp3 (probes, 3 a second), about a fifth was dropped
    const [seen, dropped] = [...rig('x', 'isp3', 'nft', 'list', 'table', 'inet', 'rig_loss').matchAll(/packets (\d+)/g)].map((m) => Number(m[1]));
    expect(seen).toBeGreaterThan(60);
    expect(dropped! / seen!).toBeGreaterThan(0.05);
    expect(dropped! / seen!).toBeLessThan(0.4);
    rig('x', 'isp3', 'nft', 'delete', 'table', 'inet', 'rig_loss');
    // the renewal: no ifup ran, yet table 202 and the default route use the new gateway
    const gatewayOfEth2 = (): string | undefined => defaults().find((r) => r.metric === 10)?.nexthops?.find((h) => h.dev === 'eth2')?.gateway;
    expect(await waitFor(() => gatewayOfEth2() === '198.18.102.254', 60)).toBe(true);
    expect(routes('202').find((r) => r.dst === 'default' && r.gateway)?.gateway).toBe('198.18.102.254');
    expect(ulb(['status']).status).toBe(0);
    expect(dist(90, 1)).toMatchObject({ fail: 0 });
  }, 200_000);
});
