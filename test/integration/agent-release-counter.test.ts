// Downgrades by replay: a real agent keeps the highest release counter it has accepted (in state.json)
// and refuses a validly signed manifest from an earlier deploy sent again, byte for byte, at
// upload-begin and at activate (also when the old artifact is still staged), across a restart. The
// rollback op still works; an explicit downgrade (older content under a new counter, signed for this
// device) goes through, from the CLI too, and the console's counter catches up with a device ahead of it.
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeployResult } from '../../electron/core/api/types.js';
import type { AgentClient } from '../../electron/core/devices/https/agent-client.js';
import type { SignedManifest } from '../../resources/device-protocol/messages.js';
import { clientFor, infer, pairWith, repoRoot, sampleModel, sampleModelPath, signed, startAgent, type AgentProcess, type Console } from '../helpers/agent-process.js';

const bounds = { maxLatencyMs: 5000 };
/** A second version of the sample: the same graph with a doc_string appended (protobuf field 6). */
const tail = Buffer.from('v2 of the sample');
const sampleV2 = new Uint8Array(Buffer.concat([sampleModel, Buffer.from([0x32, tail.length]), tail]));
const scratch = mkdtempSync(path.join(tmpdir(), 'ef-release-counter-'));

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function servedVersion(agent: AgentProcess): Promise<string | undefined> {
  const res = await infer(agent.servePort);
  expect(res.status).toBe(200);
  return res.body.model?.version;
}

function savedRelease(agent: AgentProcess): number {
  return (JSON.parse(readFileSync(path.join(agent.dataDir, 'state.json'), 'utf8')) as { release: number }).release;
}

function errorOf(p: Promise<unknown>): Promise<{ code: string; title: string; detail: string }> {
  return p.then(
    () => {
      throw new Error('expected a refusal');
    },
    (e: { code: string; title: string; detail: string }) => e,
  );
}

/** upload-begin over raw HTTPS, for the status code the client does not expose. */
function rawUploadBegin(agent: AgentProcess, token: string, body: SignedManifest): Promise<{ status: number; body: { code?: string } }> {
  const text = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: agent.port,
        method: 'POST',
        path: '/v1/upload-begin',
        // The agent's self-signed certificate; loopback only, and the pinned client is tested elsewhere.
        rejectUnauthorized: false,
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString()) as { code?: string } }));
      },
    );
    req.on('error', reject);
    req.end(text);
  });
}

describe('a device refuses an earlier release sent again', () => {
  let agent: AgentProcess;
  let client: AgentClient;
  let token: string;
  let konsole: Console;
  let m1: SignedManifest;
  let m2: SignedManifest;
  const stagingCopy = path.join(scratch, 'staging-of-release-1');
  const stagingFiles = () => readdirSync(path.join(agent.dataDir, 'staging'));

  beforeAll(async () => {
    agent = await startAgent({ name: 'replay-target' });
    ({ client, token, console: konsole } = await pairWith(agent));
    m1 = signed(sampleModel, '1', konsole.privateKey, undefined, { release: 1 });
    m2 = signed(sampleV2, '2', konsole.privateKey, undefined, { release: 2 });
  });

  afterAll(async () => {
    await agent?.stop();
  });

  it('deploys release 1, then release 2, both confirmed; the device reports and keeps its counter', async () => {
    await client.upload(sampleModel, m1);
    // The verified artifact of release 1, kept aside to put back later as if still staged.
    cpSync(path.join(agent.dataDir, 'staging'), stagingCopy, { recursive: true });
    expect((await client.activate(bounds)).outcome).toBe('trial');
    expect(await client.confirm()).toMatchObject({ state: 'running', release: 1, active: { manifest: { version: '1', release: 1 } } });
    await client.upload(sampleV2, m2);
    expect((await client.activate(bounds)).outcome).toBe('trial');
    expect(await client.confirm()).toMatchObject({ state: 'running', release: 2, active: { manifest: { version: '2' } }, previous: { manifest: { version: '1' } } });
    expect(savedRelease(agent)).toBe(2);
    expect(await servedVersion(agent)).toBe('2');
  });

  it('refuses the earlier signed manifest at upload-begin with 409, naming both counters and the fix', async () => {
    const err = await errorOf(client.upload(sampleModel, m1));
    expect(err.code).toBe('RELEASE_COUNTER_REPLAY');
    expect(err.title).toBe('Older release refused');
    expect(err.detail).toMatch(/accepted release 2;.*carries release 1/);
    expect(err.detail).toContain(`edgefleet deploy MODEL --device ${agent.deviceId} --allow-downgrade`);
    const raw = await rawUploadBegin(agent, token, m1);
    expect(raw).toMatchObject({ status: 409, body: { code: 'RELEASE_COUNTER_REPLAY' } });
    // The release it runs cannot be sent again either, nor a manifest from a console before counters.
    expect((await errorOf(client.upload(sampleV2, m2))).code).toBe('RELEASE_COUNTER_REPLAY');
    const legacy = await errorOf(client.upload(sampleModel, signed(sampleModel, '1', konsole.privateKey)));
    expect(legacy).toMatchObject({ code: 'RELEASE_COUNTER_REPLAY' });
    expect(legacy.detail).toMatch(/no release counter/);
    expect((await client.uploadStatus()).upload).toBeNull();
    expect(stagingFiles()).toEqual([]);
    expect(await client.status()).toMatchObject({ state: 'running', release: 2, active: { manifest: { version: '2' } } });
    expect(await servedVersion(agent)).toBe('2');
  });

  it('keeps the counter across a restart and refuses the old artifact still staged at activate', async () => {
    await agent.stop();
    cpSync(stagingCopy, path.join(agent.dataDir, 'staging'), { recursive: true });
    agent = await startAgent({ dataDir: agent.dataDir, name: 'replay-target' });
    client = clientFor(agent, token);
    expect((await client.uploadStatus()).upload).toMatchObject({ manifest: m1.manifest, complete: true });
    expect((await client.status()).release).toBe(2);
    const err = await errorOf(client.activate(bounds));
    expect(err.code).toBe('RELEASE_COUNTER_REPLAY');
    expect(err.detail).toMatch(/accepted release 2;.*carries release 1.*staged artifact was discarded/);
    expect(stagingFiles()).toEqual([]);
    expect(await client.status()).toMatchObject({ state: 'running', release: 2, active: { manifest: { version: '2' } }, trial: null });
    expect(await servedVersion(agent)).toBe('2');
  });

  it('still rolls back by command; the counter stays, so the release it left cannot be replayed over the rollback', async () => {
    expect(await client.rollback()).toMatchObject({ state: 'running', release: 2, active: { manifest: { version: '1' } } });
    expect(await servedVersion(agent)).toBe('1');
    expect((await errorOf(client.upload(sampleV2, m2))).code).toBe('RELEASE_COUNTER_REPLAY');
    expect(await servedVersion(agent)).toBe('1');
    expect((await client.rollback()).active?.manifest.version).toBe('2');
  });

  it('takes an explicit downgrade signed for this device under a new counter; the same for another device is refused', async () => {
    const elsewhere = signed(sampleModel, '1', konsole.privateKey, undefined, { release: 3, downgrade: { deviceId: 'dev-someone-else' } });
    const wrong = await errorOf(client.upload(sampleModel, elsewhere));
    expect(wrong.code).toBe('DOWNGRADE_WRONG_DEVICE');
    expect(wrong.detail).toContain(agent.deviceId);
    const down = signed(sampleModel, '1', konsole.privateKey, undefined, { release: 3, downgrade: { deviceId: agent.deviceId } });
    await client.upload(sampleModel, down);
    const act = await client.activate(bounds);
    expect(act).toMatchObject({ outcome: 'trial', status: { release: 3, lastEvent: { kind: 'trial-started' } } });
    expect(act.status.lastEvent?.detail).toMatch(/downgrade/);
    expect(await client.confirm()).toMatchObject({ state: 'running', release: 3, active: { manifest: { version: '1' } } });
    expect(await servedVersion(agent)).toBe('1');
    // Captured on the wire, the downgrade cannot undo a newer release later.
    const m4 = signed(sampleV2, '2', konsole.privateKey, undefined, { release: 4 });
    await client.upload(sampleV2, m4);
    await client.activate(bounds);
    await client.confirm();
    expect((await errorOf(client.upload(sampleModel, down))).code).toBe('RELEASE_COUNTER_REPLAY');
    expect(await client.status()).toMatchObject({ release: 4, active: { manifest: { version: '2' } } });
  });
});

describe('edgefleet deploy --allow-downgrade', () => {
  const home = path.join(scratch, 'home');
  /** The CLI from source (the built dist/ may lag behind the tree). */
  const cliMain = "const { main } = await import('./electron/cli/main.ts'); const c = await main(process.argv.slice(1)); process.exitCode = c; setTimeout(() => process.exit(c), 2000).unref();";
  const v2Path = path.join(scratch, 'v2', 'mobilenetv2-digits', 'model.onnx');
  let agent: AgentProcess;

  function edgefleet(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', cliMain, ...args, '--home', home], {
        cwd: repoRoot,
        env: { ...process.env, EDGEFLEET_DISCOVERY: 'off' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.once('exit', (code) => resolve({ code, stdout, stderr }));
    });
  }

  async function deploy(model: string, ...flags: string[]) {
    const r = await edgefleet('deploy', model, '--device', agent.deviceId, '--confirm', '--max-latency', '5000', '--json', ...flags);
    return { ...r, result: r.stdout ? (JSON.parse(r.stdout) as DeployResult) : null };
  }

  function consoleCounter(set?: number): number {
    const db = new Database(path.join(home, 'registry.db'));
    try {
      if (set !== undefined) db.prepare('UPDATE release_counter SET value = ?').run(set);
      return (db.prepare('SELECT value FROM release_counter').get() as { value: number }).value;
    } finally {
      db.close();
    }
  }

  beforeAll(async () => {
    mkdirSync(home, { recursive: true });
    mkdirSync(path.dirname(v2Path), { recursive: true });
    writeFileSync(v2Path, sampleV2);
    agent = await startAgent({ name: 'cli-target' });
    const r = await edgefleet('pair', `127.0.0.1:${agent.port}`, '--code', agent.pairingCode!, '--json');
    expect(r.code, r.stderr).toBe(0);
  });

  afterAll(async () => {
    await agent?.stop();
  });

  it('signs a higher release for every deploy, refuses an older version without the flag, and downgrades with it', async () => {
    expect((await deploy(sampleModelPath)).result?.devices[0].phase).toBe('confirmed');
    const r1 = savedRelease(agent);
    expect((await deploy(v2Path)).result?.devices[0].phase).toBe('confirmed');
    const r2 = savedRelease(agent);
    expect(r2).toBeGreaterThan(r1);
    expect(await servedVersion(agent)).toBe('2');

    const refused = await deploy(sampleModelPath);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/Older model refused/);
    expect(refused.stderr).toMatch(/runs v2/);
    expect(refused.stderr).toContain('--allow-downgrade');
    expect(await servedVersion(agent)).toBe('2');
    expect(savedRelease(agent)).toBe(r2);

    const down = await deploy(sampleModelPath, '--allow-downgrade');
    expect(down.code, down.stderr).toBe(0);
    expect(down.result?.devices[0]).toMatchObject({ phase: 'confirmed', error: null });
    expect(await servedVersion(agent)).toBe('1');
    expect(savedRelease(agent)).toBeGreaterThan(r2);

    const audit = await edgefleet('audit', '--action', 'devices.deploy', '--json');
    expect(audit.code, audit.stderr).toBe(0);
    const entries = JSON.parse(audit.stdout) as { outcome: string; params: { allowDowngrade?: boolean } }[];
    expect(entries.some((e) => e.params.allowDowngrade === true)).toBe(true);
    expect(entries.some((e) => e.outcome === 'failed' && e.params.allowDowngrade === false)).toBe(true);
  });

  it('deploys above a device that is ahead of the console (home restored from an old backup) and catches up', async () => {
    const ahead = savedRelease(agent);
    consoleCounter(0);
    const r = await deploy(v2Path);
    expect(r.code, r.stderr).toBe(0);
    expect(r.result?.devices[0].phase).toBe('confirmed');
    expect(savedRelease(agent)).toBeGreaterThan(ahead);
    expect(consoleCounter()).toBeGreaterThanOrEqual(savedRelease(agent));
    expect(await servedVersion(agent)).toBe('2');
  });
});
