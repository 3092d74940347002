import { defineConfig } from 'vitest/config';
import { RootsLater } from './test/sequencer.js';

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
