// Imported site bundles and the progress of their plans, in registry.db.
import type Database from 'better-sqlite3';
import type { BundleHeader } from './bundle-contents.js';
import type { BundlePlan } from './bundle-plan.js';

export const bundleMigrationSql = `
  CREATE TABLE site_bundles (
    id TEXT PRIMARY KEY,
    site TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    expires TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    header TEXT NOT NULL,
    plan TEXT,
    models TEXT NOT NULL,
    agents TEXT NOT NULL
  );
  CREATE TABLE bundle_waves (
    bundle_id TEXT NOT NULL REFERENCES site_bundles (id),
    idx INTEGER NOT NULL,
    status TEXT NOT NULL,
    rollout_id TEXT,
    detail TEXT,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (bundle_id, idx)
  );
  CREATE TABLE site_consoles (
    site TEXT PRIMARY KEY,
    key_sha256 TEXT NOT NULL,
    key_pem TEXT NOT NULL,
    trusted_at TEXT NOT NULL
  );
  CREATE TABLE site_reports (
    id TEXT PRIMARY KEY,
    site TEXT NOT NULL,
    sha256 TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    body TEXT NOT NULL
  );
  CREATE TABLE report_nonces (
    nonce TEXT PRIMARY KEY,
    report_id TEXT NOT NULL
  );
`;

export type WaveStatus = 'pending' | 'running' | 'completed' | 'held' | 'stopped';

export interface ImportedModel {
  sha256: string;
  id: string;
  name: string;
  version: number;
  created: boolean;
}

export interface ImportedAgent {
  arch: string;
  agentVersion: string;
  path: string;
}

export interface BundleRecord {
  id: string;
  site: string;
  version: number;
  createdAt: string;
  expires: string;
  importedAt: string;
  header: BundleHeader;
  plan: BundlePlan | null;
  models: ImportedModel[];
  agents: ImportedAgent[];
  waves: { index: number; status: WaveStatus; rolloutId: string | null; detail: string | null; updatedAt: string }[];
}

interface Row {
  id: string;
  site: string;
  version: number;
  created_at: string;
  expires: string;
  imported_at: string;
  header: string;
  plan: string | null;
  models: string;
  agents: string;
}

export class BundleStore {
  constructor(private readonly db: Database.Database) {}

  has(id: string): boolean {
    return this.db.prepare('SELECT 1 FROM site_bundles WHERE id = ?').get(id) !== undefined;
  }

  insert(r: Omit<BundleRecord, 'waves'>): void {
    this.db.transaction(() => {
      this.db
        .prepare('INSERT INTO site_bundles (id, site, version, created_at, expires, imported_at, header, plan, models, agents) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
        .run(r.id, r.site, r.version, r.createdAt, r.expires, r.importedAt, JSON.stringify(r.header), r.plan ? JSON.stringify(r.plan) : null, JSON.stringify(r.models), JSON.stringify(r.agents));
      (r.plan?.waves ?? []).forEach((_, i) => this.db.prepare("INSERT INTO bundle_waves (bundle_id, idx, status, updated_at) VALUES (?, ?, 'pending', ?)").run(r.id, i, r.importedAt));
    })();
  }

  setWave(bundleId: string, index: number, status: WaveStatus, rolloutId: string | null, detail: string | null): void {
    this.db.prepare('UPDATE bundle_waves SET status = ?, rollout_id = coalesce(?, rollout_id), detail = ?, updated_at = ? WHERE bundle_id = ? AND idx = ?').run(status, rolloutId, detail, new Date().toISOString(), bundleId, index);
  }

  get(id: string): BundleRecord | null {
    const row = this.db.prepare('SELECT * FROM site_bundles WHERE id = ?').get(id) as Row | undefined;
    return row ? this.toRecord(row) : null;
  }

  list(): BundleRecord[] {
    return (this.db.prepare('SELECT * FROM site_bundles ORDER BY imported_at DESC').all() as Row[]).map((r) => this.toRecord(r));
  }

  private toRecord(row: Row): BundleRecord {
    const waves = this.db.prepare('SELECT idx, status, rollout_id, detail, updated_at FROM bundle_waves WHERE bundle_id = ? ORDER BY idx').all(row.id) as { idx: number; status: WaveStatus; rollout_id: string | null; detail: string | null; updated_at: string }[];
    return {
      id: row.id,
      site: row.site,
      version: row.version,
      createdAt: row.created_at,
      expires: row.expires,
      importedAt: row.imported_at,
      header: JSON.parse(row.header) as BundleHeader,
      plan: row.plan ? (JSON.parse(row.plan) as BundlePlan) : null,
      models: JSON.parse(row.models) as ImportedModel[],
      agents: JSON.parse(row.agents) as ImportedAgent[],
      waves: waves.map((w) => ({ index: w.idx, status: w.status, rolloutId: w.rollout_id, detail: w.detail, updatedAt: w.updated_at })),
    };
  }
}
