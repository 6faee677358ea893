// As shipped: the agent bundle run by `edgefleet agent` (built by `npm run build`, which `npm test` runs
// first), paired and deployed to; and a console that keeps its default discovery setting (on), inside a
// private network namespace so that multicast stays there, sees an agent appear.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeployResult, DeviceSummary, Job } from '../../electron/core/api/types.js';
import { createCore, type Core } from '../../electron/core/core.js';
import { infer, repoRoot } from '../helpers/agent-process.js';
import { register, unwrap, variant } from '../helpers/recovery-fixture.js';
import { requireRoot } from '../helpers/require-root.js';

const home = mkdtempSync(join(tmpdir(), 'ef-shipped-'));
const dataDir = mkdtempSync(join(tmpdir(), 'ef-shipped-agent-'));
let core: Core;
let agent: ChildProcess | null = null;

beforeAll(() => {
  core = createCore({ home, mode: 'cli' });
});

afterAll(async () => {
  if (agent && agent.exitCode === null) {
    const exited = new Promise((r) => agent!.once('exit', r));
    agent.kill('SIGTERM');
    await exited;
  }
  await core?.close();
  rmSync(home, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
});

/** `edgefleet agent` from the built CLI; resolves with its ready line (the bundle's own stdout). */
function shippedAgent(): Promise<{ ready: { deviceId: string; port: number; servePort: number; pairingCode: string }; exitCode: () => number | null }> {
  const child = spawn(process.execPath, ['scripts/edgefleet.js', 'agent', '--data-dir', dataDir, '--port', '0', '--serve-port', '0', '--host', '127.0.0.1', '--no-mdns', '--name', 'shipped'], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  agent = child;
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`edgefleet agent not ready in time:\n${out}`)), 30_000);
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /^EDGEFLEET_AGENT_READY (.*)$/m.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ ready: JSON.parse(m[1]), exitCode: () => child.exitCode });
      }
    });
    child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`edgefleet agent exited with ${code} before it was ready:\n${out}`));
    });
  });
}

describe('the shipped agent', () => {
  it('`edgefleet agent` runs the built bundle: paired, deployed to, and serving', { timeout: 90_000 }, async () => {
    for (const built of ['dist/electron/cli/main.js', 'resources/agent/dist/agent.js']) {
      expect(existsSync(join(repoRoot, built)), `${built} is missing: run \`npm run build\` first (npm test does)`).toBe(true);
    }
    const { ready } = await shippedAgent();
    expect(ready.pairingCode).toMatch(/^[A-Z2-9]{8}$/);
    const paired = unwrap<DeviceSummary>(await core.call('devices.pair', { address: `127.0.0.1:${ready.port}`, code: ready.pairingCode }));
    expect(paired).toMatchObject({ id: ready.deviceId, paired: true, name: 'shipped' });
    const model = register(core, 'digits-shipped', variant('shipped'));
    const job = unwrap<Job>(await core.call('devices.deploy', { modelId: model.id, deviceIds: [ready.deviceId], activate: true, confirm: true }));
    const done = await core.jobs.wait(job.id);
    expect(done.state, JSON.stringify(done.error)).toBe('succeeded');
    expect((done.result as DeployResult).devices).toEqual([expect.objectContaining({ deviceId: ready.deviceId, phase: 'confirmed', error: null })]);
    const r = await infer(ready.servePort);
    expect(r.status).toBe(200);
    expect(r.body.model).toMatchObject({ sha256: model.sha256 });
  });
});

// Inside the namespace: a browser-mode core with no discovery option and no EDGEFLEET_DISCOVERY, under
// the test runner's environment otherwise (VITEST set), and an agent that advertises itself.
const script = `
import { createCore } from './electron/core/core.ts';
import { startAgent } from './test/helpers/agent-process.ts';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const core = createCore({ home: process.env.EF_HOME, mode: 'browser' });
const a = await startAgent({ mdns: true, name: 'default-path' });
let seen = null;
for (const end = Date.now() + 20000; !seen && Date.now() < end; await sleep(100)) {
  seen = (await core.call('devices.list', {})).result.find((d) => d.id === a.deviceId) ?? null;
}
await a.stop();
await core.close();
console.log('EF_DEFAULT ' + JSON.stringify({ id: a.deviceId, port: a.port, vitest: process.env.VITEST ?? null, seen }));
process.exit(0);
`;

describe('discovery as shipped', () => {
  beforeAll(() => requireRoot('unshare -n'));

  it('a console left at its defaults browses mDNS and sees an agent appear', { timeout: 60_000 }, async () => {
    const nsHome = mkdtempSync(join(tmpdir(), 'ef-shipped-ns-'));
    try {
      const env: NodeJS.ProcessEnv = { ...process.env, EF_SCRIPT: script, EF_HOME: nsHome };
      delete env.EDGEFLEET_DISCOVERY;
      const setup = 'set -e; ip link set lo up; ip link set lo multicast on; ip route add 224.0.0.0/4 dev lo; set +e';
      const cmd = `exec '${process.execPath}' --input-type=module --import tsx -e "$EF_SCRIPT"`;
      const child = spawn('unshare', ['-n', 'sh', '-c', `${setup}\n${cmd}`], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr.on('data', (c: Buffer) => (out += c.toString()));
      const code = await new Promise((resolve) => child.once('exit', resolve));
      const line = /^EF_DEFAULT (.*)$/m.exec(out);
      expect(line, out).not.toBeNull();
      expect(code, out).toBe(0);
      const r = JSON.parse(line![1]) as { id: string; port: number; vitest: string | null; seen: DeviceSummary | null };
      expect(r.vitest).not.toBeNull();
      expect(r.seen).toMatchObject({ id: r.id, name: 'default-path', state: 'discovered', paired: false, address: `127.0.0.1:${r.port}` });
    } finally {
      rmSync(nsHome, { recursive: true, force: true });
    }
  });
});
