// Rollouts in the registry database: the spec, a snapshot of the state and the event log it came from.
// An event is written in one transaction with the rollout's sequence number, and the engine runs the
// returned commands only after that commit, so a crash at any point loses no decision. The snapshot
// is rewritten every few hundred events (and when the rollout comes to rest), not on each: at 10,000
// devices it is megabytes. A reader applies the events after the snapshot's sequence number to it.
import type Database from 'better-sqlite3';
import { AppError } from '../api/errors.js';
import type { RolloutCommand, RolloutEvent, RolloutSpec, RolloutState, RolloutStatus } from './rollout-types.js';
import { checkControl, initialState, outstandingCommands, reduceInPlace, replay } from './state-machine.js';
import { prepared } from '../registry/prepared.js';

/** Appended to the registry's migrations (registry/migrations.ts). */
export const rolloutMigrationSql = `
  CREATE TABLE IF NOT EXISTS rollouts (
    id TEXT PRIMARY KEY,
    model_id TEXT NOT NULL,
    status TEXT NOT NULL,
    spec TEXT NOT NULL,
    state TEXT NOT NULL,
    seq INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS rollouts_status ON rollouts (status);
  CREATE TABLE IF NOT EXISTS rollout_events (
    rollout_id TEXT NOT NULL REFERENCES rollouts (id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    at TEXT NOT NULL,
    event TEXT NOT NULL,
    PRIMARY KEY (rollout_id, seq)
  );
`;

/** The event the snapshot in `state` is at; NULL for rows written before (their snapshot is at `seq`). */
export const rolloutSnapshotMigrationSql = `ALTER TABLE rollouts ADD COLUMN state_seq INTEGER;`;

/** Events between two snapshots. */
const snapshotEvery = 256;
const resting: ReadonlySet<RolloutStatus> = new Set(['completed', 'rolled-back', 'aborted', 'halted']);

/** Both rollout migrations, idempotent (for tests that open a bare database). */
export function rolloutMigration(db: Database.Database): void {
  db.exec(rolloutMigrationSql);
  const columns = db.prepare('PRAGMA table_info(rollouts)').all() as { name: string }[];
  if (!columns.some((c) => c.name === 'state_seq')) db.exec(rolloutSnapshotMigrationSql);
}

export interface RolloutSummary {
  id: string;
  modelId: string;
  status: RolloutStatus;
  createdAt: string;
  updatedAt: string;
}

export interface StoredEvent {
  seq: number;
  at: string;
  event: RolloutEvent;
}

export interface Applied {
  state: RolloutState;
  /** Run these after the call returns; they are already durable. */
  commands: RolloutCommand[];
  seq: number;
  ignored: string | null;
  /** The status before this event. */
  before: RolloutStatus;
}

interface RolloutRow {
  id: string;
  model_id: string;
  status: RolloutStatus;
  created_at: string;
  updated_at: string;
}

interface SnapshotRow {
  spec: string;
  state: string;
  seq: number;
  state_seq: number | null;
}

const unfinished: RolloutStatus[] = ['running', 'paused', 'halted', 'rolling-back'];
const listColumns = 'id, model_id, status, created_at, updated_at';

export class RolloutStore {
  /** Parsed snapshots by rollout: reconciling after every event would otherwise parse the whole state each time. */
  private readonly states = new Map<string, { seq: number; state: RolloutState }>();

  constructor(
    private readonly db: Database.Database,
    private readonly now: () => string = () => new Date().toISOString(),
  ) {}

  create(spec: RolloutSpec): RolloutState {
    const state = initialState(spec);
    const at = this.now();
    const info = prepared(
      this.db,
      `INSERT OR IGNORE INTO rollouts (id, model_id, status, spec, state, seq, state_seq, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, 0, 0, ?, ?)`,
    ).run(spec.id, spec.modelId, state.status, JSON.stringify(spec), JSON.stringify(state), at, at);
    if (info.changes === 0) throw new AppError('ROLLOUT_EXISTS', 'Rollout already exists', `A rollout with id ${spec.id} exists; pick another id.`);
    return state;
  }

  /** The state as of the latest event. Shared with other callers: read it, never change it. */
  get(id: string): RolloutState | null {
    const seq = this.seq(id);
    if (seq < 0) return null;
    return this.cached(id, seq) ?? this.load(id);
  }

  list(status?: RolloutStatus): RolloutSummary[] {
    const rows = (
      status === undefined
        ? prepared(this.db, `SELECT ${listColumns} FROM rollouts ORDER BY created_at DESC, rowid DESC`).all()
        : prepared(this.db, `SELECT ${listColumns} FROM rollouts WHERE status = ? ORDER BY created_at DESC, rowid DESC`).all(status)
    ) as RolloutRow[];
    return rows.map((r) => ({ id: r.id, modelId: r.model_id, status: r.status, createdAt: r.created_at, updatedAt: r.updated_at }));
  }

  /** Rollouts to pick up when the console starts. */
  unfinished(): string[] {
    return this.list()
      .filter((r) => unfinished.includes(r.status))
      .map((r) => r.id);
  }

  /**
   * Records an event and the state it leads to. A person's action the state forbids (pausing a
   * completed rollout) throws and is not recorded; a device report that changes nothing is kept
   * in the log, as a fact, and returns `ignored`.
   */
  apply(id: string, event: RolloutEvent): Applied {
    let applied: Applied;
    try {
      applied = this.db.transaction((): Applied => {
        const head = prepared(this.db, 'SELECT seq, state_seq FROM rollouts WHERE id = ?').get(id) as { seq: number; state_seq: number | null } | undefined;
        if (!head) throw new AppError('ROLLOUT_NOT_FOUND', 'Rollout not found', `There is no rollout with id ${id}.`);
        const current = this.cached(id, head.seq) ?? this.load(id)!;
        const refused = checkControl(current, event);
        if (refused) throw refused;
        const before = current.status;
        const stamped: RolloutEvent = { ...event, at: event.at ?? this.now() };
        // The cached state itself moves on: on any failure below it is dropped (catch) and read again.
        const { state, commands, ignored } = reduceInPlace(current, stamped);
        const seq = head.seq + 1;
        prepared(this.db, 'INSERT INTO rollout_events (rollout_id, seq, at, event) VALUES (?, ?, ?, ?)').run(id, seq, stamped.at, JSON.stringify(stamped));
        if (seq - (head.state_seq ?? head.seq) >= snapshotEvery || (resting.has(state.status) && state.status !== before)) {
          prepared(this.db, 'UPDATE rollouts SET status = ?, state = ?, seq = ?, state_seq = ?, updated_at = ? WHERE id = ?').run(state.status, JSON.stringify(state), seq, seq, stamped.at, id);
        } else {
          // An old row's snapshot is at its seq: say so before seq moves past it.
          prepared(this.db, 'UPDATE rollouts SET status = ?, seq = ?, state_seq = coalesce(state_seq, ?), updated_at = ? WHERE id = ?').run(state.status, seq, head.seq, stamped.at, id);
        }
        return { state, commands, seq, ignored, before };
      }).immediate();
    } catch (err) {
      this.states.delete(id);
      throw err;
    }
    this.states.set(id, { seq: applied.seq, state: applied.state });
    return applied;
  }

  /** How many events the rollout has recorded: a cheap way to notice another process's change. */
  seq(id: string): number {
    const row = prepared(this.db, 'SELECT seq FROM rollouts WHERE id = ?').get(id) as { seq: number } | undefined;
    return row?.seq ?? -1;
  }

  /** When the rollout was created and last changed. */
  times(id: string): { createdAt: string; updatedAt: string } | null {
    const row = prepared(this.db, 'SELECT created_at, updated_at FROM rollouts WHERE id = ?').get(id) as Pick<RolloutRow, 'created_at' | 'updated_at'> | undefined;
    return row ? { createdAt: row.created_at, updatedAt: row.updated_at } : null;
  }

  events(id: string, afterSeq = 0): StoredEvent[] {
    const rows = prepared(this.db, 'SELECT seq, at, event FROM rollout_events WHERE rollout_id = ? AND seq > ? ORDER BY seq').all(id, afterSeq) as { seq: number; at: string; event: string }[];
    return rows.map((r) => ({ seq: r.seq, at: r.at, event: JSON.parse(r.event) as RolloutEvent }));
  }

  /**
   * Rebuilds the state from the event log (the snapshot is a cache of it, rewritten if they
   * differ) and lists the commands that were issued but never answered, to send again.
   */
  resume(id: string): { state: RolloutState; outstanding: RolloutCommand[] } {
    return this.db.transaction(() => {
      const row = this.snapshotRow(id);
      if (!row) throw new AppError('ROLLOUT_NOT_FOUND', 'Rollout not found', `There is no rollout with id ${id}.`);
      const state = replay(JSON.parse(row.spec) as RolloutSpec, this.events(id).map((e) => e.event));
      const text = JSON.stringify(state);
      if (text !== row.state || row.state_seq !== row.seq) prepared(this.db, 'UPDATE rollouts SET status = ?, state = ?, state_seq = seq WHERE id = ?').run(state.status, text, id);
      this.states.delete(id);
      return { state, outstanding: outstandingCommands(state) };
    }).immediate();
  }

  /**
   * The parsed state of the snapshot at `seq`, if this store read or wrote it. Another process's
   * event moves the seq on, so a cached state is used only while it is still the latest.
   */
  private cached(id: string, seq: number): RolloutState | null {
    const hit = this.states.get(id);
    return hit && hit.seq === seq ? hit.state : null;
  }

  /** The snapshot with the events after it applied, remembered at the rollout's current seq. */
  private load(id: string): RolloutState | null {
    const row = this.snapshotRow(id);
    if (!row) return null;
    const state = JSON.parse(row.state) as RolloutState;
    for (const e of this.events(id, row.state_seq ?? row.seq)) reduceInPlace(state, e.event);
    this.states.set(id, { seq: row.seq, state });
    return state;
  }

  private snapshotRow(id: string): SnapshotRow | undefined {
    return prepared(this.db, 'SELECT spec, state, seq, state_seq FROM rollouts WHERE id = ?').get(id) as SnapshotRow | undefined;
  }
}
