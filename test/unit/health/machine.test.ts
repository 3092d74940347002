import { describe, expect, it } from 'vitest';
import { initialHealth, step, type Outcome, type UplinkHealth } from '../../../src/health/machine.js';

const limits = { down: 3, up: 5 };

function run(outcomes: Outcome[], start: UplinkHealth = initialHealth(0)): { states: string[]; changes: string[] } {
  let health = start;
  const states: string[] = [];
  const changes: string[] = [];
  outcomes.forEach((outcome, i) => {
    const s = step(health, outcome, 'detail', [], limits, i + 1);
    health = s.next;
    states.push(health.state);
    if (s.change) changes.push(s.change);
  });
  return { states, changes };
}

describe('health hysteresis', () => {
  it('drains after CHECK_DOWN failed rounds in a row, not before', () => {
    expect(run(['bad', 'bad', 'good', 'bad', 'bad', 'bad']).states).toEqual(['up', 'up', 'up', 'up', 'up', 'draining']);
  });

  it('drains at once without carrier', () => {
    const { states, changes } = run(['good', 'no-carrier']);
    expect(states).toEqual(['up', 'draining']);
    expect(changes).toEqual(['draining: no carrier']);
  });

  it('comes back after CHECK_UP good rounds in a row, and a bad round while recovering starts over', () => {
    const { states } = run(['bad', 'bad', 'bad', 'good', 'good', 'bad', 'good', 'good', 'good', 'good', 'good']);
    expect(states).toEqual(['up', 'up', 'draining', 'recovering', 'recovering', 'draining', 'recovering', 'recovering', 'recovering', 'recovering', 'up']);
  });

  it('keeps its state while the uplink is not probed (ifdown, no address)', () => {
    const drained = run(['bad', 'bad', 'bad']);
    expect(drained.states.at(-1)).toBe('draining');
    let health = initialHealth(0);
    for (const o of ['bad', 'bad', 'bad', 'unavailable', 'unavailable'] as const) health = step(health, o, '', [], limits, 0).next;
    expect(health.state).toBe('draining');
  });

  it('records when and why the state changed', () => {
    let health = initialHealth(0);
    for (const [i, o] of (['bad', 'bad', 'bad'] as const).entries()) health = step(health, o, '0/3 answers from 192.0.2.20', [], limits, 100 + i).next;
    expect(health).toMatchObject({ state: 'draining', since: 102, reason: '3 failed rounds in a row (0/3 answers from 192.0.2.20)' });
  });
});

describe('flap damping', () => {
  const damped = { down: 1, up: 2, flapHold: 30, flapHoldMax: 100 };
  /** Outcomes at given seconds; returns the state after each. */
  const at = (events: [number, Outcome][], start: UplinkHealth = initialHealth(0)): UplinkHealth[] => {
    let health = start;
    return events.map(([s, outcome]) => (health = step(health, outcome, 'd', [], damped, s * 1000).next));
  };

  it('the first failure is not a flap: back after CHECK_UP good rounds', () => {
    const states = at([[1, 'bad'], [2, 'good'], [3, 'good']]);
    expect(states.map((h) => h.state)).toEqual(['draining', 'recovering', 'up']);
    expect(states[0]?.holdUntil).toBeUndefined();
  });

  it('a second failure within 10 minutes holds the uplink out for CHECK_FLAP_HOLD, however well it answers', () => {
    const states = at([[1, 'bad'], [2, 'good'], [3, 'good'], [10, 'bad'], [11, 'good'], [12, 'good'], [39, 'good'], [40, 'good']]);
    expect(states.map((h) => h.state)).toEqual(['draining', 'recovering', 'up', 'draining', 'recovering', 'recovering', 'recovering', 'up']);
    expect(states[3]).toMatchObject({ flaps: 2, holdUntil: 40_000 });
    expect(states[3]?.reason).toContain('flapping (2 failures in 10 min): held out until 1970-01-01T00:00:40.000Z');
    expect(states[6]?.reason).toBe('answering again, 3 good rounds, but held out until 1970-01-01T00:00:40.000Z (flapping)');
    expect(states[7]?.holdUntil).toBeUndefined();
  });

  it('each further failure doubles the hold-down, up to CHECK_FLAP_HOLD_MAX', () => {
    let health = initialHealth(0);
    const holds: number[] = [];
    for (let flap = 0; flap < 6; flap++) {
      const t = flap * 200;
      health = at([[t + 1, 'bad']], health).at(-1) ?? health;
      holds.push(((health.holdUntil ?? t * 1000 + 1000) - (t * 1000 + 1000)) / 1000);
      health = at([[t + 150, 'good'], [t + 151, 'good']], health).at(-1) ?? health;
      expect(health.state).toBe('up');
    }
    expect(holds).toEqual([0, 30, 60, 100, 100, 100]);
  });

  it('forgets one failure per 10 minutes: an uplink that stays good is not damped for an old flap', () => {
    const states = at([[1, 'bad'], [2, 'good'], [3, 'good'], [4, 'bad'], [40, 'good'], [41, 'good'], [1300, 'bad']]);
    // 2 remembered at 4 s; 21 minutes later both are forgiven, so this failure is the first
    expect(states.at(-1)).toMatchObject({ state: 'draining', flaps: 1 });
    expect(states.at(-1)?.holdUntil).toBeUndefined();
  });

  it('is off with CHECK_FLAP_HOLD=0', () => {
    let health = initialHealth(0);
    for (const [s, o] of [[1, 'bad'], [2, 'good'], [3, 'good'], [4, 'bad'], [5, 'good'], [6, 'good']] as [number, Outcome][]) {
      health = step(health, o, 'd', [], { ...damped, flapHold: 0 }, s * 1000).next;
    }
    expect(health.state).toBe('up');
  });
});
