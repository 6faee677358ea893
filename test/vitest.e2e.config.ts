import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: new URL('..', import.meta.url).pathname,
    include: ['test/e2e/**/*.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    pool: 'forks',
    // No mDNS from tests on this machine's network; tests that check discovery unset it inside a namespace.
    env: { EDGEFLEET_DISCOVERY: 'off' },
  },
});
