// Schema migrations, applied in order; PRAGMA user_version holds how many ran.
// Append new migrations at the end (devices, deployments, ...); never edit one that shipped.
import type Database from 'better-sqlite3';
import { AppError } from '../api/errors.js';
import { auditMigrationSql } from '../audit/audit-store.js';
import { rolloutMigrationSql, rolloutSnapshotMigrationSql } from '../rollouts/rollout-store.js';
import { rolloutEngineMigrationSql } from '../rollouts/rollout-facts.js';
import { abMigrationSql } from '../rollouts/ab-store.js';
import { sshHostsMigrationSql } from '../ssh/host-store.js';
import { desiredStateMigrationSql } from '../devices/mqtt/desired-store.js';
import { releaseCounterMigrationSql } from '../devices/release-counter.js';
import { bundleMigrationSql } from '../bundles/bundle-store.js';
import { driftMigrationSql } from '../drift/drift-store.js';
import { appMetricMigrationSql } from '../metrics/app-metric-store.js';
import { flRoundsMigrationSql } from '../federated/round-store.js';

export const migrations: readonly string[] = [
  `
  CREATE TABLE models (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    version INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    size_bytes INTEGER NOT NULL,
    source_file TEXT,
    created_at TEXT NOT NULL,
    tags TEXT NOT NULL DEFAULT '[]',
    parent_id TEXT,
    recipe TEXT,
    metrics TEXT,
    calibration_sha256 TEXT,
    inspect TEXT,
    summary TEXT NOT NULL,
    UNIQUE (name, version)
  );
  CREATE INDEX models_sha256 ON models (sha256);
  CREATE INDEX models_parent ON models (parent_id);
  CREATE TABLE profiles (
    id TEXT PRIMARY KEY,
    model_id TEXT,
    model_sha256 TEXT NOT NULL,
    device_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    summary TEXT NOT NULL,
    result TEXT NOT NULL
  );
  CREATE INDEX profiles_model ON profiles (model_id, created_at);
  `,
  // Devices: the inventory and a bounded telemetry history per device (see device-store.ts).
  `
  CREATE TABLE devices (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    transport TEXT NOT NULL DEFAULT 'lan',
    address TEXT NOT NULL,
    fingerprint TEXT,
    token TEXT,
    arch TEXT,
    agent_version TEXT,
    state TEXT NOT NULL,
    model_name TEXT,
    model_version TEXT,
    model_sha256 TEXT,
    slot_state TEXT,
    health TEXT NOT NULL DEFAULT 'unknown',
    last_seen TEXT,
    tags TEXT NOT NULL DEFAULT '[]',
    groups_json TEXT NOT NULL DEFAULT '[]',
    telemetry TEXT,
    created_at TEXT NOT NULL
  );
  CREATE TABLE device_telemetry (
    device_id TEXT NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
    at TEXT NOT NULL,
    summary TEXT NOT NULL
  );
  CREATE INDEX device_telemetry_device ON device_telemetry (device_id, at);
  `,
  rolloutMigrationSql,
  auditMigrationSql,
  // The slots each device last reported, shown while it cannot be reached.
  `ALTER TABLE devices ADD COLUMN slots TEXT;`,
  // Rollout engine: per-device facts (previous model, baseline) and the lease of the driving process.
  rolloutEngineMigrationSql,
  // Stock Linux hosts reached over SSH (see ssh/host-store.ts); no passwords or key material here.
  sshHostsMigrationSql,
  // A/B assignments and their cohorts (see rollouts/ab-store.ts).
  abMigrationSql,
  // The console's release counter: every signed manifest carries a higher one (see devices/release-counter.ts).
  releaseCounterMigrationSql,
  // MQTT devices' desired state and what they reported doing with it (see devices/mqtt/desired-store.ts).
  desiredStateMigrationSql,
  // Rollout snapshots rewritten every few hundred events, not on each (see rollouts/rollout-store.ts).
  rolloutSnapshotMigrationSql,
  // Why the device's last operation failed (JSON ErrorData), shown beside its health; null once it answers.
  `ALTER TABLE devices ADD COLUMN last_error TEXT;`,
  // What the device said about its hardware in its last info (JSON DeviceHardware: cores, memory, board); null until read.
  `ALTER TABLE devices ADD COLUMN hardware TEXT;`,
  // The last change to what the device serves (JSON DeviceChange): a revert is shown beside health, not as a fault.
  `ALTER TABLE devices ADD COLUMN last_change TEXT;`,
  bundleMigrationSql,
  // Drift sketch windows the devices sent, per device, model and window start (see drift/drift-store.ts).
  driftMigrationSql,
  // The application's own metrics per telemetry summary (see metrics/app-metric-store.ts).
  appMetricMigrationSql,
  // Federated rounds: spec, state, per-device rows with updates and losses, and the timeline (see federated/round-store.ts).
  flRoundsMigrationSql,
  // The drift of the model the device serves, over the last hour (JSON DeviceDriftSummary), for the Fleet grid.
  `ALTER TABLE devices ADD COLUMN drift TEXT;`,
];

/**
 * Refuses a registry written by a newer EdgeFleet: its tables hold what this version cannot read. Call it
 * before anything writes (journal mode included), so the refused file stays as it was.
 */
export function checkSchemaVersion(db: Database.Database, file: string): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > migrations.length) {
    throw new AppError(
      'REGISTRY_TOO_NEW',
      'Registry is from a newer EdgeFleet',
      `${file} has schema version ${current}, but this EdgeFleet knows versions up to ${migrations.length}. It was left unchanged. Update EdgeFleet to the version that wrote it, or choose another home with --home.`,
    );
  }
}

export function migrate(db: Database.Database): void {
  checkSchemaVersion(db, db.name);
  const current = db.pragma('user_version', { simple: true }) as number;
  for (let v = current; v < migrations.length; v++) {
    db.transaction(() => {
      db.exec(migrations[v]);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}
