// Business metrics end to end: two real agents take the application's own counts on their local
// endpoint (POST /v1/metrics), the counts travel in telemetry as per-window summaries, and the
// console compares them: an A/B variant with four times the false alarms is a significant
// difference, and a rollout whose new model raises the false-alarm rate halts on a metric gate
// while one with the same rate completes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AbAssignment, AbStatus, RolloutDetail } from '../../electron/core/api/types.js';
import { createCore, type Core } from '../../electron/core/core.js';
import { infer, postMetrics, postServe, startAgent, type AgentProcess } from '../helpers/agent-process.js';
import { register, until, variant } from '../helpers/recovery-fixture.js';

const home = mkdtempSync(join(tmpdir(), 'ef-biz-'));
const agents: AgentProcess[] = [];
let core: Core;

function unwrap<T>(env: Awaited<ReturnType<Core['call']>>): T {
  if (!env.ok) throw new Error(`${env.error.code}: ${env.error.title}: ${env.error.detail}`);
  return env.result as T;
}

/** A loadable copy of the sample with its own bytes, registered as the model `detector-TAG`. */
const registerCopy = (tag: string) => register(core, `detector-${tag}`, variant(tag));

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * What the application on the device does: declares its count, then for every inference it runs
 * reports a false alarm once in `every` inferences. The windows close on the agent's telemetry tick.
 */
async function traffic(agent: AgentProcess, inferences: number, every: number): Promise<void> {
  expect((await postMetrics(agent.servePort, [{ name: 'false_alarm', count: 0 }])).status).toBe(200);
  for (let i = 1; i <= inferences; i++) {
    expect((await infer(agent.servePort, i)).status).toBe(200);
    if (i % every === 0) expect((await postMetrics(agent.servePort, [{ name: 'false_alarm', count: 1 }])).status).toBe(200);
  }
}

async function rollOut(model: { id: string }, gates: unknown[], soakMs: number, during?: () => Promise<void>) {
  const created = unwrap<RolloutDetail>(await core.call('rollouts.create', { modelId: model.id, selector: 'tag:biz', stages: [100], soakMs, concurrency: 2, gates, policy: 'halt' }));
  core.rollouts.drive(created.id);
  if (during) {
    await until('the devices on trial', () => core.rollouts.detail(created.id).stages[0].phase, (p) => p === 'soaking', 120_000);
    await during();
  }
  const final = await core.rollouts.waitFor(created.id, { drive: true });
  return { final, detail: core.rollouts.detail(created.id) };
}

const metricGate = [{ kind: 'metric', metric: 'false_alarm', max: 1.05, minDevices: 2 }];

beforeAll(async () => {
  agents.push(...(await Promise.all([0, 1].map((i) => startAgent({ name: `biz-${i}`, args: ['--telemetry-interval', '1'] })))));
  core = createCore({ home, mode: 'cli' });
  for (const a of agents) {
    unwrap(await core.call('devices.pair', { address: `127.0.0.1:${a.port}`, code: a.pairingCode! }));
    unwrap(await core.call('devices.update', { id: a.deviceId, tags: ['biz'] }));
  }
}, 120_000);

afterAll(async () => {
  await core?.close();
  await Promise.all(agents.map((a) => a.stop()));
  for (const a of agents) rmSync(a.dataDir, { recursive: true, force: true });
  rmSync(home, { recursive: true, force: true });
});

describe('business metrics from real agents', () => {
  it('the local endpoint refuses bad metrics with a clear error', async () => {
    const bad = await postMetrics(agents[0].servePort, [{ name: 'False Alarm', count: 1 }]);
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'REQUEST_INVALID' });
    expect(bad.body.title).toMatch(/False Alarm/);
    const empty = await postServe(agents[0].servePort, '/v1/metrics', { metrics: [] });
    expect(empty.status).toBe(400);
  });

  it('A/B: four times the false alarms of the control is significant, and each variant shows its rate', async () => {
    const a = registerCopy('ab-a');
    const b = registerCopy('ab-b');
    const started = unwrap<AbAssignment>(await core.call('ab.start', { selector: 'tag:biz', variants: [{ modelId: a.id, percent: 50 }, { modelId: b.id, percent: 50 }], control: true, seed: 'biz-ab' }));
    await Promise.all(started.deployJobIds.map((id) => core.jobs.wait(id)));
    const running = unwrap<AbAssignment[]>(await core.call('ab.list', {})).find((x) => x.id === started.id)!;
    expect(running.state).toBe('running');
    expect(running.variants.map((v) => v.deviceIds.length)).toEqual([1, 1]);
    const agentOf = (i: number) => agents.find((x) => x.deviceId === running.variants[i].deviceIds[0])!;
    // Windows before the first full one after the assignment started do not count: let one pass.
    await sleep(1500);
    await Promise.all([traffic(agentOf(0), 300, 20), traffic(agentOf(1), 300, 5)]);
    await sleep(2500);
    const s = unwrap<AbStatus>(await core.call('ab.get', { id: started.id }));
    const [va, vb] = s.variants;
    expect(va.metrics.false_alarm).toMatchObject({ kind: 'count', devices: 1 });
    expect(vb.metrics.false_alarm).toMatchObject({ kind: 'count', devices: 1 });
    expect(va.metrics.false_alarm.level!).toBeCloseTo(0.05, 1);
    expect(vb.metrics.false_alarm.level!).toBeCloseTo(0.2, 1);
    const m = s.comparisons[0].metrics.false_alarm;
    expect(m.significant, JSON.stringify(m)).toBe(true);
    expect(m.estimate!).toBeGreaterThan(2.5);
    expect(m.low!).toBeGreaterThan(1);
    expect(m.pValue!).toBeLessThan(0.05);
    expect(s.verdict).toMatch(/false_alarm [0-9.]+×/);
    unwrap(await core.call('ab.stop', { id: started.id }));
  }, 180_000);

  it('a rollout with the same false-alarm rate completes; one that raises it halts on the metric gate', async () => {
    const base = registerCopy('base');
    const same = registerCopy('same');
    const worse = registerCopy('worse');
    const r0 = await rollOut(base, [{ kind: 'deploy-failure-rate', max: 0, minDevices: 1 }], 1000);
    expect(r0.final.status).toBe('completed');
    // Under the base model: 5 % of inferences raise a false alarm.
    await Promise.all(agents.map((a) => traffic(a, 200, 20)));
    await sleep(2500);

    const pass = await rollOut(same, metricGate, 15_000, async () => {
      await Promise.all(agents.map((a) => traffic(a, 200, 20)));
      await sleep(2500);
    });
    const passGate = pass.detail.stages[0].gateResults?.find((g) => g.kind === 'metric');
    expect(passGate, JSON.stringify(pass.detail.stages[0].gateResults)).toMatchObject({ status: 'pass', devices: 2, metric: 'false_alarm' });
    expect(passGate!.value!).toBeGreaterThan(0.5);
    expect(passGate!.value!).toBeLessThan(2);
    expect(pass.final.status).toBe('completed');

    // The new model: 20 % of inferences raise one.
    const fail = await rollOut(worse, metricGate, 15_000, async () => {
      await Promise.all(agents.map((a) => traffic(a, 200, 5)));
      await sleep(2500);
    });
    const failGate = fail.detail.stages[0].gateResults?.find((g) => g.kind === 'metric');
    expect(failGate, JSON.stringify(fail.detail.stages[0].gateResults)).toMatchObject({ status: 'fail', devices: 2 });
    expect(failGate!.value!).toBeGreaterThan(2);
    expect(fail.final.status).toBe('halted');
    expect(fail.detail.reason).toMatch(/Metric false_alarm: [0-9.]+× before \(95 % CI [0-9.]+ to [0-9.]+\) over 2 devices/);
  }, 300_000);
});
