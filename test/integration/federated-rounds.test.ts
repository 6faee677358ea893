// Federated rounds driven by the console's round engine over real agents: four agents, each with its own
// slice of the NAB machine-temperature series as --fl-data, paired with a console and served the sensor
// autoencoder by a rollout. Three plain FedAvg rounds each register a version with a lower held-out loss
// (each promoted by a rollout before the next round); a secure round with an agent killed mid-round
// registers from the survivors; a quorum above the eligible count fails at once, naming the count; a CLI
// `fl round start --wait` killed with SIGKILL is resumed by `fl round status ID --wait`; fl.rollback rolls
// the previous version out again.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlRound, RolloutDetail } from '../../electron/core/api/types.js';
import { createCore, type Core } from '../../electron/core/core.js';
import { inspectFile } from '../../electron/core/inspect/inspect.js';
import { storeArtifact } from '../../electron/core/registry/artifact-store.js';
import { unwrap } from '../../electron/cli/run-job.js';
import { repoRoot, startAgent, type AgentProcess } from '../helpers/agent-process.js';
import { sensorModelPath, writeDeviceSlices } from '../helpers/fl-fleet.js';

const home = mkdtempSync(join(tmpdir(), 'ef-fl-rounds-'));
const bin = join(repoRoot, 'scripts', 'edgefleet.js');
let core: Core;
let agents: AgentProcess[] = [];
let modelId: string;
const durations: Record<string, number> = {};
const figures: string[] = [];

const roundInput = { selector: 'tag:fl', minClients: 3, selectCount: 4, deadlineSec: 180, epochs: 2, batchSize: 32, learningRate: 0.003, timeBudgetSec: 60 };

/** A rollout of the model to the fleet, driven here until it completes. */
async function deploy(id: string): Promise<void> {
  const created = unwrap<RolloutDetail>(await core.call('rollouts.create', { modelId: id, selector: 'tag:fl', stages: [100], soakMs: 0, concurrency: 4, start: true }));
  const final = await core.rollouts.waitFor(created.id, { drive: true });
  expect(final.status, JSON.stringify(core.rollouts.detail(created.id).devices.map((d) => d.error))).toBe('completed');
}

async function round(input: Record<string, unknown>): Promise<FlRound> {
  const started = Date.now();
  const r = unwrap<FlRound>(await core.call('fl.start', { ...roundInput, modelId, ...input }));
  const done = await core.federated.waitFor(r.id, { drive: true });
  durations[r.id] = Date.now() - started;
  return done;
}

function edgefleet(args: string[]) {
  return spawnSync(process.execPath, [bin, ...args, '--home', home], { encoding: 'utf8', timeout: 240_000 });
}

beforeAll(async () => {
  const files = writeDeviceSlices(4);
  agents = await Promise.all(files.map((f, i) => startAgent({ name: `fl-${i}`, args: ['--fl-data', f] })));
  core = createCore({ home, mode: 'cli' });
  for (const a of agents) {
    unwrap(await core.call('devices.pair', { address: `127.0.0.1:${a.port}`, code: a.pairingCode! }));
    unwrap(await core.call('devices.update', { id: a.deviceId, tags: ['fl'] }));
  }
  const art = await storeArtifact(home, sensorModelPath);
  modelId = core.registry.addModel({ name: 'sensor-autoencoder', sha256: art.sha256, sizeBytes: art.sizeBytes, sourceFile: sensorModelPath, inspect: await inspectFile(art.path) }).model.id;
  await deploy(modelId);
}, 180_000);

afterAll(async () => {
  await core?.close();
  await Promise.all(agents.map((a) => a.stop()));
  rmSync(home, { recursive: true, force: true });
  process.stderr.write(`federated-rounds: round durations (ms) ${JSON.stringify(durations)}\n${figures.join('\n')}\n`);
});

describe('federated rounds on real agents', () => {
  const registered: FlRound[] = [];

  it('three plain FedAvg rounds: each registered version has a lower held-out loss than the one before', async () => {
    for (let k = 0; k < 3; k++) {
      const r = await round({});
      expect(r.phase, `${r.reason}\n${r.events.map((e) => e.detail).join('\n')}`).toBe('registered');
      expect(r.participants).toBe(4);
      expect(r.lossAfter!).toBeLessThan(r.lossBefore!);
      if (registered.length) expect(r.lossAfter!).toBeLessThan(registered[registered.length - 1].lossAfter!);
      const v = core.registry.requireModel(r.candidateModelId!);
      expect(v).toMatchObject({ name: 'sensor-autoencoder', version: k + 2, parentId: modelId });
      expect(v.recipe).toMatchObject({ federatedRound: r.id, aggregation: 'fedavg', secure: false, participants: expect.arrayContaining(agents.map((a) => a.deviceId)) });
      registered.push(r);
      figures.push(`plain round ${k + 1}: held-out loss ${r.lossBefore} -> ${r.lossAfter}`);
      // The next round trains the new version: promote it (a staged rollout through the rollout engine).
      const promoted = unwrap<FlRound>(await core.call('fl.promote', { id: r.id, stages: [100], soakMs: 0 }));
      const ro = promoted.rollouts[promoted.rollouts.length - 1];
      expect(ro).toMatchObject({ kind: 'promote', modelId: r.candidateModelId });
      expect((await core.rollouts.waitFor(ro.id, { drive: true })).status).toBe('completed');
      modelId = r.candidateModelId!;
    }
  }, 600_000);

  it('fl.rollback starts a rollout of the previous version', async () => {
    const last = registered[registered.length - 1];
    const r = unwrap<FlRound>(await core.call('fl.rollback', { id: last.id, stages: [100], soakMs: 0 }));
    const ro = r.rollouts[r.rollouts.length - 1];
    expect(ro).toMatchObject({ kind: 'rollback', modelId: last.modelId });
    expect((await core.rollouts.waitFor(ro.id, { drive: true })).status).toBe('completed');
    const prev = core.registry.requireModel(last.modelId);
    for (const a of agents) expect(core.devices.store.get(a.deviceId)?.activeModel?.sha256).toBe(prev.sha256);
    modelId = last.modelId;
  }, 180_000);

  it('the console killed mid-round (CLI --wait, SIGKILL): `fl round status ID --wait` resumes it', async () => {
    const child = spawn(process.execPath, [bin, 'fl', 'round', 'start', modelId, '--target', 'tag:fl', '--min-clients', '3', '--clients', '4', '--epochs', '3', '--lr', '0.003', '--deadline', '3m', '--wait', '--json', '--home', home], { stdio: ['ignore', 'pipe', 'pipe'] });
    let id: string | null = null;
    const t0 = Date.now();
    while (!id && Date.now() - t0 < 60_000) {
      const r = core.federated.list().find((x) => x.phase === 'training' && !Object.keys(durations).includes(x.id));
      if (r && core.federated.store.holder(r.id)?.live) id = r.id;
      else await new Promise((res) => setTimeout(res, 50));
    }
    expect(id).not.toBeNull();
    child.kill('SIGKILL');
    await new Promise((res) => child.once('exit', res));
    expect(core.federated.get(id!).phase).toBe('training');
    const started = Date.now();
    const s = edgefleet(['fl', 'round', 'status', id!, '--wait', '--json']);
    durations[`${id}-resumed`] = Date.now() - started;
    const r = JSON.parse(s.stdout) as FlRound;
    expect(s.status, s.stderr).toBe(0);
    expect(r.phase).toBe('registered');
    expect(r.events.some((e) => /Resumed by process/.test(e.detail))).toBe(true);
  }, 300_000);

  it('a secure round with one agent killed mid-round still registers from the survivors', async () => {
    const victim = agents[3];
    const started = Date.now();
    const r0 = unwrap<FlRound>(await core.call('fl.start', { ...roundInput, modelId, minClients: 2, secure: true, epochs: 3 }));
    const driving = core.federated.waitFor(r0.id, { drive: true, pollMs: 10 });
    // Once training is over (the agents hold their updates), the victim goes away during SecAgg+.
    while (core.federated.store.get(r0.id)!.state.phase === 'training') await new Promise((res) => setTimeout(res, 5));
    await victim.kill9();
    const r = await driving;
    durations[`${r.id}-secure`] = Date.now() - started;
    figures.push(`secure round: ${r.lossBefore} -> ${r.lossAfter}; ${r.events.filter((e) => e.deviceId === victim.deviceId || e.kind === 'phase').map((e) => e.detail).join(' | ')}`);
    expect(r.phase, `${r.reason}\n${r.events.map((e) => e.detail).join('\n')}`).toBe('registered');
    expect(r.participantIds).not.toContain(victim.deviceId);
    expect(r.participantIds.length).toBe(3);
    expect(r.dropped).toContain(victim.deviceId);
    expect(core.registry.requireModel(r.candidateModelId!).recipe).toMatchObject({ secure: true, dropped: expect.arrayContaining([victim.deviceId]) });
  }, 300_000);

  it('minClients above the eligible count fails at once, naming the count', async () => {
    const t0 = Date.now();
    const r = unwrap<FlRound>(await core.call('fl.start', { ...roundInput, modelId, minClients: 5, selectCount: 5 }));
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(r.phase).toBe('failed');
    expect(r.reason).toMatch(/Only 3 of the 4 devices matching tag:fl are eligible, fewer than minClients 5/);
    const cli = edgefleet(['fl', 'round', 'start', modelId, '--target', 'tag:fl', '--min-clients', '5', '--clients', '5', '--wait']);
    expect(cli.status).toBe(4);
    expect(cli.stdout).toMatch(/fewer than minClients 5/);
  }, 60_000);
});
