// A device that answers wrongly, as a firmware author's first attempt does: a real agent on serial behind a
// proxy that rewrites its status (health.runs as "five", a required field left out) or the console's
// requests (which the agent then refuses), beside a healthy agent on the LAN. `edgefleet devices --refresh`
// must name the operation, the field, the expected and received values, keep the healthy device's result,
// exit 2, and leave each exchange in the protocol log.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceSummary, ProtocolExchange } from '../../electron/core/api/types.js';
import { protocolLogPath } from '../../electron/core/devices/protocol-log.js';
import { startAgent, type AgentProcess } from '../helpers/agent-process.js';
import { edgefleet as cli } from '../helpers/edgefleet-cli.js';
import { startFaultyDevice, type FaultyDevice, type Seen } from '../helpers/faulty-serial-device.js';

type Mode = 'ok' | 'runs-five' | 'missing-field' | 'bad-request';
let mode: Mode = 'ok';
let seen: Seen | null = null;
const home = mkdtempSync(join(tmpdir(), 'ef-protocol-errors-'));
let lan: AgentProcess;
let bench: FaultyDevice;
let benchId = '';

const health = { ok: true, loaded: true, finite: true, runs: 5, latencyMs: 2, maxLatencyMs: 1000, reason: null, checkedAt: '2025-01-15T09:31:02.000Z' };
const edgefleet = (...args: string[]) => cli(...args, '--home', home);

beforeAll(async () => {
  lan = await startAgent({ name: 'healthy-lan' });
  bench = await startFaultyDevice({
    answer: (op, kind, json, s) => {
      seen = s;
      if (op !== 'status' || kind !== 'response') return { kind, json };
      const status = { ...(json as Record<string, unknown>) };
      if (mode === 'runs-five') status.lastHealth = { ...health, runs: 'five' };
      if (mode === 'missing-field') delete status.deviceId;
      return { kind, json: status };
    },
    // The agent refuses what the console did not send: a telemetry limit that is not a number.
    request: (body) => (mode === 'bad-request' && body.op === 'telemetry' ? { ...body, req: { limit: 'many' } } : body),
  });
  const lanPair = await edgefleet('pair', `127.0.0.1:${lan.port}`, '--code', lan.pairingCode!, '--json');
  expect(lanPair.code, lanPair.stderr).toBe(0);
  const benchPair = await edgefleet('serial', 'add', bench.path, '--baud', '115200', '--code', bench.code, '--json');
  expect(benchPair.code, benchPair.stderr).toBe(0);
  benchId = (JSON.parse(benchPair.stdout) as DeviceSummary).id;
}, 120_000);

afterAll(async () => {
  await bench?.stop();
  await lan?.stop();
  if (lan) rmSync(lan.dataDir, { recursive: true, force: true });
  rmSync(home, { recursive: true, force: true });
});

/** The stderr lines of a run that name a device (not the closing summary). */
const deviceLines = (stderr: string) => stderr.trim().split('\n').filter((l) => / \([^)]+\): /.test(l) && !l.includes('Some devices'));

describe('protocol errors from a misbehaving device', () => {
  it('a status with health.runs "five": one stderr line naming status, the field, expected and received; the LAN device refreshed; exit 2', async () => {
    mode = 'runs-five';
    const r = await edgefleet('devices', '--refresh');
    expect(r.code, r.stderr).toBe(2);
    const lines = deviceLines(r.stderr);
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toContain(benchId);
    expect(lines[0]).toContain('The device sent a reply the console cannot read');
    expect(lines[0]).toContain('`status.lastHealth.runs`: expected an integer, received "five"');
    expect(lines[0]).toContain('resources/device-protocol/reference/MESSAGES.md#status');
    expect(r.stderr).not.toMatch(/Something went wrong|"code":|\n\s+at /);
    expect(r.stderr).toMatch(/Some devices could not be refreshed: 1 of 2 devices failed/);
    // The others' results are kept: both devices are in the table.
    expect(r.stdout).toContain('healthy-lan');
    expect(r.stdout).toContain(benchId);
  }, 60_000);

  it('--json carries the error per device; the stored health is error with the reason, the LAN device has none', async () => {
    const r = await edgefleet('devices', '--refresh', '--json');
    expect(r.code, r.stderr).toBe(2);
    const devices = JSON.parse(r.stdout) as DeviceSummary[];
    const benchRow = devices.find((d) => d.id === benchId)!;
    expect(benchRow.health).toBe('error');
    expect(benchRow.lastError).toMatchObject({ code: 'DEVICE_PROTOCOL', title: 'The device sent a reply the console cannot read', detail: expect.stringContaining('`status.lastHealth.runs`') });
    const lanRow = devices.find((d) => d.id === lan.deviceId)!;
    expect(lanRow).toMatchObject({ lastError: null, state: 'online' });
    expect(lanRow.health).not.toBe('error');
    expect(lanRow.telemetry).not.toBeNull();
  }, 60_000);

  it('a status without its required deviceId: the field is named as missing', async () => {
    mode = 'missing-field';
    const r = await edgefleet('devices', '--refresh');
    expect(r.code, r.stderr).toBe(2);
    const lines = deviceLines(r.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('`status.deviceId`: expected a string, received nothing (the field is missing)');
  }, 60_000);

  it('a request the device refuses: its REQUEST_INVALID names the field, expected and received', async () => {
    mode = 'bad-request';
    const r = await edgefleet('devices', '--refresh');
    expect(r.code, r.stderr).toBe(2);
    const lines = deviceLines(r.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('Invalid telemetry request');
    expect(lines[0]).toContain('`telemetry.limit`: expected an integer, received "many"');
  }, 60_000);

  it('the protocol log has each exchange with its error, never the token; devices log prints it', async () => {
    const file = protocolLogPath(home, benchId);
    expect(existsSync(file)).toBe(true);
    const text = readFileSync(file, 'utf8');
    expect(seen?.token).toBeTruthy();
    expect(text).not.toContain(seen!.token!);
    const r = await edgefleet('devices', 'log', benchId, '--json');
    expect(r.code, r.stderr).toBe(0);
    const entries = JSON.parse(r.stdout) as ProtocolExchange[];
    const failures = entries.filter((e) => !e.ok);
    expect(failures.map((e) => e.op)).toEqual(['status', 'status', 'status', 'telemetry']);
    expect(failures[0]).toMatchObject({ where: expect.stringContaining(bench.path), error: { code: 'DEVICE_PROTOCOL', detail: expect.stringContaining('`status.lastHealth.runs`: expected an integer, received "five"') } });
    expect(failures[2].error!.detail).toContain('`status.deviceId`');
    expect(failures[3].error).toMatchObject({ code: 'REQUEST_INVALID', detail: expect.stringContaining('`telemetry.limit`') });
    // In bad-request mode the status itself was read well.
    expect(entries.some((e) => e.ok && e.op === 'status')).toBe(true);
    const table = await edgefleet('devices', 'log', benchId);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/status\s+error\s+\d+ ms\s+DEVICE_PROTOCOL: The device sent a reply the console cannot read: /);
  }, 60_000);

  it('once the device answers well again: exit 0 and the reason cleared', async () => {
    mode = 'ok';
    const r = await edgefleet('devices', '--refresh', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const benchRow = (JSON.parse(r.stdout) as DeviceSummary[]).find((d) => d.id === benchId)!;
    expect(benchRow.lastError).toBeNull();
    expect(benchRow.health).not.toBe('error');
  }, 60_000);
});
