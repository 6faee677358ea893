// What a check found wrong, as a firmware author needs it: where (a field path), what was expected,
// what came. Zod issues of a device message become these.
import type { z } from 'zod';

export interface Problem {
  path: string;
  expected: string;
  received: string;
}

/** A value, short enough for one line. */
export function shown(v: unknown): string {
  if (v === undefined) return 'nothing (missing)';
  const text = typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v) ?? String(v);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function at(value: unknown, path: readonly PropertyKey[]): unknown {
  let v = value;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

/** One problem per zod issue (the first few), paths prefixed with the message's name ('status', 'info'). */
export function problemsOf(prefix: string, value: unknown, error: z.ZodError, most = 5): Problem[] {
  return error.issues.slice(0, most).map((issue) => {
    const path = [prefix, ...issue.path.map(String)].join('.');
    const received = issue.code === 'unrecognized_keys' ? `extra field(s) ${issue.keys.join(', ')}` : shown(at(value, issue.path));
    return { path, expected: issue.message, received };
  });
}
