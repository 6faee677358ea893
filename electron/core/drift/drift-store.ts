// Drift windows the devices sent, one row per (device, model, window start): each validated with
// SketchSet.fromJSON before it is stored, so what is read back merges without surprises. A window seen
// twice (a summary read again from the device's history) is stored once.
import type Database from 'better-sqlite3';
import { toErrorData } from '../api/errors.js';
import type { ErrorData } from '../api/types.js';
import { prepared } from '../registry/prepared.js';
import { SketchSet } from '../../../resources/device-protocol/drift/sketch-set.js';

export const driftMigrationSql = `
  CREATE TABLE drift_windows (
    device_id TEXT NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
    model_sha256 TEXT NOT NULL,
    start_ms INTEGER NOT NULL,
    end_ms INTEGER NOT NULL,
    samples INTEGER NOT NULL,
    sketch_json TEXT NOT NULL,
    PRIMARY KEY (device_id, model_sha256, start_ms)
  );
`;

export interface DriftIngest {
  stored: number;
  /** The first bad sketch's error, naming the device and the field; null when all were good. */
  problem: ErrorData | null;
}

export class DriftStore {
  constructor(private readonly db: Database.Database) {}

  /** Validates and stores a summary's windows; a bad one is skipped and reported, the others still go in. */
  ingest(deviceId: string, windows: readonly unknown[] | undefined): DriftIngest {
    let stored = 0;
    let problem: ErrorData | null = null;
    for (const raw of windows ?? []) {
      let set: SketchSet;
      try {
        set = SketchSet.fromJSON(raw, `Drift window from device ${deviceId}`);
      } catch (err) {
        problem ??= toErrorData(err);
        continue;
      }
      const changes = prepared(this.db, 'INSERT OR IGNORE INTO drift_windows (device_id, model_sha256, start_ms, end_ms, samples, sketch_json) VALUES (?, ?, ?, ?, ?, ?)').run(
        deviceId,
        set.model,
        set.startMs,
        set.endMs,
        set.samples,
        JSON.stringify(set.toJSON()),
      ).changes;
      stored += changes;
    }
    return { stored, problem };
  }

  /** The device's windows of one model that ended at or after sinceMs, merged; null when there are none. */
  merged(deviceId: string, model: string, sinceMs: number): SketchSet | null {
    const rows = prepared(this.db, 'SELECT sketch_json FROM drift_windows WHERE device_id = ? AND model_sha256 = ? AND end_ms >= ? ORDER BY start_ms')
      .pluck()
      .all(deviceId, model, sinceMs) as string[];
    let merged: SketchSet | null = null;
    for (const json of rows) {
      const set = SketchSet.fromJSON(JSON.parse(json), `stored drift window of ${deviceId}`);
      if (merged) merged.merge(set);
      else merged = set;
    }
    return merged;
  }

  /** Everything stored for a device, oldest first (for charts and tests). */
  windows(deviceId: string): { model: string; startMs: number; endMs: number; samples: number; sketch: unknown }[] {
    const rows = prepared(this.db, 'SELECT model_sha256, start_ms, end_ms, samples, sketch_json FROM drift_windows WHERE device_id = ? ORDER BY start_ms').all(deviceId) as {
      model_sha256: string;
      start_ms: number;
      end_ms: number;
      samples: number;
      sketch_json: string;
    }[];
    return rows.map((r) => ({ model: r.model_sha256, startMs: r.start_ms, endMs: r.end_ms, samples: r.samples, sketch: JSON.parse(r.sketch_json) as unknown }));
  }
}
