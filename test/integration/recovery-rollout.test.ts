// Rollouts over 4 real agents when devices misbehave: one refuses connections (its agent is stopped),
// one is killed during the soak (and comes back, or not), and the latency, restart and confidence gates
// judged on real inference traffic. Each test starts with every agent up and confirmed on the base model.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RolloutDetail } from '../../electron/core/api/types.js';
import { createCore, type Core } from '../../electron/core/core.js';
import type { GateDefinition } from '../../electron/core/rollouts/gates.js';
import { infer, startAgent, type AgentProcess } from '../helpers/agent-process.js';
import { agentStatus, inferConstant, register, restart, unwrap, until, variant } from '../helpers/recovery-fixture.js';

const home = mkdtempSync(join(tmpdir(), 'ef-recovery-rollout-'));
const agents: AgentProcess[] = [];
let core: Core;
let base: { id: string; sha256: string };
let tagCount = 0;

const telemetryArgs = ['--telemetry-interval', '1'];

async function newRollout(opts: { gates?: GateDefinition[]; policy?: 'halt' | 'rollback'; soakMs: number }): Promise<{ created: RolloutDetail; model: { id: string; sha256: string } }> {
  const model = register(core, `digits-${++tagCount}`, variant(`v${tagCount}`));
  const created = unwrap<RolloutDetail>(
    await core.call('rollouts.create', { modelId: model.id, selector: 'tag:fleet', stages: [100], concurrency: 4, soakMs: opts.soakMs, policy: opts.policy ?? 'rollback', ...(opts.gates ? { gates: opts.gates } : {}) }),
  );
  return { created, model };
}

const detail = (id: string) => core.rollouts.detail(id);
const soaking = (id: string) => until('the stage soaking', () => detail(id).stages[0].phase, (p) => p === 'soaking');

/** Every agent up and confirmed on the base model, with no trial left from a test before. */
async function baseEverywhere(): Promise<void> {
  for (const [i, a] of agents.entries()) if (a.proc.exitCode !== null || a.proc.signalCode !== null) agents[i] = await restart(a, telemetryArgs);
  const statuses = await Promise.all(agents.map((a) => agentStatus(core, a)));
  if (statuses.every((s) => s.state === 'running' && s.active?.manifest.sha256 === base.sha256)) return;
  const r = unwrap<RolloutDetail>(await core.call('rollouts.create', { modelId: base.id, selector: 'tag:fleet', stages: [100], soakMs: 0, concurrency: 4, gates: [] }));
  expect((await core.rollouts.waitFor(r.id, { drive: true })).status).toBe('completed');
}

/** Requests through each agent's local endpoint, one after another. */
async function load(targets: AgentProcess[], n: number, send: (a: AgentProcess, i: number) => Promise<{ status: number }> = (a, i) => infer(a.servePort, i + 1)): Promise<void> {
  for (const a of targets) for (let i = 0; i < n; i++) expect((await send(a, i)).status).toBe(200);
}

beforeAll(async () => {
  agents.push(...(await Promise.all(Array.from({ length: 4 }, (_, i) => startAgent({ name: `rec-${i}`, args: telemetryArgs })))));
  core = createCore({ home, mode: 'cli' });
  for (const a of agents) {
    unwrap(await core.call('devices.pair', { address: `127.0.0.1:${a.port}`, code: a.pairingCode! }));
    unwrap(await core.call('devices.update', { id: a.deviceId, tags: ['fleet'] }));
  }
  base = register(core, 'digits-base', variant('base'));
}, 120_000);

beforeEach(baseEverywhere, 120_000);

afterAll(async () => {
  await core?.close();
  await Promise.all(agents.map((a) => a.stop()));
  rmSync(home, { recursive: true, force: true });
});

describe('rollouts when devices fail', () => {
  it('a device that refuses connections fails its deploy; `halt` stops with the others on trial; back late, it is not retried', { timeout: 120_000 }, async () => {
    const down = agents[0];
    await down.stop();
    const { created, model } = await newRollout({ policy: 'halt', soakMs: 300 });
    const final = await core.rollouts.waitFor(created.id, { drive: true });
    expect(final.status).toBe('halted');
    const d = detail(created.id);
    const mine = d.devices.find((x) => x.id === down.deviceId)!;
    expect(mine.phase).toBe('failed');
    expect(mine.error).toMatch(/Device not reachable: Nothing answered at .*ECONNREFUSED/);
    expect(d.devices.filter((x) => x.id !== down.deviceId).map((x) => x.phase)).toEqual(['trial', 'trial', 'trial']);
    expect(d.stages[0].gateResults?.find((g) => g.kind === 'deploy-failure-rate')).toMatchObject({ status: 'fail', value: 0.25, devices: 4 });
    expect(d.reason).toMatch(/Deploy failures: 25 % over 4 devices, above the limit of 10 %/);
    // `halt` leaves the devices where they are: on trial with the new model, nothing rolled back.
    for (const a of agents.slice(1)) expect(await agentStatus(core, a)).toMatchObject({ state: 'trial', active: { manifest: { sha256: model.sha256 } } });
    const audit = unwrap<{ action: string }[]>(await core.call('audit.list', { target: `rollout:${created.id}` })).map((e) => e.action);
    expect(audit).toContain('rollout.halt');
    expect(audit).not.toContain('rollout.halt-and-rollback');

    // Back late, on its own data folder and port: resuming judges the gates again, but a failed
    // device is final for this rollout (no retry): it keeps the base model and the rollout halts again.
    agents[0] = await restart(down, telemetryArgs);
    unwrap(await core.call('rollouts.resume', { id: created.id }));
    expect((await core.rollouts.waitFor(created.id, { drive: true })).status).toBe('halted');
    expect(detail(created.id).devices.find((x) => x.id === down.deviceId)!.phase).toBe('failed');
    expect(await agentStatus(core, agents[0])).toMatchObject({ state: 'running', active: { manifest: { sha256: base.sha256 } } });

    // A rollback by hand takes the trial devices back; the failed one had nothing to undo.
    unwrap(await core.call('rollouts.rollback', { id: created.id }));
    expect((await core.rollouts.waitFor(created.id, { drive: true })).status).toBe('rolled-back');
    for (const a of agents) expect(await agentStatus(core, a)).toMatchObject({ state: 'running', active: { manifest: { sha256: base.sha256 } } });
  });

  it('an agent killed during the soak and back before the gates: the restart gate fails and every device rolls back', { timeout: 120_000 }, async () => {
    // Traffic first, so the counters at the deploy are above zero and a restart shows as a counter going down.
    await load(agents, 5);
    const { created, model } = await newRollout({ soakMs: 8000, gates: [{ kind: 'restarts', max: 0, minDevices: 1 }] });
    core.rollouts.drive(created.id);
    await soaking(created.id);
    const victim = agents[1];
    expect(await agentStatus(core, victim)).toMatchObject({ state: 'trial', active: { manifest: { sha256: model.sha256 } } });
    await victim.kill9();
    agents[1] = await restart(victim, telemetryArgs);
    const final = await core.rollouts.waitFor(created.id, { drive: true });
    expect(final.status).toBe('rolled-back');
    const d = detail(created.id);
    expect(d.stages[0].gateResults).toEqual([expect.objectContaining({ kind: 'restarts', status: 'fail', value: 1, devices: 4 })]);
    expect(d.reason).toMatch(/Crashes and restarts: 1 over 4 devices, above the limit of 0/);
    expect(d.devices.map((x) => x.phase)).toEqual(['rolled-back', 'rolled-back', 'rolled-back', 'rolled-back']);
    for (const a of agents) expect(await agentStatus(core, a)).toMatchObject({ state: 'running', active: { manifest: { sha256: base.sha256 } } });
  });

  it('an agent killed during the soak and not back: the gates judge what is known, its confirmation fails and it is flagged', { timeout: 120_000 }, async () => {
    const { created, model } = await newRollout({ soakMs: 3000, gates: [{ kind: 'restarts', max: 0, minDevices: 1 }, { kind: 'deploy-failure-rate', max: 0.1, minDevices: 1 }] });
    core.rollouts.drive(created.id);
    await soaking(created.id);
    const victim = agents[2];
    await victim.kill9();
    const final = await core.rollouts.waitFor(created.id, { drive: true });
    expect(final.status).toBe('completed');
    const d = detail(created.id);
    expect(d.stages[0].gateResults?.map((g) => [g.kind, g.status])).toEqual([['restarts', 'pass'], ['deploy-failure-rate', 'pass']]);
    const flagged = d.devices.find((x) => x.id === victim.deviceId)!;
    expect(flagged.phase).toBe('flagged');
    expect(flagged.error).toMatch(/Device not reachable/);
    expect(d.counts).toMatchObject({ confirmed: 3, flagged: 1 });
    // Back after the rollout ended: its unconfirmed trial was reverted at start, as the flag warned.
    agents[2] = await restart(victim, telemetryArgs);
    expect(await agentStatus(core, agents[2])).toMatchObject({ state: 'running', active: { manifest: { sha256: base.sha256 } } });
    for (const a of agents.filter((x) => x !== agents[2])) expect(await agentStatus(core, a)).toMatchObject({ state: 'running', active: { manifest: { sha256: model.sha256 } } });
  });
});

describe('gates judged on real inference traffic', () => {
  /** Traffic on the base model, then the inventory's telemetry refreshed: the baseline the rollout takes. */
  async function baseline(n: number): Promise<void> {
    await load(agents, n);
    unwrap(await core.call('devices.refresh', {}));
  }

  it('p95 latency against a deliberately tight limit fails on the measured ratio; confidence on the same inputs passes', { timeout: 120_000 }, async () => {
    await baseline(30);
    const { created } = await newRollout({
      policy: 'halt',
      soakMs: 4000,
      gates: [
        { kind: 'p95-latency-ratio', max: 0.01, minDevices: 3 },
        { kind: 'confidence-drift', max: 0.05, minDevices: 3 },
      ],
    });
    core.rollouts.drive(created.id);
    await soaking(created.id);
    await load(agents, 30);
    expect((await core.rollouts.waitFor(created.id, { drive: true })).status).toBe('halted');
    const [latency, confidence] = detail(created.id).stages[0].gateResults!;
    expect(latency).toMatchObject({ kind: 'p95-latency-ratio', status: 'fail', devices: 4 });
    // The same graph on the same kind of input: a real ratio near 1, far above the 0.01 asked for.
    expect(latency.value!).toBeGreaterThan(0.2);
    expect(latency.value!).toBeLessThan(5);
    expect(confidence).toMatchObject({ kind: 'confidence-drift', status: 'pass', devices: 4 });
    unwrap(await core.call('rollouts.rollback', { id: created.id }));
    expect((await core.rollouts.waitFor(created.id, { drive: true })).status).toBe('rolled-back');
  });

  it('inputs the new model is unsure about trip the confidence gate, however long the old model served before', { timeout: 120_000 }, async () => {
    // Many requests on the old model, few on the new: the gate must judge the new model's own answers.
    await baseline(200);
    const { created } = await newRollout({ policy: 'rollback', soakMs: 4000, gates: [{ kind: 'confidence-drift', max: 0.05, minDevices: 3 }] });
    core.rollouts.drive(created.id);
    await soaking(created.id);
    await load(agents, 20, (a) => inferConstant(a.servePort, 1));
    expect((await core.rollouts.waitFor(created.id, { drive: true })).status).toBe('rolled-back');
    const [gate] = detail(created.id).stages[0].gateResults!;
    expect(gate).toMatchObject({ kind: 'confidence-drift', status: 'fail', devices: 4 });
    // Measured beforehand: about 0.49 on the seeded inputs, about 0.27 on all ones.
    expect(gate.value!).toBeGreaterThan(0.15);
    for (const a of agents) expect(await agentStatus(core, a)).toMatchObject({ state: 'running', active: { manifest: { sha256: base.sha256 } } });
  });
});
