// One HTTP byte range (RFC 9110 §14.1.2) against a representation of `size` bytes. Several ranges,
// another unit or a malformed header are ignored (null: the whole file), which the RFC allows.

export type ByteRange = { start: number; end: number } | 'unsatisfiable' | null;

export function parseRange(header: string, size: number): ByteRange {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return null;
  if (m[1] === '') {
    // A suffix: the last N bytes.
    const n = Number(m[2]);
    if (n === 0) return 'unsatisfiable';
    return size === 0 ? 'unsatisfiable' : { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (!Number.isSafeInteger(start) || start >= size) return 'unsatisfiable';
  if (end < start) return null; // last-pos before first-pos is invalid syntax: ignored
  return { start, end };
}
