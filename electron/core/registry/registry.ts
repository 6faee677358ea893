// The model registry: models with their lineage, and stored profiles, in <home>/registry.db.
import { closeSync, openSync, rmSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { InspectReport, ModelDetail, ModelSummary, ProfileResult, ProfileSummary } from '../api/types.js';
import { AppError } from '../api/errors.js';
import { agentBuildArtifactName } from '../../../resources/device-protocol/messages.js';
import { artifactPath } from './artifact-store.js';
import { makeHomePrivate, privateFileMode } from './home-modes.js';
import { checkSchemaVersion, migrate } from './migrations.js';
import { summaryLine } from './model-summary.js';
import { sealLegacyTokens, type TokenSealer } from './token-seal.js';

export interface AddModelInput {
  name: string;
  sha256: string;
  sizeBytes: number;
  sourceFile: string | null;
  /** null for artifacts that are not ONNX (an ORT-format variant). */
  inspect: InspectReport | null;
  tags?: string[];
  parentId?: string | null;
  recipe?: unknown;
  metrics?: unknown;
  calibrationSha256?: string | null;
}

interface ModelRow {
  id: string;
  name: string;
  version: number;
  sha256: string;
  size_bytes: number;
  source_file: string | null;
  created_at: string;
  tags: string;
  parent_id: string | null;
  recipe: string | null;
  metrics: string | null;
  calibration_sha256: string | null;
  inspect: string | null;
  summary: string;
  profile_count: number;
}

const MODEL_COLUMNS = `m.*, (SELECT COUNT(*) FROM profiles p WHERE p.model_id = m.id) AS profile_count`;

export class Registry {
  private constructor(
    readonly db: Database.Database,
    readonly home: string,
    /** The keychain device tokens are sealed with (the desktop app's); null in the CLI and the browser mode. */
    readonly tokenSealer: TokenSealer | null,
  ) {}

  static open(home: string, opts: { tokenSealer?: TokenSealer } = {}): Registry {
    makeHomePrivate(home);
    const file = path.join(home, 'registry.db');
    // Made 0600 before SQLite opens it: SQLite gives its -wal and -shm files the database file's mode.
    closeSync(openSync(file, 'a', privateFileMode));
    const db = new Database(file);
    try {
      checkSchemaVersion(db, file);
    } catch (err) {
      db.close();
      throw err;
    }
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    // A replaced token (or anything deleted) is zeroed in its page rather than left behind as free space.
    db.pragma('secure_delete = FAST');
    migrate(db);
    const sealer = opts.tokenSealer ?? null;
    if (sealer) sealLegacyTokens(db, sealer);
    return new Registry(db, home, sealer);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /** Adds a model; bytes already registered (same sha256) return the existing entry. */
  addModel(input: AddModelInput): { model: ModelSummary; created: boolean } {
    if (input.name === agentBuildArtifactName) {
      // A model by this name would reach a device as an agent upgrade (device-protocol/messages.ts).
      throw new AppError('MODEL_NAME_RESERVED', 'That model name is reserved', `"${agentBuildArtifactName}" names agent builds on devices; import the model under another name (--name).`);
    }
    return this.db.transaction(() => {
      const existing = this.findBySha256(input.sha256);
      if (existing) return { model: existing, created: false };
      const version = ((this.db.prepare('SELECT MAX(version) AS v FROM models WHERE name = ?').get(input.name) as { v: number | null }).v ?? 0) + 1;
      this.db
        .prepare(
          `INSERT INTO models (id, name, version, sha256, size_bytes, source_file, created_at, tags, parent_id,
             recipe, metrics, calibration_sha256, inspect, summary)
           VALUES (@id, @name, @version, @sha256, @sizeBytes, @sourceFile, @createdAt, @tags, @parentId,
             @recipe, @metrics, @calibrationSha256, @inspect, @summary)`,
        )
        .run({
          id: this.newModelId(input.sha256),
          name: input.name,
          version,
          sha256: input.sha256,
          sizeBytes: input.sizeBytes,
          sourceFile: input.sourceFile,
          createdAt: new Date().toISOString(),
          tags: JSON.stringify(input.tags ?? []),
          parentId: input.parentId ?? null,
          recipe: toJson(input.recipe),
          metrics: toJson(input.metrics),
          calibrationSha256: input.calibrationSha256 ?? null,
          inspect: input.inspect ? JSON.stringify(input.inspect) : null,
          summary: summaryLine(input.inspect, input.sizeBytes),
        });
      return { model: this.findBySha256(input.sha256)!, created: true };
    })();
  }

  listModels(): ModelSummary[] {
    const rows = this.db.prepare(`SELECT ${MODEL_COLUMNS} FROM models m ORDER BY m.created_at DESC, m.rowid DESC`).all() as ModelRow[];
    return rows.map(toSummary);
  }

  getModel(id: string): ModelDetail | null {
    const row = this.db.prepare(`SELECT ${MODEL_COLUMNS} FROM models m WHERE m.id = ?`).get(id) as ModelRow | undefined;
    if (!row) return null;
    return { ...toSummary(row), inspect: fromJson(row.inspect) as InspectReport | null, profiles: this.listProfiles(id) };
  }

  /** getModel for a request that names a model: a missing one is the caller's mistake, said in words. */
  requireModel(id: string): ModelDetail {
    const model = this.getModel(id);
    if (!model) throw new AppError('MODEL_NOT_FOUND', 'Model not found', `No model with id ${id} is in the registry.`);
    return model;
  }

  findBySha256(sha256: string): ModelSummary | null {
    const row = this.db.prepare(`SELECT ${MODEL_COLUMNS} FROM models m WHERE m.sha256 = ? ORDER BY m.rowid LIMIT 1`).get(sha256) as ModelRow | undefined;
    return row ? toSummary(row) : null;
  }

  /** Removes a model and its profiles; its artifact file goes too unless another model has the same bytes. */
  removeModel(id: string): boolean {
    const removed = this.db.transaction(() => {
      const row = this.db.prepare('SELECT sha256 FROM models WHERE id = ?').get(id) as { sha256: string } | undefined;
      if (!row) return null;
      this.db.prepare('DELETE FROM profiles WHERE model_id = ?').run(id);
      this.db.prepare('UPDATE models SET parent_id = NULL WHERE parent_id = ?').run(id);
      this.db.prepare('DELETE FROM models WHERE id = ?').run(id);
      const others = (this.db.prepare('SELECT COUNT(*) AS n FROM models WHERE sha256 = ?').get(row.sha256) as { n: number }).n;
      return { sha256: row.sha256, orphaned: others === 0 };
    })();
    if (!removed) return false;
    // After the commit: a crash in between leaves an unreferenced file, never a row without its file.
    if (removed.orphaned) rmSync(artifactPath(this.home, removed.sha256), { force: true });
    return true;
  }

  updateMetrics(id: string, metrics: unknown): ModelSummary | null {
    return this.db.transaction(() => {
      const info = this.db.prepare('UPDATE models SET metrics = ? WHERE id = ?').run(toJson(metrics), id);
      if (info.changes === 0) return null;
      const row = this.db.prepare(`SELECT ${MODEL_COLUMNS} FROM models m WHERE m.id = ?`).get(id) as ModelRow;
      return toSummary(row);
    })();
  }

  saveProfile(p: ProfileResult): void {
    const summary: ProfileSummary = {
      id: p.id,
      modelId: p.modelId,
      modelName: p.modelName,
      modelSha256: p.modelSha256,
      device: p.device,
      runtime: p.runtime,
      options: p.options,
      createdAt: p.createdAt,
      latencyMs: p.latencyMs,
    };
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT OR REPLACE INTO profiles (id, model_id, model_sha256, device_id, created_at, summary, result)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(p.id, p.modelId, p.modelSha256, p.device.id, p.createdAt, JSON.stringify(summary), JSON.stringify(p));
    })();
  }

  /** Newest first; all profiles, or one model's. */
  listProfiles(modelId?: string): ProfileSummary[] {
    const rows = (
      modelId === undefined
        ? this.db.prepare('SELECT summary FROM profiles ORDER BY created_at DESC, rowid DESC').all()
        : this.db.prepare('SELECT summary FROM profiles WHERE model_id = ? ORDER BY created_at DESC, rowid DESC').all(modelId)
    ) as { summary: string }[];
    return rows.map((r) => JSON.parse(r.summary) as ProfileSummary);
  }

  getProfile(id: string): ProfileResult | null {
    const row = this.db.prepare('SELECT result FROM profiles WHERE id = ?').get(id) as { result: string } | undefined;
    return row ? (JSON.parse(row.result) as ProfileResult) : null;
  }

  /** `m_` + the first 10 hex digits of the sha256, longer only if that prefix is taken. */
  private newModelId(sha256: string): string {
    const taken = this.db.prepare('SELECT 1 FROM models WHERE id = ?');
    for (let n = 10; n <= sha256.length; n += 2) {
      const id = `m_${sha256.slice(0, n)}`;
      if (!taken.get(id)) return id;
    }
    throw new Error(`no free model id for ${sha256}`);
  }
}

function toSummary(r: ModelRow): ModelSummary {
  return {
    id: r.id,
    name: r.name,
    version: r.version,
    sha256: r.sha256,
    sizeBytes: r.size_bytes,
    createdAt: r.created_at,
    sourceFile: r.source_file,
    tags: (fromJson(r.tags) as string[] | null) ?? [],
    parentId: r.parent_id,
    recipe: fromJson(r.recipe),
    metrics: fromJson(r.metrics),
    profileCount: r.profile_count,
    summary: r.summary,
  };
}

function toJson(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value);
}

function fromJson(text: string | null): unknown {
  return text === null ? null : JSON.parse(text);
}
