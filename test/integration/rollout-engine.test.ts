// The rollout engine against 20 real agent processes: a good model through its stages with stable
// bucketing across pause/resume; a model that fails its health check halts and rolls back; a rollback
// by hand; and the CLI driving a rollout killed with SIGKILL mid-stage, resumed, each device deployed once.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceSummary, RolloutDetail } from '../../electron/core/api/types.js';
import { createCore, type Core } from '../../electron/core/core.js';
import { AgentClient } from '../../electron/core/devices/https/agent-client.js';
import { artifactPath } from '../../electron/core/registry/artifact-store.js';
import { DeviceStore } from '../../electron/core/registry/device-store.js';
import { planStages } from '../../electron/core/rollouts/stages.js';
import { infer, repoRoot, sampleModel, startAgent, type AgentProcess } from '../helpers/agent-process.js';

const home = mkdtempSync(join(tmpdir(), 'ef-rollout-'));
const agents: AgentProcess[] = [];
let core: Core;
const models: Record<'v1' | 'v2' | 'broken', { id: string; sha256: string }> = {} as never;

function unwrap<T>(env: Awaited<ReturnType<Core['call']>>): T {
  if (!env.ok) throw new Error(`${env.error.code}: ${env.error.title}: ${env.error.detail}`);
  return env.result as T;
}

/** A loadable copy of the sample with its own bytes: an extra doc_string field (ModelProto field 6). */
function variant(tag: string): Uint8Array {
  const text = Buffer.from(`rollout test ${tag}`);
  return Buffer.concat([sampleModel, Buffer.from([0x32, text.length]), text]);
}

function register(name: string, bytes: Uint8Array): { id: string; sha256: string } {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const file = artifactPath(home, sha256);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(join(home, `${name}.onnx`), bytes);
  copyFileSync(join(home, `${name}.onnx`), file);
  const { model } = core.registry.addModel({ name, sha256, sizeBytes: bytes.byteLength, sourceFile: null, inspect: null });
  return { id: model.id, sha256 };
}

function client(a: AgentProcess): AgentClient {
  const creds = new DeviceStore(core.registry.db).credentials(a.deviceId)!;
  return new AgentClient({ host: '127.0.0.1', port: a.port, fingerprint: creds.fingerprint, token: creds.token });
}

async function statuses() {
  return Promise.all(
    agents.map(async (a) => {
      const c = client(a);
      try {
        return { id: a.deviceId, status: await c.call('status') };
      } finally {
        c.close();
      }
    }),
  );
}

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function events(id: string) {
  return core.rollouts.store.events(id).map((e) => e.event);
}

/** The CLI from source (the built dist/ may lag behind the tree), as a separate console process. */
function cli(args: string[]): { child: ChildProcess; done: Promise<{ code: number | null; stdout: string; stderr: string }> } {
  const code = "const { main } = await import('./electron/cli/main.ts'); const c = await main(process.argv.slice(1)); process.exitCode = c; setTimeout(() => process.exit(c), 2000).unref();";
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code, ...args, '--home', home], {
    cwd: repoRoot,
    env: { ...process.env, EDGEFLEET_DISCOVERY: 'off' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  return { child, done: new Promise((resolve) => child.once('exit', (c) => resolve({ code: c, stdout, stderr }))) };
}

beforeAll(async () => {
  for (let i = 0; i < 20; i += 5) {
    agents.push(...(await Promise.all(Array.from({ length: 5 }, (_, k) => startAgent({ name: `dev-${String(i + k).padStart(2, '0')}`, args: ['--telemetry-interval', '1'] })))));
  }
  core = createCore({ home, mode: 'cli' });
  for (const [i, a] of agents.entries()) {
    unwrap(await core.call('devices.pair', { address: `127.0.0.1:${a.port}`, code: a.pairingCode! }));
    unwrap(await core.call('devices.update', { id: a.deviceId, tags: ['fleet'], groups: [i < 10 ? 'north' : 'south'] }));
  }
  models.v1 = register('digits-a', variant('a'));
  models.v2 = register('digits-b', variant('b'));
  models.broken = register('digits-broken', sampleModel.subarray(0, 500_000));
}, 180_000);

afterAll(async () => {
  await core?.close();
  await Promise.all(agents.map((a) => a.stop()));
  for (const a of agents) rmSync(a.dataDir, { recursive: true, force: true });
  rmSync(home, { recursive: true, force: true });
});

describe('rollout engine over 20 agents', () => {
  it('rolls a good model out through 10 %, 50 %, 100 %, with the same devices per stage across pause and resume', async () => {
    const created = unwrap<RolloutDetail>(await core.call('rollouts.create', { modelId: models.v1.id, selector: 'tag:fleet', stages: [10, 50, 100], soakMs: 300, concurrency: 4 }));
    expect(created.status).toBe('running');
    expect(created.stages.map((s) => s.deviceIds.length)).toEqual([2, 8, 10]);
    const plan = planStages(created.seed, agents.map((a) => a.deviceId), { kind: 'percentages', percents: [10, 50, 100] }, 4);
    expect(created.stages.map((s) => s.deviceIds)).toEqual(plan.stages.map((s) => s.deviceIds));

    core.rollouts.drive(created.id);
    await until('the first stage confirmed', () => core.rollouts.detail(created.id).counts.confirmed >= 2);
    const paused = unwrap<RolloutDetail>(await core.call('rollouts.pause', { id: created.id }));
    expect(paused.status).toBe('paused');
    // Work already sent finishes; nothing new starts while paused.
    await until('in-flight deploys answered', () => core.rollouts.detail(created.id).counts.deploying === 0);
    const during = core.rollouts.detail(created.id);
    // Time passing, on purpose: nothing may start while paused, however long it stays paused.
    await new Promise((r) => setTimeout(r, 800));
    expect(core.rollouts.detail(created.id).counts).toEqual(during.counts);
    expect(during.counts.pending).toBeGreaterThan(0);

    unwrap(await core.call('rollouts.resume', { id: created.id }));
    const final = await core.rollouts.waitFor(created.id, { drive: true });
    expect(final.status).toBe('completed');
    const done = core.rollouts.detail(created.id);
    expect(done.stages.map((s) => s.deviceIds)).toEqual(created.stages.map((s) => s.deviceIds));
    expect(done.counts.confirmed).toBe(20);
    expect(done.stages.every((s) => s.outcome === 'passed')).toBe(true);

    // Stages in order: no device of a stage was deployed before the previous stage was confirmed.
    const log = events(created.id);
    const seqOf = (type: string, ids: string[]) => log.flatMap((e, i) => (e.type === type && ids.includes((e as { deviceId: string }).deviceId) ? [i] : []));
    for (let k = 1; k < 3; k++) {
      expect(Math.max(...seqOf('device-confirmed', created.stages[k - 1].deviceIds))).toBeLessThan(Math.min(...seqOf('device-deployed', created.stages[k].deviceIds)));
    }
    for (const { status } of await statuses()) expect(status).toMatchObject({ state: 'running', active: { manifest: { sha256: models.v1.sha256 } } });
  });

  it('halts at the first stage on a model that fails its health check and rolls back every touched device; the audit log shows each step', async () => {
    const created = unwrap<RolloutDetail>(await core.call('rollouts.create', { modelId: models.broken.id, selector: 'tag:fleet', stages: [25, 100], soakMs: 200, concurrency: 5, policy: 'rollback' }));
    const final = await core.rollouts.waitFor(created.id, { drive: true });
    expect(final.status).toBe('rolled-back');
    const d = core.rollouts.detail(created.id);
    expect(d.stage).toBe(0);
    expect(d.stages[0].outcome).toBe('failed');
    expect(d.stages[0].gateResults?.find((g) => g.kind === 'deploy-failure-rate')).toMatchObject({ status: 'fail', value: 1, devices: 5 });
    expect(d.reason).toMatch(/Deploy failures: 100 % over 5 devices/);
    const touched = new Set(d.stages[0].deviceIds);
    for (const dev of d.devices) expect(dev.phase).toBe(touched.has(dev.id) ? 'reverted' : 'pending');
    // No device ends without a loadable model: every one still serves the model of the first rollout.
    for (const { status } of await statuses()) expect(status).toMatchObject({ state: 'running', active: { manifest: { sha256: models.v1.sha256 } } });
    for (const a of agents) expect((await infer(a.servePort)).status).toBe(200);
    // In the inventory each touched device's revert is its last change, naming this rollout; not a fault.
    for (const id of touched) {
      const row = unwrap<DeviceSummary[]>(await core.call('devices.list', {})).find((x) => x.id === id)!;
      expect(row.lastChange).toMatchObject({ reverted: true, rolloutId: created.id });
      expect(row.health).not.toBe('error');
    }

    const audit = unwrap<{ action: string; outcome: string; params: { deviceId?: string } }[]>(await core.call('audit.list', { target: `rollout:${created.id}` })).reverse();
    const actions = audit.map((e) => e.action);
    expect(actions[0]).toBe('rollout.create');
    expect(actions).toContain('rollout.start');
    expect(audit.filter((e) => e.action === 'rollout.device-reverted').map((e) => e.params.deviceId).sort()).toEqual([...touched].sort());
    expect(audit.find((e) => e.action === 'rollout.gates-evaluated')?.outcome).toBe('failed');
    expect(actions).toContain('rollout.halt-and-rollback');
    expect(actions.at(-1)).toBe('rollout.rolled-back');
  });

  it('rolls back by hand during a soak: devices on trial go back to the model they had', async () => {
    const created = unwrap<RolloutDetail>(await core.call('rollouts.create', { modelId: models.v2.id, selector: 'group:north', stages: [30, 100], soakMs: 600_000, concurrency: 3 }));
    core.rollouts.drive(created.id);
    await until('the first stage soaking', () => core.rollouts.detail(created.id).stages[0].phase === 'soaking');
    const onTrial = core.rollouts.detail(created.id).devices.filter((x) => x.phase === 'trial').map((x) => x.id);
    expect(onTrial).toHaveLength(3);
    const byId = new Map((await statuses()).map((s) => [s.id, s.status]));
    for (const id of onTrial) expect(byId.get(id)).toMatchObject({ state: 'trial', active: { manifest: { sha256: models.v2.sha256 } } });

    unwrap(await core.call('rollouts.rollback', { id: created.id }));
    const final = await core.rollouts.waitFor(created.id, { drive: true });
    expect(final.status).toBe('rolled-back');
    const d = core.rollouts.detail(created.id);
    expect(d.devices.filter((x) => x.phase === 'rolled-back').map((x) => x.id).sort()).toEqual([...onTrial].sort());
    for (const x of d.devices.filter((x) => x.phase === 'rolled-back')) expect(x.previousModel?.sha256).toBe(models.v1.sha256);
    for (const { status } of await statuses()) expect(status).toMatchObject({ state: 'running', active: { manifest: { sha256: models.v1.sha256 } } });
  });

  it('a CLI console killed with SIGKILL mid-stage; `rollout resume --wait` finishes with each device deployed exactly once', async () => {
    const start = cli(['rollout', 'start', models.v2.id, '--target', 'tag:fleet', '--stages', '50,100', '--soak', '300ms', '--concurrency', '3', '--wait', '--json']);
    let id = '';
    await until('a few devices deployed by the CLI', () => {
      const r = core.rollouts.store.list().find((x) => x.modelId === models.v2.id && x.status === 'running');
      if (!r) return false;
      id = r.id;
      return events(id).filter((e) => e.type === 'device-deployed').length >= 4;
    });
    start.child.kill('SIGKILL');
    await start.done;
    const atKill = core.rollouts.detail(id);
    expect(atKill.status).toBe('running');
    expect(atKill.counts.pending).toBeGreaterThan(0);

    const resumed = cli(['rollout', 'resume', id, '--wait', '--json']);
    const r = await resumed.done;
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as RolloutDetail).status).toBe('completed');

    // Exactly once, seen from the agents: a second deploy of v2 would have pushed v1 out of the other slot.
    for (const { status } of await statuses()) {
      expect(status).toMatchObject({ state: 'running', active: { manifest: { sha256: models.v2.sha256 } }, previous: { manifest: { sha256: models.v1.sha256 } } });
    }
    const deployed = events(id).filter((e) => e.type === 'device-deployed').map((e) => (e as { deviceId: string }).deviceId);
    expect(deployed.sort()).toEqual(agents.map((a) => a.deviceId).sort());
  });

  it('rolls back one group of a completed rollout from the CLI: those devices return to their previous model, the rest keep the new one', async () => {
    const [done] = core.rollouts.list('completed').filter((r) => r.modelId === models.v2.id);
    const r = await cli(['rollout', 'rollback', done.id, '--target', 'group:south', '--wait', '--json']).done;
    expect(r.code, r.stderr).toBe(0);
    const d = JSON.parse(r.stdout) as RolloutDetail;
    const south = new Set(agents.slice(10).map((a) => a.deviceId));
    for (const dev of d.devices) expect(dev.phase).toBe(south.has(dev.id) ? 'rolled-back' : 'confirmed');
    for (const { id, status } of await statuses()) {
      expect(status).toMatchObject({ state: 'running', active: { manifest: { sha256: south.has(id) ? models.v1.sha256 : models.v2.sha256 } } });
    }
    const nothing = await cli(['rollout', 'rollback', done.id, '--target', 'group:nowhere']).done;
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toMatch(/No such device in this rollout/);
  });

  it('a rollout that no console drives is resumed by the next long-running console at its start', async () => {
    // This core is a CLI one: it records the start but does not drive.
    const created = unwrap<RolloutDetail>(await core.call('rollouts.create', { modelId: models.v1.id, selector: 'group:north', stages: [100], soakMs: 0, concurrency: 5 }));
    // Time passing, on purpose: left alone, the rollout does not move.
    await new Promise((r) => setTimeout(r, 300));
    expect(core.rollouts.detail(created.id)).toMatchObject({ status: 'running', driver: null, counts: { confirmed: 0 } });
    const served = createCore({ home, mode: 'browser', discovery: false });
    try {
      const final = await core.rollouts.waitFor(created.id, { drive: false });
      expect(final.status).toBe('completed');
    } finally {
      await served.close();
    }
    const north = new Set(agents.slice(0, 10).map((a) => a.deviceId));
    for (const { id, status } of await statuses()) if (north.has(id)) expect(status).toMatchObject({ state: 'running', active: { manifest: { sha256: models.v1.sha256 } } });
  });

  it('refuses bad input with a clear error and exit code 2', async () => {
    const r = await cli(['rollout', 'start', models.v2.id, '--target', 'tag:fleet', '--stages', '50,20']).done;
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Invalid rollout stages: Stage 2 \(20 %\) must be larger than stage 1/);
    const g = await cli(['rollout', 'start', models.v2.id, '--target', 'tag:fleet', '--gate', 'latency<=2']).done;
    expect(g.code).toBe(2);
    expect(g.stderr).toMatch(/Invalid health gate/);
    expect(core.rollouts.store.list().filter((x) => x.status === 'planned')).toHaveLength(0);
  });
});
