// The rollback's target: what uplink-lb owned, planned back to by diff.
import { describe, expect, it } from 'vitest';
import { diff } from '../../../src/plan/diff.js';
import { ownedSnapshot } from '../../../src/plan/snapshot.js';
import { APPLIED_2_RULES, observedAt } from '../helpers.js';

const OWNER = { ownedTables: [201, 202], metric: 10 };
const STATES = ['applied-2', 'bound-fresh', 'foreign-applied', 'eth1-down'];

describe('ownedSnapshot', () => {
  it.each(STATES)('of %s plans nothing against the same state', (name) => {
    const observed = observedAt(name);
    expect(diff(ownedSnapshot(observed, OWNER), observed).changes).toEqual([]);
  });

  it('of a state with duplicates plans only their removal (the kernel keeps one of each)', () => {
    const observed = observedAt('foreign-and-duplicates');
    const changes = diff(ownedSnapshot(observed, OWNER), observed).changes;
    expect(changes.length).toBeGreaterThan(0);
    for (const c of changes) expect(c.action === 'delete' || (c.action === 'replace' && c.was?.includes(' | '))).toBe(true);
    // the route appended beside uplink-lb's own at metric 10 goes; the multipath route stays
    expect(changes.map((c) => c.command)).toEqual([
      'route del default table 254 metric 10',
      'route replace default table 254 metric 10 proto 73 nexthop via 198.18.101.1 dev eth1 weight 2 nexthop via 198.18.102.1 dev eth2 weight 1',
    ]);
  });

  it('plans the way back from a fresh state to an applied one: every owned object, nothing foreign', () => {
    const applied = observedAt('applied-2');
    const plan = diff(ownedSnapshot(applied, OWNER), observedAt('bound-fresh'));
    const owned = applied.rules.filter((r) => r.protocol === 73).length + applied.routes.filter((r) => OWNER.ownedTables.includes(r.table) || (r.table === 254 && r.dst === 'default' && r.metric === 10)).length;
    expect(plan.changes.map((c) => c.action)).toEqual(Array(owned).fill('add'));
    expect(plan.changes.every((c) => c.command.includes('protocol 73') || c.command.includes('proto 73') || / table 20[12]\b/.test(c.command))).toBe(true);
    expect(plan.changes.map((c) => c.command)).toEqual([
      'route replace default table 201 metric 0 proto 73 via 198.18.101.1 dev eth1',
      'route replace prohibit default table 201 metric 4000000000 proto 73',
      'route replace 198.18.101.0/24 table 201 metric 0 proto 73 scope 253 dev eth1 src 198.18.101.163',
      'route replace default table 202 metric 0 proto 73 via 198.18.102.1 dev eth2',
      'route replace prohibit default table 202 metric 4000000000 proto 73',
      'route replace 198.18.102.0/24 table 202 metric 0 proto 73 scope 253 dev eth2 src 198.18.102.162',
      ...APPLIED_2_RULES.map((r) => `rule add ${r}`),
      'route replace default table 254 metric 10 proto 73 nexthop via 198.18.101.1 dev eth1 weight 2 nexthop via 198.18.102.1 dev eth2 weight 1',
    ]);
  });
});
