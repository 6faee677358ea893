// Exactly one process drives a rollout: a lease row with the owner's pid and a heartbeat. A lease
// whose heartbeat is stale, or whose owner is a dead process on this machine, is taken over.
import type Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { RolloutDriver } from '../api/types.js';
import { prepared } from '../registry/prepared.js';
import { pidAlive } from '../util/pid-alive.js';

interface LeaseRow {
  owner: string;
  pid: number;
  host: string;
  heartbeat_at: number;
}

export const leaseStaleMs = 5000;

export class RolloutLease {
  readonly owner = randomUUID();
  private readonly host = os.hostname();

  constructor(
    private readonly db: Database.Database,
    private readonly staleMs = leaseStaleMs,
    private readonly now: () => number = Date.now,
  ) {}

  private row(id: string): LeaseRow | undefined {
    return prepared(this.db, 'SELECT owner, pid, host, heartbeat_at FROM rollout_leases WHERE rollout_id = ?').get(id) as LeaseRow | undefined;
  }

  private live(r: LeaseRow): boolean {
    if (this.now() - r.heartbeat_at > this.staleMs) return false;
    return r.host !== this.host || pidAlive(r.pid);
  }

  /** Takes the lease when free, ours, stale or held by a dead process; false while another process holds it. */
  tryAcquire(id: string): boolean {
    return this.db.transaction((): boolean => {
      const r = this.row(id);
      if (r && r.owner !== this.owner && this.live(r)) return false;
      prepared(
        this.db,
        `INSERT INTO rollout_leases (rollout_id, owner, pid, host, heartbeat_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (rollout_id) DO UPDATE SET owner = excluded.owner, pid = excluded.pid, host = excluded.host, heartbeat_at = excluded.heartbeat_at`,
      ).run(id, this.owner, process.pid, this.host, this.now());
      return true;
    }).immediate();
  }

  /** false when the lease was taken over meanwhile: stop driving. */
  heartbeat(id: string): boolean {
    return prepared(this.db, 'UPDATE rollout_leases SET heartbeat_at = ? WHERE rollout_id = ? AND owner = ?').run(this.now(), id, this.owner).changes > 0;
  }

  release(id: string): void {
    prepared(this.db, 'DELETE FROM rollout_leases WHERE rollout_id = ? AND owner = ?').run(id, this.owner);
  }

  holder(id: string): RolloutDriver | null {
    const r = this.row(id);
    return r ? { pid: r.pid, host: r.host, heartbeatAt: new Date(r.heartbeat_at).toISOString(), live: this.live(r) } : null;
  }

  /** Someone else holds a live lease. */
  heldElsewhere(id: string): boolean {
    const r = this.row(id);
    return !!r && r.owner !== this.owner && this.live(r);
  }
}
