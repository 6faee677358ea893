// The pure input rules behind the Rollouts wizard and the Audit page's filter bar.
import { describe, expect, it } from 'vitest';
import { auditQuery, emptyAuditFilter } from '../../renderer/src/pages/audit/audit-filter.js';
import { parsePercents } from '../../renderer/src/pages/rollouts/stage-input.js';

describe('rollout stage percentages', () => {
  it('reads cumulative percentages separated by commas, spaces or arrows', () => {
    expect(parsePercents('5, 25, 100')).toEqual([5, 25, 100]);
    expect(parsePercents('1 → 10 → 50')).toEqual([1, 10, 50]);
    expect(parsePercents('2.5,100')).toEqual([2.5, 100]);
  });

  it('says what is wrong with a stage list it refuses', () => {
    expect(parsePercents('')).toMatch(/at least one percentage/);
    expect(parsePercents('5, 0, 100')).toMatch(/above 0 and at most 100/);
    expect(parsePercents('5, 150')).toMatch(/at most 100/);
    expect(parsePercents('5, abc')).toMatch(/percentage/);
    expect(parsePercents('25, 5, 100')).toMatch(/cumulative/);
    expect(parsePercents('25, 25')).toMatch(/cumulative/);
  });
});

describe('audit filter to query', () => {
  it('sends only the fields given, trimmed', () => {
    expect(auditQuery(emptyAuditFilter)).toEqual({});
    expect(auditQuery({ ...emptyAuditFilter, actor: '  engine ', action: 'rollout.create', outcome: 'failed', target: ' ' })).toEqual({
      actor: 'engine',
      action: 'rollout.create',
      outcome: 'failed',
    });
  });

  it('turns local date-times into UTC ISO times and drops what is not a date', () => {
    const q = auditQuery({ ...emptyAuditFilter, since: '2026-03-01T10:30', until: 'not a date' });
    expect(q.since).toBe(new Date('2026-03-01T10:30').toISOString());
    expect(q.until).toBeUndefined();
  });
});
