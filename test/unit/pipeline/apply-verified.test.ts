// A reconcile's decisions on captured kernel states: apply, read back, compare with what was
// planned, roll back. The kernel here replays states captured on the rig; the real one runs in
// the e2e tests (reconcile.test.ts, rollback.test.ts).
import { describe, expect, it } from 'vitest';
import type { Kernel } from '../../../src/kernel/kernel.js';
import type { Observed, ObservedNft } from '../../../src/kernel/types.js';
import { assess, type Records } from '../../../src/pipeline/assess.js';
import { applySettled, applyVerified, ATTEMPTS } from '../../../src/pipeline/apply-verified.js';
import { EMPTY_RECORD } from '../../../src/state/health.js';
import { ApplyError } from '../../../src/util/errors.js';
import { Log } from '../../../src/util/log.js';
import { CommandError } from '../../../src/util/run.js';
import type { Change } from '../../../src/plan/diff.js';
import { configFrom, leasesAt, observedAt } from '../helpers.js';

const TWO = 'IFACE_DEVICE=( eth1 eth2 )\nIFACE_WEI=( 2 1 )\n';
const PINNED = `${TWO}PIN=( "192.0.2.0/24 eth2" )\n`;

interface Script {
  /** What observe() returns, call by call (the last one repeats). */
  observed: Observed[];
  /** What each applyIp returns (read back), or the error it throws. */
  applied: (Observed | Error)[];
  nft?: ObservedNft[];
  listing?: string;
}

/** A kernel that replays captured states and records what it was asked to run. */
function replay(script: Script): Kernel & { ran: string[][]; nftRan: string[] } {
  const take = <T>(list: T[], what: string): T => {
    const next = list.length > 1 ? list.shift() : list[0];
    if (next === undefined) throw new Error(`the test gave no ${what}`);
    return next;
  };
  const ran: string[][] = [];
  const nftRan: string[] = [];
  return {
    ran,
    nftRan,
    observe: () => take(script.observed, 'observed state'),
    hashPolicy: () => undefined,
    observeNft: () => (script.nft ? take(script.nft, 'nft state') : undefined),
    listNft: () => script.listing ?? '',
    applyIp: (segments) => {
      ran.push(segments.flatMap((s) => s.lines));
      const next = take(script.applied, 'applied state');
      if (next instanceof Error) throw next;
      return next;
    },
    applyNft: (input) => {
      nftRan.push(input);
    },
    releaseMark: () => 0,
  };
}

const records = (state: string): Records => ({ leases: leasesAt(state), delegated: new Map(), ownedLan: [], health: EMPTY_RECORD, drained: new Set(), factors: new Map(), maintenance: new Map(), peerResolvers: new Map(), recordedResolvers: new Map(), dhcp6Resolvers: new Map() });
const failed = (): Error => new CommandError(['/usr/sbin/ip', '-batch', '-'], 1, 'RTNETLINK answers: File exists\nCommand failed -:3');

function run(kernel: Kernel, text = TWO): void {
  const config = configFrom(text);
  const before = assess(config, kernel, records('bound-fresh'), new Log(false));
  expect(before.plan.changes.length).toBeGreaterThan(0);
  applyVerified(before, kernel, new Log(false));
}

describe('apply, read back, roll back', () => {
  it('accepts a read-back that holds the plan: one ip run, no rollback', () => {
    const kernel = replay({ observed: [observedAt('bound-fresh')], applied: [observedAt('applied-2')] });
    run(kernel);
    expect(kernel.ran).toHaveLength(1);
    expect(kernel.ran[0]?.at(-1)).toMatch(/^route replace default table 254 metric 10 proto 73 nexthop/);
  });

  it('rolls back when the read-back differs, and says what differed', () => {
    // the changes "took" only as far as applied-2's tables; then the default route vanished
    const partial: Observed = { ...observedAt('applied-2'), routes: observedAt('applied-2').routes.filter((r) => !(r.table === 254 && r.dst === 'default')) };
    const kernel = replay({ observed: [observedAt('bound-fresh'), partial], applied: [partial, observedAt('bound-fresh')] });
    let error: unknown;
    try {
      run(kernel);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ApplyError);
    const text = (error as Error).message;
    expect(text).toMatch(/^the kernel does not hold what was applied/);
    expect(text).toMatch(/missing: route default table 254 metric 10 proto 73 nexthop/);
    expect(text).toMatch(/rolled back to the state before this run \(\d+ change\(s\)\)/);
    // the rollback deletes what this run added, from the state it found
    expect(kernel.ran).toHaveLength(2);
    expect(kernel.ran[1]?.every((line) => line.startsWith('rule del') || line.startsWith('route del'))).toBe(true);
  });

  it('rolls back when ip fails half-way, from a fresh read of the kernel', () => {
    const half: Observed = { ...observedAt('bound-fresh'), routes: [...observedAt('bound-fresh').routes, ...observedAt('applied-2').routes.filter((r) => r.table === 201)] };
    const kernel = replay({ observed: [observedAt('bound-fresh'), half], applied: [failed(), observedAt('bound-fresh')] });
    let message = '';
    try {
      run(kernel);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/^applying failed: .*File exists/);
    expect(message).toMatch(/rolled back/);
    expect(kernel.ran[1]).toEqual(expect.arrayContaining(['route del default table 201 metric 0']));
  });

  it('says the rollback is incomplete, naming what still differs from before', () => {
    const kernel = replay({ observed: [observedAt('bound-fresh'), observedAt('applied-2')], applied: [failed(), failed()] });
    let message = '';
    try {
      run(kernel);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/rollback incomplete \([\s\S]*File exists[\s\S]*\); differences from the state before this run:/);
    expect(message).toMatch(/unexpected: route default table 254 metric 10/);
  });

  it('reads the nftables table back after replacing it, and puts the listed one back when it differs', () => {
    const listing = 'table inet uplink_lb {\n}\n';
    const absent: ObservedNft = { present: false, chains: 0, rules: 0 };
    const kernel = replay({ observed: [observedAt('bound-fresh')], applied: [observedAt('applied-2'), observedAt('bound-fresh')], nft: [absent], listing });
    expect(() => run(kernel, PINNED)).toThrow(/missing: nft table inet uplink_lb/);
    expect(kernel.nftRan).toHaveLength(2);
    expect(kernel.nftRan[0]).toMatch(/^table inet uplink_lb\ndelete table inet uplink_lb\ntable inet uplink_lb \{/);
    expect(kernel.nftRan[1]).toBe(`table inet uplink_lb\ndelete table inet uplink_lb\n${listing}`);
  });

  it('accepts the table when nft lists the planned fingerprint', () => {
    const config = configFrom(PINNED);
    const absent: ObservedNft = { present: false, chains: 0, rules: 0 };
    const nft: ObservedNft[] = [absent];
    const kernel = replay({ observed: [observedAt('bound-fresh')], applied: [observedAt('applied-2')], nft });
    const before = assess(config, kernel, records('bound-fresh'), new Log(false));
    const planned = before.desired.target.nft;
    if (!planned) throw new Error('no ruleset planned');
    nft.push({ present: true, fingerprint: planned.fingerprint, chains: planned.chains, rules: planned.rules });
    nft.shift();
    applyVerified(before, kernel, new Log(false));
    expect(kernel.nftRan).toHaveLength(1);
  });
});

// A link that changes under a run: ISP 1's carrier goes between the plan's read and the
// read-back, and the kernel deletes eth1's nexthop object, its table's default and its place in
// the group (test/fixtures/carrier-lost-nexthops, captured on the rig after such a loss). The
// run did not fail, and the state before it can no longer be put back: it plans again.
describe('a link that changes while a run applies', () => {
  const commands = (changes: readonly Change[]): string[] => changes.map((c) => ('command' in c ? c.command : `nft: ${c.text}`));
  // weights 1:3 against the applied 2:1: the plan replaces the group, as a drain or a weight does
  const WEIGHTS = 'IFACE_DEVICE=( eth1 eth2 )\nIFACE_WEI=( 1 3 )\n';
  const nexthopRecords = (): Records => ({ ...records('applied-nexthops'), leases: leasesAt('applied-nexthops') });
  const assessed = (kernel: Kernel) => assess(configFrom(WEIGHTS), kernel, nexthopRecords(), new Log(false));
  const notUp = (): Error => new CommandError(['/usr/sbin/ip', '-batch', '-'], 1, 'Error: Nexthop device is not up.\nCommand failed -:1');

  it('the read-back lacks what the kernel deleted with the carrier: no rollback, says what moved', () => {
    const kernel = replay({ observed: [observedAt('applied-nexthops')], applied: [observedAt('carrier-lost-nexthops')] });
    const before = assessed(kernel);
    expect(commands(before.plan.changes)).toEqual(['nexthop replace id 7300000 group 7300001,1/7300002,3 proto 73']);
    expect(applyVerified(before, kernel, new Log(false), true)).toEqual({ done: false, moved: ['eth1 lost its carrier'], cause: 'the kernel does not hold what was applied' });
    expect(kernel.ran).toHaveLength(1);
  });

  it('ip refuses a nexthop on the device that just lost its carrier: no rollback either', () => {
    const kernel = replay({ observed: [observedAt('applied-nexthops'), observedAt('carrier-lost-nexthops')], applied: [notUp()] });
    expect(applyVerified(assessed(kernel), kernel, new Log(false), true)).toEqual({ done: false, moved: ['eth1 lost its carrier'], cause: expect.stringMatching(/^applying failed: .*Nexthop device is not up/) as string });
    expect(kernel.ran).toHaveLength(1);
  });

  it('without replanning (the last attempt) the same read-back rolls back', () => {
    const kernel = replay({ observed: [observedAt('applied-nexthops'), observedAt('carrier-lost-nexthops')], applied: [observedAt('carrier-lost-nexthops'), observedAt('carrier-lost-nexthops')] });
    expect(() => applyVerified(assessed(kernel), kernel, new Log(false), false)).toThrow(/^the kernel does not hold what was applied[\s\S]*missing: nexthop id 7300001/);
    expect(kernel.ran).toHaveLength(2);
  });

  it('links that did not change never hide a failed apply: it rolls back', () => {
    const kernel = replay({ observed: [observedAt('applied-nexthops')], applied: [failed(), observedAt('applied-nexthops')] });
    expect(() => applyVerified(assessed(kernel), kernel, new Log(false), true)).toThrow(/^applying failed: [\s\S]*rolled back to the state before this run/);
  });

  it('plans again from the kernel as it is now, and ends when that plan holds', () => {
    // the second plan, from the kernel without eth1's carrier: only eth2's weight in the group
    const reweighted = observedAt('carrier-lost-nexthops');
    reweighted.nexthops = reweighted.nexthops?.map((n) => (n.id === 7300000 ? { ...n, group: [{ id: 7300002, weight: 3 }] } : n));
    const kernel = replay({ observed: [observedAt('applied-nexthops'), observedAt('carrier-lost-nexthops')], applied: [observedAt('carrier-lost-nexthops'), reweighted] });
    const lines: string[] = [];
    const log = new Log(false);
    log.info = (line: string): void => void lines.push(line);
    let again = 0;
    const settled = applySettled(assessed(kernel), () => (again++, assessed(kernel)), kernel, log);
    expect(again).toBe(1);
    expect(lines).toContain('eth1 lost its carrier while this run applied (the kernel does not hold what was applied): planned again from the kernel as it is now');
    expect(commands(settled.applied)).toEqual(['nexthop replace id 7300000 group 7300001,1/7300002,3 proto 73', 'nexthop replace id 7300000 group 7300002,3 proto 73']);
    expect(settled.last.observed.links.find((l) => l.name === 'eth1')?.carrier).toBe(false);
    expect(kernel.ran).toHaveLength(2);
  });

  it(`a link that keeps changing: ${ATTEMPTS} attempts, then the rollback of any failed apply`, () => {
    // every read shows eth1 with its carrier, every read-back without it
    const kernel = replay({ observed: [observedAt('applied-nexthops')], applied: [observedAt('carrier-lost-nexthops')] });
    let attempts = 1;
    expect(() => applySettled(assessed(kernel), () => (attempts++, assessed(kernel)), kernel, new Log(false))).toThrow(/^the kernel does not hold what was applied[\s\S]*rolled back to the state before this run/);
    expect(attempts).toBe(ATTEMPTS);
    expect(kernel.ran).toHaveLength(ATTEMPTS);
  });
});
