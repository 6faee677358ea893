// What the engine learns about each device of a rollout and must not forget across a restart: the
// model it ran before (what a rollback restores), its telemetry baseline before the rollout, and
// its counters when the new model went on trial (what the gates measure from).
import type Database from 'better-sqlite3';
import type { DeviceTelemetry } from '../api/types.js';
import { prepared } from '../registry/prepared.js';

/** Appended to the registry's migrations (registry/migrations.ts). */
export const rolloutEngineMigrationSql = `
  CREATE TABLE IF NOT EXISTS rollout_devices (
    rollout_id TEXT NOT NULL REFERENCES rollouts (id) ON DELETE CASCADE,
    device_id TEXT NOT NULL,
    baseline TEXT,
    previous TEXT,
    mark TEXT,
    PRIMARY KEY (rollout_id, device_id)
  );
  CREATE TABLE IF NOT EXISTS rollout_leases (
    rollout_id TEXT PRIMARY KEY REFERENCES rollouts (id) ON DELETE CASCADE,
    owner TEXT NOT NULL,
    pid INTEGER NOT NULL,
    host TEXT NOT NULL,
    heartbeat_at INTEGER NOT NULL
  );
`;

export interface Baseline {
  p95Ms: number | null;
  confidenceMean: number | null;
  at: string | null;
}

/** The model a device ran before the rollout reached it; sha256 null when its slot was empty. */
export interface PreviousModel {
  sha256: string | null;
  name: string | null;
  version: string | null;
}

/** Counters when the new model went on trial. */
export interface DeployMark {
  at: string;
  requests: number;
  errors: number;
}

export interface DeviceFacts {
  baseline: Baseline | null;
  /** undefined: not recorded yet (the engine never started a deploy there). */
  previous: PreviousModel | undefined;
  mark: DeployMark | null;
}

interface Row {
  device_id: string;
  baseline: string | null;
  previous: string | null;
  mark: string | null;
}

export class RolloutFacts {
  constructor(private readonly db: Database.Database) {}

  all(rolloutId: string): Map<string, DeviceFacts> {
    const rows = prepared(this.db, 'SELECT device_id, baseline, previous, mark FROM rollout_devices WHERE rollout_id = ?').all(rolloutId) as Row[];
    return new Map(rows.map((r) => [r.device_id, toFacts(r)]));
  }

  get(rolloutId: string, deviceId: string): DeviceFacts {
    const r = prepared(this.db, 'SELECT device_id, baseline, previous, mark FROM rollout_devices WHERE rollout_id = ? AND device_id = ?').get(rolloutId, deviceId) as Row | undefined;
    return r ? toFacts(r) : { baseline: null, previous: undefined, mark: null };
  }

  setBaselines(rolloutId: string, baselines: Map<string, Baseline>): void {
    const stmt = prepared(
      this.db,
      `INSERT INTO rollout_devices (rollout_id, device_id, baseline) VALUES (?, ?, ?)
       ON CONFLICT (rollout_id, device_id) DO UPDATE SET baseline = excluded.baseline`,
    );
    this.db.transaction(() => {
      for (const [id, b] of baselines) stmt.run(rolloutId, id, JSON.stringify(b));
    })();
  }

  /** Records the pre-rollout model once: a later call (a resumed deploy) keeps the first. */
  recordPrevious(rolloutId: string, deviceId: string, previous: PreviousModel): PreviousModel {
    prepared(
      this.db,
      `INSERT INTO rollout_devices (rollout_id, device_id, previous) VALUES (?, ?, ?)
       ON CONFLICT (rollout_id, device_id) DO UPDATE SET previous = COALESCE(previous, excluded.previous)`,
    ).run(rolloutId, deviceId, JSON.stringify(previous));
    return this.get(rolloutId, deviceId).previous!;
  }

  setMark(rolloutId: string, deviceId: string, mark: DeployMark): void {
    prepared(
      this.db,
      `INSERT INTO rollout_devices (rollout_id, device_id, mark) VALUES (?, ?, ?)
       ON CONFLICT (rollout_id, device_id) DO UPDATE SET mark = COALESCE(mark, excluded.mark)`,
    ).run(rolloutId, deviceId, JSON.stringify(mark));
  }
}

function toFacts(r: Row): DeviceFacts {
  return {
    baseline: r.baseline ? (JSON.parse(r.baseline) as Baseline) : null,
    previous: r.previous ? (JSON.parse(r.previous) as PreviousModel) : undefined,
    mark: r.mark ? (JSON.parse(r.mark) as DeployMark) : null,
  };
}

/** A device's baseline from its telemetry history: the mean p95 and confidence of its recent summaries. */
export function baselineOf(history: readonly DeviceTelemetry[]): Baseline {
  const recent = history.slice(-10);
  const p95s = recent.map((t) => t.latencyMs?.p95).filter((x): x is number => typeof x === 'number');
  const conf = recent.map((t) => t.confidenceMean).filter((x): x is number => typeof x === 'number');
  const avg = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
  return { p95Ms: avg(p95s), confidenceMean: avg(conf), at: recent.at(-1)?.at ?? null };
}
