import { describe, expect, it } from 'vitest';
import { configFrom, problemsOf } from '../helpers.js';

describe('health check keys', () => {
  it('has defaults that drain within 5 s and ride out 20% loss', () => {
    const config = configFrom('IFACE_DEVICE=( eth1 eth2 )\nCHECK_TARGETS=( 192.0.2.20 )\n');
    expect(config.check).toEqual({ interval: 1, timeout: 1, count: 3, reliability: 1, down: 3, up: 5, flapHold: 30, flapHoldMax: 600, action: 'drain' });
    // worst case from death to drained: the next round starts within one interval, then
    // CHECK_DOWN rounds each end by their timeout
    expect(config.check.interval + (config.check.down - 1) * config.check.interval + config.check.timeout).toBeLessThanOrEqual(5);
    // a round with one target fails at 20% loss only if all probes are lost
    expect(0.2 ** config.check.count).toBeLessThan(0.01);
    expect(config.warnings).toEqual([]);
  });

  it('takes global and per-uplink targets and methods', () => {
    const config = configFrom(`IFACE_DEVICE=( eth1 eth2 eth3 )
CHECK_TARGETS=( 192.0.2.20 192.0.2.21 )
IFACE_CHECK_TARGETS=( default 198.51.100.7,198.51.100.8 gateway )
CHECK_METHOD=tcp:443
IFACE_CHECK_METHOD=( default icmp default )
CHECK_INTERVAL=0.5
CHECK_TIMEOUT=0.4
`);
    expect(config.uplinks.map((u) => [u.targets, u.method])).toEqual([
      [['192.0.2.20', '192.0.2.21'], { kind: 'tcp', port: 443 }],
      [['198.51.100.7', '198.51.100.8'], { kind: 'icmp' }],
      [[], { kind: 'tcp', port: 443 }],
    ]);
    expect(config.warnings).toEqual([
      'eth3: probes only its gateway (no CHECK_TARGETS): a failure behind a live gateway cannot be seen',
      'eth3: a TCP probe of the gateway needs the gateway to listen on port 443',
    ]);
  });

  it('warns when only gateways are probed', () => {
    const config = configFrom('IFACE_DEVICE=( eth1 )\nCHECK_ACTION=drain\n');
    expect(config.warnings).toEqual(['eth1: probes only its gateway (no CHECK_TARGETS): a failure behind a live gateway cannot be seen']);
  });

  const base = 'IFACE_DEVICE=( eth1 eth2 )\n';
  const cases: [string, string][] = [
    ['CHECK_TARGETS=( 192.0.2.20 localhost )', 'test.conf:2: CHECK_TARGETS[1]: "localhost" is not an IPv4 address'],
    ['IFACE_CHECK_TARGETS=( 192.0.2.1,nope default )', 'IFACE_CHECK_TARGETS[0]: "192.0.2.1,nope": target "nope" is not an IPv4 address'],
    ['IFACE_CHECK_TARGETS=( default )', 'IFACE_CHECK_TARGETS has 1 entry but IFACE_DEVICE has 2'],
    ['CHECK_METHOD=udp:53', 'CHECK_METHOD: "udp:53" is not a probe method (icmp, or tcp:PORT)'],
    ['CHECK_METHOD=tcp:70000', 'CHECK_METHOD: "tcp:70000" is not a probe method'],
    ['IFACE_CHECK_METHOD=( icmp ping )', 'IFACE_CHECK_METHOD[1]: "ping" is not a probe method'],
    ['CHECK_TARGETS=( 192.0.2.20 )\nCHECK_RELIABILITY=2', 'CHECK_RELIABILITY: 2 targets must answer, but uplink 0 (eth1) has 1'],
    ['CHECK_COUNT=0', 'CHECK_COUNT: "0" is not a whole number from 1 to 20'],
    ['CHECK_TIMEOUT=fast', 'CHECK_TIMEOUT: "fast" is not a number of seconds from 0.1 to 60'],
    ['CHECK_INTERVAL=0.1', 'CHECK_INTERVAL: "0.1" is not a number of seconds from 0.2 to 3600'],
    ['CHECK_DOWN=1.5', 'CHECK_DOWN: "1.5" is not a whole number from 1 to 1000'],
    ['CHECK_UP=-1', 'CHECK_UP: "-1" is not a whole number'],
    ['CHECK_ACTION=reboot', 'CHECK_ACTION: "reboot" is not offered; the only action is drain'],
    ['CHECK_ACTION=ifdown', 'CHECK_ACTION: "ifdown" is not offered; the only action is drain'],
  ];
  it.each(cases)('%j -> %s', (text, expected) => {
    expect(problemsOf(`${base}${text}\n`).join('\n')).toContain(expected);
  });
});

describe('METRICS_DIR', () => {
  it('is off by default, takes an absolute directory, and refuses anything else with its line', () => {
    expect(configFrom('IFACE_DEVICE=( eth1 )\n').metricsDir).toBeUndefined();
    expect(configFrom('IFACE_DEVICE=( eth1 )\nMETRICS_DIR=/var/lib/prometheus/node-exporter\n').metricsDir).toBe('/var/lib/prometheus/node-exporter');
    expect(problemsOf('IFACE_DEVICE=( eth1 )\nMETRICS_DIR=metrics\n')).toEqual([
      'test.conf:2: METRICS_DIR: "metrics" is not an absolute directory path (letters, digits and _ . / + @ % = - only), e.g. /var/lib/prometheus/node-exporter',
    ]);
    expect(problemsOf('IFACE_DEVICE=( eth1 )\nMETRICS_DIR="/var/lib/my metrics"\n')).toHaveLength(1);
  });
});
