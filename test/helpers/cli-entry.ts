// Runs the `edgefleet` CLI from its TypeScript sources: `node --import tsx cli-entry.ts ARGS…`.
// A script file, not `node -e`: node would take a first argument such as `inspect` as its own command.
import { main } from '../../electron/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
