// The audit log's one CSV layout (electron/core/audit/csv.ts): column order, quoting, line endings.
// The channel (audit.export) and the CLI (`edgefleet audit --csv`) are checked to produce exactly this.
import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../electron/core/api/types.js';
import { auditCsv, auditCsvColumns, csvField, toCsv } from '../../electron/core/audit/csv.js';

const entry = (over: Partial<AuditEntry>): AuditEntry => ({
  seq: 1,
  at: '2030-01-01T00:00:00.000Z',
  actor: 'user:ana',
  action: 'rollout.start',
  target: 'rollout:r_1',
  params: {},
  outcome: 'started',
  detail: null,
  ...over,
});

describe('audit CSV', () => {
  it('has one header row in the documented column order', () => {
    expect(auditCsvColumns).toEqual(['seq', 'at', 'actor', 'action', 'target', 'params', 'outcome', 'detail']);
    expect(auditCsv([])).toBe('seq,at,actor,action,target,params,outcome,detail\r\n');
  });

  it('writes one CRLF-terminated row per entry, in the order given, params as compact JSON and no detail as empty', () => {
    const csv = auditCsv([
      entry({ seq: 7, params: { stages: [5, 25, 100] }, detail: 'three stages' }),
      entry({ seq: 3, action: 'rollout.pause', outcome: 'succeeded' }),
    ]);
    expect(csv).toBe(
      'seq,at,actor,action,target,params,outcome,detail\r\n' +
        '7,2030-01-01T00:00:00.000Z,user:ana,rollout.start,rollout:r_1,"{""stages"":[5,25,100]}",started,three stages\r\n' +
        '3,2030-01-01T00:00:00.000Z,user:ana,rollout.pause,rollout:r_1,{},succeeded,\r\n',
    );
  });

  it('quotes a field with a comma, a double quote, CR or LF, doubling the quotes inside, and nothing else', () => {
    const csv = auditCsv([entry({ actor: 'user:o"brien', target: 'tag:a,b', params: { note: 'line 1\nline 2' }, outcome: 'refused', detail: 'said "no",\r\ntwice' })]);
    expect(csv.split('\r\n')[1]).toBe('1,2030-01-01T00:00:00.000Z,"user:o""brien",rollout.start,"tag:a,b","{""note"":""line 1\\nline 2""}",refused,"said ""no"",');
    expect(csv.endsWith('twice"\r\n')).toBe(true);
    expect(csvField('a\nb')).toBe('"a\nb"');
    expect(csvField('a\rb')).toBe('"a\rb"');
    expect(csvField("semi;colon 'single' tab\t")).toBe("semi;colon 'single' tab\t");
    expect(csvField(null)).toBe('');
    expect(csvField(undefined)).toBe('');
    expect(csvField(12)).toBe('12');
    expect(toCsv([])).toBe('');
  });
});
