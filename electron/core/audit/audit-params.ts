// What the audit log keeps of a request's input: the input itself when it is small, else its size and
// SHA-256. The log is append-only, so a stranger's 4 MiB (or 64-levels-deep) input must not be kept
// whole; the digest still ties the entry to the input for whoever holds a copy.
import { createHash } from 'node:crypto';

/** Inputs whose JSON is longer than this are recorded as a digest. */
export const maxAuditParamBytes = 16 * 1024;
/** Deeper inputs are recorded as a digest (JSON.stringify would recurse once per level). */
const maxDepth = 32;

export interface OversizedInput {
  oversized: true;
  bytes: number | null;
  sha256: string;
}

export function auditParams(input: unknown): unknown {
  if (depthOver(input, maxDepth)) return digestOf(input, null);
  const text = JSON.stringify(input ?? {});
  if (text.length <= maxAuditParamBytes) return input ?? {};
  return digestOf(input, Buffer.byteLength(text));
}

/** True when a value nests deeper than `limit`, found without recursion. */
function depthOver(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (!v || typeof v !== 'object') continue;
    if (d >= limit) return true;
    for (const child of Object.values(v as object)) stack.push([child, d + 1]);
  }
  return false;
}

/** Punctuation of the canonical walk, told apart from the input's own strings. */
class Raw {
  constructor(readonly text: string) {}
}

/** SHA-256 over a canonical walk of the value (keys sorted), iterative so any depth is safe. */
function digestOf(value: unknown, bytes: number | null): OversizedInput {
  const hash = createHash('sha256');
  const stack: unknown[] = [value];
  while (stack.length) {
    const v = stack.pop();
    if (v instanceof Raw) {
      hash.update(v.text);
      continue;
    }
    if (!v || typeof v !== 'object') {
      hash.update(JSON.stringify(v ?? null));
      continue;
    }
    if (Array.isArray(v)) {
      hash.update('[');
      stack.push(new Raw(']'));
      for (let i = v.length - 1; i >= 0; i--) stack.push(v[i], new Raw(','));
    } else {
      hash.update('{');
      stack.push(new Raw('}'));
      const keys = Object.keys(v).sort().reverse();
      for (const k of keys) stack.push((v as Record<string, unknown>)[k], new Raw(`${JSON.stringify(k)}:`));
    }
  }
  return { oversized: true, bytes, sha256: hash.digest('hex') };
}
