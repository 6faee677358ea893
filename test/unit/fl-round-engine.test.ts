// The federated round state machine and engine against fake devices (no agents): the phases in order,
// quorum failures that say why at once, dropouts, rejection, abort, resume after the driving process went
// away (plain rounds go on, secure ones fail saying why), a secure round through real SecAgg+ clients,
// and bad requests that write nothing.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { autoencoderToOnnx, readAutoencoderWeights } from '../../resources/agent/src/federated/autoencoder-onnx.js';
import { DenseAutoencoder } from '../../resources/agent/src/federated/dense-autoencoder.js';
import type { FlRound } from '../../electron/core/api/types.js';
import { AuditLog } from '../../electron/core/audit/audit-store.js';
import { createCore, type Core } from '../../electron/core/core.js';
import { decodeParameters, encodeParameters } from '../../electron/core/federated/aggregation.js';
import type { FlDevices, FlTrainRequest } from '../../electron/core/federated/fl-device.js';
import { RoundEngine } from '../../electron/core/federated/round-engine.js';
import { canMove, nextPhase, resumeDecision } from '../../electron/core/federated/round-machine.js';
import { SecAggClient } from '../../electron/core/federated/secagg/index.js';
import { inspectFile } from '../../electron/core/inspect/inspect.js';
import { storeArtifact } from '../../electron/core/registry/artifact-store.js';

describe('round phases', () => {
  it('plain and secure paths, and final phases never move', () => {
    expect(nextPhase('training', { secure: false })).toBe('aggregating');
    expect(nextPhase('training', { secure: true })).toBe('secagg-setup');
    expect(nextPhase('secagg-unmask', { secure: true })).toBe('aggregating');
    expect(nextPhase('evaluating', { secure: false, better: true })).toBe('registered');
    expect(nextPhase('evaluating', { secure: false, better: false })).toBe('rejected');
    expect(canMove('training', 'evaluating')).toBe(false);
    expect(canMove('aggregating', 'aborted')).toBe(true);
    for (const f of ['registered', 'rejected', 'failed', 'aborted'] as const) {
      expect(canMove(f, 'failed')).toBe(false);
      expect(() => nextPhase(f, { secure: false })).toThrow(/does not move on/);
    }
  });

  it('a resumed plain round continues; a resumed secure round fails saying its SecAgg state was in memory', () => {
    expect(resumeDecision('training', false)).toEqual({ action: 'continue' });
    expect(resumeDecision('evaluating', true)).toEqual({ action: 'continue' });
    const d = resumeDecision('secagg-share-keys', true);
    expect(d.action).toBe('fail');
    expect(d.action === 'fail' && d.reason).toMatch(/memory.*cannot be resumed/s);
    expect(resumeDecision('failed', false)).toEqual({ action: 'none' });
  });
});

const sizes = [8, 4, 8];
const target = (n: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i) * 0.5);
const mse = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return s / a.length;
};

interface FakeOpts {
  /** Devices that throw on fl-train. */
  refuse?: Set<string>;
  /** Devices whose fl-train never answers. */
  hang?: Set<string>;
  /** Devices that move away from the target (the candidate is worse). */
  worse?: boolean;
  /** Devices that stop answering SecAgg at this stage. */
  dropAt?: { device: string; stage: string };
  /** Global parameters, set once the model exists. */
  global?: Float32Array;
}

/** Each device pulls the parameters halfway to one shared target; loss is the distance to it. */
function fakeDevices(sha: () => string, o: FakeOpts): FlDevices & { trains: Map<string, number>; seeds: (number | undefined)[]; requests: FlTrainRequest[] } {
  const trains = new Map<string, number>();
  const seeds: (number | undefined)[] = [];
  const requests: FlTrainRequest[] = [];
  const clients = new Map<string, { client: SecAggClient; update: Float32Array; samples: number }>();
  return {
    trains,
    seeds,
    requests,
    probe: async () => ({ name: 'x', capabilities: ['fl-train1'], activeSha256: sha() }),
    async train(deviceId, req: FlTrainRequest) {
      trains.set(deviceId, (trains.get(deviceId) ?? 0) + 1);
      seeds.push(req.seed);
      requests.push(req);
      if (o.refuse?.has(deviceId)) throw new Error(`${deviceId} has no data`);
      if (o.hang?.has(deviceId)) return new Promise(() => undefined);
      const g = o.global!;
      const t = target(g.length);
      const p = Float32Array.from(g, (v, i) => (o.worse ? v - (t[i] - v) : v + 0.5 * (t[i] - v)));
      const samples = 100 + deviceId.length;
      if (req.secure) clients.set(deviceId, { client: new SecAggClient({ clientId: deviceId }), update: p, samples });
      return {
        roundId: req.roundId, deviceId, samples, heldOut: 20, lossBefore: mse(g, t), lossAfter: mse(p, t), heldOutLossBefore: mse(g, t), heldOutLossAfter: mse(p, t),
        epochsRun: req.epochs, stoppedBy: 'epochs', elapsedMs: 5, paramCount: g.length, ...(req.secure ? {} : { update: encodeParameters(p) }),
      };
    },
    async secagg(deviceId, _roundId, message) {
      if (o.dropAt && o.dropAt.device === deviceId && message.stage === o.dropAt.stage) throw new Error('connection refused');
      const c = clients.get(deviceId)!;
      return c.client.handle(JSON.parse(JSON.stringify(message)), { params: c.update, sampleCount: c.samples });
    },
    async evaluate(_deviceId, req) {
      const p = decodeParameters(req.parameters, 'candidate');
      const t = target(p.length);
      return { roundId: req.roundId, heldOut: 20, loss: mse(p, t), lossActive: mse(o.global!, t) };
    },
  };
}

let home: string;
let core: Core;
let modelId: string;
let modelSha: string;
let fake: ReturnType<typeof fakeDevices>;
let opts: FakeOpts;
const engines: RoundEngine[] = [];

function engine(devices: FlDevices = fake): RoundEngine {
  const e = new RoundEngine({
    ctx: core.devices,
    bus: core.bus,
    audit: new AuditLog(core.registry.db),
    actor: 'test',
    drive: false,
    devices,
    probeTimeoutMs: 500,
    graceMs: 200,
    createRollout: async ({ modelId: m }) => ({ id: `ro-for-${m}` }),
  });
  engines.push(e);
  return e;
}

const base = { selector: 'tag:fl', minClients: 2, selectCount: 4, overSelect: 1, deadlineSec: 30, epochs: 1, batchSize: 8, learningRate: 0.01, proxMu: 0, timeBudgetSec: 5, heldOutFraction: 0.2, aggregation: 'fedavg' as const, secure: false, maxCpuPercent: 80 };

beforeEach(async () => {
  home = mkdtempSync(join(tmpdir(), 'ef-fl-unit-'));
  core = createCore({ home, mode: 'cli', discovery: false });
  const model = DenseAutoencoder.create(sizes, 3);
  const bytes = autoencoderToOnnx(model, { metadata: { 'edgefleet.fl.mean': '0', 'edgefleet.fl.std': '1', 'edgefleet.fl.window': '8', 'edgefleet.fl.stride': '4' } });
  const file = join(home, 'ae.onnx');
  writeFileSync(file, bytes);
  const art = await storeArtifact(home, file);
  const added = core.registry.addModel({ name: 'sensor-ae', sha256: art.sha256, sizeBytes: art.sizeBytes, sourceFile: file, inspect: await inspectFile(art.path) });
  modelId = added.model.id;
  modelSha = art.sha256;
  for (const id of ['dev-a', 'dev-b', 'dev-c', 'dev-d']) core.devices.store.upsert(id, { name: id, address: `127.0.0.1:${id.length}`, token: 't', fingerprint: 'ab', state: 'online', tags: ['fl'] });
  opts = { global: Float32Array.from(readAutoencoderWeights(bytes).parameters) };
  fake = fakeDevices(() => modelSha, opts);
});

afterEach(async () => {
  for (const e of engines.splice(0)) await e.close();
  await core.close();
  rmSync(home, { recursive: true, force: true });
});

async function finish(e: RoundEngine, r: FlRound): Promise<FlRound> {
  return e.waitFor(r.id, { drive: true, pollMs: 10 });
}

describe('round engine', () => {
  it('a plain FedAvg round registers the next version with lineage, its phases in order', async () => {
    const e = engine();
    const started = await e.start({ ...base, modelId });
    expect(started.phase).toBe('training');
    const r = await finish(e, started);
    expect(r.phase).toBe('registered');
    expect(r.participantIds.sort()).toEqual(['dev-a', 'dev-b', 'dev-c', 'dev-d']);
    expect(r.lossAfter!).toBeLessThan(r.lossBefore!);
    const phases = r.events.filter((ev) => ev.kind === 'phase').map((ev) => ev.detail.split(':')[0]);
    expect(phases.slice(1)).toEqual(['selecting → training', 'training → aggregating', 'aggregating → evaluating', 'evaluating → registered']);
    const v2 = core.registry.requireModel(r.candidateModelId!);
    expect(v2.name).toBe('sensor-ae');
    expect(v2.version).toBe(2);
    expect(v2.parentId).toBe(modelId);
    expect(v2.recipe).toMatchObject({ federatedRound: r.id, aggregation: 'fedavg', secure: false, participants: expect.any(Array), lossBefore: r.lossBefore, lossAfter: r.lossAfter });
    expect(r.devices.every((d) => d.status === 'evaluated')).toBe(true);
  });

  it('minClients above the eligible count fails in the start call, naming the counts and reasons', async () => {
    core.devices.store.upsert('dev-d', { state: 'offline' });
    const e = engine();
    const t0 = Date.now();
    const r = await e.start({ ...base, modelId, minClients: 4 });
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(r.phase).toBe('failed');
    expect(r.reason).toMatch(/Only 3 of the 4 devices matching tag:fl are eligible, fewer than minClients 4\. Excluded: dev-d: offline/);
    expect(fake.trains.size).toBe(0);
  });

  it('devices serving another model or without data are excluded with their reason', async () => {
    const other = fakeDevices(() => modelSha, opts);
    other.probe = async (id) => (id === 'dev-a' ? { name: id, capabilities: [], activeSha256: modelSha } : id === 'dev-b' ? { name: id, capabilities: ['fl-train1'], activeSha256: 'f'.repeat(64) } : { name: id, capabilities: ['fl-train1'], activeSha256: modelSha });
    const r = await engine(other).start({ ...base, modelId });
    const reasons = Object.fromEntries(r.devices.map((d) => [d.deviceId, d.reason]));
    expect(reasons['dev-a']).toMatch(/no local training data/);
    expect(reasons['dev-b']).toMatch(/not serving the global model/);
    expect(r.phase).toBe('training');
  });

  it('a device that refuses is rejected with its reason and dropped; the quorum still registers', async () => {
    opts.refuse = new Set(['dev-b']);
    const e = engine();
    const r = await finish(e, await e.start({ ...base, modelId }));
    expect(r.phase).toBe('registered');
    expect(r.dropped).toEqual(['dev-b']);
    expect(r.devices.find((d) => d.deviceId === 'dev-b')).toMatchObject({ status: 'rejected', reason: expect.stringMatching(/has no data/) });
  });

  it('devices that do not answer by the deadline time out; below quorum the round fails saying so', async () => {
    opts.hang = new Set(['dev-a', 'dev-b', 'dev-c']);
    const e = engine();
    const r = await finish(e, await e.start({ ...base, modelId, deadlineSec: 5, timeBudgetSec: 1 }));
    expect(r.phase).toBe('failed');
    expect(r.reason).toMatch(/Only 1 devices trained, fewer than minClients 2/);
    expect(r.devices.filter((d) => d.status === 'timed-out')).toHaveLength(3);
  }, 20_000);

  it('a candidate that is not better is rejected with the numbers, and nothing is registered', async () => {
    opts.worse = true;
    const e = engine();
    const r = await finish(e, await e.start({ ...base, modelId }));
    expect(r.phase).toBe('rejected');
    expect(r.reason).toMatch(/not better: held-out loss .* vs /);
    expect(core.registry.listModels()).toHaveLength(1);
  });

  it('over-selection: the first selectCount to train take part, the others are not needed', async () => {
    const e = engine();
    const r = await finish(e, await e.start({ ...base, modelId, selectCount: 2, overSelect: 2 }));
    expect(r.phase).toBe('registered');
    expect(r.participantIds).toHaveLength(2);
    expect(r.devices.filter((d) => d.status === 'not-needed')).toHaveLength(2);
  });

  it('a seed makes a round reproducible: the same participants, the same shuffle seed on every device; without one each round differs', async () => {
    const e = engine();
    const picks: string[][] = [];
    for (let i = 0; i < 2; i++) picks.push((await finish(e, await e.start({ ...base, modelId, selectCount: 2, minClients: 2, seed: 'line-3 audit' }))).participantIds.sort());
    expect(picks[1]).toEqual(picks[0]);
    expect(fake.seeds).toHaveLength(4);
    expect(new Set(fake.seeds).size).toBe(1);
    const first = fake.seeds[0];
    expect(first).toEqual(expect.any(Number));
    fake.seeds.length = 0;
    const other = await finish(e, await e.start({ ...base, modelId, selectCount: 2, minClients: 2, seed: 'another' }));
    expect(other.phase).toBe('registered');
    expect(new Set(fake.seeds).size).toBe(1);
    expect(fake.seeds[0]).toEqual(expect.any(Number));
    expect(fake.seeds[0]).not.toBe(first);
    fake.seeds.length = 0;
    await finish(e, await e.start({ ...base, modelId, selectCount: 2, minClients: 2 }));
    // No seed: each device derives its own from the round id (fl-service.ts derivedSeed).
    expect(fake.seeds).toEqual([undefined, undefined]);
  });

  it('trimmed mean trims what it is told, and a round that would trim nothing is refused before it starts', async () => {
    const e = engine();
    const rounds = e.store.list().length;
    const refused = await core.call('fl.start', { ...base, modelId, aggregation: 'trimmed-mean' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', detail: expect.stringContaining('trimmed-mean with minClients 2 and trimFraction 0.1 would trim nothing (floor(0.1 × 2) = 0) and be a plain mean: raise minClients to 10') } });
    const low = await core.call('fl.start', { ...base, modelId, minClients: 4, aggregation: 'trimmed-mean' });
    expect(low).toMatchObject({ ok: false, error: { detail: expect.stringContaining('raise trimFraction to 0.25 or minClients to 10') } });
    expect(e.store.list()).toHaveLength(rounds);
    const r = await finish(e, await e.start({ ...base, modelId, minClients: 4, aggregation: 'trimmed-mean', trimFraction: 0.25 }));
    expect(r.phase).toBe('registered');
    expect(r.events.map((ev) => ev.detail)).toContain('aggregating → evaluating: Aggregated 4 updates (trimmed mean, 1 value of each coordinate dropped from each side)');
  });

  it('abort during training wins over the driver', async () => {
    opts.hang = new Set(['dev-a', 'dev-b', 'dev-c', 'dev-d']);
    const e = engine();
    const r = await e.start({ ...base, modelId });
    const driving = e.drive(r.id);
    await new Promise((res) => setTimeout(res, 50));
    expect(e.abort(r.id).phase).toBe('aborted');
    expect(() => e.abort(r.id)).toThrow(/already finished/);
    await driving;
    expect(e.get(r.id).phase).toBe('aborted');
  });

  it('a plain round left in training by a stopped console is resumed by another engine; fl-train is asked again', async () => {
    const a = engine();
    const r = await a.start({ ...base, modelId });
    await a.close();
    const b = engine();
    const done = await finish(b, r);
    expect(done.phase).toBe('registered');
    expect(done.events.some((ev) => /Resumed by process/.test(ev.detail))).toBe(true);
  });

  it('a secure round left by a stopped console fails, saying the SecAgg state lived in memory', async () => {
    const a = engine();
    const r = await a.start({ ...base, modelId, secure: true });
    await a.close();
    const done = await finish(engine(), r);
    expect(done.phase).toBe('failed');
    expect(done.reason).toMatch(/Secure aggregation state is not persisted.*agent keeps its SecAgg client keys and masks only in its own memory/);
  });

  it('a secure round through SecAgg+ clients registers from the survivors when one drops at masked input', async () => {
    opts.dropAt = { device: 'dev-c', stage: 'masked-input' };
    const e = engine();
    const r = await finish(e, await e.start({ ...base, modelId, secure: true }));
    expect(r.reason).toBeNull();
    expect(r.phase).toBe('registered');
    expect(r.participantIds.sort()).toEqual(['dev-a', 'dev-b', 'dev-d']);
    expect(r.dropped).toContain('dev-c');
    expect(r.events.some((ev) => /SecAgg unmask/.test(ev.detail))).toBe(true);
    expect(core.registry.requireModel(r.candidateModelId!).recipe).toMatchObject({ secure: true, dropped: ['dev-c'] });
  });

  it('promote and rollback start rollouts of the candidate and of the input model', async () => {
    const e = engine();
    const r = await finish(e, await e.start({ ...base, modelId }));
    const p = await e.promote(r.id);
    expect(p.rollouts[0]).toMatchObject({ kind: 'promote', id: `ro-for-${r.candidateModelId}` });
    const b = await e.rollback(r.id);
    expect(b.rollouts[1]).toMatchObject({ kind: 'rollback', id: `ro-for-${modelId}`, modelId });
  });
});

describe('fl.* channels', () => {
  it('a bad request is refused with a clear error and writes nothing', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ ...base, modelId, minClients: 5, selectCount: 4 }, /minClients cannot exceed selectCount/],
      [{ ...base, modelId, secure: true, aggregation: 'trimmed-mean' }, /trimmed-mean needs each update on its own/],
      [{ ...base, modelId, aggregation: 'fedprox' }, /fedprox needs proxMu > 0/],
      [{ ...base, modelId, selector: 'bogus:x' }, /selector|Selector/],
      [{ ...base, modelId: 'no-such-model' }, /no-such-model|not found/i],
      [{ ...base, modelId, secure: true, numShares: 3, threshold: 3 }, /threshold/],
    ];
    for (const [input, why] of cases) {
      const env = await core.call('fl.start', input);
      expect(env.ok, JSON.stringify(input)).toBe(false);
      if (!env.ok) expect(`${env.error.title} ${env.error.detail}`).toMatch(why);
    }
    const list = await core.call('fl.list', {});
    expect(list.ok && list.result).toEqual([]);
  });

  it('a model without the fl metadata is FL_MODEL_NOT_FEDERATED', async () => {
    const bytes = autoencoderToOnnx(DenseAutoencoder.create(sizes, 1));
    const file = join(home, 'plain.onnx');
    writeFileSync(file, bytes);
    const art = await storeArtifact(home, file);
    const m = core.registry.addModel({ name: 'plain-ae', sha256: art.sha256, sizeBytes: art.sizeBytes, sourceFile: file, inspect: null });
    const env = await core.call('fl.start', { ...base, modelId: m.model.id });
    expect(env.ok).toBe(false);
    if (!env.ok) expect(env.error).toMatchObject({ code: 'FL_MODEL_NOT_FEDERATED', detail: expect.stringMatching(/edgefleet\.fl\.mean/) });
  });
});

describe('device limits and differential privacy', () => {
  const telemetry = (cpuLoad: number | null, temperatureC: number | null) => ({ at: '2026-01-01T00:00:00.000Z', requests: 0, errors: 0, latencyMs: null, rssBytes: null, cpuLoad, temperatureC, confidenceMean: null });

  it('a busy or hot device (latest telemetry) is excluded with the numbers; the others train', async () => {
    core.devices.store.addTelemetry('dev-a', telemetry(95, 40), {});
    core.devices.store.addTelemetry('dev-b', telemetry(10, 85), {});
    core.devices.store.addTelemetry('dev-c', telemetry(79, 60), {});
    const e = engine();
    const r = await e.start({ ...base, modelId, maxTemperatureC: 70 });
    const reasons = Object.fromEntries(r.devices.map((d) => [d.deviceId, d.reason]));
    expect(reasons['dev-a']).toMatch(/^busy: CPU load 95% above maxCpuPercent 80%/);
    expect(reasons['dev-b']).toMatch(/^too hot: 85\.0 °C above maxTemperatureC 70 °C/);
    expect(reasons['dev-c']).toBeNull();
    expect(reasons['dev-d']).toBeNull();
    expect(fake.trains.has('dev-a')).toBe(false);
    expect(r.limits).toEqual({ maxCpuPercent: 80, maxTemperatureC: 70 });
    // Without a temperature limit, heat alone does not exclude.
    const r2 = await e.start({ ...base, modelId, maxCpuPercent: 99 });
    expect(r2.devices.filter((d) => d.reason === null).map((d) => d.deviceId).sort()).toEqual(['dev-a', 'dev-b', 'dev-c', 'dev-d']);
  });

  const dp = { noiseMultiplier: 0.5, clipNorm: 0.5, delta: 1e-5, maxEpsilon: 20 };

  it('DP rounds clip, add noise and account ε over the lineage; the round that would exceed maxEpsilon does not start', async () => {
    const e = engine();
    const r1 = await finish(e, await e.start({ ...base, modelId, dp }));
    expect(r1.reason).toBeNull();
    expect(r1.phase).toBe('registered');
    // One round at z = 0.5, δ = 1e-5: c = 2, ε = 2 + 2·sqrt(2·ln 1e5) = 11.597.
    expect(r1.privacy).toMatchObject({ noiseMultiplier: 0.5, clipNorm: 0.5, delta: 1e-5, maxEpsilon: 20, spentBefore: 0, roundsBefore: 0, clippedFraction: 1, noised: true });
    expect(r1.privacy!.epsilon).toBeCloseTo(11.597, 2);
    expect(r1.privacy!.total).toBeCloseTo(11.597, 2);
    expect(r1.events.some((ev) => /differential privacy: clipped to 0\.5 \(100% clipped.*noise σ 0\.0625/.test(ev.detail))).toBe(true);
    expect(core.registry.requireModel(r1.candidateModelId!).recipe).toMatchObject({ privacy: { delta: 1e-5, noiseMultiplier: 0.5 } });

    const r2 = await finish(e, await e.start({ ...base, modelId, dp }));
    expect(r2.privacy!.spentBefore).toBeCloseTo(11.597, 2);
    expect(r2.privacy!.roundsBefore).toBe(1);
    // Two rounds: c = 4, ε = 4 + 2·sqrt(4·11.513) = 17.57.
    expect(r2.privacy!.total).toBeCloseTo(17.57, 1);

    const third = await core.call('fl.start', { ...base, modelId, dp });
    expect(third.ok).toBe(false);
    if (!third.ok) {
      expect(third.error.code).toBe('FL_PRIVACY_BUDGET');
      expect(third.error.detail).toMatch(/spent ε 17\.5\d over 2 DP rounds; this round needs ε 11\.6\d.*makes ε 22\.6\d together, above maxEpsilon 20 \(δ 0\.00001\)/);
    }
    const list = await core.call('fl.list', {});
    expect(list.ok && (list.result as unknown[]).length).toBe(2);
    // Plain rounds and other budgets are untouched: a plain round starts.
    expect((await e.start({ ...base, modelId })).privacy).toBeNull();
  });

  it('DP with secure aggregation: fl-train asks each device to clip; a device that answers without clipping fails the round, naming it', async () => {
    const e = engine();
    const r = await finish(e, await e.start({ ...base, modelId, secure: true, dp }));
    expect(r.phase).toBe('failed');
    expect(r.reason).toMatch(/A device did not clip its update|answered without updateClipped/);
    expect(r.reason).toMatch(/dev-a.*update the agent/);
    expect(r.candidateModelId).toBeNull();
    expect(fake.requests.map((q) => q.updateClipNorm)).toEqual(fake.requests.map(() => dp.clipNorm));
    expect(fake.requests.every((q) => q.secure)).toBe(true);
  });

  it('DP is refused with trimmed-mean, saying why', async () => {
    for (const [input, why] of [
      [{ ...base, modelId, aggregation: 'trimmed-mean', dp }, /equal-weight mean of clipped updates/],
      [{ ...base, modelId, dp: { ...dp, delta: 0.1 } }, /0\.01|delta/],
    ] as [Record<string, unknown>, RegExp][]) {
      const env = await core.call('fl.start', input);
      expect(env.ok).toBe(false);
      if (!env.ok) expect(`${env.error.title} ${env.error.detail}`).toMatch(why);
    }
  });

  it('a secure round keeps each SecAgg+ stage’s counts with the threshold', async () => {
    opts.dropAt = { device: 'dev-c', stage: 'masked-input' };
    const e = engine();
    const r = await finish(e, await e.start({ ...base, modelId, secure: true }));
    expect(r.phase).toBe('registered');
    expect(r.secagg.map((s) => s.stage)).toEqual(['setup', 'share-keys', 'masked-input', 'unmask']);
    expect(r.secagg[0]).toMatchObject({ asked: 4, answered: 4, dropped: 0, rejected: 0 });
    expect(r.secagg[2]).toMatchObject({ asked: 4, answered: 3, dropped: 1 });
    expect(r.secagg[3]).toMatchObject({ asked: 3, answered: 3, dropped: 0 });
    expect(new Set(r.secagg.map((s) => s.threshold)).size).toBe(1);
    expect(r.secagg[0].threshold).toBeGreaterThanOrEqual(2);
  });
});
