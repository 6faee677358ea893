// The rollout engine's pure and database parts: gate observations from telemetry history, the
// driver lease (one process at a time, taken over when stale or dead), recorded previous models,
// and rollback of single devices in the state machine.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeviceTelemetry } from '../../electron/core/api/types.js';
import { observe } from '../../electron/core/rollouts/gate-collector.js';
import { evaluateGate } from '../../electron/core/rollouts/gates.js';
import { baselineOf, RolloutFacts, rolloutEngineMigrationSql } from '../../electron/core/rollouts/rollout-facts.js';
import { RolloutLease } from '../../electron/core/rollouts/rollout-lease.js';
import { buildRolloutSpec } from '../../electron/core/rollouts/rollout-spec.js';
import { RolloutStore, rolloutMigration } from '../../electron/core/rollouts/rollout-store.js';

function tel(at: string, requests: number, errors: number, p95: number | null, conf: number | null = null): DeviceTelemetry {
  return { at, requests, errors, latencyMs: p95 === null ? null : { p50: p95 / 2, p95, p99: p95 }, rssBytes: null, cpuLoad: null, temperatureC: null, confidenceMean: conf };
}

describe('gate observations from telemetry history', () => {
  const facts = { baseline: { p95Ms: 10, confidenceMean: 0.9, at: '2030-01-01T00:00:00Z' }, previous: { sha256: 'a'.repeat(64), name: 'm', version: '1' }, mark: { at: '2030-01-01T00:01:00Z', requests: 100, errors: 1 } };

  it('counts requests and errors since the deploy mark, across a restart that reset the counters', () => {
    const history = [
      tel('2030-01-01T00:00:30Z', 90, 1, 10),
      tel('2030-01-01T00:01:00Z', 100, 1, 10),
      tel('2030-01-01T00:01:10Z', 150, 3, 30, 0.8),
      tel('2030-01-01T00:01:20Z', 20, 2, 40, 0.7),
    ];
    const o = observe('d1', 'trial', facts, history);
    expect(o).toMatchObject({ deploy: 'ok', requests: 70, errors: 4, restarts: 1, p95Ms: 40, baselineP95Ms: 10, confidenceMean: 0.7, baselineConfidenceMean: 0.9 });
    expect(evaluateGate({ kind: 'p95-latency-ratio', max: 1.25, minDevices: 1 }, [o])).toMatchObject({ status: 'fail', value: 4 });
    expect(evaluateGate({ kind: 'restarts', max: 0, minDevices: 1 }, [o])).toMatchObject({ status: 'fail', value: 1 });
  });

  it('judges no latency without requests on the new model, and a failed deploy only as a deploy failure', () => {
    const idle = observe('d1', 'trial', facts, [tel('2030-01-01T00:01:00Z', 100, 1, 10)]);
    expect(idle.requests).toBe(0);
    expect(idle.p95Ms).toBeUndefined();
    expect(observe('d2', 'reverted', facts, [])).toEqual({ deviceId: 'd2', deploy: 'failed' });
    expect(observe('d3', 'pending', facts, [])).toEqual({ deviceId: 'd3' });
  });

  it('takes the baseline from the recent history before the rollout', () => {
    expect(baselineOf([tel('t1', 1, 0, 10, 0.8), tel('t2', 2, 0, 20, null), tel('t3', 3, 0, null, 0.6)])).toEqual({ p95Ms: 15, confidenceMean: 0.7, at: 't3' });
    expect(baselineOf([])).toEqual({ p95Ms: null, confidenceMean: null, at: null });
  });
});

describe('lease and facts in the database', () => {
  let dir: string;
  let db: Database.Database;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'edgefleet-lease-'));
    db = new Database(path.join(dir, 'registry.db'));
    db.pragma('foreign_keys = ON');
    rolloutMigration(db);
    db.exec(rolloutEngineMigrationSql);
    const inventory = Array.from({ length: 4 }, (_, i) => ({ id: `d${i}`, tags: [], groups: [] }));
    new RolloutStore(db).create(buildRolloutSpec({ id: 'r1', modelId: 'm', selector: 'all', stages: { kind: 'percentages', percents: [50, 100] }, soakMs: 0 }, inventory));
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lets one process hold the lease; another takes it only when the heartbeat is stale', () => {
    let now = 1_000_000;
    const a = new RolloutLease(db, 5000, () => now);
    const b = new RolloutLease(db, 5000, () => now);
    expect(a.tryAcquire('r1')).toBe(true);
    expect(b.tryAcquire('r1')).toBe(false);
    expect(b.heldElsewhere('r1')).toBe(true);
    now += 4000;
    expect(a.heartbeat('r1')).toBe(true);
    now += 4000;
    expect(b.tryAcquire('r1')).toBe(false);
    now += 6000;
    expect(b.tryAcquire('r1')).toBe(true);
    // The old holder notices at its next heartbeat and stops.
    expect(a.heartbeat('r1')).toBe(false);
    expect(b.holder('r1')).toMatchObject({ pid: process.pid, live: true });
  });

  it('takes over at once from a dead process on this machine', () => {
    const a = new RolloutLease(db);
    expect(a.tryAcquire('r1')).toBe(true);
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    db.prepare('UPDATE rollout_leases SET pid = ?').run(dead);
    const b = new RolloutLease(db);
    expect(b.holder('r1')?.live).toBe(false);
    expect(b.tryAcquire('r1')).toBe(true);
  });

  it('keeps the first recorded previous model of a device', () => {
    const facts = new RolloutFacts(db);
    expect(facts.get('r1', 'd0').previous).toBeUndefined();
    facts.recordPrevious('r1', 'd0', { sha256: 'a'.repeat(64), name: 'm', version: '1' });
    // A resumed deploy finds the new model already there: what ran before stays what was recorded first.
    expect(facts.recordPrevious('r1', 'd0', { sha256: 'b'.repeat(64), name: 'm', version: '2' }).sha256).toBe('a'.repeat(64));
  });

  it('rolls back single devices by hand while the rollout carries on', () => {
    const store = new RolloutStore(db);
    const s = store.apply('r1', { type: 'start' });
    const first = s.commands.filter((c) => c.type === 'deploy').map((c) => (c as { deviceId: string }).deviceId);
    store.apply('r1', { type: 'device-deployed', deviceId: first[0] });
    const r = store.apply('r1', { type: 'rollback-devices', deviceIds: [first[0], 'd-unknown'] });
    expect(r.ignored).toBeNull();
    expect(r.commands).toEqual([{ type: 'rollback-device', deviceId: first[0], key: `r1/rollback/${first[0]}` }]);
    expect(r.state.status).toBe('running');
    expect(store.resume('r1').outstanding).toContainEqual({ type: 'rollback-device', deviceId: first[0], key: `r1/rollback/${first[0]}` });
    const done = store.apply('r1', { type: 'device-rolled-back', deviceId: first[0] });
    expect(done.state.devices[first[0]].phase).toBe('rolled-back');
    expect(store.apply('r1', { type: 'rollback-devices', deviceIds: [first[0]] }).ignored).toMatch(/has anything to roll back/);
  });
});
