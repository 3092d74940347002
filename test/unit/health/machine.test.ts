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
