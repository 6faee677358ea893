import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildRolloutSpec } from '../../electron/core/rollouts/rollout-spec.js';
import { RolloutStore, rolloutMigration } from '../../electron/core/rollouts/rollout-store.js';
import type { RolloutCommand, RolloutEvent } from '../../electron/core/rollouts/rollout-types.js';
import { seededRandom } from '../../electron/core/util/seeded-random.js';
import { replay } from '../../electron/core/rollouts/state-machine.js';

let dir: string;
let file: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'edgefleet-rollout-'));
  file = path.join(dir, 'registry.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function open(): { db: Database.Database; store: RolloutStore } {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  rolloutMigration(db);
  let tick = 0;
  return { db, store: new RolloutStore(db, () => new Date(Date.UTC(2030, 0, 1, 0, 0, tick++)).toISOString()) };
}

const inventory = Array.from({ length: 24 }, (_, i) => ({ id: `cam-${String(i).padStart(2, '0')}`, tags: i % 2 ? ['line-3'] : [], groups: i < 4 ? ['pilot'] : [] }));

function spec() {
  return buildRolloutSpec({ id: 'r_1', modelId: 'm_abc', selector: 'tag:line-3,group:pilot', stages: { kind: 'percentages', percents: [10, 50, 100] }, maxConcurrency: 2, soakMs: 0 }, inventory);
}

/** A fake fleet: each device installs a model once per idempotency key, however often it is asked. */
class FakeFleet {
  readonly installs = new Map<string, number>();
  private readonly done = new Set<string>();
  handle(c: RolloutCommand): RolloutEvent {
    switch (c.type) {
      case 'deploy':
        if (!this.done.has(c.key)) {
          this.done.add(c.key);
          this.installs.set(c.deviceId, (this.installs.get(c.deviceId) ?? 0) + 1);
        }
        return { type: 'device-deployed', deviceId: c.deviceId };
      case 'confirm':
        return { type: 'device-confirmed', deviceId: c.deviceId };
      case 'rollback-device':
        return { type: 'device-rolled-back', deviceId: c.deviceId };
      case 'soak':
        return { type: 'soak-elapsed', stage: c.stage };
      case 'evaluate-gates':
        return { type: 'gates-evaluated', stage: c.stage, results: [] };
    }
  }
}

describe('rollout store', () => {
  it('creates the tables idempotently and refuses a second rollout with the same id', () => {
    const { db, store } = open();
    rolloutMigration(db);
    const state = store.create(spec());
    expect(state.status).toBe('planned');
    expect(() => store.create(spec())).toThrow(/already exists/);
    expect(store.list()).toMatchObject([{ id: 'r_1', modelId: 'm_abc', status: 'planned' }]);
    expect(store.get('nope')).toBeNull();
    db.close();
  });

  it('writes each event with its snapshot, refuses forbidden actions and keeps device facts', () => {
    const { db, store } = open();
    store.create(spec());
    expect(() => store.apply('r_1', { type: 'pause' })).toThrow(/Only a running rollout can pause/);
    const started = store.apply('r_1', { type: 'start' });
    expect(started.seq).toBe(1);
    expect(started.commands.map((c) => c.type)).toEqual(['deploy', 'deploy']);
    const dup = store.apply('r_1', { type: 'device-confirmed', deviceId: 'cam-01' });
    expect(dup.ignored).toMatch(/not waiting for confirmation/);
    expect(store.events('r_1').map((e) => e.event.type)).toEqual(['start', 'device-confirmed']);
    expect(store.events('r_1')[0].at).toBe('2030-01-01T00:00:01.000Z');
    expect(store.get('r_1')).toEqual(store.resume('r_1').state);
    expect(store.unfinished()).toEqual(['r_1']);
    expect(() => store.apply('nope', { type: 'start' })).toThrow(/no rollout with id nope/);
    db.close();
  });

  it('survives being killed at any point: reopened, it replays to the same state and deploys each device exactly once', () => {
    const fleet = new FakeFleet();
    let { db, store } = open();
    const s = spec();
    store.create(s);
    let pending = store.apply('r_1', { type: 'start' }).commands;
    const rng = seededRandom('crash');
    let crashes = 0;
    for (let guard = 0; guard < 10_000; guard++) {
      if (pending.length === 0) break;
      const [c] = pending.splice(Math.floor(rng() * pending.length), 1);
      const answer = fleet.handle(c);
      // The console dies after the device acted but before its answer was recorded.
      if (rng() < 0.15) {
        db.close();
        crashes++;
        ({ db, store } = open());
        const resumed = store.resume('r_1');
        expect(resumed.state).toEqual(store.get('r_1'));
        pending = resumed.outstanding;
        continue;
      }
      pending.push(...store.apply('r_1', answer).commands);
    }
    const final = store.get('r_1')!;
    expect(crashes).toBeGreaterThan(3);
    expect(final.status).toBe('completed');
    expect(replay(s, store.events('r_1').map((e) => e.event))).toEqual(final);
    const targets = s.stages.flatMap((st) => st.deviceIds).sort();
    expect([...fleet.installs.keys()].sort()).toEqual(targets);
    expect([...fleet.installs.values()].every((n) => n === 1)).toBe(true);
    expect(store.unfinished()).toEqual([]);
    db.close();
  });

  it('repairs a snapshot that disagrees with the log', () => {
    const { db, store } = open();
    store.create(spec());
    store.apply('r_1', { type: 'start' });
    db.prepare("UPDATE rollouts SET state = '{}', status = 'planned' WHERE id = 'r_1'").run();
    const { state } = store.resume('r_1');
    expect(state.status).toBe('running');
    expect(store.get('r_1')).toEqual(state);
    expect(store.list('running')).toHaveLength(1);
    db.close();
  });

  it('writes the snapshot every few hundred events; another store reads the latest state from snapshot and log', () => {
    const { db, store } = open();
    const big = Array.from({ length: 400 }, (_, i) => ({ id: `d-${String(i).padStart(3, '0')}`, tags: ['all'], groups: [] }));
    const s = buildRolloutSpec({ id: 'r_big', modelId: 'm_abc', selector: 'tag:all', stages: { kind: 'percentages', percents: [100] }, maxConcurrency: 400, soakMs: 0 }, big);
    store.create(s);
    store.apply('r_big', { type: 'start' });
    const snapshotSeq = () => (db.prepare("SELECT state_seq FROM rollouts WHERE id = 'r_big'").get() as { state_seq: number }).state_seq;
    for (const d of big.slice(0, 100)) store.apply('r_big', { type: 'device-deployed', deviceId: d.id });
    // 101 events: the snapshot is still the one written at create.
    expect(snapshotSeq()).toBe(0);
    const other = new RolloutStore(db);
    expect(other.get('r_big')).toEqual(store.get('r_big'));
    expect(other.get('r_big')?.devices['d-099'].phase).toBe('trial');
    for (const d of big.slice(100, 300)) store.apply('r_big', { type: 'device-deployed', deviceId: d.id });
    expect(snapshotSeq()).toBe(256);
    expect(new RolloutStore(db).get('r_big')).toEqual(replay(s, store.events('r_big').map((e) => e.event)));
    // A refused action changes neither the log nor the state the store holds.
    const seq = store.seq('r_big');
    expect(() => store.apply('r_big', { type: 'resume' })).toThrow(/Cannot resume/);
    expect(store.seq('r_big')).toBe(seq);
    expect(store.get('r_big')).toEqual(new RolloutStore(db).get('r_big'));
    db.close();
  });
});
