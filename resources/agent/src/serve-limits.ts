// How much the local inference endpoint takes at once, from the device's memory: a request's body is
// held about three times over while it runs (the JSON text, the decoded bytes, the tensor), so the
// body limit and the number of requests served at once together stay within an eighth of memory.
import os from 'node:os';

export interface ServeLimits {
  maxBodyBytes: number;
  maxConcurrent: number;
}

const MiB = 1024 * 1024;

export function serveLimits(totalBytes = os.totalmem(), cpus = os.availableParallelism()): ServeLimits {
  const maxBodyBytes = clamp(Math.floor(totalBytes / 32), MiB, 64 * MiB);
  const maxConcurrent = clamp(Math.floor(totalBytes / 8 / (3 * maxBodyBytes)), 1, Math.max(2, cpus * 2));
  return { maxBodyBytes, maxConcurrent };
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, n));
}
