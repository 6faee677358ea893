import { describe, expect, it } from 'vitest';
import { auditParams, maxAuditParamBytes } from '../../electron/core/audit/audit-params.js';

describe('what the audit log keeps of an input', () => {
  it('keeps a small input as it is', () => {
    expect(auditParams({ id: 'm1', tags: ['a'] })).toEqual({ id: 'm1', tags: ['a'] });
    expect(auditParams(undefined)).toEqual({});
  });

  it('keeps a digest and the size of an input over the limit', () => {
    const input = { id: 'm1', junk: 'x'.repeat(maxAuditParamBytes) };
    const kept = auditParams(input) as { oversized: boolean; bytes: number; sha256: string };
    expect(kept).toMatchObject({ oversized: true, bytes: JSON.stringify(input).length });
    expect(kept.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(kept).length).toBeLessThan(200);
  });

  it('digests an input nested deeper than JSON.stringify can go, without throwing', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 200_000; i++) deep = { a: deep };
    expect(() => JSON.stringify(deep)).toThrow(RangeError);
    const kept = auditParams(deep) as { oversized: boolean; bytes: null; sha256: string };
    expect(kept).toMatchObject({ oversized: true, bytes: null });
    expect(kept.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('gives equal inputs the same digest whatever their key order, and different inputs different ones', () => {
    const big = 'y'.repeat(maxAuditParamBytes);
    const a = auditParams({ x: 1, big }) as { sha256: string };
    const b = auditParams({ big, x: 1 }) as { sha256: string };
    const c = auditParams({ big, x: 2 }) as { sha256: string };
    const d = auditParams({ big: [big], x: 1 }) as { sha256: string };
    expect(a.sha256).toBe(b.sha256);
    expect(a.sha256).not.toBe(c.sha256);
    expect(a.sha256).not.toBe(d.sha256);
  });
});
