import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// An integration file starts real agents, sshd, namespaces and CLI processes that want a core or two of
// their own, so vitest's default (one file per core but one) overloads the machine and timeouts follow.
// One integration file per four cores, at least one, at most four; unit files keep the default.
const integrationWorkers = Math.min(4, Math.max(1, Math.floor(availableParallelism() / 4)));

export default defineConfig({
  test: {
    root: new URL('..', import.meta.url).pathname,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // No mDNS from tests on this machine's network; tests that check discovery unset it inside a namespace.
    env: { EDGEFLEET_DISCOVERY: 'off' },
    reporters: ['default'],
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      {
        extends: true,
        // After the unit files (groupOrder), never beside them.
        test: { name: 'integration', include: ['test/integration/**/*.test.ts'], maxWorkers: integrationWorkers, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
