import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditLog, auditMigration } from '../../electron/core/audit/audit-store.js';
import { auditCsv } from '../../electron/core/audit/csv.js';

let dir: string;
let db: Database.Database;
let log: AuditLog;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'edgefleet-audit-'));
  db = new Database(path.join(dir, 'registry.db'));
  auditMigration(db);
  auditMigration(db);
  let minute = 0;
  log = new AuditLog(db, () => new Date(Date.UTC(2030, 0, 1, 0, minute++)).toISOString());
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

function seed(): void {
  log.append({ actor: 'user:ana', action: 'rollout.start', target: 'rollout:r_1', params: { stages: [5, 25, 100] }, outcome: 'started' });
  log.append({ actor: 'engine', action: 'device.deploy', target: 'device:cam-01', params: { rollout: 'r_1' }, outcome: 'succeeded' });
  log.append({ actor: 'engine', action: 'device.deploy', target: 'device:cam-02', params: { rollout: 'r_1' }, outcome: 'failed', detail: 'upload failed' });
  log.append({ actor: 'user:ana', action: 'rollout.pause', target: 'rollout:r_1', outcome: 'succeeded' });
}

describe('audit log', () => {
  it('appends with the store’s time and reads back in order', () => {
    const e = log.append({ actor: 'cli', action: 'model.add', target: 'model:m_1', params: { file: 'a.onnx' }, outcome: 'succeeded' });
    expect(e).toEqual({ seq: 1, at: '2030-01-01T00:00:00.000Z', actor: 'cli', action: 'model.add', target: 'model:m_1', params: { file: 'a.onnx' }, outcome: 'succeeded', detail: null });
    seed();
    expect(log.query().map((x) => x.seq)).toEqual([1, 2, 3, 4, 5]);
  });

  it('filters by action, target, actor, outcome, time and limit', () => {
    seed();
    expect(log.query({ action: 'device.deploy' }).map((e) => e.target)).toEqual(['device:cam-01', 'device:cam-02']);
    expect(log.query({ target: 'rollout:r_1' }).map((e) => e.action)).toEqual(['rollout.start', 'rollout.pause']);
    expect(log.query({ actor: 'engine', outcome: 'failed' })).toMatchObject([{ detail: 'upload failed' }]);
    expect(log.query({ since: '2030-01-01T00:01:00.000Z', until: '2030-01-01T00:03:00.000Z' }).map((e) => e.seq)).toEqual([2, 3]);
    expect(log.query({ limit: 2, order: 'desc' }).map((e) => e.seq)).toEqual([4, 3]);
  });

  it('refuses UPDATE and DELETE in the database itself', () => {
    seed();
    expect(() => db.prepare("UPDATE audit_log SET outcome = 'succeeded' WHERE seq = 3").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit_log WHERE seq = 1').run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
    expect(log.query()).toHaveLength(4);
  });

  it('exports the entries the query selects in the audit CSV layout (its spec and test: csv.ts, audit-csv.test.ts)', () => {
    seed();
    log.append({ actor: 'user:o"brien', action: 'device.tag', target: 'tag:a,b', params: { note: 'line 1\nline 2' }, outcome: 'refused', detail: 'said "no", twice' });
    expect(log.exportCsv()).toBe(auditCsv(log.query()));
    expect(log.exportCsv({ action: 'device.deploy', order: 'desc' })).toBe(auditCsv(log.query({ action: 'device.deploy', order: 'desc' })));
    expect(log.exportCsv({ action: 'device.deploy' }).trim().split('\r\n')).toHaveLength(3);
  });

  it('exports JSON with the same filter', () => {
    seed();
    const rows = JSON.parse(log.exportJson({ action: 'rollout.start' })) as unknown[];
    expect(rows).toEqual([{ seq: 1, at: '2030-01-01T00:00:00.000Z', actor: 'user:ana', action: 'rollout.start', target: 'rollout:r_1', params: { stages: [5, 25, 100] }, outcome: 'started', detail: null }]);
  });
});
