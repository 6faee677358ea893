// A real agent whose slots let it down: an active slot that no longer loads when it boots, a rollback
// with nothing to go back to, a previous model that no longer loads, and a rollback during a trial.
// Model files are damaged on disk as a failing SD card would. Each test starts its own agent.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentClient } from '../../electron/core/devices/https/agent-client.js';
import { clientFor, infer, pairWith, sampleModel, signed, startAgent, type AgentProcess, type Console } from '../helpers/agent-process.js';

const agents: AgentProcess[] = [];
afterEach(async () => {
  for (const a of agents.splice(0)) await a.stop();
});

interface Paired {
  agent: AgentProcess;
  client: AgentClient;
  token: string;
  konsole: Console;
}

async function pairedAgent(dataDir?: string): Promise<Paired> {
  const agent = await startAgent({ dataDir });
  agents.push(agent);
  const { client, token, console: konsole } = await pairWith(agent);
  return { agent, client, token, konsole };
}

/** Uploads the sample model as `version` and activates it; confirms unless told to leave it on trial. */
async function deploy(p: Paired, version: string, opts: { confirm?: boolean; healthyWindowSec?: number } = {}): Promise<void> {
  await p.client.upload(sampleModel, signed(sampleModel, version, p.konsole.privateKey));
  expect((await p.client.activate({ maxLatencyMs: 5000, healthyWindowSec: opts.healthyWindowSec ?? 0 })).outcome).toBe('trial');
  if (opts.confirm ?? true) await p.client.confirm();
}

/** The first 400 kB of the model: the file is there, its protobuf ends mid-tensor. */
function damageSlot(p: Paired, slot: 'a' | 'b'): void {
  const file = path.join(p.agent.dataDir, 'slots', slot, 'model.onnx');
  writeFileSync(file, readFileSync(file).subarray(0, 400_000));
}

function stateOnDisk(p: Paired): { active: string | null; previous: string | null; slots: Record<string, unknown> } {
  return JSON.parse(readFileSync(path.join(p.agent.dataDir, 'state.json'), 'utf8'));
}

async function servedVersion(agent: AgentProcess): Promise<string | undefined> {
  const res = await infer(agent.servePort);
  expect(res.status).toBe(200);
  return res.body.model?.version;
}

describe('agent boot with an active slot that no longer loads', () => {
  it('falls back to the previous slot and says so in lastEvent', async () => {
    const first = await pairedAgent();
    await deploy(first, '1.0.0');
    await deploy(first, '2.0.0');
    expect(await first.client.status()).toMatchObject({ active: { slot: 'b' }, previous: { slot: 'a' } });
    await first.agent.stop();
    damageSlot(first, 'b');

    const again = await startAgent({ dataDir: first.agent.dataDir });
    agents.push(again);
    const status = await clientFor(again, first.token).status();
    expect(status).toMatchObject({ state: 'running', trial: null, previous: null, active: { slot: 'a', manifest: { version: '1.0.0' } }, lastEvent: { kind: 'active-unloadable' } });
    expect(status.lastEvent?.detail).toMatch(/2\.0\.0 \(slot b\) no longer loads; switched to .*1\.0\.0 \(slot a\)/);
    expect(stateOnDisk(first)).toMatchObject({ active: 'a', previous: null, slots: { b: null } });
    expect(await servedVersion(again)).toBe('1.0.0');
  });

  it('starts with no model when the only slot no longer loads, and answers inference with NO_MODEL', async () => {
    const first = await pairedAgent();
    await deploy(first, '1.0.0');
    await first.agent.stop();
    damageSlot(first, 'a');

    const again = await startAgent({ dataDir: first.agent.dataDir });
    agents.push(again);
    const status = await clientFor(again, first.token).status();
    expect(status).toMatchObject({ state: 'empty', active: null, previous: null, lastEvent: { kind: 'active-unloadable' } });
    const res = await infer(again.servePort);
    expect(res).toMatchObject({ status: 503, body: { code: 'NO_MODEL' } });
  });
});

describe('agent rollback errors', () => {
  it('refuses a rollback on a device with one model: NO_PREVIOUS_MODEL, and keeps serving it', async () => {
    const p = await pairedAgent();
    await expect(p.client.rollback()).rejects.toMatchObject({ code: 'NO_PREVIOUS_MODEL', title: 'Nothing to roll back to' });
    await deploy(p, '1.0.0');
    await expect(p.client.rollback()).rejects.toMatchObject({ code: 'NO_PREVIOUS_MODEL' });
    expect(await p.client.status()).toMatchObject({ state: 'running', active: { slot: 'a', manifest: { version: '1.0.0' } } });
    expect(await servedVersion(p.agent)).toBe('1.0.0');
  });

  it('refuses a rollback to a previous model that no longer loads, forgets it, and stays on the active one', async () => {
    const p = await pairedAgent();
    await deploy(p, '1.0.0');
    await deploy(p, '2.0.0');
    damageSlot(p, 'a');
    const err = await p.client.rollback().catch((e: { code: string; title: string; detail: string }) => e);
    expect(err).toMatchObject({ code: 'PREVIOUS_MODEL_UNLOADABLE', title: 'Previous model does not load' });
    expect((err as { detail: string }).detail).toMatch(/1\.0\.0 \(slot a\) no longer loads; the device stays on .*2\.0\.0 \(slot b\)/);
    expect(await p.client.status()).toMatchObject({ state: 'running', previous: null, active: { slot: 'b', manifest: { version: '2.0.0' } } });
    expect(stateOnDisk(p)).toMatchObject({ active: 'b', previous: null, slots: { a: null } });
    expect(await servedVersion(p.agent)).toBe('2.0.0');
    // The broken slot is forgotten: asking again is "nothing to roll back to", not another load attempt.
    await expect(p.client.rollback()).rejects.toMatchObject({ code: 'NO_PREVIOUS_MODEL' });
  });

  it('during a trial, rollback ends the trial and returns to the previous model, emptying the trial slot', async () => {
    const p = await pairedAgent();
    await deploy(p, '1.0.0');
    await deploy(p, '2.0.0', { confirm: false, healthyWindowSec: 3600 });
    expect(await servedVersion(p.agent)).toBe('2.0.0');
    const back = await p.client.rollback();
    expect(back).toMatchObject({ state: 'running', trial: null, previous: null, active: { slot: 'a', manifest: { version: '1.0.0' } }, lastEvent: { kind: 'rolled-back' } });
    expect(back.lastEvent?.detail).toMatch(/2\.0\.0 \(slot b\) was rolled back during its trial/);
    expect(stateOnDisk(p)).toMatchObject({ active: 'a', previous: null, slots: { b: null } });
    expect(await servedVersion(p.agent)).toBe('1.0.0');
    await expect(p.client.confirm()).rejects.toMatchObject({ code: 'NOT_IN_TRIAL' });
  });

  it('during the first trial on a device, rollback leaves it with no model', async () => {
    const p = await pairedAgent();
    await deploy(p, '1.0.0', { confirm: false, healthyWindowSec: 3600 });
    const back = await p.client.rollback();
    expect(back).toMatchObject({ state: 'empty', trial: null, active: null, previous: null, lastEvent: { kind: 'rolled-back' } });
    expect(await infer(p.agent.servePort)).toMatchObject({ status: 503, body: { code: 'NO_MODEL' } });
  });
});
