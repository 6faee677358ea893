// The console's telemetry feed when its devices change under it, with real agents: an agent restarted
// on the same address (the feed reconnects and events resume), one re-paired with another console
// (its token is revoked: the console shows it as needing pairing, once, and stops trying), and, in a
// private network namespace with mDNS, one that comes back at a new port (the console follows it).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceSummary } from '../../electron/core/api/types.js';
import { createCore, type Core } from '../../electron/core/core.js';
import { newConsole, pairWith, repoRoot, startAgent, type AgentProcess } from '../helpers/agent-process.js';
import { restart, unwrap, until } from '../helpers/recovery-fixture.js';
import { requireRoot } from '../helpers/require-root.js';

const home = mkdtempSync(join(tmpdir(), 'ef-recovery-feed-'));
const running: AgentProcess[] = [];
let core: Core;
const args = ['--telemetry-interval', '0.5'];

async function get(id: string): Promise<DeviceSummary> {
  return unwrap<DeviceSummary[]>(await core.call('devices.list', {})).find((d) => d.id === id)!;
}

async function pairedAgent(name: string): Promise<AgentProcess> {
  const a = await startAgent({ name, args });
  running.push(a);
  unwrap(await core.call('devices.pair', { address: `127.0.0.1:${a.port}`, code: a.pairingCode! }));
  await until('the first telemetry event', () => get(a.deviceId), (d) => d.telemetry !== null && d.state === 'online');
  return a;
}

beforeAll(() => {
  // A console that stays up (its telemetry feed runs), without mDNS here on the host's network.
  core = createCore({ home, mode: 'browser', discovery: false });
});

afterAll(async () => {
  await core?.close();
  await Promise.all(running.map((a) => a.stop()));
  rmSync(home, { recursive: true, force: true });
});

describe('telemetry feed recovery', () => {
  it('reconnects with backoff after the agent restarts: events from the new process arrive', { timeout: 90_000 }, async () => {
    const a = await pairedAgent('feed-restart');
    await a.stop();
    await until('the device offline', () => get(a.deviceId), (d) => d.state === 'offline');
    const before = new Date().toISOString();
    const back = await restart(a, args);
    running.push(back);
    // The old process had exited before `before`: a summary stamped later is the new one's.
    const d = await until('an event from the restarted agent', () => get(a.deviceId), (x) => x.state === 'online' && x.telemetry !== null && x.telemetry.at > before);
    expect(d).toMatchObject({ paired: true, address: `127.0.0.1:${a.port}`, health: 'ok' });
  });

  it('a device re-paired with another console: shown as needing pairing with a clear error, not retried', { timeout: 90_000 }, async () => {
    const a = await pairedAgent('feed-revoked');
    const logged: string[] = [];
    const error = console.error;
    console.error = (...line: unknown[]) => {
      logged.push(line.join(' '));
      error(...line);
    };
    try {
      // The owner gives the device to another console: new code, paired there; the old token is void.
      await a.stop();
      const restartedAt = new Date().toISOString();
      const again = await restart(a, [...args, '--new-pairing-code']);
      running.push(again);
      // Until someone pairs, the old token still holds: the feed is back on its stream when that happens.
      await until('the feed back on the restarted agent', () => get(a.deviceId), (x) => x.state === 'online' && (x.telemetry?.at ?? '') > restartedAt);
      const other = await pairWith(again, newConsole());
      other.client.close();
      const d = await until('the device shown as needing pairing', () => get(a.deviceId), (x) => !x.paired);
      expect(d).toMatchObject({ paired: false, state: 'discovered', health: 'error', address: `127.0.0.1:${a.port}` });
      const deploy = await core.call('devices.refresh', { ids: [a.deviceId] });
      expect(deploy).toMatchObject({ ok: false, error: { code: 'DEVICE_PAIRING_REVOKED', title: 'Device needs pairing again' } });
      expect(!deploy.ok && deploy.error.detail).toMatch(/no longer accepts this console's token: it was paired with another console or given a new pairing code/);
      // Time passing, on purpose: longer than the feed's first backoff steps; nothing tries again.
      await new Promise((r) => setTimeout(r, 3500));
      expect(logged.filter((l) => l.includes('Device refused the console')), logged.join('\n')).toHaveLength(1);
      expect(await get(a.deviceId)).toMatchObject({ paired: false, state: 'discovered' });
    } finally {
      console.error = error;
    }
  });
});

// Runs inside the namespace: a browser-mode core with discovery on follows a paired agent to a new port.
const moved = `
import { createCore } from './electron/core/core.ts';
import { startAgent } from './test/helpers/agent-process.ts';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const core = createCore({ home: process.env.EF_HOME, mode: 'browser', discovery: true });
const list = async () => (await core.call('devices.list', {})).result;
const until = async (pred, ms = 30000) => { const end = Date.now() + ms; while (Date.now() < end) { const l = await list(); const d = pred(l); if (d) return d; await sleep(100); } return null; };
const args = ['--telemetry-interval', '0.5'];
const first = await startAgent({ mdns: true, name: 'mover', args });
const out = { id: first.deviceId, firstPort: first.port };
out.pair = await core.call('devices.pair', { address: '127.0.0.1:' + first.port, code: first.pairingCode });
await first.stop();
const second = await startAgent({ mdns: true, name: 'mover', args, dataDir: first.dataDir });
out.secondPort = second.port;
const since = new Date().toISOString();
out.followed = await until((l) => { const d = l.find((x) => x.id === first.deviceId); return d && d.address.endsWith(':' + second.port) && d.state === 'online' && d.telemetry && d.telemetry.at > since ? d : null; });
out.last = (await list()).find((x) => x.id === first.deviceId);
await second.stop();
await core.close();
console.log('EF_MOVED ' + JSON.stringify(out));
process.exit(0);
`;

describe('a paired device re-advertised at a new address', () => {
  beforeAll(() => requireRoot('unshare -n'));

  it('the console takes its new address from mDNS, keeps it paired, and its telemetry resumes there', { timeout: 90_000 }, async () => {
    const nsHome = mkdtempSync(join(tmpdir(), 'ef-recovery-moved-'));
    try {
      const setup = 'set -e; ip link set lo up; ip link set lo multicast on; ip route add 224.0.0.0/4 dev lo; set +e';
      const cmd = `exec '${process.execPath}' --input-type=module --import tsx -e "$EF_SCRIPT"`;
      const child = spawn('unshare', ['-n', 'sh', '-c', `${setup}\n${cmd}`], { cwd: repoRoot, env: { ...process.env, EF_SCRIPT: moved, EF_HOME: nsHome }, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr.on('data', (c: Buffer) => (out += c.toString()));
      const code = await new Promise((resolve) => child.once('exit', resolve));
      const line = /^EF_MOVED (.*)$/m.exec(out);
      expect(line, out).not.toBeNull();
      expect(code, out).toBe(0);
      const r = JSON.parse(line![1]) as { id: string; firstPort: number; secondPort: number; pair: { ok: boolean }; followed: DeviceSummary | null; last: DeviceSummary };
      expect(r.pair.ok).toBe(true);
      expect(r.secondPort).not.toBe(r.firstPort);
      expect(r.followed, JSON.stringify(r.last)).not.toBeNull();
      expect(r.followed).toMatchObject({ id: r.id, address: `127.0.0.1:${r.secondPort}`, paired: true, state: 'online' });
    } finally {
      rmSync(nsHome, { recursive: true, force: true });
    }
  });
});
