// Federated rounds in the registry database. A round's spec (what was asked) never changes; its state
// (phase, reason, participants, the candidate) is rewritten in one transaction with the timeline event
// that explains it, and a phase moves only from the phase the writer read (`WHERE phase = ?`), so an
// abort from another process is never overwritten by a driver that had not seen it. Each device's row
// keeps its losses and, in plain rounds, its update (base64 float32), so a console that restarts after
// training aggregates what was sent instead of asking again. The driving process holds a lease in the
// round's row: pid, host and a heartbeat, taken over when stale or when its pid is gone on this host.
import type Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { AppError } from '../api/errors.js';
import type { FlAggregation, FlEventKind, FlPhase, FlPrivacy, FlRoundDevice, FlRoundEvent, FlSecAggStage, FlTrainConfig, RolloutDriver } from '../api/types.js';
import { prepared } from '../registry/prepared.js';
import { canMove, isFinal } from './round-machine.js';
import { pidAlive } from '../util/pid-alive.js';

/** Appended to the registry's migrations (registry/migrations.ts). */
export const flRoundsMigrationSql = `
  CREATE TABLE IF NOT EXISTS fl_rounds (
    id TEXT PRIMARY KEY,
    model_id TEXT NOT NULL,
    phase TEXT NOT NULL,
    spec TEXT NOT NULL,
    state TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    driver_owner TEXT,
    driver_pid INTEGER,
    driver_host TEXT,
    heartbeat_at INTEGER
  );
  CREATE INDEX IF NOT EXISTS fl_rounds_phase ON fl_rounds (phase);
  CREATE TABLE IF NOT EXISTS fl_round_devices (
    round_id TEXT NOT NULL REFERENCES fl_rounds (id) ON DELETE CASCADE,
    device_id TEXT NOT NULL,
    status TEXT NOT NULL,
    data TEXT NOT NULL,
    update_b64 TEXT,
    PRIMARY KEY (round_id, device_id)
  );
  CREATE TABLE IF NOT EXISTS fl_round_events (
    round_id TEXT NOT NULL REFERENCES fl_rounds (id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    at TEXT NOT NULL,
    device_id TEXT,
    kind TEXT NOT NULL,
    detail TEXT NOT NULL,
    PRIMARY KEY (round_id, seq)
  );
`;

/** What was asked; fixed at creation. */
export interface RoundSpec {
  id: string;
  modelId: string;
  modelName: string;
  modelSha256: string;
  paramCount: number;
  selector: string;
  minClients: number;
  selectCount: number;
  overSelect: number;
  deadlineMs: number;
  config: FlTrainConfig;
  aggregation: FlAggregation;
  /** trimmed-mean: the share trimmed from each side (absent in rounds stored before it existed: 0.1). */
  trimFraction?: number;
  secure: boolean;
  numShares: number | null;
  threshold: number | null;
  createdAt: string;
  deadlineAt: string;
  /** Eligibility limits on the latest telemetry (absent in rounds stored before they existed: the defaults). */
  limits?: { maxCpuPercent: number | null; maxTemperatureC: number | null };
  /** Differential privacy; family: the registry model name whose lineage shares one budget. */
  dp?: { noiseMultiplier: number; clipNorm: number; delta: number; maxEpsilon: number; family: string } | null;
}

export interface RoundState {
  phase: FlPhase;
  reason: string | null;
  participantIds: string[];
  dropped: string[];
  /** The aggregate, base64 float32, once aggregated. */
  candidate: string | null;
  candidateModelId: string | null;
  lossBefore: number | null;
  lossAfter: number | null;
  finishedAt: string | null;
  rollouts: { id: string; kind: 'promote' | 'rollback'; modelId: string; at: string }[];
  /** DP rounds: the accounting made at start, completed at aggregation. */
  privacy?: FlPrivacy | null;
  /** Secure rounds: each closed SecAgg+ stage's counts. */
  secagg?: FlSecAggStage[];
}

export interface StoredRound {
  spec: RoundSpec;
  state: RoundState;
  createdAt: string;
  updatedAt: string;
}

export const leaseStaleMs = 5000;

export function emptyDevice(deviceId: string, name: string, status: FlRoundDevice['status'], reason: string | null = null): FlRoundDevice {
  return { deviceId, name, status, reason, samples: null, heldOut: null, lossBefore: null, lossAfter: null, heldOutLossBefore: null, heldOutLossAfter: null, evalLoss: null, evalLossActive: null, epochsRun: null, stoppedBy: null, elapsedMs: null };
}

interface EventInput {
  deviceId: string | null;
  kind: FlEventKind;
  detail: string;
}

export class RoundStore {
  readonly owner = randomUUID();
  private readonly host = os.hostname();

  constructor(
    private readonly db: Database.Database,
    private readonly now: () => Date = () => new Date(),
    private readonly staleMs = leaseStaleMs,
  ) {}

  /** A new round with its first devices (selected and excluded) and their events, in one transaction. */
  create(spec: RoundSpec, state: RoundState, devices: FlRoundDevice[], events: EventInput[]): void {
    this.db.transaction(() => {
      const at = spec.createdAt;
      const info = prepared(this.db, 'INSERT OR IGNORE INTO fl_rounds (id, model_id, phase, spec, state, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
        spec.id, spec.modelId, state.phase, JSON.stringify(spec), JSON.stringify(state), at, at,
      );
      if (info.changes === 0) throw new AppError('FL_ROUND_EXISTS', 'Round already exists', `A federated round with id ${spec.id} exists.`);
      for (const d of devices) this.writeDevice(spec.id, d, null);
      for (const e of events) this.appendEvent(spec.id, e);
    }).immediate();
  }

  get(id: string): StoredRound | null {
    const row = prepared(this.db, 'SELECT spec, state, created_at, updated_at FROM fl_rounds WHERE id = ?').get(id) as { spec: string; state: string; created_at: string; updated_at: string } | undefined;
    if (!row) return null;
    return { spec: JSON.parse(row.spec) as RoundSpec, state: JSON.parse(row.state) as RoundState, createdAt: row.created_at, updatedAt: row.updated_at };
  }

  require(id: string): StoredRound {
    const r = this.get(id);
    if (!r) throw new AppError('FL_ROUND_NOT_FOUND', 'Round not found', `There is no federated round with id ${id}; list them with \`edgefleet fl round list\`.`);
    return r;
  }

  list(): StoredRound[] {
    const rows = prepared(this.db, 'SELECT spec, state, created_at, updated_at FROM fl_rounds ORDER BY created_at DESC, rowid DESC').all() as { spec: string; state: string; created_at: string; updated_at: string }[];
    return rows.map((row) => ({ spec: JSON.parse(row.spec) as RoundSpec, state: JSON.parse(row.state) as RoundState, createdAt: row.created_at, updatedAt: row.updated_at }));
  }

  unfinished(): string[] {
    const rows = prepared(this.db, "SELECT id FROM fl_rounds WHERE phase NOT IN ('registered', 'rejected', 'failed', 'aborted') ORDER BY created_at").all() as { id: string }[];
    return rows.map((r) => r.id);
  }

  /**
   * Moves the round from `from` to the patched state's phase (or keeps `from` when the patch has none),
   * with the event; false when the round is no longer in `from` (aborted or moved by another process).
   */
  update(id: string, from: FlPhase, patch: Partial<RoundState>, event: EventInput | null): boolean {
    return this.db.transaction((): boolean => {
      const row = prepared(this.db, 'SELECT state FROM fl_rounds WHERE id = ? AND phase = ?').get(id, from) as { state: string } | undefined;
      if (!row) return false;
      const state = { ...(JSON.parse(row.state) as RoundState), ...patch };
      if (state.phase !== from && !canMove(from, state.phase)) {
        throw new AppError('FL_BAD_TRANSITION', 'Round cannot move there', `A round that is ${from} cannot become ${state.phase}.`);
      }
      if (isFinal(state.phase) && !state.finishedAt) state.finishedAt = this.now().toISOString();
      prepared(this.db, 'UPDATE fl_rounds SET phase = ?, state = ?, updated_at = ? WHERE id = ?').run(state.phase, JSON.stringify(state), this.now().toISOString(), id);
      if (event) this.appendEvent(id, event);
      return true;
    }).immediate();
  }

  /** Changes a finished round's bookkeeping (the rollouts it started); never its phase. */
  annotate(id: string, patch: Pick<Partial<RoundState>, 'rollouts'>, event: EventInput): void {
    this.db.transaction(() => {
      const r = this.require(id);
      prepared(this.db, 'UPDATE fl_rounds SET state = ?, updated_at = ? WHERE id = ?').run(JSON.stringify({ ...r.state, ...patch }), this.now().toISOString(), id);
      this.appendEvent(id, event);
    }).immediate();
  }

  /** Writes a device's row (and its update, in plain rounds) with its event, unless the round left `phase`. */
  device(id: string, phase: FlPhase, d: FlRoundDevice, event: EventInput | null, update: string | null = null): boolean {
    return this.db.transaction((): boolean => {
      const head = prepared(this.db, 'SELECT phase FROM fl_rounds WHERE id = ?').get(id) as { phase: FlPhase } | undefined;
      if (!head || head.phase !== phase) return false;
      this.writeDevice(id, d, update);
      if (event) this.appendEvent(id, event);
      prepared(this.db, 'UPDATE fl_rounds SET updated_at = ? WHERE id = ?').run(this.now().toISOString(), id);
      return true;
    }).immediate();
  }

  devices(id: string): FlRoundDevice[] {
    const rows = prepared(this.db, 'SELECT data FROM fl_round_devices WHERE round_id = ? ORDER BY rowid').all(id) as { data: string }[];
    return rows.map((r) => JSON.parse(r.data) as FlRoundDevice);
  }

  /** The plain updates devices sent, by device. */
  updates(id: string): Map<string, string> {
    const rows = prepared(this.db, 'SELECT device_id, update_b64 FROM fl_round_devices WHERE round_id = ? AND update_b64 IS NOT NULL').all(id) as { device_id: string; update_b64: string }[];
    return new Map(rows.map((r) => [r.device_id, r.update_b64]));
  }

  events(id: string): FlRoundEvent[] {
    const rows = prepared(this.db, 'SELECT seq, at, device_id, kind, detail FROM fl_round_events WHERE round_id = ? ORDER BY seq').all(id) as { seq: number; at: string; device_id: string | null; kind: FlEventKind; detail: string }[];
    return rows.map((r) => ({ seq: r.seq, at: r.at, deviceId: r.device_id, kind: r.kind, detail: r.detail }));
  }

  // The driver's lease.

  tryAcquire(id: string): boolean {
    return this.db.transaction((): boolean => {
      const r = this.leaseRow(id);
      if (r && r.driver_owner && r.driver_owner !== this.owner && this.live(r)) return false;
      prepared(this.db, 'UPDATE fl_rounds SET driver_owner = ?, driver_pid = ?, driver_host = ?, heartbeat_at = ? WHERE id = ?').run(this.owner, process.pid, this.host, Date.now(), id);
      return true;
    }).immediate();
  }

  heartbeat(id: string): boolean {
    return prepared(this.db, 'UPDATE fl_rounds SET heartbeat_at = ? WHERE id = ? AND driver_owner = ?').run(Date.now(), id, this.owner).changes > 0;
  }

  release(id: string): void {
    prepared(this.db, 'UPDATE fl_rounds SET driver_owner = NULL, driver_pid = NULL, driver_host = NULL, heartbeat_at = NULL WHERE id = ? AND driver_owner = ?').run(id, this.owner);
  }

  holder(id: string): RolloutDriver | null {
    const r = this.leaseRow(id);
    if (!r?.driver_owner || r.driver_pid === null || r.heartbeat_at === null || r.driver_host === null) return null;
    return { pid: r.driver_pid, host: r.driver_host, heartbeatAt: new Date(r.heartbeat_at).toISOString(), live: this.live(r) };
  }

  heldElsewhere(id: string): boolean {
    const r = this.leaseRow(id);
    return !!r?.driver_owner && r.driver_owner !== this.owner && this.live(r);
  }

  private leaseRow(id: string) {
    return prepared(this.db, 'SELECT driver_owner, driver_pid, driver_host, heartbeat_at FROM fl_rounds WHERE id = ?').get(id) as
      | { driver_owner: string | null; driver_pid: number | null; driver_host: string | null; heartbeat_at: number | null }
      | undefined;
  }

  private live(r: { driver_pid: number | null; driver_host: string | null; heartbeat_at: number | null }): boolean {
    if (r.heartbeat_at === null || Date.now() - r.heartbeat_at > this.staleMs) return false;
    return r.driver_host !== this.host || (r.driver_pid !== null && pidAlive(r.driver_pid));
  }

  private writeDevice(id: string, d: FlRoundDevice, update: string | null): void {
    prepared(
      this.db,
      `INSERT INTO fl_round_devices (round_id, device_id, status, data, update_b64) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (round_id, device_id) DO UPDATE SET status = excluded.status, data = excluded.data, update_b64 = coalesce(excluded.update_b64, fl_round_devices.update_b64)`,
    ).run(id, d.deviceId, d.status, JSON.stringify(d), update);
  }

  private appendEvent(id: string, e: EventInput): void {
    const head = prepared(this.db, 'SELECT coalesce(max(seq), 0) AS s FROM fl_round_events WHERE round_id = ?').get(id) as { s: number };
    prepared(this.db, 'INSERT INTO fl_round_events (round_id, seq, at, device_id, kind, detail) VALUES (?, ?, ?, ?, ?, ?)').run(id, head.s + 1, this.now().toISOString(), e.deviceId, e.kind, e.detail);
  }
}
