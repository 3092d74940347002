import { describe, expect, it } from 'vitest';
import { capLines, describeChange, describeDifference } from '../../../src/plan/explain.js';
import type { Change } from '../../../src/plan/diff.js';

const change = (action: Change['action'], was?: string): Change => ({
  action,
  what: 'route',
  family: 'inet',
  text: 'default table 201 via 198.51.100.1 dev eth1',
  command: 'route replace default table 201 via 198.51.100.1 dev eth1',
  ...(was ? { was } : {}),
});

describe('explain', () => {
  it('names both sides of a difference', () => {
    expect(describeDifference(change('add'))).toBe('missing: route default table 201 via 198.51.100.1 dev eth1 (wanted; found nothing)');
    expect(describeDifference(change('delete'), 'before')).toBe('unexpected: route default table 201 via 198.51.100.1 dev eth1 (found; not before)');
    expect(describeDifference(change('replace', 'default table 201 via 198.51.100.9 dev eth1'))).toBe(
      'different: route wanted: default table 201 via 198.51.100.1 dev eth1; found: default table 201 via 198.51.100.9 dev eth1',
    );
    expect(describeChange(change('replace', 'x'))).toBe('replace route default table 201 via 198.51.100.1 dev eth1 (was: x)');
  });

  it('caps long lists and counts the rest', () => {
    const lines = Array.from({ length: 20003 }, (_, i) => `line ${i}`);
    const capped = capLines(lines, 100);
    expect(capped).toHaveLength(101);
    expect(capped[99]).toBe('line 99');
    expect(capped[100]).toBe('... and 19903 more');
    expect(capLines(lines.slice(0, 100), 100)).toEqual(lines.slice(0, 100));
  });
});
