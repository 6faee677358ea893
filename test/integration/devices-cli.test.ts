// Device management through the built CLI against two real agents: pairing, inventory, deployment
// with confirm, a model that fails to load (the device reverts by itself), rollback, a wrong code.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeployResult, DeviceSummary } from '../../electron/core/api/types.js';
import { infer, repoRoot, sampleModel, sampleModelPath, startAgent, type AgentProcess } from '../helpers/agent-process.js';
import { registerBrokenModel } from '../helpers/broken-model.js';

const bin = join(repoRoot, 'scripts', 'edgefleet.js');
const home = mkdtempSync(join(tmpdir(), 'ef-devices-cli-'));
let alpha: AgentProcess;
let beta: AgentProcess;

function edgefleet(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args, '--home', home], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

async function servedVersion(agent: AgentProcess): Promise<string | undefined> {
  const res = await infer(agent.servePort);
  expect(res.status).toBe(200);
  return res.body.model?.version;
}

async function listDevices(): Promise<DeviceSummary[]> {
  const r = await edgefleet('devices', '--json');
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as DeviceSummary[];
}

beforeAll(async () => {
  [alpha, beta] = await Promise.all([startAgent({ name: 'alpha' }), startAgent({ name: 'beta' })]);
});

afterAll(async () => {
  await Promise.all([alpha?.stop(), beta?.stop()]);
  for (const a of [alpha, beta]) if (a) rmSync(a.dataDir, { recursive: true, force: true });
  rmSync(home, { recursive: true, force: true });
});

describe('edgefleet devices, pair, deploy, rollback', () => {
  it('refuses a wrong pairing code with exit code 2 and a clear message', async () => {
    const r = await edgefleet('pair', `127.0.0.1:${alpha.port}`, '--code', 'WRONG234');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Pairing refused: the code is wrong or was already used/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('pairs both agents and lists them paired with pinned fingerprints', async () => {
    for (const a of [alpha, beta]) {
      const r = await edgefleet('pair', `127.0.0.1:${a.port}`, '--code', a.pairingCode!, '--json');
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ id: a.deviceId, paired: true, fingerprint: a.certFingerprint });
    }
    const devices = await listDevices();
    expect(devices.map((d) => d.name).sort()).toEqual(['alpha', 'beta']);
    for (const a of [alpha, beta]) {
      expect(devices.find((d) => d.id === a.deviceId)).toMatchObject({ paired: true, state: 'online', fingerprint: a.certFingerprint, address: `127.0.0.1:${a.port}`, transport: 'lan' });
    }
    const table = await edgefleet('devices');
    expect(table.stdout).toMatch(/alpha/);
    expect(table.stdout).toMatch(/ADDRESS/);
  });

  it('deploys the sample to both with --confirm: both confirmed and serving', async () => {
    const r = await edgefleet('deploy', sampleModelPath, '--device', alpha.deviceId, '--device', beta.deviceId, '--confirm', '--max-latency', '5000', '--json');
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as DeployResult;
    expect(result.devices.map((d) => d.phase)).toEqual(['confirmed', 'confirmed']);
    for (const d of result.devices) expect(d).toMatchObject({ bytes: sampleModel.byteLength, totalBytes: sampleModel.byteLength, error: null });
    expect(await servedVersion(alpha)).toBe('1');
    expect(await servedVersion(beta)).toBe('1');
    const devices = await listDevices();
    for (const d of devices) expect(d).toMatchObject({ activeModel: { name: 'mobilenetv2-digits', version: '1' }, slotState: 'confirmed' });
  });

  it('reports a model that fails to load with exit code 2; the device reverted by itself and still serves', async () => {
    const brokenId = registerBrokenModel(home);
    const r = await edgefleet('deploy', brokenId, '--device', alpha.deviceId, '--confirm', '--json');
    expect(r.code).toBe(2);
    const result = JSON.parse(r.stdout) as DeployResult;
    expect(result.devices[0]).toMatchObject({ deviceId: alpha.deviceId, phase: 'reverted', error: { code: 'TRIAL_UNHEALTHY' } });
    expect(r.stderr).toMatch(new RegExp(`alpha \\(${alpha.deviceId}\\) reverted: .*does not load`));
    expect(await servedVersion(alpha)).toBe('1');
    const device = (await listDevices()).find((d) => d.id === alpha.deviceId)!;
    // The revert is the device's last change, not a fault: it serves its confirmed model.
    expect(device).toMatchObject({ activeModel: { version: '1' }, lastChange: { kind: 'trial-unhealthy', reverted: true } });
    expect(device.health).not.toBe('error');
    expect(device.lastChange?.detail).toMatch(/does not load/);
  });

  it('rolls back by command to the previous model', async () => {
    // A second version of the sample: the same graph with a doc_string appended (protobuf field 6).
    const dir = join(home, 'v2', 'mobilenetv2-digits');
    mkdirSync(dir, { recursive: true });
    const tail = Buffer.from('v2 of the sample');
    writeFileSync(join(dir, 'model.onnx'), Buffer.concat([sampleModel, Buffer.from([0x32, tail.length]), tail]));
    const d = await edgefleet('deploy', join(dir, 'model.onnx'), '--device', alpha.deviceId, '--confirm');
    expect(d.code, d.stderr).toBe(0);
    expect(await servedVersion(alpha)).toBe('2');
    const r = await edgefleet('rollback', '--device', alpha.deviceId);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/alpha now runs mobilenetv2-digits 1/);
    expect(await servedVersion(alpha)).toBe('1');
    expect(await servedVersion(beta)).toBe('1');
  });
});
