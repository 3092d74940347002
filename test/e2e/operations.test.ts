// Operations on the real stack (issue 14 and the first of issue 12): link events wake the
// check; the metrics served by the real prometheus-node-exporter; event hooks that never delay
// a failover; structured entries in the real journald; flap damping.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { ended, etc, inRoute, PROBED_CONFIG, PYTHON, rig, rigResult, runFile, sleep, startCheck, stopCheck, ulb, upProbed, waitFor, waitForSync, writeConfig } from './rig.js';

const CONFIG = PROBED_CONFIG;

interface Health {
  uplinks: Record<string, { state: string }>;
}
const health = (): Health => JSON.parse(runFile('health.json')) as Health;
const ALL = 'eth1,eth2,eth3';
/** `check --once` runs, up to 3, until every uplink is in the route: what is asserted is that
 *  runs of the check bring a repaired uplink back by themselves. How many it took is printed,
 *  not asserted: a run goes on while an uplink recovers, so one usually does, but a loaded
 *  2-core machine may need a second to see a recovery window through (a timing bound, which
 *  belongs to the benchmarks). */
function checkUntilAllUp(runs = 3): string {
  let used = 0;
  for (; used < runs && inRoute().join() !== ALL; used++) expect(ulb(['check', '--once']).status).toBe(0);
  console.log(`check --once runs until every uplink was back: ${used}`);
  return inRoute().join();
}

describe('operations', () => {
  let check: ChildProcess | undefined;
  beforeAll(() => {
    upProbed();
  });
  afterAll(async () => {
    if (check) await stopCheck(check);
    rigResult('down');
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
    // the record is written before the reconcile that reads it: the route follows a moment later
    expect(await waitFor(() => inRoute().join() === 'eth2,eth3', 5)).toBe(true);
    await stopCheck(check);
    check = undefined;
    rig('fail', 'isp1', 'none');
    writeConfig(CONFIG);
    expect(checkUntilAllUp()).toBe(ALL);
  }, 60_000);

  it("drift is repaired as it happens, not at the verify every 2 minutes: someone's ip route del, and uplink-lb's nftables table deleted (what a firewall's nft flush ruleset does to it)", async () => {
    check = startCheck();
    expect(await waitFor(() => rigResult('rx', 'test', '-s', '/run/uplink-lb/health.json').status === 0, 10)).toBe(true);
    await sleep(2000);
    const table = (): string => rigResult('rx', 'nft', 'list', 'table', 'inet', 'uplink_lb').stdout;
    const before = table();
    expect(before).toContain('ct mark');
    for (const [what, drift, repaired] of [
      ['the nftables table deleted', ['nft', 'delete', 'table', 'inet', 'uplink_lb'], () => table() === before],
      ['the default route deleted', ['ip', 'route', 'del', 'default', 'metric', '10'], () => inRoute().join() === ALL],
    ] as const) {
      // the verify after the last repair (whose own changes are events too) is long over
      await sleep(3000);
      const at = Date.now();
      rig('rx', ...drift);
      expect(await waitFor(repaired, 10), what).toBe(true);
      console.log(`${what}: put back by the running check after ${((Date.now() - at) / 1000).toFixed(2)} s (polled every 0.5 s)`);
      expect(Date.now() - at).toBeLessThan(8000);
    }
    await stopCheck(check);
    check = undefined;
  }, 60_000);

  it('a renewed address (new lifetimes only) is looked at without a verify; an address deleted and added back is verified and repaired at once', async () => {
    check = startCheck();
    expect(await waitFor(() => rigResult('rx', 'test', '-s', '/run/uplink-lb/check.json').status === 0, 10)).toBe(true);
    await sleep(3000); // the start's verify, and the one its own changes' events bring, are over
    // the programs the check starts from now on: observes (`ip -batch`), verifies (`flock`)
    const trace = '/run/uplink-lb-check-trace';
    const pid = String((JSON.parse(runFile('check.json')) as { pid: number }).pid);
    const tracer = rig('rx', 'sh', '-c', `strace -f -qq -e trace=execve -e signal=none -o ${trace} -p ${pid} </dev/null >/dev/null 2>&1 & echo $!`).trim();
    let seen = 0;
    const started = (): { observes: number; verifies: number } => {
      const lines = rig('rx', 'cat', trace).split('\n').filter((l) => l.includes('execve(') && !l.includes('ENOENT'));
      const fresh = lines.slice(seen);
      seen = lines.length;
      return { observes: fresh.filter((l) => l.includes('"-batch"')).length, verifies: fresh.filter((l) => l.includes('/flock"')).length };
    };
    try {
      await sleep(1000);
      expect(started()).toEqual({ observes: 0, verifies: 0 });
      const address = /inet (\S+)/.exec(rig('rx', 'ip', '-4', '-o', 'addr', 'show', 'dev', 'eth1'))?.[1] ?? '';
      expect(address).toMatch(/^198\.18\.101\.\d+\/24$/);
      // what dhclient does at a renewal with the same lease: new lifetimes
      rig('rx', 'ip', 'addr', 'change', address, 'dev', 'eth1', 'valid_lft', '300', 'preferred_lft', '300');
      await sleep(3000);
      expect(started()).toEqual({ observes: 1, verifies: 0 });
      // deleted and added back at once: the kernel drops eth1's routes without an event for them
      rig('rx', 'sh', '-c', `ip addr del ${address} dev eth1 && ip addr add ${address} brd + dev eth1 valid_lft 300 preferred_lft 300`);
      expect(await waitFor(() => inRoute().join() === ALL && /^default (nhid \d+ )?via/m.test(rig('rx', 'ip', 'route', 'show', 'table', '201')), 5)).toBe(true);
      expect(started().verifies).toBeGreaterThan(0);
    } finally {
      rig('rx', 'kill', tracer);
      await stopCheck(check);
      check = undefined;
      rig('rx', 'rm', '-f', trace);
    }
  }, 60_000);

  it('metrics and event hooks: the real prometheus-node-exporter serves the state; a hook that hangs delays nothing', () => {
    const exporter = spawnSync(resolve('scripts/rig/node-exporter.sh'), { encoding: 'utf8' });
    expect(exporter.status, exporter.stderr).toBe(0);
    const dir = '/run/uplink-lb-metrics';
    rig('rx', 'mkdir', '-p', dir);
    // two event hooks: one records what it hears, one hangs (stopped after EVENT_TIMEOUT=12);
    // in a directory of the test's (the rig's /etc can only hold what the host's /etc has)
    mkdirSync(resolve('test/.state'), { recursive: true });
    const hooks = mkdtempSync(resolve('test/.state/events-'));
    chmodSync(hooks, 0o755);
    writeFileSync(`${hooks}/10-record`, '#!/bin/sh\nprintf "%s|%s|%s\\n" "$UPLINK_LB_EVENT" "$UPLINK_LB_DEVICE" "$(cat)" >> /run/uplink-lb-events.log\n', { mode: 0o755 });
    writeFileSync(`${hooks}/20-hang`, '#!/bin/sh\necho $$ >> /run/uplink-lb-hang.pids\nsleep 60\n', { mode: 0o755 });
    // CHECK_TIMEOUT=1: a probe counts as lost after 1 s, so a run of one failure window (2 s)
    // has judged some of the dead uplink's (with the default 2 s, one that ends first has none)
    writeConfig(`${CONFIG}METRICS_DIR=${dir}\nEVENT_TIMEOUT=12\nEVENT_HOOKS_DIR=${hooks}\nCHECK_TIMEOUT=1\n`);
    expect(checkUntilAllUp()).toBe(ALL);
    rig('fail', 'isp2', 'upstream');
    let pid = '';
    try {
      // one run drains eth2 (silent for its failure window, 2 s); the next waits for no hook
      const rounds: number[] = [];
      for (let round = 0; round < 2; round++) {
        const started = Date.now();
        expect(ulb(['check', '--once']).status).toBe(0);
        rounds.push((Date.now() - started) / 1000);
      }
      expect(inRoute()).toEqual(['eth1', 'eth3']);
      console.log(`check --once runs with a hanging event hook installed: ${rounds.join(', ')} s`);
      // a run that waited for the hanging hook would last its 12 s at least (each lasts the
      // failure window, 2 s, and a little more: 2.9-3.3 s seen beside another test file, up to 5 s on a
      // loaded one)
      for (const seconds of rounds) expect(seconds).toBeLessThan(10);
      // the hooks ran apart: the record arrives, and the hanging one is stopped at its timeout
      expect(waitForSync(() => rigResult('rx', 'grep', '-q', '^draining|eth2|', '/run/uplink-lb-events.log').status === 0, 10)).toBe(true);
      const heard = rig('rx', 'grep', '^draining|eth2|', '/run/uplink-lb-events.log').trim().split('\n')[0] ?? '';
      expect(JSON.parse(heard.split('|').slice(2).join('|'))).toMatchObject({ version: 1, event: 'draining', device: 'eth2' });
      const hung = rig('rx', 'cat', '/run/uplink-lb-hang.pids').split('\n').filter((p) => /^\d+$/.test(p));
      expect(hung.length).toBeGreaterThan(0);
      expect(waitForSync(() => hung.every(ended), 25)).toBe(true);
      expect(rig('rx', 'stat', '-c', '%a', `${dir}/uplink-lb.prom`).trim()).toBe('644');
      pid = rig('rx', 'sh', '-c', `${exporter.stdout.trim()} --web.listen-address=127.0.0.1:9100 --collector.disable-defaults --collector.textfile --collector.textfile.directory=${dir} >/dev/null 2>&1 & echo $!`).trim();
      let text = '';
      expect(
        waitForSync(() => {
          const r = rigResult('rx', PYTHON, '-c', 'import urllib.request; print(urllib.request.urlopen("http://127.0.0.1:9100/metrics", timeout=2).read().decode())');
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
    // back by itself after the recovery window; the hook hears where eth2 ended
    expect(checkUntilAllUp()).toBe(ALL);
    expect(waitForSync(() => (rig('rx', 'cat', '/run/uplink-lb-events.log').trim().split('\n').at(-1) ?? '').startsWith('up|eth2|'), 10)).toBe(true);
    rmSync(hooks, { recursive: true });
    writeConfig(CONFIG);
  }, 60_000);

  it('journald: a drain is one entry with the uplink and the event as fields, at warning priority', () => {
    // a journald of the router's own: volatile (in the router's /run), no kernel messages
    mkdirSync(`${etc()}/systemd`, { recursive: true });
    writeFileSync(`${etc()}/systemd/journald.conf`, '[Journal]\nStorage=volatile\nReadKMsg=no\n');
    // (the router's /sys, which ip netns exec mounts afresh, lacks the cgroup tree journald needs)
    const pid = rig('rx', 'sh', '-c', 'mount -t cgroup2 cgroup2 /sys/fs/cgroup && /lib/systemd/systemd-journald >/dev/null 2>&1 & echo $!').trim();
    try {
      expect(waitForSync(() => rigResult('rx', 'test', '-S', '/run/systemd/journal/socket').status === 0, 10)).toBe(true);
      rig('rx', 'rm', '-f', '/run/uplink-lb/health.json');
      rig('fail', 'isp2', 'upstream');
      expect(ulb(['check', '--once']).status).toBe(0);
      expect(inRoute()).toEqual(['eth1', 'eth3']);
      const entries = rig('rx', 'journalctl', '-D', '/run/log/journal', '-o', 'json', '--no-pager', 'SYSLOG_IDENTIFIER=uplink-lb')
        .trim()
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as Record<string, string>);
      const drained = entries.filter((e) => e.UPLINK_LB_EVENT === 'draining');
      expect(drained).toHaveLength(1);
      expect(drained[0]).toMatchObject({ UPLINK_LB_DEVICE: 'eth2', PRIORITY: '4', MESSAGE: expect.stringMatching(/^eth2 draining: 0 of 1 targets answered within 2 s: 192.0.2.20 (never answered|last answer)/) });
    } finally {
      rigResult('rx', 'kill', pid);
      rig('fail', 'isp2', 'none');
      waitForSync(() => ended(pid), 5);
      rig('rx', 'rm', '-rf', '/run/systemd', '/run/log');
      rmSync(`${etc()}/systemd`, { recursive: true });
    }
    // without journald the same lines are plain syslog lines again; the uplink comes back
    expect(checkUntilAllUp()).toBe(ALL);
  }, 60_000);

  it('flap damping: a second failure holds the uplink out until its hold-down ends, and status says so', async () => {
    // one run drains (1 s of silence), one brings back (1 s of answers): four make two failures.
    // The run after the second failure lasts 2.5 s (a 2 s failure window): a run of 1.5 s could
    // end before eth1 had answered for the whole recovery window (its first answer came a
    // second into the run on a loaded machine), and status then says only "steady for 1 s of 1 s"
    const round = (failWindow = '1'): void => {
      expect(ulb(['check', '--once'], { CHECK_FAIL_WINDOW: failWindow, CHECK_RECOVER_WINDOW: '1', CHECK_FLAP_HOLD: '6' }).status).toBe(0);
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
    round('2');
    // answering again, but held out
    expect(inRoute()).toEqual(['eth2', 'eth3']);
    const status = ulb(['status'], { CHECK_FLAP_HOLD: '6' });
    expect(status.stdout).toMatch(/eth1: recovering, not in the default route - answering steadily for [\d.]+ s, but held out until \S+Z \(flapping\)/);
    const json = JSON.parse(ulb(['status', '--json']).stdout) as { uplinks: { device: string; heldUntil: string | null }[] };
    const heldUntil = Date.parse(json.uplinks.find((u) => u.device === 'eth1')?.heldUntil ?? '');
    // 6 s after the failure, which came within the run that ended just before failedAt
    expect(heldUntil - failedAt).toBeGreaterThan(4000);
    expect(heldUntil - failedAt).toBeLessThanOrEqual(6000);
    await sleep(Math.max(0, heldUntil - Date.now()) + 200);
    round();
    expect(inRoute()).toEqual(['eth1', 'eth2', 'eth3']);
  }, 60_000);
});
