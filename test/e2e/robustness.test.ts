// Races, kill -9 at random moments and in the middle of applying a plan, and foreign state
// that must survive everything from install to uninstall. One rig: 3 ISPs, eth3 static.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { bin, HOOK, hookAsync, ifdown, ifup, kernel, rig, rigResult, THREE_UPLINKS, ulb, up, writeConfig, type Result } from './rig.js';
import { spawn } from 'node:child_process';

const RIG = resolve('scripts/rig/rig.sh');
const KILL_TRIAL = resolve('scripts/rig/kill-trial.sh');
const TARGET = 'CHECK_TARGETS=( 192.0.2.10 )\n';
/** Three uplinks, eth3 static. */
const Q = `${THREE_UPLINKS}${TARGET}`;
/** The same uplinks in other tables at other priorities: a plan between P and Q has over 30
 *  commands (every route and rule moves). */
const P = `${Q}IFACE_TABLES=( 211 212 213 )\nIFACE_TABLES_PRIO=( 2001 2002 2003 )\n`;

/** Foreign objects: routes in main and other tables, rules at many priorities (some at
 *  uplink-lb's own priorities, one with uplink-lb's mark), a nexthop object and a group. */
const FOREIGN: string[][] = [
  ['ip', 'route', 'add', '10.98.0.0/16', 'via', '198.19.10.2', 'dev', 'lan0'],
  ['ip', 'route', 'add', 'blackhole', '10.97.0.0/16'],
  ['ip', 'route', 'add', 'default', 'via', '198.19.10.2', 'dev', 'lan0', 'metric', '500'],
  ['ip', 'route', 'add', 'default', 'via', '198.19.10.2', 'dev', 'lan0', 'metric', '20'],
  ['ip', 'route', 'add', 'default', 'via', '198.19.10.2', 'dev', 'lan0', 'table', '300'],
  ['ip', 'route', 'add', 'unreachable', '10.96.0.0/16', 'table', '4000000'],
  ['ip', 'nexthop', 'add', 'id', '77', 'via', '198.19.10.2', 'dev', 'lan0'],
  ['ip', 'nexthop', 'add', 'id', '78', 'group', '77'],
  ['ip', 'route', 'add', '10.95.0.0/16', 'nhid', '78'],
  ['ip', 'rule', 'add', 'priority', '5', 'from', '10.94.0.0/16', 'lookup', '300'],
  ['ip', 'rule', 'add', 'priority', '500', 'to', '10.93.0.0/16', 'lookup', '300'],
  ['ip', 'rule', 'add', 'priority', '1000', 'iif', 'lan0', 'lookup', 'main'],
  ['ip', 'rule', 'add', 'priority', '1001', 'from', '10.92.0.0/16', 'lookup', '300'],
  ['ip', 'rule', 'add', 'priority', '1002', 'fwmark', '0x97', 'lookup', '4000000', 'protocol', 'static'],
  ['ip', 'rule', 'add', 'priority', '20000', 'from', 'all', 'lookup', '4000000'],
  ['ip', 'rule', 'add', 'priority', '32765', 'from', '10.91.0.0/16', 'blackhole'],
];

const sorted = (): string => kernel().split('\n').sort().join('\n');
/** Routes a former configuration left in table 299, for a plan long enough to be killed inside. */
const STALE_ROUTES = 20000;
const apply = (): Result => ulb(['apply']);

describe('races, kill -9 and foreign state', () => {
  let foreign: string[] = [];
  /** Every line the kernel showed before uplink-lb was installed is still there, unchanged. */
  const foreignIntact = (when: string): void => {
    const now = new Set(kernel().split('\n'));
    expect(foreign.filter((line) => !now.has(line)), when).toEqual([]);
  };
  const reference = new Map<string, string>();

  beforeAll(() => {
    up(3, { staticIsps: '3' });
    for (const argv of FOREIGN) rig('rx', ...argv);
    foreign = kernel().split('\n').filter((l) => l !== '' && l !== '==');
    // one line per planted object, plus the kernel's three rules and the LAN's connected route
    expect(foreign).toHaveLength(FOREIGN.length + 4);
  });
  afterAll(() => {
    rigResult('down');
  });

  it('install and ifup of every uplink leave every foreign object as it was', () => {
    rig('install');
    foreignIntact('after install');
    writeConfig(Q);
    for (const eth of ['eth1', 'eth2', 'eth3']) expect(ifup(eth).status, eth).toBe(0);
    foreignIntact('after ifup');
    reference.set('Q', sorted());
    writeConfig(P);
    expect(apply().status).toBe(0);
    reference.set('P', sorted());
    expect(reference.get('P')).not.toBe(reference.get('Q'));
    foreignIntact('after apply');
  });

  it('50 hook runs, checks, dhclient exits and applies at once end in the state one apply gives', async () => {
    writeConfig(Q); // the kernel holds P's state: every run below wants to change it
    const runs: Promise<Result>[] = [];
    const start = (args: string[]): Promise<Result> =>
      new Promise((done) => {
        const child = spawn(RIG, ['rx', ...args]);
        let stderr = '';
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('close', (status) => done({ status, stdout: '', stderr }));
      });
    for (let i = 0; i < 50; i++) {
      const eth = `eth${(i % 3) + 1}`;
      if (i % 5 === 0) runs.push(start([bin(), 'check', '--once']));
      else if (i % 5 === 1) runs.push(start([bin(), 'apply']));
      else if (i % 5 === 2) runs.push(start(['env', `interface=eth${(i % 2) + 1}`, 'reason=RENEW', bin(), 'dhclient-exit']));
      else runs.push(hookAsync(eth, 'start'));
    }
    const results = await Promise.all(runs);
    expect(results.filter((r) => r.status !== 0).map((r) => r.stderr)).toEqual([]);
    expect(sorted()).toBe(reference.get('Q'));
    const rules = kernel().split('==')[0]!.split('\n').filter((l) => l.includes('uplink-lb'));
    expect(new Set(rules).size).toBe(rules.length);
    expect(ulb(['status']).status).toBe(0);
    foreignIntact('after the race');
  }, 120_000);

  it('kill -9 at random moments and in the middle of ip -batch: the next run repairs', () => {
    const outcomes: Record<string, number> = {};
    const count = (key: string): void => {
      outcomes[key] = (outcomes[key] ?? 0) + 1;
    };
    let config = 'Q';
    const trial = (args: string[]): void => {
      const from = config;
      config = config === 'Q' ? 'P' : 'Q';
      writeConfig(config === 'Q' ? Q : P);
      const how = rig('rx', KILL_TRIAL, ...args, bin(), 'apply').trim().split(' ')[0] ?? '';
      const lines = kernel().split('\n');
      const stale = lines.filter((l) => l.includes('table 299')).length;
      const left = lines.filter((l) => !l.includes('table 299')).sort().join('\n');
      const state =
        stale === 0 && left === reference.get(config) ? 'new state' : left === reference.get(from) && (stale === 0 || stale === STALE_ROUTES) ? 'old state' : 'partial state';
      count(`${how}, ${state}`);
      const next = apply();
      expect(next.status, `${args.join(' ')} (${how}): ${next.stderr}`).toBe(0);
      expect(sorted(), `${args.join(' ')} (${how})`).toBe(reference.get(config));
    };
    // an apply between P and Q starts, plans and applies in about 0.15 s here: spread the
    // kills over its life (before it changes anything, while it applies, after it ended)
    for (let i = 0; i < 10; i++) trial(['after', (0.01 + i * 0.03 + Math.random() * 0.03).toFixed(3)]);
    // In the middle of a plan: a table left by a former configuration holds 20000 routes of
    // uplink-lb's protocol, so the plan ends with 20000 deletions and ip -batch runs for about
    // 300 ms (2000 took 32 ms here, less than the poller needs to see the child): killed 20 to
    // 200 ms after it starts, it is inside the plan.
    for (let i = 0; i < 8; i++) {
      rig('rx', 'sh', '-c', `i=0; while [ $i -lt ${STALE_ROUTES} ]; do echo "route add 10.$((i / 250 / 250)).$((i / 250 % 250)).$((i % 250))/32 dev lo table 299 proto 73"; i=$((i + 1)); done | ip -batch -`);
      trial(['ip-batch', (0.02 + Math.random() * 0.18).toFixed(3)]);
    }
    console.log(`kill -9 trials (what the kill hit, what it left; every next run repaired): ${JSON.stringify(outcomes)}`);
    expect(outcomes['killed-ip-batch, partial state'] ?? 0).toBeGreaterThan(0);
    foreignIntact('after the kill trials');
  }, 120_000);

  it('kill -9 of checks never leaves a half-written health record; garbled records are not trusted; state is 0700/0600', () => {
    writeConfig(Q);
    // each trial starts without a record, so what is there after the kill is that check's; the
    // kills are spread over 0.2-1.7 s (one in each eighth), so the late ones hit a running check
    let left = 0;
    for (let trial = 0; trial < 8; trial++) {
      rig('rx', 'rm', '-f', '/run/uplink-lb/health.json');
      rig('rx', KILL_TRIAL, 'after', (0.2 + ((trial + Math.random()) * 1.5) / 8).toFixed(3), bin(), 'check');
      const record = rigResult('rx', 'cat', '/run/uplink-lb/health.json');
      if (record.status !== 0) continue; // killed before its first judgement: nothing written
      left++;
      expect(() => JSON.parse(record.stdout) as unknown, record.stdout).not.toThrow();
    }
    console.log(`kill -9 of checks: ${left} of 8 had written a health record, every one whole`);
    expect(left).toBeGreaterThan(0);
    // the killed checks held the check lock (and their check.json still names them): the lock
    // died with them, so a single round gets it at once instead of deferring to a dead holder
    const single = ulb(['check', '--once']);
    expect(single.status).toBe(0);
    expect(single.stderr).not.toContain('already running');
    expect(apply().status).toBe(0);
    rig('rx', 'sh', '-c', 'printf \'{"version":1,"upd\' > /run/uplink-lb/health.json');
    const garbled = apply();
    expect(garbled.status).toBe(0);
    expect(garbled.stderr).toContain('health.json');
    expect(sorted()).toBe(reference.get('Q'));
    // a truncated lease record is not trusted: eth1 has no gateway until dhclient records one again
    rig('rx', 'sh', '-c', 'printf \'{"device":"eth1","addr\' > /run/uplink-lb/lease.eth1');
    const truncated = apply();
    expect(truncated.status).toBe(0);
    expect(truncated.stderr).toContain('/run/uplink-lb/lease.eth1: is not valid JSON (truncated or garbled); ignored');
    expect(kernel()).not.toContain('nexthop via 198.18.101.1');
    expect(ifdown('eth1').status).toBe(0);
    expect(ifup('eth1').status).toBe(0);
    expect(sorted()).toBe(reference.get('Q'));
    // state: the directory root's and 0700, every file in it 0600 (the pings' directory 0700)
    expect(rig('rx', 'stat', '-c', '%U %a', '/run/uplink-lb').trim()).toBe('root 700');
    const modes = rig('rx', 'sh', '-c', 'stat -c "%n %F %U %a" /run/uplink-lb/*').trim().split('\n');
    expect(modes.length).toBeGreaterThan(3);
    for (const line of modes) expect(line).toMatch(/ (regular (empty )?file root 600|directory root 700)$/);
  }, 60_000);

  it('checks with failures, ifdown and ifup of every uplink, and uninstall leave foreign objects alone', () => {
    writeConfig(`${Q}CHECK_FAIL_WINDOW=1\nCHECK_RECOVER_WINDOW=1\n`);
    rig('fail', 'isp1', 'upstream');
    expect(ulb(['check', '--once']).status).toBe(0);
    expect(kernel()).not.toContain('nexthop via 198.18.101.1');
    foreignIntact('after a check drained isp1');
    rig('fail', 'isp1', 'none');
    expect(ulb(['check', '--once']).status).toBe(0);
    expect(kernel()).toContain('nexthop via 198.18.101.1');
    for (const eth of ['eth1', 'eth2', 'eth3']) expect(ifdown(eth).status, eth).toBe(0);
    foreignIntact('after ifdown');
    for (const eth of ['eth1', 'eth2', 'eth3']) expect(ifup(eth).status, eth).toBe(0);
    foreignIntact('after ifup');
    expect(apply().status).toBe(0);
    rig('uninstall');
    foreignIntact('after uninstall');
    expect(rigResult('rx', 'test', '-e', HOOK).status).not.toBe(0);
  });
});
