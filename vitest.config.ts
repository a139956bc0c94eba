import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
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
          // test/security/: the attacks hero-journey defends against (hostile journeys, progress files,
          // mirrors, kubeconfigs), kept together; those that need the control plane end in .cluster.test.ts
          // and run in the integration project.
          name: 'security',
          include: ['test/security/**/*.test.ts'],
          exclude: ['test/security/**/*.cluster.test.ts'],
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
