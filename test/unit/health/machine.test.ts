import { describe, expect, it } from 'vitest';
import { initialHealth, step, weightFactor, type Limits, type Outcome, type Quality, type UplinkHealth } from '../../../src/health/machine.js';

const limits: Limits = { recoverWindow: 3, loss: { fail: 40, recover: 20 }, latency: { fail: 150, recover: 100 }, degraded: 'weight' };
const good = (lossPct = 0, rttMs = 10): Outcome => ({ kind: 'answering', detail: '2 of 2 targets answering', quality: { lossPct, rttMs, text: `loss ${lossPct}%, rtt ${rttMs} ms over 10 s` } });
const silent: Outcome = { kind: 'silent', detail: '0 of 2 targets answered within 0.8 s' };

/** Outcomes at given seconds; the state after each, and the logged changes. */
function at(events: [number, Outcome][], start: UplinkHealth = initialHealth(0), l: Limits = limits): { states: UplinkHealth[]; changes: string[] } {
  let health = start;
  const changes: string[] = [];
  const states = events.map(([s, outcome]) => {
    const r = step(health, outcome, [], l, s * 1000);
    if (r.change) changes.push(r.change);
    return (health = r.next);
  });
  return { states, changes };
}

describe('health over windows of time', () => {
  it('drains when the targets fell silent for the failure window, at once without carrier', () => {
    expect(at([[1, good()], [2, silent]]).changes).toEqual(['draining: 0 of 2 targets answered within 0.8 s']);
    expect(at([[1, good()], [2, { kind: 'no-carrier' }]]).states.map((h) => h.state)).toEqual(['up', 'draining']);
  });

  it('decides nothing while probing has not lasted a window, or the uplink is not probed', () => {
    const drained = at([[1, silent]]).states[0] as UplinkHealth;
    expect(at([[2, { kind: 'pending' }], [3, { kind: 'unavailable' }]], drained).states.map((h) => h.state)).toEqual(['draining', 'draining']);
    expect(at([[1, { kind: 'pending' }]]).states[0]?.state).toBe('up');
  });

  it('comes back after answering steadily for the recovery window; silence while recovering starts over', () => {
    const { states, changes } = at([[1, silent], [2, good()], [4, good()], [4.5, silent], [5, good()], [7.9, good()], [8, good()]]);
    expect(states.map((h) => h.state)).toEqual(['draining', 'recovering', 'recovering', 'draining', 'recovering', 'recovering', 'up']);
    expect(states[5]?.reason).toBe('answering again, steady for 2.9 s of 3 s');
    expect(changes.at(-1)).toBe('up: answered steadily for 3 s');
    // quality is measured from the moment it answered again, not over the outage
    expect(states.at(-1)?.steadySince).toBe(5000);
  });

  it('records when and why the state changed', () => {
    expect(at([[1, good()], [2.5, silent]]).states[1]).toMatchObject({ state: 'draining', since: 2500, reason: '0 of 2 targets answered within 0.8 s' });
  });
});

describe('link quality', () => {
  it('is degraded past a failure value and good again only within every recovery value', () => {
    const { states, changes } = at([[1, good(0, 200)], [2, good(0, 120)], [3, good(0, 90)], [4, good(45, 10)], [5, good(25, 10)], [6, good(15, 10)]]);
    expect(states.map((h) => h.state)).toEqual(['degraded', 'degraded', 'up', 'degraded', 'degraded', 'up']);
    expect(changes).toEqual([
      'degraded: loss 0%, rtt 200 ms over 10 s',
      'up: quality recovered: loss 0%, rtt 90 ms over 10 s',
      'degraded: loss 45%, rtt 10 ms over 10 s',
      'up: quality recovered: loss 15%, rtt 10 ms over 10 s',
    ]);
  });

  it('keeps a share of the weight in proportion to the quality, in quarters, or drains with CHECK_DEGRADED=drain', () => {
    const q = (lossPct: number, rttMs: number | null): Quality => ({ lossPct, rttMs, text: '' });
    expect(weightFactor(q(0, 200), limits)).toBe(0.5); // 100 / 200
    expect(weightFactor(q(45, 10), limits)).toBe(0.5); // 55% answered
    expect(weightFactor(q(60, 400), limits)).toBe(0.25); // at least a quarter
    expect(weightFactor(q(0, 200), { ...limits, degraded: 'drain' })).toBe(0);
    expect(at([[1, good(0, 200)]]).states[0]).toMatchObject({ state: 'degraded', factor: 0.5 });
    // a round trip wavering about 200 ms (a share about 0.5) keeps the half, until it moves clearly
    expect(weightFactor(q(0, 205), limits, 0.5)).toBe(0.5);
    expect(weightFactor(q(0, 140), limits, 0.5)).toBe(0.5); // 0.71
    expect(weightFactor(q(0, 125), limits, 0.5)).toBe(0.75); // 0.8
    expect(weightFactor(q(0, 240), limits, 0.5)).toBe(0.25); // 0.42
    const { states } = at([[1, good(0, 195)], [2, good(0, 205)], [3, good(0, 195)], [4, good(0, 260)]]);
    expect(states.map((h) => h.factor)).toEqual([0.5, 0.5, 0.5, 0.25]);
  });

  it('judges nothing without enough samples, and not at all with the values at 0', () => {
    expect(at([[1, { kind: 'answering', detail: '' }]]).states[0]?.state).toBe('up');
    const off: Limits = { ...limits, loss: { fail: 0, recover: 0 }, latency: { fail: 0, recover: 0 } };
    expect(at([[1, good(90, 5000)]], initialHealth(0), off).states[0]?.state).toBe('up');
  });

  it('a recovered uplink that is still poor comes back degraded', () => {
    const { states } = at([[1, silent], [2, good(0, 300)], [5, good(0, 300)]]);
    expect(states.map((h) => h.state)).toEqual(['draining', 'recovering', 'degraded']);
    expect(states[2]?.reason).toBe('loss 0%, rtt 300 ms over 10 s; answered steadily for 3 s');
  });
});

describe('flap damping', () => {
  const damped: Limits = { ...limits, recoverWindow: 1, flapHold: 30, flapHoldMax: 100 };
  const run = (events: [number, Outcome][], start?: UplinkHealth): UplinkHealth[] => at(events, start, damped).states;

  it('the first failure is not a flap: back after the recovery window', () => {
    const states = run([[1, silent], [2, good()], [3, good()]]);
    expect(states.map((h) => h.state)).toEqual(['draining', 'recovering', 'up']);
    expect(states[0]?.holdUntil).toBeUndefined();
  });

  it('a second failure within 10 minutes holds the uplink out for CHECK_FLAP_HOLD, however well it answers', () => {
    const states = run([[1, silent], [2, good()], [3, good()], [10, silent], [11, good()], [12, good()], [39, good()], [40, good()]]);
    expect(states.map((h) => h.state)).toEqual(['draining', 'recovering', 'up', 'draining', 'recovering', 'recovering', 'recovering', 'up']);
    expect(states[3]).toMatchObject({ flaps: 2, holdUntil: 40_000 });
    expect(states[3]?.reason).toContain('flapping (2 failures in 10 min): held out until 1970-01-01T00:00:40.000Z');
    expect(states[6]?.reason).toBe('answering steadily for 28 s, but held out until 1970-01-01T00:00:40.000Z (flapping)');
    expect(states[7]?.holdUntil).toBeUndefined();
  });

  it('each further failure doubles the hold-down, up to CHECK_FLAP_HOLD_MAX', () => {
    let health = initialHealth(0);
    const holds: number[] = [];
    for (let flap = 0; flap < 6; flap++) {
      const t = flap * 200;
      health = run([[t + 1, silent]], health).at(-1) ?? health;
      holds.push(((health.holdUntil ?? t * 1000 + 1000) - (t * 1000 + 1000)) / 1000);
      health = run([[t + 150, good()], [t + 151, good()]], health).at(-1) ?? health;
      expect(health.state).toBe('up');
    }
    expect(holds).toEqual([0, 30, 60, 100, 100, 100]);
  });

  it('forgets one failure per 10 minutes: an uplink that stays good is not damped for an old flap', () => {
    const states = run([[1, silent], [2, good()], [3, good()], [4, silent], [40, good()], [41, good()], [1300, silent]]);
    expect(states.at(-1)).toMatchObject({ state: 'draining', flaps: 1 });
    expect(states.at(-1)?.holdUntil).toBeUndefined();
  });

  it('is off with CHECK_FLAP_HOLD=0', () => {
    const states = at([[1, silent], [2, good()], [3, good()], [4, silent], [5, good()], [6, good()]], initialHealth(0), { ...damped, flapHold: 0 }).states;
    expect(states.at(-1)?.state).toBe('up');
  });
});
