// An A/B assignment over 4 real agents whose deployment partly fails: one cohort device's agent is
// stopped. What the assignment reports per device, and that every other device serves its variant.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AbAssignment, AbStatus, DeployResult } from '../../electron/core/api/types.js';
import { createCore, type Core } from '../../electron/core/core.js';
import { assignCohorts } from '../../electron/core/rollouts/bucketing.js';
import { infer, startAgent, type AgentProcess } from '../helpers/agent-process.js';
import { register, restart, unwrap, until, variant } from '../helpers/recovery-fixture.js';

const home = mkdtempSync(join(tmpdir(), 'ef-recovery-ab-'));
const agents: AgentProcess[] = [];
let core: Core;

beforeAll(async () => {
  agents.push(...(await Promise.all(Array.from({ length: 4 }, (_, i) => startAgent({ name: `ab-${i}`, args: ['--telemetry-interval', '0.5'] })))));
  core = createCore({ home, mode: 'cli' });
  for (const a of agents) {
    unwrap(await core.call('devices.pair', { address: `127.0.0.1:${a.port}`, code: a.pairingCode! }));
    unwrap(await core.call('devices.update', { id: a.deviceId, tags: ['lab'] }));
  }
}, 120_000);

afterAll(async () => {
  await core?.close();
  await Promise.all(agents.map((a) => a.stop()));
  rmSync(home, { recursive: true, force: true });
});

describe('A/B with a cohort whose deploy partly fails', () => {
  it('reports the stopped device as failed with its error, keeps the assignment running, and the others serve their variant', { timeout: 120_000 }, async () => {
    const models = [register(core, 'digits-a', variant('ab-a')), register(core, 'digits-b', variant('ab-b'))];
    const seed = 'recovery-ab';
    const { cohorts } = assignCohorts(seed, agents.map((a) => a.deviceId), [{ id: 'A', percent: 50 }, { id: 'B', percent: 50 }]);
    const down = agents.find((a) => a.deviceId === cohorts.B[0])!;
    await down.stop();

    const started = unwrap<AbAssignment>(await core.call('ab.start', { selector: 'tag:lab', seed, variants: [{ modelId: models[0].id, percent: 50 }, { modelId: models[1].id, percent: 50 }] }));
    await Promise.all(started.deployJobIds.map((id) => core.jobs.wait(id)));
    const a = unwrap<AbAssignment[]>(await core.call('ab.list', {})).find((x) => x.id === started.id)!;
    expect(a).toMatchObject({ state: 'running', error: null });
    expect(a.variants.map((v) => v.deviceIds)).toEqual([cohorts.A, cohorts.B]);
    expect(a.variants.map((v) => v.failedDeviceIds)).toEqual([[], [down.deviceId]]);

    // Per device, from the deploy job of its cohort: the stopped one with a reason a person can act on.
    const jobB = unwrap<{ state: string; result: DeployResult }>(await core.call('jobs.get', { id: a.deployJobIds[1] }));
    const byDevice = new Map(jobB.result.devices.map((d) => [d.deviceId, d]));
    expect(byDevice.get(down.deviceId)).toMatchObject({ phase: 'failed', error: { code: 'DEVICE_UNREACHABLE', title: 'Device not reachable' } });
    for (const id of cohorts.B.filter((d) => d !== down.deviceId)) expect(byDevice.get(id)?.phase).toBe('confirmed');
    expect(core.registry.db.prepare('SELECT state FROM devices WHERE id = ?').get(down.deviceId)).toEqual({ state: 'offline' });

    // Every other device answers with its own variant's model.
    const serving = agents.filter((x) => x !== down);
    for (const x of serving) {
      const r = await infer(x.servePort);
      expect(r.status).toBe(200);
      expect(r.body.model).toMatchObject({ sha256: cohorts.A.includes(x.deviceId) ? models[0].sha256 : models[1].sha256 });
    }
    // Time passing, on purpose: only telemetry windows that begin after servingSince count (one 0.5 s window).
    await new Promise((r) => setTimeout(r, 1200));
    for (let i = 0; i < 20; i++) await Promise.all(serving.map((x) => infer(x.servePort, i + 2)));

    // The statistics count the devices that serve: the failed one is neither counted nor "unreachable".
    const s = await until('telemetry from every serving device', async () => unwrap<AbStatus>(await core.call('ab.get', { id: a.id })), (st) => st.variants.every((v) => v.devicesReporting === v.devices && v.requests >= 20 * v.devices), 60_000, 1000);
    expect(s.variants.map((v) => [v.name, v.devices, v.devicesReporting])).toEqual([['A', cohorts.A.length, cohorts.A.length], ['B', cohorts.B.length - 1, cohorts.B.length - 1]]);
    expect(s.unreachable).toEqual([]);
    expect(s.variants.map((v) => v.errors)).toEqual([0, 0]);

    // Back later, it still serves what it had (no model): the assignment does not deploy to it again.
    const back = await restart(down);
    agents[agents.indexOf(down)] = back;
    expect((await infer(back.servePort)).body).toMatchObject({ code: 'NO_MODEL' });
    const after = unwrap<AbStatus>(await core.call('ab.get', { id: a.id }));
    expect(after.assignment.variants[1].failedDeviceIds).toEqual([down.deviceId]);
    unwrap(await core.call('ab.stop', { id: a.id }));
  });
});
