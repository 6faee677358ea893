// The board a real agent reports, through the console: kept at pairing, read once for a device paired
// before the console kept it, shown by devices.get, and held against a model by devices.checkFit.
import { readFileSync, rmSync, mkdtempSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceDetail, DeviceSummary, FitCheck } from '../../electron/core/api/types.js';
import { createCore, type Core } from '../../electron/core/core.js';
import { parseCpuinfo } from '../../resources/agent/src/board-info.js';
import { startAgent, type AgentProcess } from '../helpers/agent-process.js';

const home = mkdtempSync(join(tmpdir(), 'ef-board-'));
let agent: AgentProcess;
let core: Core;

async function call<R>(channel: string, input: unknown): Promise<R> {
  const env = await core.call(channel, input);
  if (!env.ok) throw new Error(`${channel}: ${env.error.title}: ${env.error.detail}`);
  return env.result as R;
}

// What this machine is, read the agent's way, so the test holds on any CPU.
const here = parseCpuinfo(readFileSync('/proc/cpuinfo', 'utf8'));

beforeAll(async () => {
  agent = await startAgent({ name: 'board-device' });
  core = createCore({ home, mode: 'cli' });
}, 120_000);

afterAll(async () => {
  await core?.close();
  await agent?.stop();
  rmSync(home, { recursive: true, force: true });
});

describe('the board of a real agent', () => {
  it('is kept at pairing and shown by devices.get with cores and memory', async () => {
    const paired = await call<DeviceSummary>('devices.pair', { address: `127.0.0.1:${agent.port}`, code: agent.pairingCode });
    expect(paired).not.toHaveProperty('board');
    // Kept by the pairing itself, before any page read.
    const kept = core.registry.db.prepare('SELECT hardware FROM devices WHERE id = ?').pluck().get(agent.deviceId) as string | null;
    expect(JSON.parse(kept ?? 'null')).toMatchObject({ board: { cpuFeatures: here.cpuFeatures } });
    const d = await call<DeviceDetail>('devices.get', { id: agent.deviceId });
    expect(d.board).toMatchObject({
      cpu: here.cpu ?? os.cpus()[0].model,
      cpuFeatures: here.cpuFeatures,
      os: { type: os.type(), release: os.release() },
      onnxruntime: { version: '1.30.0' },
    });
    expect(d.board!.onnxruntime.executionProviders).toContain('cpu');
    expect(d.hardware).toMatchObject({ cores: os.cpus().length, totalMemoryBytes: os.totalmem() });
    expect(Date.parse(d.hardware!.readAt)).not.toBeNaN();
    expect(d.activeModelFit).toBeNull();
  });

  it('is read once from a device paired before the console kept it', async () => {
    core.registry.db.prepare('UPDATE devices SET hardware = NULL WHERE id = ?').run(agent.deviceId);
    const d = await call<DeviceDetail>('devices.get', { id: agent.deviceId });
    expect(d.board?.cpuFeatures).toEqual(here.cpuFeatures);
    const first = d.hardware!.readAt;
    const again = await call<DeviceDetail>('devices.get', { id: agent.deviceId });
    expect(again.hardware!.readAt).toBe(first);
    expect(again.exchanges.filter((e) => e.op === 'info')).toHaveLength(1);
  });

  it('devices.checkFit holds an FP16 variant against it: slower than float32 on this x86 board', async () => {
    const floatId = core.registry.addModel({ name: 'digits', sha256: 'a'.repeat(64), sizeBytes: 1, sourceFile: null, inspect: null }).model.id;
    const fp16Id = core.registry.addModel({ name: 'digits-fp16', sha256: 'b'.repeat(64), sizeBytes: 1, sourceFile: null, inspect: null, parentId: floatId, recipe: { mode: 'fp16' } }).model.id;
    const fit = await call<FitCheck>('devices.checkFit', { modelId: fp16Id, deviceIds: [agent.deviceId] });
    expect(fit.precision.kind).toBe('fp16');
    expect(fit.warnings.map((w) => [w.code, w.devices])).toEqual([['FP16_EMULATED', [{ id: agent.deviceId, name: 'board-device' }]]]);
    expect(fit.unreported).toEqual([]);
    expect((await call<FitCheck>('devices.checkFit', { modelId: floatId, deviceIds: [agent.deviceId] })).warnings).toEqual([]);
    const bad = await core.call('devices.checkFit', { modelId: fp16Id, deviceIds: [] });
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });
});
