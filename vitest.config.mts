import { basename } from 'node:path';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

// The order the test files start in. vitest's own order (failed first, then longest first by
// the last run's times, or by file size in a fresh clone) put debian13.test.ts first, which
// then waited about 100 s for its Debian root, made from the first second in the background
// (test/e2e/global-setup.ts), while holding one of the two workers. The files that need a
// Debian root or the virtual machine start after the first few of the others instead, by
// which time their roots are made. (Here, not in a file of its own: vitest loads a .ts file
// that this config imports as CommonJS.)
/** Files that wait for a root made in the background. */
const NEEDS_A_ROOT = ['debian13.test.ts', 'debian12-package.test.ts', 'pppoe.test.ts'];
/** How many other end-to-end files start before them (two workers: about two minutes' worth). */
const AFTER = 4;

class RootsLater extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const late = sorted.filter((f) => NEEDS_A_ROOT.includes(basename(f.moduleId)));
    const rest = sorted.filter((f) => !late.includes(f));
    // after the unit files and the first AFTER end-to-end files
    let seen = 0;
    const at = rest.findIndex((f) => f.moduleId.includes('/test/e2e/') && ++seen > AFTER);
    const order = at < 0 ? [...rest, ...late] : [...rest.slice(0, at), ...late, ...rest.slice(at)];
    if (process.env.SHOW_ORDER) console.error(order.map((f) => basename(f.moduleId)).join(' '));
    return order;
  }
}

export default defineConfig({
  test: {
    // Two files at a time: each end-to-end file brings up a namespace rig of its own, named
    // after its worker (test/e2e/rig.ts), and the machine has two cores (three at a time
    // failed timing-bound tests: a loaded machine is not a fair test of sub-second failover).
    fileParallelism: true,
    maxWorkers: 2,
    sequence: { sequencer: RootsLater },
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
