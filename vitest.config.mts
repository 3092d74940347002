import { basename } from 'node:path';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

// The order the end-to-end files start in, two at a time: the long ones first, so that the two
// workers end together (vitest's own order, longest first by the last run's times, has no times
// in a fresh clone and falls back to file size), and from the middle on a file that mostly waits
// (failure and recovery windows, a clock's jumps, held connections) beside one that keeps a core
// busy (apt, kill -9 trials, arm64 emulation): two that wait side by side left the cores 32-50%
// busy for two minutes (clock, pinning, policies, dhcpcd-ipv6 in the run of 2026-12-05 09:35). The seconds are what each file took in that full run on this 2-core
// machine, from its start on a worker to its end (setup included: `make test` prints them,
// scripts/test-timeline.mjs); a file not listed starts after these. The files that need a Debian
// root (made from the first second in the background by test/e2e/global-setup.ts: trixie and
// bookworm after about 110 s when not cached) start once theirs should be there; the PPPoE
// machine runs beside them all from the setup on, and its file, last, only reads what it
// printed. (Here, not in a file of its own: vitest loads a .ts file that this config imports as
// CommonJS.)
const E2E_ORDER: [file: string, seconds: number][] = [
  ['health.test.ts', 183],
  ['operations.test.ts', 101],
  ['debian13.test.ts', 197],
  ['ipv6.test.ts', 198],
  ['ha-pair.test.ts', 117],
  ['debian12-package.test.ts', 119],
  // from here: waiting, busy, waiting, busy...
  ['clock.test.ts', 79],
  ['robustness.test.ts', 91],
  ['pinning.test.ts', 61],
  ['rollback.test.ts', 87],
  ['policies.test.ts', 64],
  ['arm64.test.ts', 59],
  ['dhcpcd-ipv6.test.ts', 51],
  ['core.test.ts', 57],
  ['tiers.test.ts', 56],
  ['reconcile.test.ts', 39],
  ['same-network.test.ts', 17],
  // its trial runs in the background from the setup on, at the lowest priority (make test); the
  // file's own cases take seconds, then it reads what the trial wrote
  ['corpus.test.ts', 8],
  // its virtual machine runs in the background from the setup on (make test); the file waits for it
  ['pppoe.test.ts', 0],
];

class PlannedOrder extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (f: TestSpecification): number => {
      const at = E2E_ORDER.findIndex(([name]) => name === basename(f.moduleId));
      return f.moduleId.includes('/test/e2e/') ? (at < 0 ? E2E_ORDER.length : at) : -1;
    };
    // a stable sort: the unit files first, in vitest's order
    const order = [...sorted].sort((a, b) => rank(a) - rank(b));
    if (process.env.SHOW_ORDER) console.error(order.map((f) => basename(f.moduleId)).join(' '));
    return order;
  }
}

export default defineConfig({
  test: {
    // Two files at a time: each end-to-end file brings up a namespace rig of its own, named
    // after its worker (test/e2e/rig.ts), and the machine has two cores. Three at a time, from a
    // fresh clone: 821 s against 834-894 s for two, the cores 94% busy against 70-75%, and 1551
    // busy core-seconds against about 1300 (the same work costs more CPU when files wait on a
    // crowded machine); a failure's timing bound broke under that load (2026-12-05).
    fileParallelism: true,
    maxWorkers: 2,
    sequence: { sequencer: PlannedOrder },
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/e2e/global-setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
