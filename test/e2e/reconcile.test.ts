// The reconcile's own promises, end to end: it verifies the kernel against what it planned
// (records rewritten meanwhile by a DHCP hook or the health check never roll back a correct
// apply), a changed key leaves nothing of its own behind, and a failure of a run started by
// hand reaches syslog like any other.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { bin, defaults, dist, ifup, rig, rigResult, ulb, up, writeConfig, type RouteJson } from './rig.js';

const TWO = 'IFACE_DEVICE=( eth1 eth2 )\nIFACE_WEI=( 2 1 )\n';
const own = (): RouteJson[] => defaults().filter((r) => r.metric !== undefined && r.metric < 1000);

describe('reconcile: verify what was planned, own what it made, log what failed', () => {
  beforeAll(() => {
    up(2);
    rig('install');
    writeConfig(TWO);
    expect(ifup('eth1').status).toBe(0);
    expect(ifup('eth2').status).toBe(0);
  });
  afterAll(() => {
    rigResult('down');
  });

  it('lease and health records rewritten while applies run never roll a correct apply back', async () => {
    // eth1's lease record flips between two gateways and the health record between eth2
    // drained and not, as fast as a shell can rename files, while 30 applies run one after
    // another: each apply plans from what it read and must find exactly that in the kernel.
    const lease = (gw: string): string => JSON.stringify({ device: 'eth1', address: '198.18.101.163', gateway: gw, reason: 'RENEW', source: 'dhclient' });
    const health = (drained: boolean): string =>
      JSON.stringify({ version: 1, updated: Date.now() + 600_000, failOpen: false, uplinks: { eth2: { state: drained ? 'draining' : 'up', fails: drained ? 3 : 0, goods: 0, since: 0, reason: 'test', probes: [] } } });
    const script = [
      'cd /run/uplink-lb',
      `printf '%s\\n' '${lease('198.18.101.1')}' > a.flip; printf '%s\\n' '${lease('198.18.101.254')}' > b.flip`,
      `printf '%s\\n' '${health(true)}' > c.flip; printf '%s\\n' '${health(false)}' > d.flip`,
      'chmod 600 *.flip',
      'while [ ! -e stop.flip ]; do cp -p a.flip t1 && mv t1 lease.eth1; cp -p c.flip t2 && mv t2 health.json; cp -p b.flip t1 && mv t1 lease.eth1; cp -p d.flip t2 && mv t2 health.json; done',
    ].join('; ');
    const flipper = spawn(resolve('scripts/rig/rig.sh'), ['rx', 'sh', '-c', script], { stdio: 'ignore' });
    const failures: string[] = [];
    let moved = 0;
    try {
      for (let i = 0; i < 30; i++) {
        const r = ulb(['apply']);
        if (r.status !== 0) failures.push(r.stderr);
        // eth1's gateway moves its nexthop object (or, without objects, its table's route)
        else if (/replace (nexthop id 7300001 |route default table 201 )/.test(r.stderr)) moved++;
      }
    } finally {
      rig('rx', 'touch', '/run/uplink-lb/stop.flip');
      await new Promise((done) => flipper.once('exit', done));
      rig('rx', 'sh', '-c', 'cd /run/uplink-lb && rm -f *.flip t1 t2 health.json');
    }
    expect(failures).toEqual([]);
    // the records did change under the runs: many of them moved eth1's gateway
    console.log(`30 applies under rewritten records: ${moved} moved eth1's gateway, ${failures.length} failed`);
    expect(moved).toBeGreaterThan(5);
    rig('rx', 'sh', '-c', `printf '%s\\n' '${lease('198.18.101.1')}' > /run/uplink-lb/lease.eth1`);
    expect(ulb(['apply']).status).toBe(0);
    expect(ulb(['status']).stdout).toContain('kernel: [pass]');
  });

  it("a DHCP client's lease is recorded under the run lock: after the run that holds it, which may record a gateway it learned, and never overwritten by that run", async () => {
    // a run (here: flock, for 3 s) holds the lock; dhcpcd's BOUND of eth2 with a resolver comes
    // meanwhile: its lease is written once that run ended, so that a record the run wrote from
    // what it read before (a gateway learned from dhcpcd's own route) cannot replace it
    const before = rig('rx', 'cat', '/run/uplink-lb/lease.eth2');
    expect(JSON.parse(before)).toMatchObject({ source: 'dhclient' });
    const rigSh = resolve('scripts/rig/rig.sh');
    const holder = spawn(rigSh, ['rx', 'flock', '/run/uplink-lb/lock', 'sleep', '3'], { stdio: 'ignore' });
    await new Promise((done) => setTimeout(done, 500));
    const env = { interface: 'eth2', reason: 'BOUND', new_ip_address: '198.18.102.163', new_routers: '198.18.102.1', new_domain_name_servers: '192.0.2.52' };
    const hook = spawn(rigSh, ['rx', 'env', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), bin(), 'dhcpcd-hook'], { stdio: 'ignore' });
    const hookDone = new Promise<number | null>((done) => hook.once('exit', done));
    await new Promise((done) => setTimeout(done, 1500));
    // the hook started a second ago; the run still holds the lock: the record is the old one
    expect(rig('rx', 'cat', '/run/uplink-lb/lease.eth2')).toBe(before);
    await new Promise((done) => holder.once('exit', done));
    expect(await hookDone).toBe(0);
    expect(JSON.parse(rig('rx', 'cat', '/run/uplink-lb/lease.eth2'))).toMatchObject({ gateway: '198.18.102.1', source: 'dhcpcd', resolvers: ['192.0.2.52'] });
    // dhclient's record back, for the next cases
    rig('rx', 'sh', '-c', `printf '%s' '${before}' > /run/uplink-lb/lease.eth2`);
    expect(ulb(['apply']).status).toBe(0);
  });

  it('DEFAULT_ROUTE_METRIC 10 -> 20, then eth2 removed: its route at 10 goes, nothing leaves through eth2', () => {
    writeConfig(`${TWO}DEFAULT_ROUTE_METRIC=20\n`);
    expect(ulb(['apply']).status).toBe(0);
    expect(own().map((r) => r.metric)).toEqual([20]);
    writeConfig('IFACE_DEVICE=( eth1 )\nDEFAULT_ROUTE_METRIC=20\n');
    expect(ulb(['apply']).status).toBe(0);
    expect(own()).toEqual([expect.objectContaining({ metric: 20, dev: 'eth1', gateway: '198.18.101.1' })]);
    expect(dist(60)).toMatchObject({ isp1: 60, isp2: 0, fail: 0 });
    // and a stale route of its own at another metric is found and named by status
    rig('rx', 'ip', 'route', 'add', 'default', 'via', '198.18.102.1', 'dev', 'eth2', 'metric', '5', 'proto', '73');
    const status = ulb(['status']);
    expect(status.status).toBe(1);
    expect(status.stdout).toContain('unexpected: route default table 254 metric 5 proto 73 via 198.18.102.1 dev eth2');
    expect(status.stdout).not.toContain('not managed by uplink-lb');
    expect(ulb(['apply']).status).toBe(0);
    expect(own().map((r) => r.metric)).toEqual([20]);
    writeConfig(TWO);
    expect(ulb(['apply']).status).toBe(0);
    expect(own().map((r) => r.metric)).toEqual([10]);
  });

  it('apply --dry-run prints exactly what apply would run: the script, run by sh, gives the state apply gives', () => {
    writeConfig('IFACE_DEVICE=( eth1 eth2 )\nIFACE_WEI=( 1 3 )\nIFACE_MARK=( 0x197 0x198 )\n');
    const before = rig('kernel');
    const dry = ulb(['apply', '--dry-run']);
    expect(dry.status).toBe(0);
    expect(rig('kernel')).toBe(before);
    expect(dry.stdout).toContain("/usr/sbin/ip -batch - <<'EOF'");
    expect(dry.stdout).toContain("/usr/sbin/nft -f - <<'EOF'");
    expect(rigResult('rx', 'sh', '-e', '-c', dry.stdout).status).toBe(0);
    const status = ulb(['status']);
    expect(status.stdout).toContain('kernel: [pass]');
    expect(ulb(['apply', '--dry-run']).stdout).toBe('');
    writeConfig(TWO);
    expect(ulb(['apply']).status).toBe(0);
  });

  it('a failed apply by hand reaches syslog: the change lines, the failure and the rollback', () => {
    writeConfig(`${TWO}ROUTE_OPTIONS="congctl nosuchcc"\n`);
    const r = rigResult('syslog', rig('bin').trim(), 'apply');
    writeConfig(TWO);
    expect(r.status).toBe(1);
    const syslog = r.stdout.split('== syslog\n')[1] ?? '';
    expect(syslog).toMatch(/<11>.* uplink-lb: apply: applying failed: \/usr\/sbin\/ip -j -N -batch - failed \(exit 1\): Error: Unknown tcp congestion algorithm/);
    expect(syslog).toMatch(/<11>.* uplink-lb: rolled back to the state before this run/);
    expect(syslog).toMatch(/<13>.* uplink-lb: replace route default table 201 .*congctl nosuchcc/);
    expect(ulb(['status']).stdout).toContain('kernel: [pass]');
  });
});
