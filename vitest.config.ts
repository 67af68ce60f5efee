import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // Integration tests share the 2 cores with sharp's thread pool; run files one at a time.
    fileParallelism: false,
    pool: 'forks',
    // expect.poll waits on real UI and jobs: 1 s (vitest's default) is too short on a busy 2-core runner.
    expect: { poll: { timeout: 15_000, interval: 50 } },
  },
});
