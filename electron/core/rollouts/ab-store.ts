// A/B assignments in the registry database: one row per assignment (its record as JSON) and one row
// per cohort device, so "is this device already in a running experiment" is a single query.
import type Database from 'better-sqlite3';
import { AppError } from '../api/errors.js';
import type { AbAssignment, AbState } from '../api/types.js';

/** Appended to the registry's migrations (registry/migrations.ts). */
export const abMigrationSql = `
  CREATE TABLE IF NOT EXISTS ab_assignments (
    id TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    record TEXT NOT NULL
  );
  CREATE TABLE IF NOT EXISTS ab_cohorts (
    assignment_id TEXT NOT NULL REFERENCES ab_assignments (id) ON DELETE CASCADE,
    device_id TEXT NOT NULL,
    variant TEXT NOT NULL,
    PRIMARY KEY (assignment_id, device_id)
  );
  CREATE INDEX IF NOT EXISTS ab_cohorts_device ON ab_cohorts (device_id);
`;

/** States in which an assignment holds its devices. */
export const activeAbStates: readonly AbState[] = ['deploying', 'running'];

export class AbStore {
  constructor(private readonly db: Database.Database) {}

  insert(a: AbAssignment): void {
    this.db.transaction(() => {
      this.db
        .prepare('INSERT INTO ab_assignments (id, state, created_at, updated_at, record) VALUES (?, ?, ?, ?, ?)')
        .run(a.id, a.state, a.createdAt, a.createdAt, JSON.stringify(a));
      const cohort = this.db.prepare('INSERT INTO ab_cohorts (assignment_id, device_id, variant) VALUES (?, ?, ?)');
      for (const v of a.variants) for (const d of v.deviceIds) cohort.run(a.id, d, v.name);
    })();
  }

  /** Replaces the record (the cohorts never change after the start). */
  update(a: AbAssignment): AbAssignment {
    this.db.prepare('UPDATE ab_assignments SET state = ?, updated_at = ?, record = ? WHERE id = ?').run(a.state, new Date().toISOString(), JSON.stringify(a), a.id);
    return a;
  }

  get(id: string): AbAssignment | null {
    const row = this.db.prepare('SELECT record FROM ab_assignments WHERE id = ?').get(id) as { record: string } | undefined;
    return row ? (JSON.parse(row.record) as AbAssignment) : null;
  }

  require(id: string): AbAssignment {
    const a = this.get(id);
    if (!a) throw new AppError('AB_NOT_FOUND', 'A/B assignment not found', `No A/B assignment has id ${id}. List them with \`edgefleet ab list\`.`);
    return a;
  }

  /** Newest first. */
  list(): AbAssignment[] {
    const rows = this.db.prepare('SELECT record FROM ab_assignments ORDER BY created_at DESC, rowid DESC').all() as { record: string }[];
    return rows.map((r) => JSON.parse(r.record) as AbAssignment);
  }

  /** Of the devices given, those already in a deploying or running assignment, with its id. */
  busyDevices(deviceIds: readonly string[]): { deviceId: string; assignmentId: string }[] {
    const placeholders = activeAbStates.map(() => '?').join(', ');
    const stmt = this.db.prepare(
      `SELECT c.device_id AS deviceId, c.assignment_id AS assignmentId FROM ab_cohorts c
         JOIN ab_assignments a ON a.id = c.assignment_id
        WHERE c.device_id = ? AND a.state IN (${placeholders})`,
    );
    return deviceIds.flatMap((d) => stmt.all(d, ...activeAbStates) as { deviceId: string; assignmentId: string }[]);
  }
}
