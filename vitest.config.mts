import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Three files at a time: each end-to-end file brings up a namespace rig of its own, named
    // after its worker (test/e2e/rig.ts); they mostly wait (for DHCP, probes, connections),
    // so three share the machine's two cores and keep `make test` under 15 minutes.
    fileParallelism: true,
    maxWorkers: 3,
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
