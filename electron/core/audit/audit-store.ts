// The audit log: who did what to which target, with what parameters and outcome, and when.
// Append-only, enforced by the database itself: triggers refuse every UPDATE and DELETE.
import type Database from 'better-sqlite3';
import type { AuditEntry } from '../api/types.js';
import { auditCsv } from './csv.js';
import { prepared } from '../registry/prepared.js';

/** Appended to the registry's migrations (registry/migrations.ts). */
export const auditMigrationSql = `
  CREATE TABLE IF NOT EXISTS audit_log (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    params TEXT NOT NULL,
    outcome TEXT NOT NULL,
    detail TEXT
  );
  CREATE INDEX IF NOT EXISTS audit_log_at ON audit_log (at);
  CREATE INDEX IF NOT EXISTS audit_log_action ON audit_log (action, at);
  CREATE INDEX IF NOT EXISTS audit_log_target ON audit_log (target, at);
  CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
  CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
`;

export function auditMigration(db: Database.Database): void {
  db.exec(auditMigrationSql);
}

export type { AuditEntry };
export type AuditOutcome = AuditEntry['outcome'];

export interface AuditInput {
  /** A person (`user:alice`), the CLI, or the engine acting on its own (`engine`). */
  actor: string;
  /** Dotted verb: `rollout.start`, `device.deploy`, `ab.promote`. */
  action: string;
  /** What it acted on: `rollout:r_12`, `device:cam-07`, a selector. */
  target: string;
  params?: unknown;
  outcome: AuditOutcome;
  /** An error message or a note. */
  detail?: string | null;
}


export interface AuditQuery {
  action?: string;
  actor?: string;
  target?: string;
  outcome?: AuditOutcome;
  /** ISO time, inclusive. */
  since?: string;
  /** ISO time, exclusive. */
  until?: string;
  limit?: number;
  /** 'asc' (oldest first, the default) or 'desc'. */
  order?: 'asc' | 'desc';
}

interface AuditRow {
  seq: number;
  at: string;
  actor: string;
  action: string;
  target: string;
  params: string;
  outcome: AuditOutcome;
  detail: string | null;
}

export class AuditLog {
  constructor(
    private readonly db: Database.Database,
    private readonly now: () => string = () => new Date().toISOString(),
  ) {}

  append(input: AuditInput): AuditEntry {
    const at = this.now();
    const params = JSON.stringify(input.params ?? {});
    const info = prepared(this.db, 'INSERT INTO audit_log (at, actor, action, target, params, outcome, detail) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(at, input.actor, input.action, input.target, params, input.outcome, input.detail ?? null);
    return {
      seq: Number(info.lastInsertRowid),
      at,
      actor: input.actor,
      action: input.action,
      target: input.target,
      params: JSON.parse(params),
      outcome: input.outcome,
      detail: input.detail ?? null,
    };
  }

  query(q: AuditQuery = {}): AuditEntry[] {
    const where: string[] = [];
    const args: (string | number)[] = [];
    const eq = (column: string, value: string | undefined) => {
      if (value === undefined) return;
      where.push(`${column} = ?`);
      args.push(value);
    };
    eq('action', q.action);
    eq('actor', q.actor);
    eq('target', q.target);
    eq('outcome', q.outcome);
    if (q.since !== undefined) {
      where.push('at >= ?');
      args.push(q.since);
    }
    if (q.until !== undefined) {
      where.push('at < ?');
      args.push(q.until);
    }
    let sql = `SELECT * FROM audit_log${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY seq ${q.order === 'desc' ? 'DESC' : 'ASC'}`;
    if (q.limit !== undefined) {
      sql += ' LIMIT ?';
      args.push(Math.max(0, Math.floor(q.limit)));
    }
    const rows = prepared(this.db, sql).all(...args) as AuditRow[];
    return rows.map((r) => ({ ...r, params: JSON.parse(r.params) }));
  }

  /** The audit CSV layout (csv.ts) of the entries the query selects. */
  exportCsv(q: AuditQuery = {}): string {
    return auditCsv(this.query(q));
  }

  exportJson(q: AuditQuery = {}): string {
    return `${JSON.stringify(this.query(q), null, 2)}\n`;
  }
}
