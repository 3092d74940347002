// The metrics text: every family once with HELP and TYPE, one sample per uplink (and target),
// label values escaped; its size with 16 uplinks is printed (node_exporter reads it every
// scrape; test/e2e/health.test.ts has the real one parse it).
import { describe, expect, it } from 'vitest';
import type { Observed } from '../../../src/kernel/types.js';
import { desired } from '../../../src/plan/desired.js';
import { formatMetrics } from '../../../src/report/metrics.js';
import type { HealthRecord } from '../../../src/state/health.js';
import { configFrom } from '../helpers.js';

const N = 16;
const devices = Array.from({ length: N }, (_, i) => `eth${i + 1}`);
const config = configFrom(`IFACE_DEVICE=( ${devices.join(' ')} )\nIFACE_GWS=( ${devices.map((_, i) => `198.18.${i + 1}.1`).join(' ')} )\nCHECK_TARGETS=( 192.0.2.20 198.51.100.20 )\n`);
const observed: Observed = {
  links: devices.map((name) => ({ name, up: true, carrier: true })),
  addresses: devices.map((device, i) => ({ device, address: `198.18.${i + 1}.2`, prefix: 24 })),
  rules: [],
  routes: [],
};
const health: HealthRecord = {
  version: 2,
  boot: 'test',
  updated: 1,
  failOpen: false,
  rounds: 42,
  uplinks: Object.fromEntries(
    devices.map((d, i) => [d, { state: i === 0 ? 'draining' : 'up', fails: 0, goods: 0, since: 0, reason: '', transitions: i === 0 ? 1 : 0, probes: ['192.0.2.20', '198.51.100.20'].map((target) => ({ target, sent: 3, received: i === 0 ? 0 : 3, rttMs: i === 0 ? null : 1.5 })) }]),
  ),
};

describe('metrics text', () => {
  const want = desired(config, observed, { leases: new Map(), drained: new Set(['eth1']) });
  const text = formatMetrics(want, { health, lastApply: { at: 1_796_212_800_000, ok: true, changes: 3 }, pinned: new Map(devices.map((d) => [d, 7])) });

  it('has every family once, typed, and one sample per uplink', () => {
    const types = text.split('\n').filter((l) => l.startsWith('# TYPE ')).map((l) => l.split(' ')[2]);
    expect(new Set(types).size).toBe(types.length);
    expect(text.split('\n').filter((l) => l.startsWith('uplink_lb_uplink_in_route{'))).toHaveLength(N);
    expect(text).toContain('uplink_lb_uplink_state{device="eth1",state="draining"} 1');
    expect(text).toContain('uplink_lb_uplink_in_route{device="eth1"} 0');
    expect(text).toContain('uplink_lb_probe_loss_ratio{device="eth1",target="198.51.100.20"} 1');
    expect(text).toContain('uplink_lb_probe_rtt_seconds{device="eth2",target="192.0.2.20"} 0.0015');
    expect(text).toContain('uplink_lb_check_rounds_total 42');
    expect(text).toContain('uplink_lb_last_apply_timestamp_seconds 1796212800');
    // every sample line is NAME{LABELS} VALUE
    for (const line of text.split('\n').filter((l) => l !== '' && !l.startsWith('#'))) expect(line).toMatch(/^[a-z_]+(\{[a-z]+="[^"]*"(,[a-z]+="[^"]*")*\})? -?[\d.e+-]+$/);
    console.log(`metrics text with ${N} uplinks and 2 targets: ${Buffer.byteLength(text)} bytes, ${text.split('\n').length - 1} lines`);
  });
});
