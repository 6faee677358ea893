// The console's mDNS discovery and telemetry feed with two real agents, inside a private network
// namespace (loopback only, multicast routed to lo) so that no packet leaves this machine.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/agent-process.js';
import { requireRoot } from '../helpers/require-root.js';

const home = mkdtempSync(path.join(tmpdir(), 'ef-discovery-'));

// Runs with tsx's loader inside the namespace: a browser-mode core with discovery on and two agents.
const script = `
import { createCore } from './electron/core/core.ts';
import { startAgent } from './test/helpers/agent-process.ts';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const core = createCore({ home: process.env.EF_HOME, mode: 'browser', discovery: true });
const events = [];
core.bus.on((name, payload) => { if (name === 'devices.changed') events.push(payload.ids.length); });
const args = ['--telemetry-interval', '0.5'];
const agents = await Promise.all([startAgent({ mdns: true, name: 'north', args }), startAgent({ mdns: true, name: 'south', args })]);
const list = async () => (await core.call('devices.list', {})).result;
const until = async (pred, ms = 20000) => { const end = Date.now() + ms; while (Date.now() < end) { const l = await list(); if (pred(l)) return l; await sleep(100); } return list(); };
const out = { agents: agents.map((a) => ({ id: a.deviceId, port: a.port, fingerprint: a.certFingerprint })) };
out.discovered = await until((l) => l.filter((d) => d.state === 'discovered').length >= 2);
const north = out.discovered.find((d) => d.name === 'north');
const pair = await core.call('devices.pair', { address: north.address, code: agents[0].pairingCode });
out.pair = pair;
out.afterTelemetry = await until((l) => { const d = l.find((x) => x.id === agents[0].deviceId); return d && d.telemetry && d.health !== 'unknown'; }, 15000);
await agents[0].stop();
out.afterStop = await until((l) => l.find((x) => x.id === agents[0].deviceId)?.state === 'offline', 15000);
out.events = events;
await agents[1].stop();
await core.close();
console.log('EF_DISCOVERY ' + JSON.stringify(out));
process.exit(0);
`;

function inNamespace(body: string): Promise<{ code: number | null; out: string }> {
  const setup = 'set -e; ip link set lo up; ip link set lo multicast on; ip route add 224.0.0.0/4 dev lo; set +e';
  const cmd = `exec '${process.execPath}' --input-type=module --import tsx -e "$EF_SCRIPT"`;
  const child = spawn('unshare', ['-n', 'sh', '-c', `${setup}\n${cmd}`], { cwd: repoRoot, env: { ...process.env, EF_SCRIPT: body, EF_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, out })));
}

afterAll(() => rmSync(home, { recursive: true, force: true }));

interface Row {
  id: string;
  name: string;
  address: string;
  state: string;
  paired: boolean;
  fingerprint: string | null;
  health: string;
  telemetry: { requests: number } | null;
}

describe('device discovery and telemetry feed', () => {
  beforeAll(() => requireRoot('unshare -n'));

  it('discovers two agents, pairs one through the handlers, follows its telemetry and notices it leave', { timeout: 80_000 }, async () => {
    const { code, out } = await inNamespace(script);
    const line = /^EF_DISCOVERY (.*)$/m.exec(out);
    expect(line, out).not.toBeNull();
    expect(code, out).toBe(0);
    const r = JSON.parse(line![1]) as {
      agents: { id: string; port: number; fingerprint: string }[];
      discovered: Row[];
      pair: { ok: boolean; result: Row };
      afterTelemetry: Row[];
      afterStop: Row[];
      events: number[];
    };
    const [north, south] = r.agents;
    expect(r.discovered.map((d) => [d.id, d.name, d.state, d.paired]).sort()).toEqual(
      [
        [north.id, 'north', 'discovered', false],
        [south.id, 'south', 'discovered', false],
      ].sort(),
    );
    expect(r.discovered.find((d) => d.id === north.id)!.address).toBe(`127.0.0.1:${north.port}`);
    expect(r.pair).toMatchObject({ ok: true, result: { id: north.id, paired: true, fingerprint: north.fingerprint, state: 'online' } });
    const fed = r.afterTelemetry.find((d) => d.id === north.id)!;
    expect(fed.telemetry).not.toBeNull();
    expect(fed.health).toBe('ok');
    expect(r.afterTelemetry.find((d) => d.id === south.id)).toMatchObject({ state: 'discovered', paired: false });
    expect(r.afterStop.find((d) => d.id === north.id)!.state).toBe('offline');
    expect(r.events.length).toBeGreaterThan(0);
  });
});
