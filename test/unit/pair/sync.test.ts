// Whether conntrackd's synchronisation works, from `conntrackd -s` as captured on the test pair
// (scripts/rig/pair.sh: a backup's and a master's, and a backup's with its sync link down), and its
// standard error in a Debian 13 root without /etc/protocols (PAIR_ROOT=trixie before netbase).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConntrackdStats, unknownProtocols } from '../../../src/pair/conntrackd-stats.js';
import { judgeSync, SYNC_SILENCE_MS } from '../../../src/pair/sync-judgement.js';
import { bad, ok } from '../../../src/util/result.js';

const stats = (name: string): string => readFileSync(`test/fixtures/conntrackd/${name}`, 'utf8');

describe("conntrackd -s", () => {
  it('reads the dedicated link and the packets received on it', () => {
    expect(parseConntrackdStats(stats('stats-backup.txt'))).toEqual({ value: { device: 'sync0', received: 32, errors: 0 } });
    expect(parseConntrackdStats(stats('stats-master.txt'))).toMatchObject({ value: { device: 'sync0', received: 28 } });
    expect(parseConntrackdStats(stats('stats-link-down.txt'))).toMatchObject({ value: { device: 'sync0', received: 32 } });
    expect(parseConntrackdStats('cache internal:\ncurrent active connections:\t0\n')).toEqual({ problem: 'names no active synchronisation link (no "traffic (active device=...)" block)' });
  });

  it("names the protocols it could not find in /etc/protocols (Debian 13's minimal root has no netbase: nothing is synchronised), and none when it found them", () => {
    expect(unknownProtocols(stats('stderr-no-protocols.txt'))).toEqual(['tcp', 'udp', 'ICMP', 'IPv6-ICMP']);
    expect(unknownProtocols('')).toEqual([]);
  });
});

describe('the synchronisation judged', () => {
  const sample = (received: number): ReturnType<typeof parseConntrackdStats> => ok({ device: 'sync0', received, errors: 0 });

  it('works while the count of received packets grows; lost after SYNC_SILENCE_MS without one; back at the next', () => {
    let seen = judgeSync(sample(28), undefined, 1000);
    expect(seen).toEqual({ received: 28, heard: 1000, working: true, reason: "the peer's messages arrive over sync0" });
    seen = judgeSync(sample(30), seen, 3000);
    expect(seen.heard).toBe(3000);
    seen = judgeSync(sample(30), seen, 3000 + SYNC_SILENCE_MS - 1);
    expect(seen.working).toBe(true);
    seen = judgeSync(sample(30), seen, 3000 + SYNC_SILENCE_MS);
    expect(seen).toEqual({ received: 30, heard: 3000, working: false, reason: 'no message from the peer over sync0 for 6 s' });
    // a restarted conntrackd counts from 0 again: a change all the same
    seen = judgeSync(sample(2), seen, 20_000);
    expect(seen).toMatchObject({ working: true, heard: 20_000 });
  });

  it('takes a conntrackd that does not answer for silence: lost once the peer was last heard SYNC_SILENCE_MS ago (from the first look, when it never answered)', () => {
    const gone = bad<never>('conntrackd -s failed (exit 1): can\'t connect: is conntrackd running?');
    const before = judgeSync(sample(28), undefined, 1000);
    expect(judgeSync(gone, before, 2000)).toEqual({ received: 28, heard: 1000, working: true, reason: "conntrackd -s failed (exit 1): can't connect: is conntrackd running? (lost if it goes on 5 s more)" });
    expect(judgeSync(gone, before, 1000 + SYNC_SILENCE_MS)).toEqual({ received: 28, heard: 1000, working: false, reason: 'conntrackd -s failed (exit 1): can\'t connect: is conntrackd running?' });
    // a check that starts before conntrackd
    const first = judgeSync(gone, undefined, 5000);
    expect(first).toMatchObject({ heard: 5000, working: true });
    expect(judgeSync(sample(3), first, 6000)).toEqual({ received: 3, heard: 6000, working: true, reason: "the peer's messages arrive over sync0" });
    expect(judgeSync(gone, first, 5000 + SYNC_SILENCE_MS)).toMatchObject({ working: false });
  });
});
