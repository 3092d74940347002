import { basename } from 'node:path';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

// The order the end-to-end files start in, three at a time: the long ones first, so that the
// workers end together (vitest's own order, longest first by the last run's times, has no times
// in a fresh clone and falls back to file size), and from the middle on a file that mostly waits
// (failure and recovery windows, a clock's jumps, held connections) between ones that keep a
// core busy (apt, kill -9 trials, arm64 emulation). The seconds are what each file took in the
// full run of 2026-12-05 14:00 on this 2-core machine, from its start on a worker to its end
// (setup included: `make test` prints them, scripts/test-timeline.mjs); a file not listed
// starts after these. The files that need a Debian root (made from the first second in the
// background by test/e2e/global-setup.ts: trixie and bookworm after about 110 s when not
// cached) start once theirs should be there; the PPPoE machine runs beside them from the setup
// on, and its file, last, only reads what it printed. (Here, not in a file of its own: vitest
// loads a .ts file that this config imports as CommonJS.)
const E2E_ORDER: [file: string, seconds: number][] = [
  ['health.test.ts', 232],
  ['operations.test.ts', 138],
  ['debian13.test.ts', 236],
  ['ipv6.test.ts', 181],
  ['ha-pair.test.ts', 104],
  ['debian12-package.test.ts', 205],
  // from here: waiting and busy, in turn
  ['clock.test.ts', 99],
  ['robustness.test.ts', 171],
  ['pinning.test.ts', 96],
  ['rollback.test.ts', 131],
  ['policies.test.ts', 88],
  ['arm64.test.ts', 36],
  ['dhcpcd-ipv6.test.ts', 57],
  ['core.test.ts', 87],
  ['tiers.test.ts', 67],
  ['reconcile.test.ts', 43],
  ['same-network.test.ts', 20],
  // its trial runs in the background from the setup on, at the lowest priority (make test); the
  // file's own cases take seconds, then it reads what the trial wrote
  ['corpus.test.ts', 9],
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
    // Three files at a time on the machine's two cores: each end-to-end file brings up a
    // namespace rig of its own, named after its worker (test/e2e/rig.ts), and many of them
    // spend long stretches waiting (failure and recovery windows, a clock's jumps, held
    // connections). Two at a time left the cores 76-80% busy (749-803 s from a fresh clone);
    // three keep them 96% busy (713 s, 2026-12-05). The timing bounds that such a load
    // stretches tell a working run from a broken one by a wide margin (clock.test.ts,
    // health.test.ts): the figures themselves are printed, and measured by benchmarks.
    fileParallelism: true,
    maxWorkers: 3,
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
