// A poisoned round on real agents (issue 18): ten agents, each with its own slice of the NAB
// machine-temperature series as --fl-data, paired with a console and served the sensor autoencoder by a
// rollout. One device is malicious: the real agent trains honestly, and its fl-train answer is
// sign-flipped and boosted on its way to the console (update' = global − 50·(update − global), the
// classic model-poisoning attack), which is how a device that lies about its update looks from the
// console, with no test hook in the agent. (A boost without the flip is not reliably harmful: where the
// incumbent fits most devices badly, a long step along one device's descent direction can still help the
// fleet; a CI run registered it.) Every round has a seed, so each device's shuffle and the outcome are
// the same on every run. The poisoning round engine is
// a second RoundEngine over the console's own device context, whose `devices` are the real links with
// that one answer rewritten.
//   (a) FedAvg: the flipped update drags the aggregate far off; the evaluation gate rejects the candidate
//       (held-out loss above the incumbent's, both numbers in the reason), no version is registered, and
//       every agent still serves the incumbent (asked over its link).
//   (b) trimmed mean: the engine trims a fixed 10 % of every coordinate's values from each side
//       (aggregation.ts defaultTrimFraction), floor(0.1·n) values: none at all with four devices, so the
//       fleet here has ten (one trimmed each side). The poisoned round registers a version that beats the
//       incumbent, with a held-out loss close to an honest trimmed-mean round on the same version.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlRound, RolloutDetail } from '../../electron/core/api/types.js';
import { flStartInput } from '../../electron/core/api/contract.js';
import { AuditLog } from '../../electron/core/audit/audit-store.js';
import { unwrap } from '../../electron/cli/run-job.js';
import { createCore, type Core } from '../../electron/core/core.js';
import { decodeParameters, encodeParameters, trimCount } from '../../electron/core/federated/aggregation.js';
import { readModelBytes } from '../../electron/core/federated/candidate.js';
import { l2Norm } from '../../electron/core/federated/dp-accountant.js';
import { linkDevices, type FlDevices } from '../../electron/core/federated/fl-device.js';
import { RoundEngine } from '../../electron/core/federated/round-engine.js';
import { inspectFile } from '../../electron/core/inspect/inspect.js';
import { storeArtifact } from '../../electron/core/registry/artifact-store.js';
import { readAutoencoderWeights } from '../../resources/agent/src/federated/autoencoder-onnx.js';
import { startAgent, type AgentProcess } from '../helpers/agent-process.js';
import { sensorModelPath, writeDeviceSlices } from '../helpers/fl-fleet.js';

const home = mkdtempSync(join(tmpdir(), 'ef-fl-poisoned-'));
const deviceCount = 10;
const boost = 50;
const roundInput = { seed: 'federated-poisoned', selector: 'tag:fl', minClients: deviceCount, selectCount: deviceCount, overSelect: 1, deadlineSec: 240, timeBudgetSec: 120, epochs: 2, batchSize: 32, learningRate: 0.003 };

let core: Core;
let poisoner: RoundEngine;
const agents: AgentProcess[] = [];
let modelId: string;
let modelSha256: string;
let victim: string;
const poisoned = new Map<string, { honestNorm: number; sentNorm: number }>();
let honest: FlRound;

function figure(line: string): void {
  console.log(`FIGURE ${line}`);
}

const nameOf = (id: string) => `fl-${agents.findIndex((a) => a.deviceId === id)}`;
const fmt = (x: number | null | undefined) => (x === null || x === undefined ? '–' : x.toPrecision(4));

function globalOf(sha256: string): Float32Array {
  return readAutoencoderWeights(readModelBytes(home, sha256)).parameters;
}

/** The real device links, with the victim's fl-train update flipped and boosted on its way to the console. */
function poisonedDevices(): FlDevices {
  const real = linkDevices(core.devices);
  return {
    ...real,
    train: async (deviceId, req, timeoutMs) => {
      const res = await real.train(deviceId, req, timeoutMs);
      if (deviceId !== victim || !res.update) return res;
      const g = globalOf(req.expectActiveSha256);
      const u = decodeParameters(res.update, 'the victim update', g.length);
      const out = Float32Array.from(u, (v, i) => g[i] - boost * (v - g[i]));
      const delta = (p: Float32Array) => l2Norm(Float64Array.from(p, (v, i) => v - g[i]));
      poisoned.set(req.roundId, { honestNorm: delta(u), sentNorm: delta(out) });
      return { ...res, update: encodeParameters(out) };
    },
  };
}

async function deploy(id: string): Promise<void> {
  const created = unwrap<RolloutDetail>(await core.call('rollouts.create', { modelId: id, selector: 'tag:fl', stages: [100], soakMs: 0, concurrency: 5, start: true }));
  const final = await core.rollouts.waitFor(created.id, { drive: true });
  expect(final.status, JSON.stringify(core.rollouts.detail(created.id).devices.map((d) => d.error))).toBe('completed');
}

async function round(engine: RoundEngine, aggregation: 'fedavg' | 'trimmed-mean'): Promise<FlRound> {
  const t0 = Date.now();
  const r = await engine.start(flStartInput.parse({ ...roundInput, modelId, aggregation }));
  const done = await engine.waitFor(r.id, { drive: true });
  figure(`${engine === poisoner ? 'poisoned' : 'honest'} ${aggregation} round ${r.id} took ${Date.now() - t0} ms: ${done.phase}, held-out loss ${fmt(done.lossBefore)} (incumbent) -> ${fmt(done.lossAfter)} (candidate)`);
  return done;
}

/** What each agent serves, asked over its link. */
async function served(): Promise<(string | null)[]> {
  return Promise.all(
    agents.map(async (a) => {
      const link = core.devices.link(a.deviceId, 10_000);
      try {
        return (await link.call('status')).active?.manifest.sha256 ?? null;
      } finally {
        await link.close();
      }
    }),
  );
}

function updateNorms(r: FlRound): Map<string, number> {
  const g = globalOf(modelSha256);
  const out = new Map<string, number>();
  for (const [id, u] of core.federated.store.updates(r.id)) out.set(id, l2Norm(Float64Array.from(decodeParameters(u, id), (v, i) => v - g[i])));
  return out;
}

beforeAll(async () => {
  const files = writeDeviceSlices(deviceCount);
  // Five at a time: ten tsx agents starting at once starve a 2-core machine.
  for (let b = 0; b < deviceCount; b += 5) {
    agents.push(...(await Promise.all(files.slice(b, b + 5).map((f, i) => startAgent({ name: `fl-${b + i}`, args: ['--fl-data', f] })))));
  }
  core = createCore({ home, mode: 'cli' });
  for (const a of agents) {
    unwrap(await core.call('devices.pair', { address: `127.0.0.1:${a.port}`, code: a.pairingCode! }));
    unwrap(await core.call('devices.update', { id: a.deviceId, tags: ['fl'] }));
  }
  victim = agents[3].deviceId;
  const art = await storeArtifact(home, sensorModelPath);
  const model = core.registry.addModel({ name: 'sensor-autoencoder', sha256: art.sha256, sizeBytes: art.sizeBytes, sourceFile: sensorModelPath, inspect: await inspectFile(art.path) }).model;
  modelId = model.id;
  modelSha256 = model.sha256;
  await deploy(modelId);
  poisoner = new RoundEngine({
    ctx: core.devices,
    bus: core.bus,
    audit: new AuditLog(core.registry.db),
    actor: 'test',
    drive: false,
    devices: poisonedDevices(),
    createRollout: () => Promise.reject(new Error('the poisoning engine promotes nothing')),
  });
}, 240_000);

afterAll(async () => {
  await poisoner?.close();
  await core?.close();
  await Promise.all(agents.map((a) => a.stop()));
  rmSync(home, { recursive: true, force: true });
});

describe('a poisoned round (one device sends its update flipped and boosted ×50) on ten real agents', () => {
  it('the trim fraction is fixed at 10 %: four devices trim nothing, ten trim one each side', () => {
    expect(trimCount(4)).toBe(0);
    expect(trimCount(deviceCount)).toBe(1);
  });

  it('an honest trimmed-mean round on the incumbent: the reference', async () => {
    honest = await round(core.federated, 'trimmed-mean');
    expect(honest.phase, `${honest.reason}\n${honest.events.map((e) => e.detail).join('\n')}`).toBe('registered');
    expect(honest.participants).toBe(deviceCount);
    expect(honest.lossAfter!).toBeLessThan(honest.lossBefore!);
    const norms = [...updateNorms(honest).entries()].map(([id, n]) => `${nameOf(id)} ${n.toPrecision(3)}`);
    figure(`honest update norms ||u - g||: ${norms.join(', ')}`);
  }, 600_000);

  it('(a) FedAvg: the evaluation gate rejects the poisoned candidate, nothing is registered, every device keeps serving the incumbent', async () => {
    const versions = core.registry.listModels().length;
    const r = await round(poisoner, 'fedavg');
    const p = poisoned.get(r.id);
    expect(p, 'the victim trained and was poisoned').toBeDefined();
    figure(`victim ${nameOf(victim)}: ||u - g|| ${p!.honestNorm.toPrecision(3)} trained, ${p!.sentNorm.toPrecision(3)} sent`);
    // The boosted update is what the console stored for the victim.
    expect(updateNorms(r).get(victim)!).toBeCloseTo(p!.sentNorm, 3);
    expect(r.participants).toBe(deviceCount);
    expect(r.phase, `${r.reason}\n${r.events.map((e) => e.detail).join('\n')}`).toBe('rejected');
    expect(r.lossAfter!).toBeGreaterThan(r.lossBefore!);
    expect(r.lossBefore!).toBeCloseTo(honest.lossBefore!, 6);
    expect(r.reason).toContain(`The candidate is not better: held-out loss ${fmt(r.lossAfter)} vs ${fmt(r.lossBefore)}`);
    expect(r.candidateModelId).toBeNull();
    expect(core.registry.listModels().length).toBe(versions);
    figure(`fedavg rejection: ${r.reason}`);
    const shas = await served();
    expect(shas).toEqual(agents.map(() => modelSha256));
    for (const a of agents) expect(core.devices.store.get(a.deviceId)?.activeModel?.sha256).toBe(modelSha256);
    figure(`after the rejected round all ${shas.length} agents serve ${modelSha256.slice(0, 12)} (the incumbent)`);
  }, 600_000);

  it('(b) trimmed mean: the poisoned round registers a version that beats the incumbent, close to the honest round', async () => {
    const versions = core.registry.listModels().length;
    const r = await round(poisoner, 'trimmed-mean');
    const p = poisoned.get(r.id);
    expect(p, 'the victim trained and was poisoned').toBeDefined();
    expect(r.participants).toBe(deviceCount);
    expect(r.phase, `${r.reason}\n${r.events.map((e) => e.detail).join('\n')}`).toBe('registered');
    expect(r.lossAfter!).toBeLessThan(r.lossBefore!);
    expect(core.registry.listModels().length).toBe(versions + 1);
    expect(core.registry.requireModel(r.candidateModelId!).recipe).toMatchObject({ federatedRound: r.id, aggregation: 'trimmed-mean', secure: false });
    // Close to the honest round: within a fifth of the honest improvement over the incumbent.
    const gain = honest.lossBefore! - honest.lossAfter!;
    figure(
      `trimmed mean: incumbent ${fmt(r.lossBefore)}, honest ${fmt(honest.lossAfter)}, poisoned ${fmt(r.lossAfter)}; ` +
        `poisoned − honest ${fmt(r.lossAfter! - honest.lossAfter!)} = ${((100 * (r.lossAfter! - honest.lossAfter!)) / gain).toFixed(1)} % of the honest gain ${fmt(gain)}`,
    );
    expect(Math.abs(r.lossAfter! - honest.lossAfter!)).toBeLessThan(0.2 * gain);
    // The same seed, model and data: every honest device sent exactly the update it sent in the honest round.
    const before = new Map(core.federated.store.updates(honest.id));
    const now = [...core.federated.store.updates(r.id)].filter(([id]) => id !== victim);
    expect(now).toHaveLength(deviceCount - 1);
    for (const [id, u] of now) expect(u, `${nameOf(id)} trained the same update`).toBe(before.get(id));
    // Registered is not promoted: the fleet still serves the incumbent.
    expect(await served()).toEqual(agents.map(() => modelSha256));
  }, 600_000);
});
