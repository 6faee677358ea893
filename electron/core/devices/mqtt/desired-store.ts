// The console's record of each MQTT device's desired state: the source of truth, of which the retained
// message on the broker is a copy. The signed document is stored as published, so a broker that lost
// its retained messages gets the same bytes again; what the device reported doing with each version
// is kept beside it.
import type Database from 'better-sqlite3';
import type { ReportedDesired } from '../../../../resources/device-protocol/mqtt/desired-state.js';

export const desiredStateMigrationSql = `
  CREATE TABLE desired_state (
    device_id TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    document TEXT NOT NULL,
    sha256 TEXT,
    source TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    published_at TEXT,
    reported_version INTEGER,
    reported_outcome TEXT,
    reported_detail TEXT,
    reported_at TEXT
  );
  CREATE INDEX desired_state_unpublished ON desired_state (device_id) WHERE published_at IS NULL;
`;

export interface DesiredRow {
  deviceId: string;
  version: number;
  /** The signed document, exactly as published. */
  document: string;
  sha256: string | null;
  source: string;
  updatedAt: string;
  publishedAt: string | null;
  reported: ReportedDesired | null;
}

interface Raw {
  device_id: string;
  version: number;
  document: string;
  sha256: string | null;
  source: string;
  updated_at: string;
  published_at: string | null;
  reported_version: number | null;
  reported_outcome: string | null;
  reported_detail: string | null;
  reported_at: string | null;
}

function fromRaw(r: Raw): DesiredRow {
  return {
    deviceId: r.device_id,
    version: r.version,
    document: r.document,
    sha256: r.sha256,
    source: r.source,
    updatedAt: r.updated_at,
    publishedAt: r.published_at,
    reported:
      r.reported_version === null || r.reported_outcome === null
        ? null
        : { version: r.reported_version, outcome: r.reported_outcome as ReportedDesired['outcome'], sha256: r.sha256, detail: r.reported_detail, at: r.reported_at ?? '' },
  };
}

export class DesiredStore {
  constructor(private readonly db: Database.Database) {}

  get(deviceId: string): DesiredRow | null {
    const r = this.db.prepare('SELECT * FROM desired_state WHERE device_id = ?').get(deviceId) as Raw | undefined;
    return r ? fromRaw(r) : null;
  }

  /**
   * Writes the next version, built by `build` from its number, in one transaction. The number is above
   * both the last one written and the last one the device reported (a home restored from a backup must
   * not fall behind what the device already applied).
   */
  next(deviceId: string, build: (version: number) => { document: string; sha256: string | null; source: string }): DesiredRow {
    return this.db.transaction(() => {
      const cur = this.get(deviceId);
      const version = Math.max(cur?.version ?? 0, cur?.reported?.version ?? 0) + 1;
      const { document, sha256, source } = build(version);
      this.db
        .prepare(
          `INSERT INTO desired_state (device_id, version, document, sha256, source, updated_at, published_at)
           VALUES (@deviceId, @version, @document, @sha256, @source, @at, NULL)
           ON CONFLICT (device_id) DO UPDATE SET version = @version, document = @document, sha256 = @sha256, source = @source, updated_at = @at, published_at = NULL`,
        )
        .run({ deviceId, version, document, sha256, source, at: new Date().toISOString() });
      return this.get(deviceId)!;
    })();
  }

  markPublished(deviceId: string, version: number): void {
    this.db.prepare('UPDATE desired_state SET published_at = ? WHERE device_id = ? AND version = ?').run(new Date().toISOString(), deviceId, version);
  }

  /** Rows whose current version the broker has not acknowledged yet. */
  unpublished(limit = 500): DesiredRow[] {
    return (this.db.prepare('SELECT * FROM desired_state WHERE published_at IS NULL LIMIT ?').all(limit) as Raw[]).map(fromRaw);
  }

  /** What the device said it did; a report about an older version than one already recorded changes nothing. */
  recordReported(deviceId: string, r: ReportedDesired): boolean {
    // No row (a home restored from a backup): keep the device's version, so the next one set goes above it.
    this.db
      .prepare(`INSERT OR IGNORE INTO desired_state (device_id, version, document, sha256, source, updated_at, published_at) VALUES (?, ?, '', ?, 'reported by the device', ?, ?)`)
      .run(deviceId, r.version, r.sha256, r.at, r.at);
    const res = this.db
      .prepare(
        `UPDATE desired_state SET reported_version = @version, reported_outcome = @outcome, reported_detail = @detail, reported_at = @at
         WHERE device_id = @deviceId AND (reported_version IS NULL OR reported_version < @version OR (reported_version = @version AND (reported_outcome IS NOT @outcome OR reported_detail IS NOT @detail)))`,
      )
      .run({ deviceId, version: r.version, outcome: r.outcome, detail: r.detail, at: r.at });
    return res.changes > 0;
  }

  remove(deviceId: string): void {
    this.db.prepare('DELETE FROM desired_state WHERE device_id = ?').run(deviceId);
  }
}
