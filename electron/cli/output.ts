import { formatProgress } from '../core/jobs/progress.js';
import type { ErrorData, JobProgress } from '../core/api/types.js';

export class UsageError extends Error {}

/** Exit codes: 0 success, 1 internal failure, 2 bad input or a refused operation. */
export const exitCode = { ok: 0, internal: 1, user: 2 } as const;

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

export function printError(e: ErrorData): void {
  process.stderr.write(`edgefleet: ${e.title}: ${e.detail}\n`);
}

/** A live one-line progress display on a terminal; silent when stderr is not a TTY. */
export function progressPrinter(quiet = false): { progress: (p: JobProgress) => void; done: () => void } {
  const tty = process.stderr.isTTY && !quiet;
  let last = 0;
  return {
    progress(p) {
      if (!tty) return;
      const now = Date.now();
      if (now - last < 80) return;
      last = now;
      process.stderr.write(`\r\x1b[2K${formatProgress(p)}`);
    },
    done() {
      if (tty) process.stderr.write('\r\x1b[2K');
    },
  };
}
