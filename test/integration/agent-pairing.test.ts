import { existsSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { AgentClient } from '../../electron/core/devices/https/agent-client.js';
import { deviceOpNames, type DeviceEvent } from '../../resources/device-protocol/messages.js';
import { clientFor, newConsole, pairWith, startAgent, type AgentProcess } from '../helpers/agent-process.js';

let agent: AgentProcess;
let token: string;

function raw(method: string, urlPath: string, headers: Record<string, string> = {}, body?: string): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: agent.port, method, path: urlPath, headers, rejectUnauthorized: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString() || '{}') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function wsStatus(headers: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`wss://127.0.0.1:${agent.port}/v1/events`, { headers, rejectUnauthorized: false });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('error', () => resolve(-1));
  });
}

beforeAll(async () => {
  agent = await startAgent({ args: ['--telemetry-interval', '0.3'] });
});

afterAll(async () => {
  await agent?.stop();
  if (agent) rmSync(agent.dataDir, { recursive: true, force: true });
});

describe('agent pairing and authentication', () => {
  it('prints a one-time code and keeps it in the data dir', () => {
    expect(agent.pairingCode).toMatch(/^[A-Z2-9]{6,8}$/);
    expect(existsSync(path.join(agent.dataDir, 'pairing-code'))).toBe(true);
  });

  it('refuses a wrong code', async () => {
    await expect(
      AgentClient.pair({ host: '127.0.0.1', port: agent.port, code: 'WRONG123', consolePublicKey: newConsole().publicKey, consoleName: 'x' }),
    ).rejects.toMatchObject({ code: 'PAIRING_CODE_INVALID' });
  });

  it('refuses to pair when the pinned fingerprint does not match, before sending the code', async () => {
    await expect(
      AgentClient.pair({ host: '127.0.0.1', port: agent.port, code: agent.pairingCode!, consolePublicKey: newConsole().publicKey, consoleName: 'x', fingerprint: 'ab'.repeat(32) }),
    ).rejects.toMatchObject({ code: 'DEVICE_FINGERPRINT_MISMATCH' });
  });

  it('pairs with the code, pins the certificate and consumes the code', async () => {
    const paired = await pairWith(agent);
    token = paired.token;
    expect(token.length).toBeGreaterThanOrEqual(32);
    expect(paired.client.fingerprint).toBe(agent.certFingerprint);
    expect(existsSync(path.join(agent.dataDir, 'pairing-code'))).toBe(false);
    const info = await paired.client.info();
    expect(info).toMatchObject({ deviceId: agent.deviceId, name: 'test-device', consoleName: 'test console', servePort: agent.servePort });
    await expect(pairWith(agent)).rejects.toMatchObject({ code: 'PAIRING_CODE_INVALID' });
  });

  it('answers 401 on every operation without a token or with a wrong one', async () => {
    const ops = deviceOpNames.filter((op) => op !== 'pair');
    expect(ops.length).toBeGreaterThanOrEqual(10);
    const variants: Record<string, string>[] = [{}, { Authorization: 'Bearer wrong-token' }, { Authorization: `Basic ${token}` }];
    for (const headers of variants) {
      for (const op of ops) {
        const res = await raw('POST', `/v1/${op}`, { ...headers, 'Content-Type': 'application/json' }, '{}');
        expect(res.status, `${op} ${JSON.stringify(headers)}`).toBe(401);
        expect(res.body).toMatchObject({ code: 'UNAUTHORIZED', title: expect.any(String), detail: expect.any(String) });
      }
      expect((await raw('GET', '/v1/status', headers)).status).toBe(401);
      expect((await raw('GET', '/v1/no-such-op', headers)).status).toBe(401);
      expect(await wsStatus(headers)).toBe(401);
    }
    expect((await raw('POST', '/v1/status', { Authorization: `Bearer ${token}` }, '{}')).status).toBe(200);
  });

  it('refuses a client whose pinned fingerprint does not match the device', async () => {
    const wrong = new AgentClient({ host: '127.0.0.1', port: agent.port, fingerprint: 'cd'.repeat(32), token });
    await expect(wrong.status()).rejects.toMatchObject({ code: 'DEVICE_FINGERPRINT_MISMATCH' });
    await expect(wrong.events(() => {})).rejects.toMatchObject({ code: 'DEVICE_FINGERPRINT_MISMATCH' });
  });

  it('pushes status and telemetry over the authenticated event stream', async () => {
    const client = clientFor(agent, token);
    const seen: DeviceEvent[] = [];
    const stream = await client.events((e) => seen.push(e));
    const deadline = Date.now() + 10_000;
    while (!seen.some((e) => e.type === 'telemetry') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    stream.close();
    expect(seen[0]).toMatchObject({ type: 'status', payload: { deviceId: agent.deviceId, state: 'empty' } });
    const t = seen.find((e) => e.type === 'telemetry');
    expect(t?.payload).toMatchObject({ requests: 0, state: 'empty', rssBytes: expect.any(Number) });
    const history = await client.telemetry(5);
    expect(history.history.length).toBeGreaterThan(0);
    expect(history.history.length).toBeLessThanOrEqual(5);
  });

  it('re-pairs only with a new code, which revokes the old console', async () => {
    await agent.stop();
    agent = await startAgent({ dataDir: agent.dataDir, args: ['--telemetry-interval', '0.3'] });
    expect(agent.pairingCode).toBeNull();
    await clientFor(agent, token).status();
    await agent.stop();
    agent = await startAgent({ dataDir: agent.dataDir, args: ['--new-pairing-code'] });
    expect(agent.pairingCode).toMatch(/^[A-Z2-9]{8}$/);
    // Two consoles racing with the one code: exactly one pairs.
    const race = await Promise.allSettled([pairWith(agent), pairWith(agent)]);
    expect(race.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(race.find((r) => r.status === 'rejected')).toMatchObject({ reason: { code: 'PAIRING_CODE_INVALID' } });
    const second = (race.find((r) => r.status === 'fulfilled') as PromiseFulfilledResult<Awaited<ReturnType<typeof pairWith>>>).value;
    await expect(clientFor(agent, token).status()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    expect((await second.client.info()).deviceId).toBe(agent.deviceId);
    expect(second.client.fingerprint).toBe(agent.certFingerprint);
  });
});
