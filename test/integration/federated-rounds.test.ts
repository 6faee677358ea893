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
import { readAutoencoderWeights } from '../../resources/agent/src/federated/autoencoder-onnx.js';
import { decodeParameters } from '../../electron/core/federated/aggregation.js';
import { readModelBytes } from '../../electron/core/federated/candidate.js';
import { clippedDelta, l2Norm } from '../../electron/core/federated/dp-accountant.js';

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
      expect(r.participants, r.devices.map((d) => `${d.name}: ${d.status} ${d.reason}`).join('; ')).toBe(4);
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

  it('differential privacy on four agents: the DP round registers or is rejected with the numbers, and the budget stops the next', async () => {
    // The same global model trained twice: once plain, once with DP (through the CLI flags).
    const plain = await round({});
    expect(plain.phase, `${plain.reason}`).toBe('registered');
    const global = readAutoencoderWeights(readModelBytes(home, core.registry.requireModel(modelId).sha256)).parameters;
    const updates = core.federated.store.updates(plain.id);
    const norms = [...updates.values()].map((u) => {
      const p = decodeParameters(u, 'update');
      return l2Norm(Float64Array.from(p, (v, i) => v - global[i]));
    });
    norms.sort((x, y) => x - y);
    // A clip norm at the median update norm (chosen from a plain round: fine for a test, not private).
    const clip = Number(((norms[1] + norms[2]) / 2).toPrecision(3));
    const cli = edgefleet(['fl', 'round', 'start', modelId, '--target', 'tag:fl', '--min-clients', '3', '--clients', '4', '--deadline', '3m', '--epochs', '2', '--lr', '0.003', '--dp-noise', '1', '--dp-clip', String(clip), '--dp-delta', '1e-5', '--max-epsilon', '6', '--wait', '--json']);
    expect([0, 3], cli.stderr).toContain(cli.status);
    const dp = JSON.parse(cli.stdout) as FlRound;
    expect(dp.privacy).toMatchObject({ noiseMultiplier: 1, clipNorm: clip, delta: 1e-5, maxEpsilon: 6, spentBefore: 0, noised: true });
    expect(dp.privacy!.epsilon).toBeCloseTo(5.2985, 2);
    expect(dp.privacy!.clippedFraction).toBeGreaterThanOrEqual(0.25);
    if (dp.phase === 'rejected') expect(dp.reason).toMatch(/The candidate is not better: held-out loss/);
    else expect(dp.phase).toBe('registered');
    figures.push(
      `DP on ${dp.participants} agents (${global.length} parameters): update norms ${norms.map((x) => x.toPrecision(3)).join(', ')}, clip ${clip}, z 1, noise σ ${(clip / dp.participants).toPrecision(3)} per parameter ` +
        `(noise norm ≈ ${((clip / dp.participants) * Math.sqrt(global.length)).toPrecision(3)}); held-out loss of the incumbent ${plain.lossBefore} -> plain FedAvg ${plain.lossAfter}, DP ${dp.lossAfter} (${dp.phase}); ε ${dp.privacy!.epsilon.toFixed(3)} at δ 1e-5`,
    );
    // `fl round list` says what each round spent: the DP one ε 5.30, the plain one nothing.
    const list = edgefleet(['fl', 'round', 'list']);
    expect(list.status, list.stderr).toBe(0);
    const line = (id: string) => list.stdout.split('\n').find((l) => l.startsWith(id)) ?? '';
    expect(line(dp.id)).toMatch(new RegExp(`${dp.participants} in of 4 selected, ${dp.dropped.length} dropped .* ε 5\\.30 \\(lineage 5\\.30\\)`));
    expect(line(plain.id)).toMatch(/4 in of 4 selected, 0 dropped/);
    expect(line(plain.id)).not.toContain('ε');
    // The next DP round of this model would take ε from 5.30 to 7.79 > 6: refused, nothing written.
    const before = unwrap<unknown[]>(await core.call('fl.list', {})).length;
    const again = await core.call('fl.start', { ...roundInput, modelId, dp: { noiseMultiplier: 1, clipNorm: clip, delta: 1e-5, maxEpsilon: 6 } });
    expect(again.ok).toBe(false);
    if (!again.ok) {
      expect(again.error.code).toBe('FL_PRIVACY_BUDGET');
      expect(again.error.detail).toMatch(/spent ε 5\.29\d over 1 DP round; this round needs ε 5\.29\d.*makes ε 7\.7\d+ together, above maxEpsilon 6/);
      figures.push(`budget: ${again.error.detail}`);
    }
    expect(unwrap<unknown[]>(await core.call('fl.list', {})).length).toBe(before);
    // Noise small enough for four devices costs a budget that protects little: z 0.1 is ε ≈ 98 alone.
    const weak = await round({ dp: { noiseMultiplier: 0.1, clipNorm: clip, delta: 1e-5, maxEpsilon: 1000 } });
    expect(weak.privacy!.roundsBefore).toBe(1);
    expect(weak.privacy!.epsilon).toBeGreaterThan(90);
    figures.push(`weak DP (z 0.1, σ ${((0.1 * clip) / weak.participants).toPrecision(3)}): held-out loss ${weak.lossBefore} -> ${weak.lossAfter} (${weak.phase}); ε ${weak.privacy!.epsilon.toFixed(1)} this round, ${weak.privacy!.total.toFixed(1)} for the lineage`);
  }, 600_000);

  it('DP with secure aggregation: each agent clips its own update, the console only adds noise to the unmasked mean', async () => {
    // The same seed trains the same updates: a plain round shows them, the secure DP round must hide them
    // and still give mean(global + clip(update − global)) + N(0, (z·C/n)²).
    const seed = 'dp-with-secagg';
    const plain = await round({ seed });
    expect(['registered', 'rejected'], `${plain.reason}`).toContain(plain.phase);
    const global = readAutoencoderWeights(readModelBytes(home, core.registry.requireModel(modelId).sha256)).parameters;
    const updates = core.federated.store.updates(plain.id);
    const norms = new Map([...updates].map(([id, u]) => [id, l2Norm(Float64Array.from(decodeParameters(u, 'update'), (v, i) => v - global[i]))]));
    const sorted = [...norms.values()].sort((x, y) => x - y);
    // Three of four clipped well below their norms, so a missing clip would stand out against the noise.
    const clip = Number(((sorted[0] + sorted[1]) / 2).toPrecision(3));
    // Noise well below what the clip cuts off, so a missing clip on a device would show in the residual.
    const z = 0.002;
    const r = await round({ seed, secure: true, dp: { noiseMultiplier: z, clipNorm: clip, delta: 1e-5, maxEpsilon: 1e6 } });
    expect(['registered', 'rejected'], `${r.reason}\n${r.events.map((e) => e.detail).join('\n')}`).toContain(r.phase);
    expect(r.participantIds.sort()).toEqual([...updates.keys()].sort());
    expect(core.federated.store.updates(r.id).size).toBe(0);
    // Which devices clipped is what the plain norms say, reported by each device as one bit.
    const clipped = r.devices.filter((d) => d.updateClipped).map((d) => d.deviceId).sort();
    expect(clipped).toEqual([...norms].filter(([, n]) => n > clip).map(([id]) => id).sort());
    expect(r.privacy).toMatchObject({ noiseMultiplier: z, clipNorm: clip, noised: true, clippedFraction: clipped.length / 4 });
    expect(r.events.some((e) => /SecAgg\+ and differential privacy: each clipped to .* on its device/.test(e.detail))).toBe(true);

    const n = r.participantIds.length;
    const expected = new Float64Array(global.length);
    for (const id of r.participantIds) {
      const { delta } = clippedDelta(global, decodeParameters(updates.get(id)!, 'update'), clip);
      for (let i = 0; i < expected.length; i++) expected[i] += (global[i] + delta[i]) / n;
    }
    const candidate = decodeParameters(core.federated.store.get(r.id)!.state.candidate!, 'candidate');
    const spread = (against: ArrayLike<number>) => {
      const residual = Float64Array.from(candidate, (v, i) => v - against[i]);
      const m = residual.reduce((a, b) => a + b, 0) / residual.length;
      return { residual, mean: m, std: Math.sqrt(residual.reduce((a, b) => a + (b - m) ** 2, 0) / (residual.length - 1)) };
    };
    const { residual, mean, std } = spread(expected);
    const sigma = (z * clip) / n;
    // What is left is the console's noise: its spread is σ (±10 %, about six standard errors at this size), centred on 0.
    expect(std / sigma).toBeGreaterThan(0.9);
    expect(std / sigma).toBeLessThan(1.1);
    expect(Math.abs(mean)).toBeLessThan((5 * sigma) / Math.sqrt(residual.length));
    // Without the devices' clip the residual would also hold the clipped-off part: far from the noise alone.
    const locals = r.participantIds.map((id) => decodeParameters(updates.get(id)!, 'update'));
    const unclippedMean = Float64Array.from(global, (_g, i) => locals.reduce((sum, p) => sum + p[i], 0) / n);
    const unclipped = spread(unclippedMean).std;
    expect(unclipped / sigma).toBeGreaterThan(1.5);
    figures.push(
      `DP with SecAgg+: plain update norms ${sorted.map((x) => x.toPrecision(3)).join(', ')}, clip ${clip} on the devices (${clipped.length} clipped), z ${z}, σ ${sigma.toPrecision(3)}; residual std ${std.toPrecision(3)} (${(std / sigma).toFixed(3)} σ), mean ${mean.toExponential(2)}; ` +
        `against the unclipped mean ${(unclipped / sigma).toFixed(2)} σ; held-out loss ${r.lossBefore} -> ${r.lossAfter} (${r.phase}); ε ${r.privacy!.epsilon.toFixed(1)}`,
    );
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
    // Every stage's counts are kept with the threshold; the victim is missing from a stage after training.
    expect(r.secagg.map((x) => x.stage)).toEqual(['setup', 'share-keys', 'masked-input', 'unmask']);
    expect(r.secagg[0].asked).toBe(4);
    expect(r.secagg.reduce((n, x) => n + x.dropped, 0)).toBe(1);
    expect(r.secagg[3].answered).toBeGreaterThanOrEqual(r.secagg[3].threshold);
    figures.push(`secure round stages: ${r.secagg.map((x) => `${x.stage} ${x.answered}/${x.asked} dropped ${x.dropped} rejected ${x.rejected} threshold ${x.threshold}`).join('; ')}`);
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
