// The core behaviour on a real router: 4 simulated ISPs (eth1, eth2 DHCP uplinks; eth3 static,
// used as the third uplink later; eth4 DHCP but not an uplink), real ifupdown, dhclient, dnsmasq.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect, defaults, dist, etc, hook, hookAsync, HOOK, ifdown, ifup, kernel, ownRules, rig, rigResult, routes, THREE_UPLINKS, ulb, up, writeConfig } from './rig.js';

const TWO = 'IFACE_DEVICE=( eth1 eth2 )\nIFACE_WEI=( 2 1 )\n';

function gatewaysOfDefault(): string[] {
  const mine = defaults().filter((r) => r.metric === 10);
  expect(mine).toHaveLength(1);
  const route = mine[0]!;
  return route.nexthops ? route.nexthops.map((h) => `${h.dev}:${h.weight}`) : [`${route.dev}`];
}

describe('uplink-lb on a router with real ifupdown, dhclient and dnsmasq', () => {
  beforeAll(() => {
    up(4, { staticIsps: '3' });
    rig('install');
    writeConfig(TWO);
    // foreign state that must survive everything, uninstall included
    rig('rx', 'ip', 'rule', 'add', 'priority', '500', 'from', '198.19.10.128/25', 'lookup', '300');
    rig('rx', 'ip', 'route', 'add', 'blackhole', '10.99.0.0/16', 'table', '300');
    rig('rx', 'ip', 'route', 'add', 'default', 'via', '198.19.10.2', 'dev', 'lan0', 'metric', '500');
  });
  afterAll(() => {
    rigResult('down');
  });

  it('installs once: hooks that hand over to the executable, a second install changes nothing', () => {
    const hookUp = `${etc()}/network/if-up.d/uplink-load-balancing`;
    const hookDown = `${etc()}/network/if-down.d/uplink-load-balancing`;
    expect(readFileSync(hookUp, 'utf8')).toBe(readFileSync(hookDown, 'utf8'));
    expect(readFileSync(hookUp, 'utf8')).toContain(`exe=${rig('bin').trim()}\n`);
    expect(statSync(hookUp).mode & 0o777).toBe(0o755);
    expect(rig('install')).toBe('');
    expect(readFileSync(`${etc()}/dhcp/dhclient-enter-hooks.d/uplink-lb`, 'utf8')).toContain(`${rig('bin').trim()} dhclient-enter`);
  });

  it('two DHCP uplinks, brought up one after the other, give one weighted multipath default route', () => {
    expect(ifup('eth1').status).toBe(0);
    expect(gatewaysOfDefault()).toEqual(['eth1']);
    expect(ifup('eth2').status).toBe(0);
    expect(gatewaysOfDefault()).toEqual(['eth1:2', 'eth2:1']);
    // dhclient installed no default route of its own
    expect(defaults().filter((r) => r.metric === undefined || r.metric === 0)).toEqual([]);
    expect(ownRules().map((r) => `${r.priority} ${r.src}${r.fwmark ? ` fwmark ${r.fwmark}` : ''} -> ${r.table}`)).toEqual([
      '999 all -> 254', // connected networks first (suppress_prefixlength 0)
      // every mark before every address: a connection marked for an uplink leaves through it,
      // whatever address its socket took (eth1's came first, eth2's with eth2's ifup)
      '1000 all fwmark 0x97 -> 201',
      '1000 all fwmark 0x98 -> 202',
      expect.stringMatching(/^1001 198\.18\.101\.\d+ -> 201$/),
      expect.stringMatching(/^1002 198\.18\.102\.\d+ -> 202$/),
    ]);
    expect(routes('201').map((r) => `${r.dst} ${r.gateway ?? ''}`.trim())).toEqual(['default 198.18.101.1', 'default', '198.18.101.0/24']);
    const status = ulb(['status']);
    expect(status.stdout.split('\n')[0]).toBe('balancing over 2 of 2 uplinks (eth1, eth2)');
    expect(status.stdout).toContain('kernel: [pass]');
    expect(status.status).toBe(0);
  });

  it('carries LAN traffic through NAT over both ISPs, by weight', () => {
    const counts = dist(300);
    expect(counts.fail).toBe(0);
    expect(counts.isp1! + counts.isp2!).toBe(300);
    // 2:1 with per-connection hashing: isp1 carries clearly more, isp2 clearly some (150 or
    // fewer of 300 on isp1: 2e-9 of runs; 50 or fewer on isp2: 7e-11)
    expect(counts.isp1).toBeGreaterThan(150);
    expect(counts.isp2).toBeGreaterThan(50);
  });

  it('router-originated traffic leaves through the uplink of its source address', () => {
    const status = JSON.parse(ulb(['status', '--json']).stdout) as { uplinks: { device: string; address: string }[] };
    // 20 connections from the router bound to each uplink's address: each ISP drops foreign
    // sources, and the server sees which ISP carried them
    for (const [device, isp] of [['eth1', 'isp1'], ['eth2', 'isp2']] as const) {
      const address = status.uplinks.find((u) => u.device === device)?.address;
      expect(address, device).toBeDefined();
      expect(connect('router', '192.0.2.10', 20000, 20, 1, { from: address as string }), device).toMatchObject({ [isp]: 20, fail: 0 });
    }
  });

  it('ifdown of one uplink leaves a single route through the other, and traffic flows', () => {
    expect(ifdown('eth1').status).toBe(0);
    expect(gatewaysOfDefault()).toEqual(['eth2']);
    expect(ownRules().map((r) => r.table)).toEqual(['254', '202', '202']);
    expect(routes('201')).toEqual([]);
    const counts = dist(60);
    expect(counts).toMatchObject({ isp2: 60, fail: 0 });
  });

  it('ifup again restores both, with no duplicate rules', () => {
    expect(ifup('eth1').status).toBe(0);
    expect(gatewaysOfDefault()).toEqual(['eth1:2', 'eth2:1']);
    expect(ownRules()).toHaveLength(5);
  });

  it('nexthop objects by default; NEXTHOP_OBJECTS=no gives routes that carry their nexthops; either switch is one apply, and traffic flows', () => {
    const nexthops = (): string => rig('rx', 'ip', 'nexthop', 'show');
    const mainRoute = (): string => rig('rx', 'ip', 'route', 'show', 'default', 'metric', '10');
    // this kernel has them: a group of the uplinks' objects, and each table's default through one
    expect(nexthops()).toMatch(/^id 7300000 group 7300001,2\/7300002 proto uplink-lb/m);
    expect(mainRoute()).toMatch(/^default nhid 7300000 proto uplink-lb \n\tnexthop via 198\.18\.101\.1 dev eth1 weight 2 \n\tnexthop via 198\.18\.102\.1 dev eth2 weight 1/);
    expect(rig('rx', 'ip', 'route', 'show', 'table', '201')).toMatch(/^default nhid 7300001 via /m);
    expect(ulb(['status']).stdout).toMatch(/nexthop objects: yes\n[\s\S]*kernel: \[pass\]/);
    writeConfig(`${TWO}NEXTHOP_OBJECTS=no\n`);
    expect(ulb(['apply']).status).toBe(0);
    expect(nexthops()).not.toMatch(/id 73000/);
    expect(mainRoute()).toMatch(/^default proto uplink-lb \n\tnexthop via 198\.18\.101\.1 dev eth1 weight 2 \n\tnexthop via 198\.18\.102\.1 dev eth2 weight 1/);
    expect(rig('rx', 'ip', 'route', 'show', 'table', '201')).toMatch(/^default via 198\.18\.101\.1 dev eth1 /m);
    expect(ulb(['status']).stdout).toMatch(/nexthop objects: no \(NEXTHOP_OBJECTS=no\)\n[\s\S]*kernel: \[pass\]/);
    // an ifdown and ifup in that mode
    expect(ifdown('eth1').status).toBe(0);
    expect(gatewaysOfDefault()).toEqual(['eth2']);
    expect(ifup('eth1').status).toBe(0);
    expect(gatewaysOfDefault()).toEqual(['eth1:2', 'eth2:1']);
    expect(dist(60)).toMatchObject({ fail: 0 });
    writeConfig(TWO);
    expect(ulb(['apply']).status).toBe(0);
    expect(mainRoute()).toMatch(/^default nhid 7300000 /);
    expect(ulb(['apply']).stderr).toContain('nothing to change');
    expect(dist(60)).toMatchObject({ fail: 0 });
  });

  it('repeated and reordered events end in the same state', () => {
    const reference = kernel();
    for (const [iface, mode] of [['eth1', 'start'], ['eth1', 'start'], ['eth2', 'start'], ['eth1', 'start']] as const) {
      expect(hook(iface, mode).status).toBe(0);
    }
    expect(kernel()).toBe(reference);
    expect(hook('eth2', 'stop').status).toBe(0);
    expect(hook('eth2', 'stop').status).toBe(0);
    expect(gatewaysOfDefault()).toEqual(['eth1']);
    // eth2 is still up with its address: any later run (start, apply) puts it back
    expect(hook('eth2', 'start').status).toBe(0);
    expect(kernel()).toBe(reference);
    expect(ifdown('eth2').status).toBe(0);
    expect(ifdown('eth1').status).toBe(0);
    expect(defaults().filter((r) => r.metric === 10)).toEqual([]);
    expect(ownRules()).toEqual([]);
    expect(ifup('eth2').status).toBe(0);
    expect(ifup('eth1').status).toBe(0);
    // the DHCP addresses are stable (fixed MACs), so the state is the same as before
    expect(kernel()).toBe(reference);
    const apply = ulb(['apply']);
    expect(apply.status).toBe(0);
    expect(apply.stderr).toContain('nothing to change');
  });

  it('heals leftovers: a deleted rule, a stray route in its table, a wrong default route', () => {
    const reference = kernel();
    rig('rx', 'ip', 'rule', 'del', 'priority', '1000', 'fwmark', '0x97');
    rig('rx', 'ip', 'route', 'add', '10.1.0.0/16', 'dev', 'eth1', 'table', '201');
    rig('rx', 'ip', 'route', 'replace', 'default', 'via', '198.18.102.1', 'dev', 'eth2', 'metric', '10');
    expect(ulb(['status']).status).toBe(1);
    expect(hook('eth2', 'start').status).toBe(0);
    expect(kernel()).toBe(reference);
  });

  it('leaves a non-uplink DHCP interface its own default route', () => {
    expect(ifup('eth4').status).toBe(0);
    const eth4 = defaults().filter((r) => r.dev === 'eth4');
    expect(eth4).toEqual([expect.objectContaining({ gateway: '198.18.104.1' })]);
    expect(hook('eth4', 'start').status).toBe(0);
    expect(ulb(['apply']).status).toBe(0);
    expect(defaults().filter((r) => r.dev === 'eth4')).toEqual(eth4);
    expect(ifdown('eth4').status).toBe(0);
  });

  it('a static uplink works, and three uplinks share the traffic', () => {
    writeConfig(THREE_UPLINKS);
    expect(ifup('eth3').status).toBe(0);
    expect(gatewaysOfDefault()).toEqual(['eth1:2', 'eth2:1', 'eth3:1']);
    const counts = dist(300);
    expect(counts.fail).toBe(0);
    // 2:1:1: 100 or fewer of 300 on isp1 happens in 4e-9 of runs, 30 or fewer on isp2 (or isp3) in 4e-11
    expect(counts.isp1).toBeGreaterThan(100);
    expect(counts.isp2).toBeGreaterThan(30);
    expect(counts.isp3).toBeGreaterThan(30);
    expect(ifdown('eth3').status).toBe(0);
    expect(gatewaysOfDefault()).toEqual(['eth1:2', 'eth2:1']);
    expect(ifup('eth3').status).toBe(0);
  });

  it('an uplink whose DHCP times out: ifup succeeds and the others keep their route', () => {
    expect(ifdown('eth2').status).toBe(0);
    rig('fail', 'isp2', 'dhcp');
    const before = kernel();
    expect(ifup('eth2').status).toBe(0);
    expect(kernel()).toBe(before);
    expect(gatewaysOfDefault()).toEqual(['eth1:2', 'eth3:1']);
    const status = ulb(['status']);
    expect(status.stdout).toMatch(/eth2: unconfigured/);
    expect(status.status).toBe(0);
    rig('fail', 'isp2', 'none');
    expect(ifdown('eth2').status).toBe(0);
    expect(ifup('eth2').status).toBe(0);
    expect(gatewaysOfDefault()).toEqual(['eth1:2', 'eth2:1', 'eth3:1']);
  });

  it('ignores lo, --all, inet6 and interfaces it does not manage', () => {
    const before = kernel();
    expect(hook('lo', 'stop').status).toBe(0);
    expect(hook('--all', 'stop', { ADDRFAM: 'meta' }).status).toBe(0);
    // lo and ifup -a's meta runs are told apart by the hook itself: the executable is not started
    const execs = (...env: string[]): string[] => {
      const traced = rigResult('rx', 'strace', '-f', '-qq', '-e', 'trace=execve', '-e', 'signal=none', 'env', ...env, 'MODE=start', 'PHASE=post-up', HOOK);
      expect(traced.status, traced.stderr).toBe(0);
      return [...traced.stderr.matchAll(/execve\("([^"]+)"/g)].map((m) => m[1]!.replace(/.*\//, ''));
    };
    expect(execs('IFACE=lo', 'ADDRFAM=inet')).not.toContain('uplink-lb');
    expect(execs('IFACE=--all', 'ADDRFAM=meta')).not.toContain('uplink-lb');
    expect(execs('IFACE=lan0', 'ADDRFAM=inet')).toContain('uplink-lb');
    expect(hook('eth1', 'stop', { ADDRFAM: 'inet6', VERBOSITY: '0' }).status).toBe(0);
    expect(hook('lan0', 'stop').status).toBe(0);
    expect(kernel()).toBe(before);
  });

  it("acts whatever ADDRFAM says without VERBOSITY: ifupdown2 3.0.0 may pass another interface's", () => {
    const before = gatewaysOfDefault();
    expect(hook('eth1', 'stop', { ADDRFAM: 'inet6' }).status).toBe(0);
    expect(gatewaysOfDefault()).toEqual(before.filter((g) => !g.startsWith('eth1:')));
    expect(hook('eth1', 'start', { ADDRFAM: 'inet6' }).status).toBe(0);
    expect(gatewaysOfDefault()).toEqual(before);
  });

  it('hook runs started at once end in the state one run gives, with no duplicates', async () => {
    const reference = kernel();
    // take away everything of uplink-lb's, so that every run finds work to do
    for (const rule of ownRules()) rig('rx', 'ip', 'rule', 'del', 'priority', String(rule.priority), 'protocol', '73');
    // its nexthop objects first (the routes through them go with them: iproute2 6.1's `ip route
    // flush` fails with "Invalid argument" on a route through a nexthop object)
    for (const id of ['7300000', '7300001', '7300002', '7300003']) rigResult('rx', 'ip', 'nexthop', 'del', 'id', id);
    expect(rig('rx', 'ip', 'nexthop', 'show')).not.toMatch(/id 73000\d\d /);
    for (const table of ['201', '202', '203']) rig('rx', 'ip', 'route', 'flush', 'table', table);
    // the balanced route went with its group; without nexthop objects it is deleted here
    rigResult('rx', 'ip', 'route', 'del', 'default', 'metric', '10');
    expect(defaults().filter((r) => r.metric === 10)).toEqual([]);
    expect(ownRules()).toEqual([]);
    const runs = await Promise.all(Array.from({ length: 12 }, (_, i) => hookAsync(`eth${(i % 3) + 1}`, 'start')));
    expect(runs.map((r) => r.status)).toEqual(Array(12).fill(0));
    expect(kernel()).toBe(reference);
    expect(ownRules()).toHaveLength(7);
  });

  it("validate --peer: a copy of the other router's configuration pairs only with the same mark, table and priority for every uplink", () => {
    const peer = `${etc()}/default/uplink-lb.peer`;
    writeFileSync(peer, THREE_UPLINKS, { mode: 0o600 });
    const paired = ulb(['validate', '--peer', peer]);
    expect(paired.status, paired.stderr).toBe(0);
    expect(paired.stdout).toContain(`pairs with ${peer}: the same 3 uplink(s), each with the same mark, table and priority`);
    writeFileSync(peer, `${THREE_UPLINKS}IFACE_MARK=( 0x97 0x98 0x9a )\n`, { mode: 0o600 });
    const wrong = ulb(['validate', '--peer', peer]);
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toContain(`does not pair with ${peer}`);
    expect(wrong.stderr).toContain('eth3: mark 0x99 here, 0x9a on the peer');
    expect(ulb(['validate', '--peer', `${peer}.missing`]).status).toBe(2);
    rmSync(peer);
  });

  it('a bad configuration changes nothing and says where it is wrong', () => {
    const before = kernel();
    writeConfig(`${THREE_UPLINKS}IFACE_MARK=( 0x97 0x97 0x99 )\n`);
    const validate = ulb(['validate']);
    expect(validate.status).toBe(2);
    expect(validate.stderr).toContain('default/uplink-lb:6: IFACE_MARK[1]: mark 0x97 is already used by uplink 0');
    expect(ulb(['apply']).status).toBe(2);
    expect(hook('eth1', 'start').status).toBe(1);
    expect(hook('eth1', 'stop').status).toBe(0);
    // an interface the broken file does not name is not held up
    expect(hook('lan0', 'start').status).toBe(0);
    expect(kernel()).toBe(before);
    writeConfig(THREE_UPLINKS);
    // a configuration others could change is refused, like sshd refuses loose permissions
    chmodSync(`${etc()}/default/uplink-lb`, 0o664);
    const loose = ulb(['apply']);
    expect(loose.status).toBe(2);
    expect(loose.stderr).toContain('is writable by group or others (mode 664): refused (fix: chmod go-w');
    expect(kernel()).toBe(before);
    chmodSync(`${etc()}/default/uplink-lb`, 0o600);
  });

  it('foreign rules and routes survive everything, uninstall included', () => {
    const foreign = (): string[] => kernel().split('\n').filter((l) => /(^500:|table 300|metric 500)/.test(l));
    expect(foreign()).toEqual(['500:	from 198.19.10.128/25 lookup 300', 'blackhole 10.99.0.0/16 table 300 ', 'default via 198.19.10.2 dev lan0 metric 500 ']);
    expect(ifdown('eth1').status).toBe(0);
    expect(ifdown('eth2').status).toBe(0);
    expect(ifdown('eth3').status).toBe(0);
    expect(foreign()).toHaveLength(3);
    const removed = rig('uninstall');
    expect(removed).toContain('kept');
    expect(existsSync(`${etc()}/network/if-up.d/uplink-load-balancing`)).toBe(false);
    expect(existsSync(`${etc()}/network/if-down.d/uplink-load-balancing`)).toBe(false);
    expect(existsSync(`${etc()}/dhcp/dhclient-enter-hooks.d/uplink-lb`)).toBe(false);
    expect(existsSync(`${etc()}/default/uplink-lb`)).toBe(true);
    expect(foreign()).toHaveLength(3);
  });
});
