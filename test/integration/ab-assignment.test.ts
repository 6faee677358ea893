// A/B assignments over 8 real agents: cohorts by deterministic bucketing, each deployed and confirmed,
// load through each agent's local inference endpoint, and the statistics from the agents' telemetry:
// the sample model against a model several times slower is a significant difference, the sample
// against a byte-different copy of itself is not. Also the CLI's `ab status` and `ab list`, and promote.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AbAssignment, AbStatus } from '../../electron/core/api/types.js';
import { createCore, type Core } from '../../electron/core/core.js';
import { LoadGenerator } from '../../electron/core/devices/load-generator.js';
import { AgentClient } from '../../electron/core/devices/https/agent-client.js';
import { artifactPath } from '../../electron/core/registry/artifact-store.js';
import { DeviceStore } from '../../electron/core/registry/device-store.js';
import { assignCohorts } from '../../electron/core/rollouts/bucketing.js';
import { repoRoot, sampleModel, startAgent, type AgentProcess } from '../helpers/agent-process.js';

const home = mkdtempSync(join(tmpdir(), 'ef-ab-'));
const agents: AgentProcess[] = [];
let core: Core;
const models = {} as Record<'digits1' | 'digits2' | 'transformer', string>;
const digitsInputs = join(repoRoot, 'resources/models/mobilenetv2-digits/eval_inputs.npy');
const transformerInputs = join(repoRoot, 'resources/models/tiny-transformer/samples.npy');
const loads: LoadGenerator[] = [];
const sha256Of: Record<string, string> = {};

type Env = Awaited<ReturnType<Core['call']>>;

function unwrap<T>(env: Env): T {
  if (!env.ok) throw new Error(`${env.error.code}: ${env.error.title}: ${env.error.detail}`);
  return env.result as T;
}

function register(name: string, bytes: Uint8Array): string {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const file = artifactPath(home, sha256);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(join(home, `${name}-${sha256.slice(0, 8)}.onnx`), bytes);
  copyFileSync(join(home, `${name}-${sha256.slice(0, 8)}.onnx`), file);
  const { id } = core.registry.addModel({ name, sha256, sizeBytes: bytes.byteLength, sourceFile: null, inspect: null }).model;
  sha256Of[id] = sha256;
  return id;
}

/** What the agent itself says it serves, over the pairing the console holds. */
async function agentStatus(a: AgentProcess) {
  const creds = new DeviceStore(core.registry.db).credentials(a.deviceId)!;
  const c = new AgentClient({ host: '127.0.0.1', port: a.port, fingerprint: creds.fingerprint, token: creds.token });
  try {
    return await c.status();
  } finally {
    c.close();
  }
}

async function until<T>(what: string, get: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 240_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await get();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v).slice(0, 2000)}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

async function startAndDeploy(input: Record<string, unknown>): Promise<AbAssignment> {
  const started = unwrap<AbAssignment>(await core.call('ab.start', input));
  expect(started.state).toBe('deploying');
  await Promise.all(started.deployJobIds.map((id) => core.jobs.wait(id)));
  const a = unwrap<AbAssignment[]>(await core.call('ab.list', {})).find((x) => x.id === started.id)!;
  expect(a.error).toBeNull();
  expect(a.state).toBe('running');
  expect(a.servingSince).not.toBeNull();
  return a;
}

function agentsOf(deviceIds: string[]): AgentProcess[] {
  return deviceIds.map((id) => agents.find((a) => a.deviceId === id)!);
}

async function feed(npy: string, targets: AgentProcess[]): Promise<void> {
  const load = new LoadGenerator(npy, 20);
  loads.push(load);
  await load.start(targets.map((a) => ({ servePort: a.servePort })));
}

function stopLoads(): void {
  for (const l of loads.splice(0)) l.stop();
}

/** Enough traffic counted in every variant, from every cohort device. */
function enoughTraffic(s: AbStatus): boolean {
  return s.variants.every((v) => v.devicesReporting === v.devices && v.requests >= 400);
}

function cli(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const code = "const { main } = await import('./electron/cli/main.ts'); const c = await main(process.argv.slice(1)); process.exitCode = c; setTimeout(() => process.exit(c), 2000).unref();";
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code, ...args, '--home', home], {
      cwd: repoRoot,
      env: { ...process.env, EDGEFLEET_DISCOVERY: 'off' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('exit', (c) => resolve({ code: c, stdout, stderr }));
  });
}

beforeAll(async () => {
  for (let i = 0; i < 8; i += 4) {
    agents.push(...(await Promise.all(Array.from({ length: 4 }, (_, k) => startAgent({ name: `ab-${i + k}`, args: ['--telemetry-interval', '0.5'], readyTimeoutMs: 120_000 })))));
  }
  core = createCore({ home, mode: 'cli' });
  for (const a of agents) {
    unwrap(await core.call('devices.pair', { address: `127.0.0.1:${a.port}`, code: a.pairingCode! }));
    unwrap(await core.call('devices.update', { id: a.deviceId, tags: ['lab'] }));
  }
  models.digits1 = register('digits', sampleModel);
  // The same graph with a doc_string appended (ModelProto field 6): version 2, equal behaviour.
  const tail = Buffer.from('ab test copy');
  models.digits2 = register('digits', Buffer.concat([sampleModel, Buffer.from([0x32, tail.length]), tail]));
  models.transformer = register('tiny-transformer', new Uint8Array(readFileSync(join(repoRoot, 'resources/models/tiny-transformer/model.onnx'))));
}, 400_000);

afterAll(async () => {
  stopLoads();
  await core?.close();
  await Promise.all(agents.map((a) => a.stop()));
  for (const a of agents) rmSync(a.dataDir, { recursive: true, force: true });
  rmSync(home, { recursive: true, force: true });
});

describe('A/B assignments over real agents', () => {
  let first: AbAssignment;
  let second: AbAssignment;

  it('refuses bad requests with a clear error and writes nothing', async () => {
    const noDevices = await core.call('ab.start', { selector: 'tag:nowhere', variants: [{ modelId: models.digits1, percent: 50 }, { modelId: models.digits2, percent: 50 }] });
    expect(noDevices).toMatchObject({ ok: false, error: { code: 'AB_NO_DEVICES' } });
    const tooMuch = await core.call('ab.start', { selector: 'tag:lab', variants: [{ modelId: models.digits1, percent: 60 }, { modelId: models.digits2, percent: 50 }] });
    expect(tooMuch).toMatchObject({ ok: false, error: { code: 'AB_VARIANTS_INVALID' } });
    const one = await core.call('ab.start', { selector: 'tag:lab', variants: [{ modelId: models.digits1, percent: 50 }] });
    expect(one).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(unwrap<AbAssignment[]>(await core.call('ab.list', {}))).toEqual([]);
  });

  it('the sample against a model several times slower: a significant latency difference', async () => {
    first = await startAndDeploy({
      selector: 'tag:lab',
      variants: [{ modelId: models.digits1, percent: 50 }, { modelId: models.transformer, percent: 50 }],
      control: true,
      seed: 'ab-test-1',
    });
    const expected = assignCohorts('ab-test-1', agents.map((a) => a.deviceId), [{ id: 'A', percent: 50 }, { id: 'B', percent: 50 }], { control: 'equal' });
    expect(first.variants.map((v) => v.deviceIds)).toEqual([expected.cohorts.A, expected.cohorts.B]);
    expect(first.variants.map((v) => v.deviceIds.length)).toEqual([4, 4]);
    expect(first.variants[0]).toMatchObject({ control: true, modelName: 'digits', failedDeviceIds: [] });
    for (const v of first.variants) {
      for (const id of v.deviceIds) expect(core.registry.db.prepare('SELECT model_name FROM devices WHERE id = ?').get(id)).toEqual({ model_name: v.modelName });
    }
    // Overlapping assignments are refused while this one runs.
    const overlap = await core.call('ab.start', { selector: 'tag:lab', variants: [{ modelId: models.digits1, percent: 50 }, { modelId: models.digits2, percent: 50 }] });
    expect(overlap).toMatchObject({ ok: false, error: { code: 'AB_DEVICES_BUSY' } });

    await feed(digitsInputs, agentsOf(first.variants[0].deviceIds));
    await feed(transformerInputs, agentsOf(first.variants[1].deviceIds));
    const s = await until('traffic in both cohorts', async () => unwrap<AbStatus>(await core.call('ab.get', { id: first.id })), enoughTraffic);
    stopLoads();
    const [a, b] = s.variants;
    expect(a.errors + b.errors).toBe(0);
    expect(b.latencyP50Ms.estimate!).toBeGreaterThan(a.latencyP50Ms.estimate!);
    const [c] = s.comparisons;
    expect(c).toMatchObject({ variant: 'B', baseline: 'A', significant: true });
    expect(c.latencyP50DiffMs.significant).toBe(true);
    expect(c.latencyP50DiffMs.estimate!).toBeGreaterThan(0);
    expect(c.latencyP50DiffMs.pValue!).toBeLessThan(0.05);
    expect(c.errorRateDiff.significant).toBe(false);
    expect(s.winner).toBeNull();
    expect(s.verdict).toMatch(/B \(tiny-transformer v1\) p50 .*: significant/);

    // Nothing beats the control: promote needs a variant named.
    const refused = await core.call('ab.promote', { id: first.id });
    expect(refused).toMatchObject({ ok: false, error: { code: 'AB_NO_WINNER' } });
  }, 300_000);

  it('the CLI shows the same assignment and its statistics', async () => {
    const status = await cli('ab', 'status', first.id, '--json');
    expect(status.code, status.stderr).toBe(0);
    const s = JSON.parse(status.stdout) as AbStatus;
    expect(s.assignment.id).toBe(first.id);
    expect(s.comparisons[0].latencyP50DiffMs.significant).toBe(true);
    const table = await cli('ab', 'status', first.id);
    expect(table.stdout).toMatch(/VARIANT\s+MODEL/);
    expect(table.stdout).toMatch(/A \(control\)\s+digits v1\s+4\/4/);
    const bad = await cli('ab', 'start', '--target', 'tag:lab', '--variant', 'digits');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/MODEL:PERCENT/);
    const unknown = await cli('ab', 'status', 'ab-nope');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/No A\/B assignment has id ab-nope/);
  }, 120_000);

  it('two equal variants (the sample under two versions): no significant difference', async () => {
    const stopped = unwrap<AbAssignment>(await core.call('ab.stop', { id: first.id }));
    expect(stopped).toMatchObject({ state: 'stopped' });
    second = await startAndDeploy({
      selector: 'tag:lab',
      variants: [{ modelId: models.digits1, percent: 50 }, { modelId: models.digits2, percent: 50 }],
      seed: 'ab-test-2',
    });
    expect(second.variants.map((v) => [v.modelName, v.modelVersion, v.deviceIds.length])).toEqual([
      ['digits', 1, 4],
      ['digits', 2, 4],
    ]);
    await feed(digitsInputs, agents);
    const s = await until('traffic in both cohorts', async () => unwrap<AbStatus>(await core.call('ab.get', { id: second.id })), enoughTraffic);
    stopLoads();
    const [c] = s.comparisons;
    // p50 and error rate are the primary metrics. The p95 guardrail is a level-5 % test of its own on
    // this machine's noisy tail: not asserted here, so that the test does not fail once in ~35 runs.
    expect(c.latencyP50DiffMs.significant).toBe(false);
    expect(c.errorRateDiff.significant).toBe(false);
    expect(c.significant).toBe(false);
    expect(s.winner).toBeNull();
    expect(s.verdict).toMatch(/No variant beats the baseline safely/);
  }, 300_000);

  it('promotes a named variant to the rest of the selection', async () => {
    const promoted = unwrap<AbAssignment>(await core.call('ab.promote', { id: second.id, variant: 'B', soakMs: 0 }));
    expect(promoted.state).toBe('promoted');
    const rest = [...second.variants[0].deviceIds].sort();
    expect(promoted.promotion).toMatchObject({ variant: 'B', kind: 'rollout', deviceIds: rest });
    // The promotion is a rollout of the winner over exactly the rest of the selection; driven to its end here.
    const rolloutId = promoted.promotion!.id;
    const final = await core.rollouts.waitFor(rolloutId, { drive: true });
    expect(final.status).toBe('completed');
    const rollout = core.rollouts.detail(rolloutId);
    expect(rollout).toMatchObject({ modelId: models.digits2, status: 'completed' });
    expect(rollout.devices.map((d) => d.id).sort()).toEqual(rest);
    expect(rollout.devices.every((d) => d.phase === 'confirmed')).toBe(true);
    // Every device of the selection, the promoted cohort and the winner's own, now serves the winner.
    for (const a of agents) {
      const st = await agentStatus(a);
      expect(st, a.deviceId).toMatchObject({ state: 'running', trial: null, active: { manifest: { sha256: sha256Of[models.digits2] } } });
    }
    const list = await cli('ab', 'list');
    expect(list.stdout).toMatch(new RegExp(`${second.id}\\s+promoted`));
    expect(list.stdout).toMatch(new RegExp(`${first.id}\\s+stopped`));
  }, 120_000);
});
