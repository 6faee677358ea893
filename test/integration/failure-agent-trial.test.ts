// A real agent's trial window ending badly: more than half of the requests it served failed, or the
// self-test that closes the window fails. Either way the agent goes back to the previous slot by
// itself and serves the previous model again. Each test starts its own agent.
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentClient } from '../../electron/core/devices/https/agent-client.js';
import type { DeviceStatus } from '../../resources/device-protocol/messages.js';
import { infer, inferRaw, pairWith, sampleModel, signed, startAgent, type AgentProcess, type Console } from '../helpers/agent-process.js';
import { batchInput, batchOfOneModel, passesThenFailsModel } from '../helpers/failing-models.js';

const agents: AgentProcess[] = [];
afterEach(async () => {
  for (const a of agents.splice(0)) await a.stop();
});

/** A paired agent that runs the sample model 1.0.0, confirmed: the previous model every trial here returns to. */
async function agentOnSample(): Promise<{ agent: AgentProcess; client: AgentClient; konsole: Console }> {
  const agent = await startAgent();
  agents.push(agent);
  const { client, console: konsole } = await pairWith(agent);
  await client.upload(sampleModel, signed(sampleModel, '1.0.0', konsole.privateKey));
  expect((await client.activate({ maxLatencyMs: 5000 })).outcome).toBe('trial');
  await client.confirm();
  return { agent, client, konsole };
}

/** Status once the trial has ended on the agent's own timer. */
async function afterTrial(client: AgentClient): Promise<DeviceStatus> {
  for (let i = 0; i < 300; i++) {
    const status = await client.status();
    if (!status.trial) return status;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the trial did not end within 30 s');
}

async function servedVersion(agent: AgentProcess): Promise<string | undefined> {
  const res = await infer(agent.servePort);
  expect(res.status).toBe(200);
  return res.body.model?.version;
}

describe('trial window that ends unhealthy', () => {
  it('reverts when more than half of the requests served during the trial failed', async () => {
    const { agent, client, konsole } = await agentOnSample();
    const model = batchOfOneModel();
    await client.upload(model, signed(model, '2.0.0', konsole.privateKey, 'batch-of-one'));
    const act = await client.activate({ maxLatencyMs: 5000, selfTestRuns: 2, healthyWindowSec: 4 });
    expect(act.outcome).toBe('trial');
    expect(act.health.ok).toBe(true);
    for (let i = 0; i < 6; i++) {
      const res = await inferRaw(agent.servePort, batchInput(2));
      expect(res.body.code, JSON.stringify(res.body)).toBe('INFER_FAILED');
    }
    const status = await afterTrial(client);
    expect(status).toMatchObject({ state: 'running', trial: null, previous: null, active: { slot: 'a', manifest: { version: '1.0.0' } }, lastEvent: { kind: 'trial-unhealthy' } });
    expect(status.lastEvent?.detail).toContain('6 of 6 inference requests failed');
    expect(await servedVersion(agent)).toBe('1.0.0');
  });

  it('confirms when exactly half failed (the bound is more than half)', async () => {
    const { agent, client, konsole } = await agentOnSample();
    const model = batchOfOneModel();
    await client.upload(model, signed(model, '2.0.0', konsole.privateKey, 'batch-of-one'));
    expect((await client.activate({ maxLatencyMs: 5000, selfTestRuns: 2, healthyWindowSec: 4 })).outcome).toBe('trial');
    for (let i = 0; i < 3; i++) expect((await inferRaw(agent.servePort, batchInput(2))).body.code).toBe('INFER_FAILED');
    for (let i = 0; i < 3; i++) expect((await inferRaw(agent.servePort, batchInput(1))).status).toBe(200);
    const status = await afterTrial(client);
    expect(status).toMatchObject({ state: 'running', active: { slot: 'b', manifest: { version: '2.0.0' } }, lastEvent: { kind: 'auto-confirmed' } });
  });

  it('does not count refused requests: malformed input during the trial leaves it healthy', async () => {
    const { agent, client, konsole } = await agentOnSample();
    const model = batchOfOneModel();
    await client.upload(model, signed(model, '2.0.0', konsole.privateKey, 'batch-of-one'));
    expect((await client.activate({ maxLatencyMs: 5000, selfTestRuns: 2, healthyWindowSec: 4 })).outcome).toBe('trial');
    // Wrong rank and a wrong byte count: refused before running, so never the model's failure.
    for (let i = 0; i < 6; i++) {
      const res = await inferRaw(agent.servePort, { inputs: { X: { dims: [2, 4, 1], data: '' } } });
      expect(res.body.code).toBe('INFER_INPUT_INVALID');
    }
    expect((await inferRaw(agent.servePort, batchInput(1))).status).toBe(200);
    const status = await afterTrial(client);
    expect(status).toMatchObject({ active: { manifest: { version: '2.0.0' } }, lastEvent: { kind: 'auto-confirmed' } });
  });

  it('reverts when the self-test that closes the window fails', async () => {
    const { agent, client, konsole } = await agentOnSample();
    const model = await passesThenFailsModel(1);
    await client.upload(model, signed(model, '3.0.0', konsole.privateKey, 'noisy'));
    const act = await client.activate({ maxLatencyMs: 5000, selfTestRuns: 1, healthyWindowSec: 1 });
    expect(act.outcome).toBe('trial');
    expect(act.health).toMatchObject({ ok: true, finite: true });
    const status = await afterTrial(client);
    expect(status).toMatchObject({ state: 'running', trial: null, active: { slot: 'a', manifest: { version: '1.0.0' } }, lastEvent: { kind: 'trial-unhealthy' } });
    expect(status.lastEvent?.detail).toMatch(/became unhealthy during its trial: The model gives NaN or infinite outputs/);
    expect(await servedVersion(agent)).toBe('1.0.0');
  });
});
