// Every broken configuration of the corpus, as the router's configuration file: the hook, a
// check and apply each refuse it with its located messages, and the kernel's rules, routes of
// every table, nexthops and nftables ruleset stay byte-identical.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CONFIG_NAME, corpusCases, expectedAt, materializeCorpus, type CorpusCase } from '../corpus/corpus.js';
import { defaults, hook, HOOK, ifup, kernel, rig, rigResult, sleep, ulb, up, writeConfig, type Result } from './rig.js';

/** Where scripts/rig/corpus-run.sh reads the cases and writes its results, status and log. */
const RUN = resolve('test/.state/corpus-e2e');
const CASES = join(RUN, 'cases');
const OUT = join(RUN, 'out');

const read = (c: CorpusCase, suffix: string): string => readFileSync(join(OUT, `${c.name}.${suffix}`), 'utf8');

describe('broken configurations change nothing in the kernel', () => {
  let cases: CorpusCase[] = [];
  beforeAll(async () => {
    // the trial (hook, check and apply on every case, the kernel snapshotted after each) runs on
    // a rig of its own: started in the background at the lowest priority by the whole suite's
    // setup (make test), or here
    if (inject('corpusRun') === RUN) cases = corpusCases(CASES);
    else {
      cases = materializeCorpus(CASES);
      const run = spawn('scripts/rig/corpus-run.sh', [RUN], { stdio: 'ignore' });
      await new Promise((done) => run.once('exit', done));
    }
    // this file's own cases, on its worker's rig
    up(2);
    rig('install');
    writeConfig('IFACE_DEVICE=( eth1 eth2 )\nIFACE_WEI=( 2 1 )\nCHECK_TARGETS=( 192.0.2.10 )\n');
    expect(ifup('eth1').status).toBe(0);
    expect(ifup('eth2').status).toBe(0);
    expect(defaults().find((r) => r.metric === 10)?.nexthops).toHaveLength(2);
    const end = Date.now() + 900_000;
    while (!existsSync(join(RUN, 'status')) && Date.now() < end) await sleep(1000);
    if (!existsSync(join(RUN, 'status'))) throw new Error(`the corpus's trial (scripts/rig/corpus-run.sh) did not end in 15 minutes; its log: ${RUN}/log`);
    const status = readFileSync(join(RUN, 'status'), 'utf8').trim();
    if (status !== '0') throw new Error(`scripts/rig/corpus-run.sh ended with status ${status}; its log:\n${readFileSync(join(RUN, 'log'), 'utf8').slice(-4000)}`);
  }, 900_000);
  afterAll(() => {
    rigResult('down');
  });

  it('a bad hook environment or bad dhclient variables change nothing either', () => {
    const before = kernel();
    const runs: [string, Result, number][] = [
      ['IFACE that is an option', hook('-eth1', 'start'), 2],
      ['IFACE with a path', hook('../eth1', 'start'), 2],
      ['IFACE with shell syntax', hook('eth1;reboot', 'start'), 2],
      ['no IFACE', rigResult('rx', 'env', 'MODE=start', HOOK), 2],
      ['MODE that is neither start nor stop', hook('eth1', 'restart' as 'start'), 2],
      ['dhclient interface with shell syntax', ulb(['dhclient-exit'], { interface: 'eth1;reboot', reason: 'BOUND', new_ip_address: '198.18.101.9', new_routers: '198.18.101.1' }), 0],
      ['dhclient lease without a router', ulb(['dhclient-enter'], { interface: 'eth2', reason: 'RENEW', new_ip_address: '198.18.102.9', new_routers: '' }), 0],
      ['dhclient lease with a garbage address', ulb(['dhclient-enter'], { interface: 'eth2', reason: 'RENEW', new_ip_address: '$(reboot)', new_routers: '198.18.102.1' }), 0],
      ['dhclient unknown reason', ulb(['dhclient-exit'], { interface: 'eth1', reason: 'WHATEVER' }), 0],
    ];
    for (const [what, result, status] of runs) expect(result.status, `${what}: ${result.stderr}`).toBe(status);
    // a lease without a usable router is dropped (not trusted): eth2 has no gateway until the next renewal
    expect(rigResult('rx', 'test', '-e', '/run/uplink-lb/lease.eth2').status).not.toBe(0);
    expect(kernel()).toBe(before);
  });

  it('the executable ignores NODE_OPTIONS and NODE_PATH: no code but its own runs', () => {
    const evil = resolve('test/.state/corpus-e2e/evil.cjs');
    const marker = resolve('test/.state/corpus-e2e/evil-ran');
    rmSync(marker, { force: true });
    writeFileSync(evil, `require('node:fs').writeFileSync(${JSON.stringify(marker)}, 'ran');\n`);
    const result = ulb(['--version'], { NODE_OPTIONS: `--require=${evil}`, NODE_PATH: resolve('test/.state/corpus-e2e') });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^uplink-lb /);
    expect(hook('eth9', 'start', { NODE_OPTIONS: `--require=${evil}` }).status).toBe(0);
    expect(existsSync(marker)).toBe(false);
  });

  it('ran every case', () => {
    expect(cases.length).toBeGreaterThanOrEqual(60);
    for (const c of cases) expect(read(c, 'apply.rc').trim(), c.name).not.toBe('');
  });

  it('keeps rules, routes of every table, nexthops and the ruleset byte-identical through hook, check and apply', () => {
    const before = readFileSync(join(OUT, 'baseline.before'), 'utf8');
    expect(before).toContain('lookup uplink1');
    expect(before).toContain('table inet uplink_lb');
    const changed: string[] = [];
    if (readFileSync(join(OUT, 'baseline.after'), 'utf8') !== before) changed.push('after the whole run');
    for (const c of cases) {
      for (const step of ['1', '2', '3']) if (read(c, `snap.${step}`) !== before) changed.push(`${c.name} after step ${step}`);
    }
    expect(changed).toEqual([]);
  });

  it('apply and check refuse each case with its located messages (exit 2)', () => {
    for (const c of cases) {
      const expected = expectedAt(c, join(c.dir, CONFIG_NAME));
      for (const step of ['apply', 'check']) {
        expect(read(c, `${step}.rc`).trim(), `${c.name} ${step}`).toBe('2');
        const err = read(c, `${step}.err`);
        for (const line of expected) expect(err, `${c.name} ${step}`).toContain(line);
      }
    }
  });

  it('the hook for a named uplink fails with the messages; it never succeeds silently on a file it cannot read', () => {
    for (const c of cases) {
      const rc = read(c, 'hook.rc').trim();
      const err = read(c, 'hook.err');
      // A file whose device list could be read and does not name eth1 lets eth1 come up untouched.
      if (rc === '0') expect(err, c.name).toBe('');
      else {
        expect(rc, c.name).toBe('1');
        for (const line of expectedAt(c, join(c.dir, CONFIG_NAME))) expect(err, c.name).toContain(line);
      }
    }
    const failed = cases.filter((c) => read(c, 'hook.rc').trim() === '1').length;
    expect(failed).toBeGreaterThan(cases.length - 10);
  });
});
