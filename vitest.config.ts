import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          // test/security/: the attacks hero-journey defends against; those that need the control plane end in .cluster.test.ts.
          include: ['test/unit/**/*.test.ts', 'test/security/**/*.test.ts'],
          exclude: ['test/security/**/*.cluster.test.ts'],
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          // Attacks by a hostile journey, progress file or mirror: what is defended, kept together.
          name: 'security',
          include: ['test/security/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          // Against a real local control plane (test/cluster): started once per run by the globalSetup.
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/security/**/*.cluster.test.ts'],
          globalSetup: ['test/cluster/global-setup.ts'],
          // One shared control plane on a small machine: files run one after another, so a slow
          // rollout in one file cannot starve another's, and chapters that all use namespace dev never collide.
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
