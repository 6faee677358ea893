import { randomBytes } from 'node:crypto';
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentClient } from '../../electron/core/devices/https/agent-client.js';
import { signManifest } from '../../resources/device-protocol/messages.js';
import {
  clientFor,
  decodeFloats,
  infer,
  inferRaw,
  newConsole,
  pairWith,
  sampleModel,
  signed,
  startAgent,
  type AgentProcess,
  type Console,
} from '../helpers/agent-process.js';

let agent: AgentProcess;
let client: AgentClient;
let token: string;
let konsole: Console;

const bounds = { maxLatencyMs: 5000 };

async function deploy(version: string, bytes = sampleModel) {
  await client.upload(bytes, signed(bytes, version, konsole.privateKey), { chunkBytes: 512 * 1024 });
  return client.activate(bounds);
}

async function servedVersion(): Promise<string | undefined> {
  const res = await infer(agent.servePort);
  expect(res.status).toBe(200);
  const logits = decodeFloats(res.body.outputs!.logits.data);
  expect(logits.length).toBe(10);
  expect(logits.every(Number.isFinite)).toBe(true);
  return res.body.model?.version;
}

function stagingFiles(): string[] {
  return readdirSync(path.join(agent.dataDir, 'staging'));
}

beforeAll(async () => {
  agent = await startAgent();
  ({ client, token, console: konsole } = await pairWith(agent));
});

afterAll(async () => {
  await agent?.stop();
  if (agent) rmSync(agent.dataDir, { recursive: true, force: true });
});

describe('agent deployment', () => {
  it('has no model at first: inference answers 503 with an error body', async () => {
    expect((await client.status()).state).toBe('empty');
    const res = await infer(agent.servePort);
    expect(res.status).toBe(503);
    expect(res.body.code).toBe('NO_MODEL');
  });

  it('deploys a signed model on trial, serves it, and confirms it', async () => {
    const act = await deploy('1.0.0');
    expect(act.outcome).toBe('trial');
    expect(act.health).toMatchObject({ ok: true, loaded: true, finite: true, runs: 5 });
    expect(act.status).toMatchObject({ state: 'trial', active: { slot: 'a', manifest: { version: '1.0.0' } }, trial: { slot: 'a' }, upload: null });
    expect(stagingFiles()).toEqual([]);
    expect(await servedVersion()).toBe('1.0.0');
    const confirmed = await client.confirm();
    expect(confirmed).toMatchObject({ state: 'running', trial: null, active: { slot: 'a' }, lastEvent: { kind: 'confirmed' } });
    await expect(client.confirm()).rejects.toMatchObject({ code: 'NOT_IN_TRIAL' });
  });

  it('deploys a second version into the other slot and rolls back by command', async () => {
    expect((await deploy('2.0.0')).outcome).toBe('trial');
    await client.confirm();
    expect(await client.status()).toMatchObject({ active: { slot: 'b', manifest: { version: '2.0.0' } }, previous: { slot: 'a', manifest: { version: '1.0.0' } } });
    const back = await client.rollback();
    expect(back).toMatchObject({ state: 'running', active: { slot: 'a', manifest: { version: '1.0.0' } }, previous: { slot: 'b' }, lastEvent: { kind: 'rolled-back' } });
    expect(await servedVersion()).toBe('1.0.0');
    expect((await client.rollback()).active?.manifest.version).toBe('2.0.0');
    expect(await servedVersion()).toBe('2.0.0');
  });

  it('rolls a trial back by command', async () => {
    expect((await deploy('3.0.0')).outcome).toBe('trial');
    expect(await servedVersion()).toBe('3.0.0');
    const back = await client.rollback();
    expect(back).toMatchObject({ state: 'running', active: { manifest: { version: '2.0.0' } }, trial: null });
    expect(await servedVersion()).toBe('2.0.0');
  });

  it('reverts at once when the new model does not load', async () => {
    const junk = new Uint8Array(randomBytes(200_000));
    const act = await deploy('9.9.9-junk', junk);
    expect(act.outcome).toBe('reverted');
    expect(act.health).toMatchObject({ ok: false, loaded: false });
    expect(act.health.reason).toMatch(/does not load/);
    expect(act.status).toMatchObject({ state: 'running', active: { manifest: { version: '2.0.0' } }, trial: null, lastEvent: { kind: 'trial-unhealthy' } });
    expect(await servedVersion()).toBe('2.0.0');
  });

  it('reverts when the model is slower than the bound', async () => {
    await client.upload(sampleModel, signed(sampleModel, '3.1.0', konsole.privateKey));
    const act = await client.activate({ maxLatencyMs: 0.000001, selfTestRuns: 2 });
    expect(act.outcome).toBe('reverted');
    expect(act.health).toMatchObject({ ok: false, loaded: true, finite: true });
    expect(act.health.reason).toMatch(/over the .* bound/);
    expect(await servedVersion()).toBe('2.0.0');
  });

  it('refuses a tampered artifact after the last chunk and deletes staging', async () => {
    const tampered = new Uint8Array(sampleModel);
    tampered[1000] ^= 0xff;
    const manifest = signed(sampleModel, '4.0.0', konsole.privateKey);
    await expect(client.upload(tampered, manifest)).rejects.toMatchObject({ code: 'ARTIFACT_HASH_MISMATCH' });
    expect((await client.uploadStatus()).upload).toBeNull();
    expect(stagingFiles()).toEqual([]);
    await expect(client.activate(bounds)).rejects.toMatchObject({ code: 'UPLOAD_INCOMPLETE' });
  });

  it('refuses unsigned, wrongly signed and altered manifests and deletes staging', async () => {
    const good = signed(sampleModel, '4.0.0', konsole.privateKey);
    // A partial upload in staging, which each refused attempt must delete.
    await expect(client.upload(sampleModel.subarray(0, 1000), good)).rejects.toMatchObject({ code: 'ARTIFACT_SHORT' });
    expect((await client.uploadStatus()).upload?.offset).toBe(1000);
    const stranger = newConsole();
    const attempts = [
      { ...good, signature: '' },
      { ...good, signature: signManifest(stranger.privateKey, good.manifest) },
      { ...good, manifest: { ...good.manifest, version: '4.0.1' } },
      { ...good, signature: Buffer.from('x'.repeat(64)).toString('base64') },
    ];
    const codes: string[] = [];
    for (const attempt of attempts) {
      await client.upload(sampleModel.subarray(0, 1000), good).catch(() => undefined);
      expect(stagingFiles().length).toBeGreaterThan(0);
      const err = await client.upload(sampleModel, attempt).catch((e: { code: string }) => e);
      codes.push((err as { code: string }).code);
      expect((await client.uploadStatus()).upload).toBeNull();
      expect(stagingFiles()).toEqual([]);
    }
    expect(codes).toEqual(['MANIFEST_SIGNATURE_INVALID', 'MANIFEST_SIGNATURE_INVALID', 'MANIFEST_SIGNATURE_INVALID', 'MANIFEST_SIGNATURE_INVALID']);
    expect(await servedVersion()).toBe('2.0.0');
  });

  it('reverts an unconfirmed trial when the agent restarts', async () => {
    expect((await deploy('5.0.0')).outcome).toBe('trial');
    await agent.kill9();
    agent = await startAgent({ dataDir: agent.dataDir });
    client = clientFor(agent, token);
    const status = await client.status();
    expect(status).toMatchObject({ state: 'running', active: { manifest: { version: '2.0.0' } }, trial: null, lastEvent: { kind: 'reverted-at-start' } });
    expect(await servedVersion()).toBe('2.0.0');
  });

  it('confirms a trial on its own after a healthy window', async () => {
    await client.upload(sampleModel, signed(sampleModel, '6.0.0', konsole.privateKey));
    const act = await client.activate({ ...bounds, healthyWindowSec: 1 });
    expect(act.status.trial?.healthyWindowSec).toBe(1);
    const deadline = Date.now() + 15_000;
    let status = await client.status();
    while (status.state === 'trial' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      status = await client.status();
    }
    expect(status).toMatchObject({ state: 'running', active: { manifest: { version: '6.0.0' } }, lastEvent: { kind: 'auto-confirmed' } });
  });

  it('counts the requests the model ran, their latency and confidence in telemetry, and not refused input', async () => {
    const before = (await client.telemetry()).current;
    for (let i = 0; i < 20; i++) await infer(agent.servePort, i + 1);
    const bad = await inferRaw(agent.servePort, { inputs: { wrong_name: { dims: [1], data: Buffer.alloc(4).toString('base64') } } });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'INFER_INPUT_INVALID', title: expect.any(String), detail: expect.any(String) });
    const { current } = await client.telemetry();
    // A request the model never ran (refused input) is the caller's mistake: neither a request nor an error of the model.
    expect(current.requests - before.requests).toBe(20);
    expect(current.errors - before.errors).toBe(0);
    expect(current.latencyMs!.p50).toBeGreaterThan(0);
    expect(current.latencyMs!.p99).toBeGreaterThanOrEqual(current.latencyMs!.p95);
    expect(current.histogram.counts.reduce((a, b) => a + b, 0)).toBe(current.requests - current.errors);
    expect(current.confidence!.mean).toBeGreaterThan(0.1);
    expect(current.confidence!.mean).toBeLessThanOrEqual(1);
    expect(current.model).toEqual({ name: 'mobilenetv2-digits', version: '6.0.0' });
    expect(current.rssBytes).toBeGreaterThan(10_000_000);
  });

  it('profiles the active model on the device', async () => {
    const result = await client.profile({ runs: 3, warmup: 1 });
    expect(result.device.id).toBe(agent.deviceId);
    expect(result.latencyMs.p50).toBeGreaterThan(0);
    expect(result.rows.length).toBeGreaterThan(10);
  });
});
