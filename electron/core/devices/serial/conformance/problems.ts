// What a check found wrong, as a firmware author needs it: where (a field path), what was expected,
// what came. Zod issues of a device message become these.
import type { z } from 'zod';
import { issueParts, type IssuePart } from '../../../../../resources/device-protocol/protocol-error.js';

export type Problem = IssuePart;

/** A value, short enough for one line. */
export function shown(v: unknown): string {
  if (v === undefined) return 'nothing (missing)';
  const text = typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v) ?? String(v);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** One problem per zod issue (the first few), paths prefixed with the message's name ('status', 'info'): the console's own wording (protocol-error.ts). */
export function problemsOf(prefix: string, value: unknown, error: z.ZodError, schema?: z.ZodType, most = 5): Problem[] {
  return issueParts(prefix, error.issues, value, schema, most);
}
