import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { monotonicOf, parsePingLine } from '../../../src/health/prober-icmp.js';
import { evaluate, judgeTargets, minSamples, nextJudgement, probePlans, undecided, uplinkQuality } from '../../../src/health/evaluate.js';
import { windowStats, type Sample, type TargetLog } from '../../../src/health/window.js';
import { EMPTY_RECORD, parseHealthRecord, trustedDrained } from '../../../src/state/health.js';
import { deadlineFor } from '../../../src/entry/check.js';
import { desired } from '../../../src/plan/desired.js';
import { defaultFailWindow, falseFailuresPerDay } from '../../../src/config/fail-window.js';
import { configFrom, leasesAt, observedAt } from '../helpers.js';

// printed by iputils ping 20221126 in the rig: answered, silent (upstream dead), a neighbour
// that never answers ARP, and a source address the router does not have
const PING = readFileSync('test/fixtures/ping/ping-D-n-O.txt', 'utf8').split('\n');

describe('ping -D -n -O lines', () => {
  it('reads answers, unanswered probes and errors with the moment they were printed', () => {
    const said = PING.map(parsePingLine);
    expect(said[1]).toEqual({ kind: 'reply', at: 1795787826611, seq: 1, rttMs: 0.093 });
    expect(said.find((s) => s.kind === 'no-answer')).toEqual({ kind: 'no-answer', at: 1795787827955, seq: 1 });
    expect(said.find((s) => s.kind === 'error' && s.seq === 12)).toEqual({ kind: 'error', at: 1795787831951, seq: 12, text: 'Destination Host Unreachable (from 198.18.101.163)' });
    expect(said.at(-2)).toEqual({ kind: 'error', text: 'ping: bind: Cannot assign requested address' });
    expect(said.filter((s) => s.kind === 'reply')).toHaveLength(5);
    expect(parsePingLine('--- 192.0.2.20 ping statistics ---')).toEqual({ kind: 'other' });
  });
});

const log = (target: string, startedAt: number, lastAnswerAt?: number, samples: Sample[] = []): TargetLog => ({ target, startedAt, samples, ...(lastAnswerAt === undefined ? {} : { lastAnswerAt }) });

describe('judging targets over the failure window', () => {
  it('answering when enough targets answered within it, pending while probing has not lasted it, silent otherwise', () => {
    const now = 10_000;
    expect(judgeTargets([log('a', 0, 9_500), log('b', 0, 1_000)], 1, 800, now)).toEqual({ kind: 'answering', detail: '1 of 2 targets answering' });
    expect(judgeTargets([log('a', 0, 9_500), log('b', 0, 1_000)], 2, 800, now).kind).toBe('silent');
    expect(judgeTargets([log('a', 9_500), log('b', 9_500)], 1, 800, now)).toEqual({ kind: 'pending' });
    expect(judgeTargets([log('a', 0, 9_100), { ...log('b', 0), error: 'ping: sendmsg: Network is unreachable' }], 1, 800, now)).toEqual({
      kind: 'silent',
      detail: '0 of 2 targets answered within 0.8 s: a last answer 0.9 s ago, b never answered (ping: sendmsg: Network is unreachable)',
    });
  });

  it('measures loss, round trip and jitter from a moment on', () => {
    const samples: Sample[] = [{ sentAt: 1, rttMs: null }, { sentAt: 2, rttMs: 10 }, { sentAt: 3, rttMs: 30 }, { sentAt: 4, rttMs: null }];
    expect(windowStats(log('a', 0, 5, samples), 0)).toEqual({ target: 'a', sent: 4, received: 2, rttMs: 20, jitterMs: 10 });
    expect(windowStats(log('a', 0, 5, samples), 3)).toEqual({ target: 'a', sent: 2, received: 1, rttMs: 30 });
  });

  it("takes an uplink's quality from its reliability-th best target, and none from too few samples", () => {
    const results = [
      { target: 'a', sent: 50, received: 10, rttMs: 5 },
      { target: 'b', sent: 50, received: 50, rttMs: 300, jitterMs: 40 },
    ];
    expect(uplinkQuality(results, 1, 10_000, 40)).toEqual({ lossPct: 0, rttMs: 300, text: 'loss 0%, rtt 300 ms, jitter 40 ms over 10 s' });
    expect(uplinkQuality(results, 2, 10_000, 40)?.lossPct).toBe(80);
    expect(uplinkQuality([{ target: 'a', sent: 39, received: 39, rttMs: 1 }], 1, 10_000, 40)).toBeUndefined();
    // 80% of a full window: 32 probes of 10 s at 0.25 s
    expect(minSamples(10, 0.25)).toBe(32);
    expect(minSamples(1, 1)).toBe(5);
  });
});

describe('one judgement, from probers to health', () => {
  const config = configFrom('IFACE_DEVICE=( eth1 eth2 eth3 )\nCHECK_TARGETS=( 192.0.2.20 192.0.2.21 )\n');
  const observed = observedAt('applied-2');
  const states = desired(config, observed, { leases: leasesAt('applied-2') }).uplinks;

  it('probes the uplinks that are up, from their own address, with their mark', () => {
    expect(probePlans(states)).toEqual([
      { device: 'eth1', source: '198.18.101.163', targets: ['192.0.2.20', '192.0.2.21'], method: { kind: 'icmp' }, mark: 0x97 },
      { device: 'eth2', source: '198.18.102.162', targets: ['192.0.2.20', '192.0.2.21'], method: { kind: 'icmp' }, mark: 0x98 },
    ]);
  });

  it('drains an uplink whose targets fell silent for its window (1 s with two targets), and no other', () => {
    const now = 60_000;
    const answered = Array.from({ length: 40 }, (_, i): Sample => ({ sentAt: now - 10_000 + i * 250, rttMs: 0.1 }));
    const logs = new Map([
      ['eth1', [log('192.0.2.20', 0, now - 1100, answered), log('192.0.2.21', 0, now - 1010, answered)]],
      ['eth2', [log('192.0.2.20', 0, now - 100, answered), log('192.0.2.21', 0, now - 1100, answered)]],
    ]);
    const { uplinks, changes } = evaluate(config, states, logs, EMPTY_RECORD, now);
    expect(uplinks.eth1).toMatchObject({ state: 'draining', since: now, transitions: 1 });
    expect(uplinks.eth2).toMatchObject({ state: 'up' });
    expect(uplinks.eth2?.probes[0]).toEqual({ target: '192.0.2.20', sent: 40, received: 40, rttMs: 0.1, jitterMs: 0 });
    expect(uplinks.eth3).toMatchObject({ state: 'up', probes: [] }); // not probed: no such device
    expect(changes.map((c) => c.line)).toEqual(['eth1 draining: 0 of 2 targets answered within 1 s: 192.0.2.20 last answer 1.1 s ago, 192.0.2.21 last answer 1 s ago']);
  });

  it('is judged again when the next window could end, or within a probe interval while an uplink is out', () => {
    const now = 60_000;
    const logs = new Map([
      ['eth1', [log('192.0.2.20', 0, now - 100), log('192.0.2.21', 0, now - 300)]],
      ['eth2', [log('192.0.2.20', now - 200), log('192.0.2.21', 0, now - 50)]],
    ]);
    // eth1 fails 1 s after its newest answer, eth2 1 s after its newest (the pending one counts from its start)
    expect(nextJudgement(config, states, logs, EMPTY_RECORD, now, 2000)).toBe(now + 900);
    const out = { uplinks: { eth2: { state: 'draining' as const, since: 0, reason: '', probes: [] } } };
    expect(nextJudgement(config, states, logs, out, now, 2000)).toBe(now + 250);
    expect(nextJudgement(config, states, new Map(), EMPTY_RECORD, now, 2000)).toBe(now + 2000);
    // eth2's first target started 0.2 s ago and never answered: not judged yet (check --once waits)
    expect(undecided(states, logs, now)).toBe(true);
    expect(undecided(states, logs, now + 700)).toBe(true);
    expect(undecided(states, logs, now + 800)).toBe(false);
    expect(undecided(states, new Map([['eth1', [log('192.0.2.20', now - 200, now - 100)]]]), now)).toBe(false);
  });
});

describe('the default failure window, and the arithmetic behind it', () => {
  it('shares 8 silent probes over the targets that must fall silent, at least 3 each', () => {
    expect([1, 2, 3, 4].map((n) => defaultFailWindow(n, 1, 0.25))).toEqual([2, 1, 0.75, 0.75]);
    expect(defaultFailWindow(3, 2, 0.25)).toBe(1); // 2 of 3 must answer: 2 silent fail it
    expect([1, 2].map((n) => defaultFailWindow(n, 1, 0.2))).toEqual([1.6, 0.8]);
  });

  it('at 20% random loss: under one false failure a day with the default windows, hundreds with a short one', () => {
    expect(falseFailuresPerDay(0.2, 0.25, 2, 1, 1)).toBeCloseTo(0.708, 2);
    expect(falseFailuresPerDay(0.2, 0.25, 1, 2, 1)).toBeCloseTo(0.708, 2); // the same 8 probes, shared
    expect(falseFailuresPerDay(0.2, 0.25, 0.75, 3, 1)).toBeCloseTo(0.142, 2);
    expect(falseFailuresPerDay(0.2, 0.25, 1, 1, 1)).toBeCloseTo(442, 0);
    expect(falseFailuresPerDay(0.1, 0.25, 1, 2, 1)).toBeCloseTo(0.0031, 4);
    expect(falseFailuresPerDay(0.05, 0.25, 1, 2, 1)).toBeLessThan(1e-4);
    expect(falseFailuresPerDay(0.2, 0.2, 0.8, 2, 1)).toBeCloseTo(0.885, 2); // 0.2 s probes: 5 a second
  });
});

describe('health record', () => {
  it('round-trips and refuses what does not validate', () => {
    const record = { version: 2, boot: 'b', updated: 5, failOpen: false, uplinks: { eth1: { state: 'degraded', since: 4, reason: 'x', probes: [], factor: 0.5, steadySince: 3 } } };
    expect(parseHealthRecord(JSON.stringify(record))).toEqual({ value: record });
    expect(parseHealthRecord('{"version":2,"updated":5,"failOp')).toEqual({ problem: 'is not valid JSON (truncated or garbled)' });
    expect(parseHealthRecord(JSON.stringify({ ...record, version: 3 }))).toEqual({ problem: 'has no valid version (3)' });
    expect(parseHealthRecord(JSON.stringify({ ...record, uplinks: { eth1: { state: 'dead' } } }))).toEqual({ problem: 'has no valid uplinks.eth1.state ("dead")' });
  });
});

describe('stale health', () => {
  it('honours drained uplinks and lowered weights for 5 minutes after the last judgement, then not', () => {
    const record = {
      version: 2 as const,
      boot: 'b',
      updated: 0,
      failOpen: false,
      uplinks: { eth1: { state: 'draining' as const, since: 0, reason: 'x', probes: [] }, eth2: { state: 'degraded' as const, since: 0, reason: 'y', probes: [], factor: 0.5 } },
    };
    expect(trustedDrained(record, 300_000)).toEqual({ drained: new Set(['eth1']), factors: new Map([['eth2', 0.5]]) });
    expect(trustedDrained(record, 300_001)).toEqual({ drained: new Set(), factors: new Map(), stale: expect.stringContaining('ignoring that eth1 was drained') });
  });
});

describe('check lifetime', () => {
  it('runs until the first minute boundary at least CHECK_RUN_MINUTES less half a minute away', () => {
    expect(deadlineFor(Date.UTC(2026, 0, 1, 12, 0, 0, 300), 1)).toBe(Date.UTC(2026, 0, 1, 12, 1, 0));
    expect(deadlineFor(Date.UTC(2026, 0, 1, 12, 0, 45), 1)).toBe(Date.UTC(2026, 0, 1, 12, 2, 0));
    // cron's start at 12:00 runs until 12:10; one started by hand at 12:00:45, until 12:11
    expect(deadlineFor(Date.UTC(2026, 0, 1, 12, 0, 0, 300), 10)).toBe(Date.UTC(2026, 0, 1, 12, 10, 0));
    expect(deadlineFor(Date.UTC(2026, 0, 1, 12, 0, 45), 10)).toBe(Date.UTC(2026, 0, 1, 12, 11, 0));
    // a cron start a second late still hands over at a minute boundary
    expect(deadlineFor(Date.UTC(2026, 0, 1, 12, 0, 1, 500), 10)).toBe(Date.UTC(2026, 0, 1, 12, 10, 0));
  });
});

describe("ping's wall-clock timestamps on the monotonic clock", () => {
  // the wall clock leads the monotonic one by 1.7e12 ms until it is set forward 90 days
  const lead = 1_700_000_000_000;
  const jump = 90 * 86_400_000;
  const before = { offset: lead, at: 50_000 };

  it('are the wall time less the clocks\' offset while nobody sets the clock', () => {
    const read = { offset: lead, at: 51_000 };
    expect(monotonicOf(lead + 50_400, read, before)).toBe(50_400);
    // never later than the read that files it
    expect(monotonicOf(lead + 51_200, read, before)).toBe(51_000);
  });

  it('a line printed before a jump and read after it keeps its place', () => {
    const read = { offset: lead + jump, at: 51_000 };
    // printed at 50 500 before the jump (wall lead + 50 500), read after it
    expect(monotonicOf(lead + 50_500, read, before)).toBe(50_500);
    // printed at 50 800, after the jump
    expect(monotonicOf(lead + jump + 50_800, read, before)).toBe(50_800);
  });

  it('a line that fits neither offset is taken as printed at the read, never 90 days away', () => {
    // ping's clock was set back two hours before ours, which still reads 90 days ahead
    const read = { offset: lead + jump, at: 51_000 };
    const sinceJump = { offset: lead + jump, at: 50_000 };
    expect(monotonicOf(lead - 7_200_000 + 50_700, read, sinceJump)).toBe(51_000);
    expect(monotonicOf(lead + 2 * jump, read, sinceJump)).toBe(51_000);
  });

  it('and the same when the clock is set back two hours', () => {
    const read = { offset: lead - 7_200_000, at: 51_000 };
    expect(monotonicOf(lead + 50_500, read, before)).toBe(50_500);
    expect(monotonicOf(lead - 7_200_000 + 50_800, read, before)).toBe(50_800);
  });
});
