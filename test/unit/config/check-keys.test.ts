import { describe, expect, it } from 'vitest';
import { configFrom, problemsOf } from '../helpers.js';

describe('health check keys', () => {
  it('has defaults that fail an uplink within a second or two and ride out 20% loss', () => {
    const config = configFrom('IFACE_DEVICE=( eth1 eth2 eth3 )\nCHECK_TARGETS=( 192.0.2.20 192.0.2.21 )\nIFACE_CHECK_TARGETS=( default 192.0.2.20 default )\n');
    expect(config.check).toEqual({
      interval: 0.25,
      timeout: 2,
      reliability: 1,
      recoverWindow: 3,
      qualityWindow: 10,
      loss: { fail: 40, recover: 20 },
      latency: { fail: 1000, recover: 500 },
      degraded: 'weight',
      flapHold: 30,
      flapHoldMax: 600,
      runMinutes: 10,
      action: 'drain',
    });
    // 8 probes in a row must go unanswered: 4 per target with two targets, 8 with one
    expect(config.uplinks.map((u) => u.failWindow)).toEqual([1, 2, 1]);
    expect(config.warnings).toEqual([]);
  });

  it('reads CHECK_DOWN and CHECK_UP as windows of as many rounds, says what replaces them, and refuses both forms at once', () => {
    const config = configFrom('IFACE_DEVICE=( eth1 )\nCHECK_TARGETS=( 192.0.2.20 )\nCHECK_DOWN=3\nCHECK_UP=5\nCHECK_COUNT=3\n');
    expect(config.uplinks[0]?.failWindow).toBe(3);
    expect(config.check.failWindow).toBe(3);
    expect(config.check.recoverWindow).toBe(5);
    expect(config.warnings).toEqual([
      'CHECK_COUNT is not used any more: every target is probed continuously, once every CHECK_INTERVAL; remove it',
      'CHECK_DOWN=3 is read as CHECK_FAIL_WINDOW=3 (3 rounds of 1 s): probing is continuous now; write CHECK_FAIL_WINDOW in seconds instead',
      'CHECK_UP=5 is read as CHECK_RECOVER_WINDOW=5 (5 rounds of 1 s): probing is continuous now; write CHECK_RECOVER_WINDOW in seconds instead',
    ]);
    // rounds of the interval the file sets
    expect(configFrom('IFACE_DEVICE=( eth1 )\nCHECK_INTERVAL=0.5\nCHECK_DOWN=2\n').uplinks[0]?.failWindow).toBe(1);
    expect(problemsOf('IFACE_DEVICE=( eth1 )\nCHECK_DOWN=3\nCHECK_FAIL_WINDOW=1\n')).toEqual(['test.conf:2: CHECK_DOWN: replaced by CHECK_FAIL_WINDOW, which is set too: remove CHECK_DOWN']);
  });

  it('takes the quality thresholds and the degraded action', () => {
    const config = configFrom('IFACE_DEVICE=( eth1 )\nCHECK_LOSS_FAIL=30\nCHECK_LOSS_RECOVER=5\nCHECK_LATENCY_FAIL=150\nCHECK_LATENCY_RECOVER=100\nCHECK_DEGRADED=drain\nCHECK_FAIL_WINDOW=0.6\n');
    expect(config.check).toMatchObject({ loss: { fail: 30, recover: 5 }, latency: { fail: 150, recover: 100 }, degraded: 'drain', failWindow: 0.6 });
    expect(config.uplinks[0]?.failWindow).toBe(0.6);
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
    ['CHECK_COUNT=0', 'CHECK_COUNT: "0" is not a whole number of probes from 1 to 20'],
    ['CHECK_TIMEOUT=fast', 'CHECK_TIMEOUT: "fast" is not a number of seconds from 0.1 to 60'],
    ['CHECK_INTERVAL=0.01', 'CHECK_INTERVAL: "0.01" is not a number of seconds from 0.05 to 60'],
    ['CHECK_DOWN=1.5', 'CHECK_DOWN: "1.5" is not a whole number of rounds from 1 to 1000'],
    ['CHECK_UP=-1', 'CHECK_UP: "-1" is not a whole number of rounds'],
    ['CHECK_FAIL_WINDOW=0', 'CHECK_FAIL_WINDOW: "0" is not a number of seconds from 0.1 to 3600'],
    ['CHECK_LOSS_FAIL=101', 'CHECK_LOSS_FAIL: "101" is not a whole number of percent from 0 to 100'],
    ['CHECK_LOSS_FAIL=20\nCHECK_LOSS_RECOVER=20', 'CHECK_LOSS_RECOVER: 20 must be below CHECK_LOSS_FAIL (20), or an uplink would be degraded and good at once'],
    ['CHECK_LATENCY_FAIL=100ms', 'CHECK_LATENCY_FAIL: "100ms" is not a whole number of milliseconds from 0 to 60000'],
    ['CHECK_DEGRADED=ignore', 'CHECK_DEGRADED: "ignore" is not weight (lower the uplink\'s weight in proportion to its quality) or drain (take it out of the default route)'],
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
