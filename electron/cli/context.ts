import { createCore, type Core } from '../core/core.js';
import { resolveHome } from '../core/registry/home.js';
import { UsageError } from './output.js';

/** Opens the core for one CLI command; the caller closes it. */
export function openCore(home: string | undefined): Core {
  return createCore({ home: resolveHome(home), mode: 'cli' });
}

export function intOption(value: string | undefined, name: string, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be a whole number ≥ ${min}, got "${value}"`);
  return n;
}
