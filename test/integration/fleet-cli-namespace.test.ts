// Issue 5's "done when", driven from the built CLI only: two real agents inside a private network
// namespace are discovered over mDNS, paired, receive a signed model, run it, report telemetry, and
// a model that does not load reverts by itself. Needs root for `unshare -n`; no packet leaves it.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeployResult, DeviceSummary } from '../../electron/core/api/types.js';
import { repoRoot } from '../helpers/agent-process.js';
import { requireRoot } from '../helpers/require-root.js';

const home = mkdtempSync(path.join(tmpdir(), 'ef-fleet-ns-'));

// ESM with tsx's loader, run inside the namespace. Every console action is a CLI process.
const script = `
import { spawn } from 'node:child_process';
import { infer, sampleModelPath, startAgent } from './test/helpers/agent-process.ts';
import { registerBrokenModel } from './test/helpers/broken-model.ts';
const home = process.env.EF_HOME;
const cli = (...args) => new Promise((resolve) => {
  const child = spawn(process.execPath, ['scripts/edgefleet.js', ...args, '--home', home], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, EDGEFLEET_DISCOVERY: 'on' } });
  let stdout = '', stderr = '';
  child.stdout.on('data', (c) => (stdout += c));
  child.stderr.on('data', (c) => (stderr += c));
  child.once('exit', (code) => resolve({ args: args.join(' '), code, stdout, stderr }));
});
const json = (r) => { try { return JSON.parse(r.stdout); } catch { return null; } };
const out = { steps: [] };
const step = async (...args) => { const r = await cli(...args); out.steps.push({ args: r.args, code: r.code, stderr: r.stderr.slice(0, 2000) }); return r; };
const args = ['--telemetry-interval', '0.5'];
const agents = await Promise.all([startAgent({ mdns: true, name: 'north', args }), startAgent({ mdns: true, name: 'south', args })]);
out.agents = agents.map((a) => ({ id: a.deviceId, port: a.port }));
out.discovered = json(await step('devices', '--discover', '4', '--json'));
for (const [i, a] of agents.entries()) {
  const row = (out.discovered ?? []).find((d) => d.id === a.deviceId);
  out[['north', 'south'][i] + 'Pair'] = json(await step('pair', row ? row.address : '127.0.0.1:' + a.port, '--code', a.pairingCode, '--json'));
}
out.deploy = json(await step('deploy', sampleModelPath, '--device', agents[0].deviceId, '--device', agents[1].deviceId, '--confirm', '--max-latency', '5000', '--json'));
out.served = [];
for (const a of agents) for (let i = 0; i < 5; i++) out.served.push((await infer(a.servePort, i)).body.model?.version ?? null);
// Telemetry goes out every 0.5 s: refresh until both devices have reported the requests just served.
const counted = (list) => agents.every((a) => ((list ?? []).find((d) => d.id === a.deviceId)?.telemetry?.requests ?? 0) >= 5);
for (const end = Date.now() + 20000; ; await new Promise((r) => setTimeout(r, 250))) {
  out.refreshed = json(await step('devices', '--refresh', '--json'));
  if (counted(out.refreshed) || Date.now() > end) break;
}
const broken = registerBrokenModel(home);
const bad = await step('deploy', broken, '--device', agents[1].deviceId, '--confirm', '--json');
out.badCode = bad.code;
out.badDeploy = json(bad);
out.afterBad = (await infer(agents[1].servePort, 9)).body.model?.version ?? null;
out.final = json(await step('devices', '--refresh', '--json'));
await Promise.all(agents.map((a) => a.stop()));
console.log('EF_FLEET ' + JSON.stringify(out));
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

interface Result {
  agents: { id: string; port: number }[];
  steps: { args: string; code: number; stderr: string }[];
  discovered: DeviceSummary[];
  northPair: DeviceSummary;
  southPair: DeviceSummary;
  deploy: DeployResult;
  served: (string | null)[];
  refreshed: DeviceSummary[];
  badCode: number;
  badDeploy: DeployResult;
  afterBad: string | null;
  final: DeviceSummary[];
}

describe('a fleet driven from the CLI, inside a network namespace', () => {
  beforeAll(() => requireRoot('unshare -n'));

  it('discovers, pairs, deploys, serves, reports telemetry, and reverts a bad model', { timeout: 150_000 }, async () => {
    const { code, out } = await inNamespace(script);
    const line = /^EF_FLEET (.*)$/m.exec(out);
    expect(line, out).not.toBeNull();
    expect(code, out).toBe(0);
    const r = JSON.parse(line![1]) as Result;
    const [north, south] = r.agents;
    const steps = JSON.stringify(r.steps, null, 1);

    // Discovered over mDNS, not yet paired, at the address the advertisement gave.
    expect(r.discovered.map((d) => [d.id, d.state, d.paired]).sort(), steps).toEqual([
      [north.id, 'discovered', false],
      [south.id, 'discovered', false],
    ].sort());
    for (const [a, paired] of [[north, r.northPair], [south, r.southPair]] as const) {
      expect(paired, steps).toMatchObject({ id: a.id, paired: true, state: 'online', address: `127.0.0.1:${a.port}` });
    }

    // The signed model went to both, was confirmed, and serves requests.
    expect(r.deploy.devices.map((d) => d.phase), steps).toEqual(['confirmed', 'confirmed']);
    expect(r.served).toEqual(Array(10).fill('1'));
    for (const a of r.agents) {
      const d = r.refreshed.find((x) => x.id === a.id)!;
      expect(d).toMatchObject({ activeModel: { name: 'mobilenetv2-digits', version: '1' }, slotState: 'confirmed', health: 'ok' });
      expect(d.telemetry?.requests).toBeGreaterThanOrEqual(5);
      expect(d.telemetry?.latencyMs?.p95).toBeGreaterThan(0);
    }

    // A model that does not load: exit code 2, the device reverted by itself and still serves v1.
    expect(r.badCode, steps).toBe(2);
    expect(r.badDeploy.devices[0]).toMatchObject({ deviceId: south.id, phase: 'reverted', error: { code: 'TRIAL_UNHEALTHY' } });
    expect(r.afterBad).toBe('1');
    const finalSouth = r.final.find((d) => d.id === south.id)!;
    expect(finalSouth).toMatchObject({ activeModel: { version: '1' }, slotState: 'confirmed', lastChange: { reverted: true } });
    expect(finalSouth.health).not.toBe('error');
    expect(r.final.find((d) => d.id === north.id)).toMatchObject({ activeModel: { version: '1' }, health: 'ok' });
  });
});
