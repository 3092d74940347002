import { describe, expect, it } from 'vitest';
import { parsePingOutput } from '../../../src/health/probe-icmp.js';
import { judge } from '../../../src/health/round.js';
import { evaluateRound, probePlans } from '../../../src/health/evaluate.js';
import { EMPTY_RECORD, parseHealthRecord, trustedDrained } from '../../../src/state/health.js';
import { deadlineFor } from '../../../src/entry/check.js';
import { desired } from '../../../src/plan/desired.js';
import type { TargetResult } from '../../../src/health/machine.js';
import { configFrom, leasesAt, observedAt } from '../helpers.js';

// printed by iputils ping 20221126 in the rig (answered, and stopped by SIGINT with no answer)
const ANSWERED = `PING 192.0.2.20 (192.0.2.20) from 198.18.101.163 : 56(84) bytes of data.

--- 192.0.2.20 ping statistics ---
3 packets transmitted, 3 received, 0% packet loss, time 336ms
rtt min/avg/max/mdev = 0.101/0.148/0.213/0.047 ms
`;
const SILENT = `PING 192.0.2.20 (192.0.2.20) from 198.18.101.163 : 56(84) bytes of data.

--- 192.0.2.20 ping statistics ---
3 packets transmitted, 0 received, 100% packet loss, time 340ms
`;

describe('probe results', () => {
  it('reads ping statistics', () => {
    expect(parsePingOutput('192.0.2.20', ANSWERED)).toEqual({ target: '192.0.2.20', sent: 3, received: 3, rttMs: 0.148, jitterMs: 0.047 });
    expect(parsePingOutput('192.0.2.20', SILENT)).toEqual({ target: '192.0.2.20', sent: 3, received: 0, rttMs: null });
    expect(parsePingOutput('192.0.2.20', 'ping: bind icmp socket: Cannot assign requested address\n')).toEqual({
      target: '192.0.2.20', sent: 0, received: 0, rttMs: null, error: 'ping: bind icmp socket: Cannot assign requested address',
    });
  });

  it('a round is good when CHECK_RELIABILITY targets answered at least once', () => {
    const a: TargetResult = { target: 'a', sent: 3, received: 1, rttMs: 1 };
    const b: TargetResult = { target: 'b', sent: 3, received: 0, rttMs: null };
    expect(judge([a, b], 1)).toEqual({ good: true, detail: '1 of 2 targets answered: a 1/3, b 0/3' });
    expect(judge([a, b], 2).good).toBe(false);
    expect(judge([], 1).good).toBe(false);
  });
});

describe('one round, from results to health', () => {
  const config = configFrom('IFACE_DEVICE=( eth1 eth2 eth3 )\nCHECK_TARGETS=( 192.0.2.20 )\n');
  const observed = observedAt('applied-2');
  const states = desired(config, observed, { leases: leasesAt('applied-2') }).uplinks;

  it('probes the uplinks that are up, from their own address', () => {
    expect(probePlans(states)).toEqual([
      { device: 'eth1', source: '198.18.101.163', targets: ['192.0.2.20'], method: { kind: 'icmp' } },
      { device: 'eth2', source: '198.18.102.162', targets: ['192.0.2.20'], method: { kind: 'icmp' } },
    ]);
  });

  it('counts failed rounds and drains after CHECK_DOWN of them', () => {
    const results = new Map([
      ['eth1', [{ target: '192.0.2.20', sent: 3, received: 0, rttMs: null }]],
      ['eth2', [{ target: '192.0.2.20', sent: 3, received: 3, rttMs: 0.1 }]],
    ]);
    let record = EMPTY_RECORD;
    const changes: string[] = [];
    for (let round = 1; round <= 3; round++) {
      const evaluation = evaluateRound(config, states, results, record, round * 1000);
      record = { ...record, updated: round * 1000, uplinks: evaluation.uplinks };
      changes.push(...evaluation.changes.map((c) => c.line));
    }
    expect(record.uplinks.eth1).toMatchObject({ state: 'draining', fails: 3, since: 3000 });
    expect(record.uplinks.eth2).toMatchObject({ state: 'up', fails: 0 });
    expect(record.uplinks.eth3).toMatchObject({ state: 'up', probes: [] }); // not probed: no such device
    expect(changes).toEqual(['eth1 draining: 3 failed rounds in a row (0 of 1 targets answered: 192.0.2.20 0/3)']);
  });
});

describe('health record', () => {
  it('round-trips and refuses what does not validate', () => {
    const record = { version: 1, updated: 5, failOpen: false, uplinks: { eth1: { state: 'draining', fails: 3, goods: 0, since: 4, reason: 'x', probes: [] } } };
    expect(parseHealthRecord(JSON.stringify(record))).toEqual({ value: record });
    expect(parseHealthRecord('{"version":1,"updated":5,"failOp')).toEqual({ problem: 'is not valid JSON (truncated or garbled)' });
    expect(parseHealthRecord(JSON.stringify({ ...record, version: 2 }))).toEqual({ problem: 'has no valid version (2)' });
    expect(parseHealthRecord(JSON.stringify({ ...record, uplinks: { eth1: { state: 'dead' } } }))).toEqual({ problem: 'has no valid uplinks.eth1.state ("dead")' });
  });
});

describe('stale health', () => {
  it('honours drained uplinks for 5 minutes after the last round, then not', () => {
    const record = { version: 1 as const, updated: 0, failOpen: false, uplinks: { eth1: { state: 'draining' as const, fails: 3, goods: 0, since: 0, reason: 'x', probes: [] } } };
    expect(trustedDrained(record, 300_000)).toEqual({ drained: new Set(['eth1']) });
    expect(trustedDrained(record, 300_001)).toEqual({ drained: new Set(), stale: expect.stringContaining('ignoring that eth1 was drained') });
  });
});

describe('check lifetime', () => {
  it('runs until the first minute boundary at least 30 s away', () => {
    expect(deadlineFor(Date.UTC(2026, 0, 1, 12, 0, 0, 300))).toBe(Date.UTC(2026, 0, 1, 12, 1, 0));
    expect(deadlineFor(Date.UTC(2026, 0, 1, 12, 0, 45))).toBe(Date.UTC(2026, 0, 1, 12, 2, 0));
  });
});
