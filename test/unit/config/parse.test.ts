import { describe, expect, it } from 'vitest';
import { lex } from '../../../src/config/lexer.js';
import { parseConfigText } from '../../../src/config/load.js';
import { LOOKUPS, configFrom, problemsOf } from '../helpers.js';

const CLASSIC = `# the block from the classic ifupdown script
IFACE_DEVICE=( eth1 eth2 )
IFACE_TABLES=( isp1 isp2 )
IFACE_TABLES_PRIO=( 250 251 )
IFACE_IPS=( 23.206.132.14 auto )
IFACE_NMS=( /24 auto )
IFACE_GWS=( 23.206.132.1 auto )
IFACE_WEI=( 2 1 )
IFACE_MARK=( 0x97 0x98 )
ROUTE_OPTIONS="proto static initcwnd 70 initrwnd 70 quickack 1"
`;

describe('configuration parser', () => {
  it('reads the classic script block as it is', () => {
    const config = configFrom(CLASSIC);
    expect(config.uplinks).toEqual([
      { index: 0, device: 'eth1', table: 101, tableLabel: 'isp1', priority: 250, address: '23.206.132.14', prefix: 24, gateway: '23.206.132.1', weight: 2, tier: 1, failbackRelease: 0, mark: 0x97, router6: 'auto', resolvers: 'auto', targets: [], targets6: [], method: { kind: 'icmp' }, failWindow: 2, failWindow6: 2, pairing: 'shared' },
      { index: 1, device: 'eth2', table: 102, tableLabel: 'isp2', priority: 251, address: 'auto', prefix: 'auto', gateway: 'auto', weight: 1, tier: 1, failbackRelease: 0, mark: 0x98, router6: 'auto', resolvers: 'auto', targets: [], targets6: [], method: { kind: 'icmp' }, failWindow: 2, failWindow6: 2, pairing: 'shared' },
    ]);
    expect(config.routeOptions).toEqual({ args: ['proto', '4', 'initcwnd', '70', 'initrwnd', '70', 'quickack', '1'], protocol: 4, onlink: false, metrics: { initcwnd: 70, initrwnd: 70, quickack: 1 } });
    expect(config.metric).toBe(10);
  });

  it('fills defaults for everything but IFACE_DEVICE', () => {
    const config = configFrom('IFACE_DEVICE=( eth1 eth2 eth3 )');
    expect(config.uplinks.map((u) => [u.table, u.tableLabel, u.priority, u.mark, u.weight, u.address, u.gateway])).toEqual([
      [201, 'uplink1', 1001, 0x97, 1, 'auto', 'auto'],
      [202, 'uplink2', 1002, 0x98, 1, 'auto', 'auto'],
      [203, 'uplink3', 1003, 0x99, 1, 'auto', 'auto'],
    ]);
  });

  it('understands quotes, comments, multi-line arrays and continuation lines', () => {
    const config = configFrom(`IFACE_DEVICE=( "eth1"   # first ISP
  'eth2' \\
  eth3 )
IFACE_WEI=(3 2
 1)  # trailing comment
ROUTE_OPTIONS='initcwnd 10' # quoted
DEFAULT_ROUTE_METRIC=5
`);
    expect(config.uplinks.map((u) => `${u.device}:${u.weight}`)).toEqual(['eth1:3', 'eth2:2', 'eth3:1']);
    expect(config.routeOptions.metrics).toEqual({ initcwnd: 10 });
    expect(config.metric).toBe(5);
  });

  it('takes 16 uplinks', () => {
    const devices = Array.from({ length: 16 }, (_, i) => `wan${i}`);
    expect(configFrom(`IFACE_DEVICE=( ${devices.join(' ')} )`).uplinks).toHaveLength(16);
  });

  it('lets the environment override the file, arrays space-separated', () => {
    const config = configFrom('IFACE_DEVICE=( eth1 eth2 )\nIFACE_WEI=( 2 1 )\n', { IFACE_WEI: '5 7', IFACE_DEVICE: 'eth1 eth2' });
    expect(config.uplinks.map((u) => u.weight)).toEqual([5, 7]);
    expect(problemsOf('IFACE_DEVICE=( eth1 eth2 )\n', { IFACE_WEI: '5' })).toEqual([
      'environment IFACE_WEI: IFACE_WEI has 1 entry but IFACE_DEVICE has 2: entry i of every array belongs to uplink i',
    ]);
  });

  it('accepts netmasks and prefixes in IFACE_NMS', () => {
    const config = configFrom('IFACE_DEVICE=( a b c )\nIFACE_NMS=( /24 255.255.255.0 29 )\n');
    expect(config.uplinks.map((u) => u.prefix)).toEqual([24, 24, 29]);
  });
});

describe('configuration syntax the file must not contain', () => {
  const cases: [string, string][] = [
    ['IFACE_DEVICE=( $(reboot) )', 'test.conf:1: variable expansion or command substitution ($) is not allowed'],
    ['IFACE_DEVICE=( `reboot` )', 'test.conf:1: command substitution (backticks) is not allowed'],
    ['IFACE_DEVICE=( "$HOME" )', 'test.conf:1: variable expansion or command substitution ($) inside double quotes is not allowed'],
    ['IFACE_DEVICE=( eth1 ); rm -rf /', 'test.conf:1: a command separator (;) is not allowed'],
    ['IFACE_DEVICE=( eth1 ) && reboot', 'test.conf:1: a background or list operator (&) is not allowed'],
    ['IFACE_DEVICE=( eth1 > /etc/passwd )', 'test.conf:1: a redirection (>) is not allowed'],
    ['IFACE_DEVICE=( eth* )', 'test.conf:1: a glob (*) is not allowed'],
    ["\nIFACE_DEVICE=( 'eth1 )\n", "test.conf:2: unterminated single quote (')"],
    ['IFACE_DEVICE=( eth1\nIFACE_WEI=1', 'test.conf:1: array IFACE_DEVICE is not closed with )'],
    ['IFACE_DEVICE=eth1 reboot', 'test.conf:1: unexpected text after the assignment to IFACE_DEVICE (a shell would run it as a command)'],
    ['reboot', 'test.conf:1: expected NAME=value or NAME=( ... ), found "reboot"'],
    ['export IFACE_DEVICE=eth1', 'test.conf:1: expected NAME=value or NAME=( ... ), found "export IFACE_DEVICE=eth1"'],
    ['IFACE_DEVICE[0]=eth1', 'test.conf:1: indexed assignment (IFACE_DEVICE[n]=...) is not supported; write the whole array'],
    ['IFACE_DEVICE+=( eth1 )', 'test.conf:1: appending (+=) to IFACE_DEVICE is not supported'],
    ['IFACE_DEVICE=( eth1 \\', 'test.conf:1: a continuation backslash (\\) ends the file: the line continues into nothing'],
  ];
  it.each(cases)('%j -> %s', (text, expected) => {
    const problems = problemsOf(text);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(expected);
  });

  it('reports the line of an error after multi-line arrays', () => {
    expect(lex('A=( 1\n2\n3 )\nB="x\n').errors).toEqual([{ line: 4, message: 'unterminated double quote (")' }]);
  });
});

describe('configuration validation', () => {
  const base = 'IFACE_DEVICE=( eth1 eth2 )\n';
  const cases: [string, string][] = [
    ['IFACE_WEI=( 2 )', 'test.conf:2: IFACE_WEI has 1 entry but IFACE_DEVICE has 2'],
    ['IFACE_WEI=( 0 1 )', 'test.conf:2: IFACE_WEI[0]: "0" is not a weight from 1 to 256'],
    ['IFACE_WEI=( 1 257 )', 'IFACE_WEI[1]: "257" is not a weight from 1 to 256'],
    ['IFACE_MARK=( 151 0x98 )', 'IFACE_MARK[0]: "151" is not a firewall mark in hex'],
    ['IFACE_MARK=( 0x97 0x97 )', 'IFACE_MARK[1]: mark 0x97 is already used by uplink 0'],
    ['IFACE_TABLES_PRIO=( 250 250 )', 'IFACE_TABLES_PRIO[1]: priority 250 is already used by uplink 0'],
    ['IFACE_TABLES_PRIO=( 250 32766 )', 'IFACE_TABLES_PRIO[1]: "32766" is not a rule priority from 3 to 32765'],
    ['IFACE_TABLES=( main isp2 )', 'IFACE_TABLES[0]: table "main" is reserved for the kernel'],
    ['IFACE_TABLES=( 254 isp2 )', 'IFACE_TABLES[0]: table "254" (254) is reserved or out of range'],
    ['IFACE_TABLES=( nosuch isp2 )', 'IFACE_TABLES[0]: table name "nosuch" is not defined in iproute2/rt_tables'],
    ['IFACE_TABLES=( isp1 101 )', 'IFACE_TABLES[1]: table 101 is already used by uplink 0'],
    ['IFACE_IPS=( 300.1.1.1 auto )', 'IFACE_IPS[0]: "300.1.1.1" is not an IPv4 address (a.b.c.d)'],
    ['IFACE_IPS=( 127.0.0.1 auto )', 'IFACE_IPS[0]: "127.0.0.1" is a loopback address'],
    ['IFACE_GWS=( 1.2.3 auto )', 'IFACE_GWS[0]: "1.2.3" is not an IPv4 address'],
    ['IFACE_NMS=( /33 auto )', 'IFACE_NMS[0]: "/33" is not a prefix length'],
    ['IFACE_NMS=( 255.0.255.0 auto )', 'IFACE_NMS[0]: "255.0.255.0" is not a prefix length'],
    ['IFACE_IPS=( 192.0.2.5 auto )\nIFACE_NMS=( /24 auto )\nIFACE_GWS=( 198.51.100.1 auto )', 'IFACE_GWS[0]: gateway 198.51.100.1 is not in 192.0.2.5/24'],
    ['ROUTE_OPTIONS="metric 5"', 'ROUTE_OPTIONS: "metric" cannot be set in ROUTE_OPTIONS: the main-table metric is DEFAULT_ROUTE_METRIC'],
    ['ROUTE_OPTIONS="initcwnd lots"', 'ROUTE_OPTIONS: "initcwnd" needs a number from 0 to'],
    ['ROUTE_OPTIONS="frobnicate 1"', 'ROUTE_OPTIONS: "frobnicate" is not an ip route option uplink-lb accepts'],
    ['ROUTE_OPTIONS="proto nosuch"', 'ROUTE_OPTIONS: "proto" needs a protocol number (0..255) or a name from rt_protos'],
    ['ROUTE_OPTIONS=( a b )', 'ROUTE_OPTIONS is a single value, not an array'],
    ['DEFAULT_ROUTE_METRIC=-1', 'DEFAULT_ROUTE_METRIC: "-1" is not a metric'],
    ['IFACE_WEIGHT=( 1 1 )', 'unknown key IFACE_WEIGHT'],
    ['IFACE_WEI=( 1 1 )\nIFACE_WEI=( 2 2 )', 'test.conf:3: IFACE_WEI is set again (first set at line 2)'],
  ];
  it.each(cases)('%j -> %s', (text, expected) => {
    const problems = problemsOf(`${base}${text}\n`);
    expect(problems.join('\n')).toContain(expected);
  });

  it('rejects interface names that try to be options or paths', () => {
    expect(problemsOf('IFACE_DEVICE=( -all )')).toEqual(['test.conf:1: IFACE_DEVICE[0]: "-all" looks like an option, not an interface name']);
    expect(problemsOf('IFACE_DEVICE=( ../etc )')[0]).toContain('is not an interface name');
    expect(problemsOf('IFACE_DEVICE=( averyveryverylongname )')[0]).toContain('is not an interface name');
    expect(problemsOf('IFACE_DEVICE=( eth1 eth1 )')).toEqual(['test.conf:1: IFACE_DEVICE[1]: "eth1" is already used by uplink 0']);
  });

  it('needs IFACE_DEVICE', () => {
    expect(problemsOf('# only a comment')).toEqual(['test.conf: sets nothing (empty, or only comments): list the uplink interfaces, e.g. IFACE_DEVICE=( eth1 eth2 )']);
    expect(problemsOf('IFACE_WEI=( 1 )')).toEqual(['test.conf: IFACE_DEVICE is not set: list the uplink interfaces, e.g. IFACE_DEVICE=( eth1 eth2 )']);
    expect(problemsOf('IFACE_DEVICE=()')[0]).toContain('IFACE_DEVICE is not set');
  });

  it('a file that names no interface concerns none (the hooks leave every interface alone); one that cannot be read to its end may concern any', () => {
    expect(parseConfigText('test.conf', '# only a comment\n', {}, LOOKUPS).devices).toEqual([]);
    expect(parseConfigText('test.conf', 'IFACE_WEI=( 1 )\n', {}, LOOKUPS).devices).toEqual([]);
    expect(parseConfigText('test.conf', 'IFACE_WEI=( 1\n', {}, LOOKUPS).devices).toBeUndefined();
    expect(parseConfigText('test.conf', 'IFACE_DEVICE=( eth1 )\nIFACE_WEI=( 0 )\n', {}, LOOKUPS).devices).toEqual(['eth1']);
  });

  it('reports every problem at once', () => {
    const problems = problemsOf('IFACE_DEVICE=( eth1 eth2 )\nIFACE_WEI=( 0 1 )\nIFACE_MARK=( 0x1 zz )\nBOGUS=1\n');
    expect(problems).toEqual([
      expect.stringMatching(/^test\.conf:4: unknown key BOGUS \(known: IFACE_DEVICE, .*HASH_POLICY, NEXTHOP_OBJECTS, IPV6_MODE, IPV6_LAN, IPV6_LAN_PREFIX, RADVD_CONF, RESOLV_CONF, METRICS_DIR, EVENT_TIMEOUT, EVENT_HOOKS_DIR, HA_VRRP, HA_CONNTRACKD_CONF, HA_TRACK_FILE, IFACE_HA\)$/),
      'test.conf:2: IFACE_WEI[0]: "0" is not a weight from 1 to 256',
      'test.conf:3: IFACE_MARK[1]: "zz" is not a firewall mark in hex from 0x1 to 0xffffffff',
    ]);
  });
});

describe('configuration file permissions', () => {
  it('refuses a file others could change, as sshd does', async () => {
    const { permissionProblem } = await import('../../../src/config/load.js');
    expect(permissionProblem(0, 0o100600, 0)).toBeUndefined();
    expect(permissionProblem(0, 0o100644, 0)).toBeUndefined();
    expect(permissionProblem(0, 0o100664, 0)).toBe('is writable by group or others (mode 664): refused (fix: chmod go-w PATH)');
    expect(permissionProblem(0, 0o100646, 0)).toContain('writable by group or others');
    expect(permissionProblem(1000, 0o100600, 0)).toBe('is owned by uid 1000, not root: refused (fix: chown root:root PATH)');
    expect(permissionProblem(1000, 0o100600, 1000)).toBeUndefined();
  });
});
