// Federated learning on real agent processes: three agents, each with its own slice of the NAB series
// as --fl-data, serve the sensor autoencoder; the test plays the console. It trains plain rounds over
// the HTTPS links, checks idempotency and the refusals, keeps inference answering during a long
// training, runs SecAgg+ through fl-secagg (with and without a dropout) against the plain FedAvg of the
// same updates, and evaluates the FedAvg mean with fl-evaluate.
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quantizationStep } from '../../electron/core/federated/secagg/fixed-point.js';
import { SecAggServer, type SecAggResult } from '../../electron/core/federated/secagg/server.js';
import type { DeviceRequest, DeviceResponse } from '../../resources/device-protocol/messages.js';
import { inferRaw } from '../helpers/agent-process.js';
import { floatsOf, floatsToBase64, sensorModelSha256, startFlFleet, writeDeviceSlices, type FlAgent } from '../helpers/fl-fleet.js';

type TrainAnswer = DeviceResponse<'fl-train'>;

const config = { epochs: 3, batchSize: 32, learningRate: 0.003, timeBudgetMs: 60_000 } as const;
const seed = 11;
const paramCount = 1220;

let fleet: FlAgent[] = [];
let trainers: FlAgent[] = [];
let noData: FlAgent;
let plain: TrainAnswer[] = [];

function trainRequest(roundId: string, extra: Partial<DeviceRequest<'fl-train'>> = {}): DeviceRequest<'fl-train'> {
  return { roundId, expectActiveSha256: sensorModelSha256, ...config, ...extra };
}

/** Σ samplesᵢ·updateᵢ / Σ samplesᵢ. */
function fedAvg(answers: readonly TrainAnswer[]): Float64Array {
  const mean = new Float64Array(paramCount);
  const total = answers.reduce((s, a) => s + a.samples, 0);
  for (const a of answers) floatsOf(a.update!).forEach((v, i) => (mean[i] += (v * a.samples) / total));
  return mean;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Just above every device's sample count: weights stay exact and use most of the fixed-point range. */
const maxWeight = 2000;

/** The fixed-point error bound of a SecAgg+ mean: one quantization step per contributor, over the total weight ratio. */
function secureTolerance(result: SecAggResult, server: { config: { clippingRange: number; quantizationRange: number } }): number {
  return (result.contributors.length * quantizationStep({ ...server.config, modulusRange: 2 ** 32, maxWeight })) / (result.totalWeight / maxWeight) + 1e-6;
}

/** One SecAgg+ round driven over fl-secagg; `drop` never gets its masked-input request. */
async function secureRound(roundId: string, drop?: string) {
  const byId = new Map(trainers.map((t) => [t.agent.deviceId, t]));
  const server = new SecAggServer({ roundId, clientIds: [...byId.keys()], paramCount, numShares: 3, threshold: 2, maxWeight });
  const trained = await Promise.all(trainers.map((t) => t.client.call('fl-train', trainRequest(roundId, { seed, secure: { config: server.config } }))));
  let requests: { clientId: string; stage: string }[] = server.start();
  for (;;) {
    await Promise.all(
      requests.map(async (message) => {
        if (message.clientId === drop && message.stage === 'masked-input') return;
        const res = await byId.get(message.clientId)!.client.call('fl-secagg', { roundId, message });
        server.receive(res.reply);
      }),
    );
    const outcome = server.closeStage();
    if (outcome.result) return { trained, result: outcome.result, tolerance: secureTolerance(outcome.result, server) };
    requests = outcome.requests;
  }
}

beforeAll(async () => {
  const files = writeDeviceSlices(3);
  ({ agents: fleet } = await startFlFleet([...files, null]));
  trainers = fleet.slice(0, 3);
  noData = fleet[3];
}, 120_000);

afterAll(async () => {
  await Promise.all(fleet.map((f) => f.agent.stop()));
});

describe('federated learning on real agents', () => {
  it('lists fl-train1 only on agents with local data', async () => {
    for (const t of trainers) expect((await t.client.info()).capabilities).toContain('fl-train1');
    expect((await noData.client.info()).capabilities).not.toContain('fl-train1');
  });

  it('trains a plain round: samples, held-out windows, a falling loss and an update of paramCount floats', async () => {
    const started = performance.now();
    plain = await Promise.all(trainers.map((t) => t.client.call('fl-train', trainRequest('plain-round-1', { seed }))));
    const wallMs = performance.now() - started;
    console.log(`fl-train, 3 agents in parallel, ${JSON.stringify(config)}: round ${wallMs.toFixed(0)} ms wall; per agent ${plain.map((a) => `${a.elapsedMs.toFixed(0)} ms (${a.samples} windows)`).join(', ')}`);
    plain.forEach((a, i) => {
      expect(a).toMatchObject({ roundId: 'plain-round-1', deviceId: trainers[i].agent.deviceId, paramCount, epochsRun: 3, stoppedBy: 'epochs' });
      expect(a.samples).toBeGreaterThan(1000);
      expect(a.heldOut).toBeGreaterThan(200);
      expect(a.lossAfter).toBeLessThan(a.lossBefore);
      expect(a.heldOutLossAfter).toBeLessThan(a.heldOutLossBefore);
      const update = floatsOf(a.update!);
      expect(update.length).toBe(paramCount);
      expect(update.every(Number.isFinite)).toBe(true);
    });
    // Non-IID slices: the devices' updates differ.
    expect(maxAbsDiff(floatsOf(plain[0].update!), floatsOf(plain[1].update!))).toBeGreaterThan(1e-3);
  }, 120_000);

  it('answers a repeated request with the stored answer, and refuses another request for the same round', async () => {
    const t = trainers[0];
    expect(await t.client.call('fl-train', trainRequest('plain-round-1', { seed }))).toEqual(plain[0]);
    await expect(t.client.call('fl-train', trainRequest('plain-round-1', { seed, epochs: 4 }))).rejects.toMatchObject({ code: 'FL_ROUND_REUSED' });
    // The same seed in another round trains the same update.
    const again = await t.client.call('fl-train', trainRequest('plain-round-2', { seed }));
    expect(again.update).toBe(plain[0].update);
  }, 60_000);

  it('refuses a round for another global model, a device without data, and SecAgg for a plain round', async () => {
    await expect(trainers[1].client.call('fl-train', trainRequest('other-model-1', { expectActiveSha256: 'ab'.repeat(32) }))).rejects.toMatchObject({ code: 'PRECONDITION_FAILED' });
    await expect(noData.client.call('fl-train', trainRequest('no-data-round-1'))).rejects.toMatchObject({ code: 'FL_NO_DATA' });
    await expect(trainers[1].client.call('fl-secagg', { roundId: 'plain-round-1', message: { stage: 'setup' } })).rejects.toMatchObject({ code: 'FL_NOT_TRAINED' });
    await expect(trainers[1].client.call('fl-evaluate', { roundId: 'plain-round-1', modelSha256: 'cd'.repeat(32), parameters: floatsToBase64([1, 2, 3]) })).rejects.toMatchObject({ code: 'FL_SHAPE_MISMATCH' });
  });

  it('keeps answering inference while it trains, and trains one round at a time', async () => {
    const t = trainers[2];
    const window = floatsToBase64(Array.from({ length: 32 }, (_, i) => Math.sin(i / 4)));
    let training = true;
    // 100 epochs of one-window batches (150,000 steps, each yielding to the event loop) outlast the 1.5 s budget on any machine here.
    const long = t.client.call('fl-train', trainRequest('long-round-1', { epochs: 100, batchSize: 1, timeBudgetMs: 1500 })).finally(() => (training = false));
    await new Promise((r) => setTimeout(r, 300));
    await expect(t.client.call('fl-train', trainRequest('long-round-2'))).rejects.toMatchObject({ code: 'FL_BUSY' });
    const latencies: number[] = [];
    while (training) {
      const started = performance.now();
      const res = await inferRaw(t.agent.servePort, { inputs: { window: { dims: [1, 32], data: window } } });
      if (training) latencies.push(performance.now() - started);
      expect(res.status).toBe(200);
      expect(res.body.outputs?.score).toBeDefined();
    }
    const answer = await long;
    latencies.sort((a, b) => a - b);
    const p50 = latencies[Math.floor(latencies.length / 2)];
    const max = latencies.at(-1)!;
    console.log(`inference during a ${answer.elapsedMs.toFixed(0)} ms training (${answer.epochsRun} epochs, stopped by ${answer.stoppedBy}): ${latencies.length} requests, p50 ${p50.toFixed(1)} ms, max ${max.toFixed(1)} ms`);
    expect(answer.stoppedBy).toBe('time-budget');
    expect(answer.epochsRun).toBeLessThan(100);
    expect(latencies.length).toBeGreaterThan(20);
    expect(max).toBeLessThan(1000);
  }, 60_000);

  it('runs SecAgg+ over fl-secagg: the mean equals the plain FedAvg of the same updates', async () => {
    const started = performance.now();
    const { trained, result, tolerance } = await secureRound('secure-round-1');
    console.log(`secure round (train + 4 SecAgg+ stages), 3 agents: ${(performance.now() - started).toFixed(0)} ms`);
    for (const a of trained) expect(a.update).toBeUndefined();
    expect(trained.map((a) => a.samples)).toEqual(plain.map((a) => a.samples));
    expect(result.contributors.sort()).toEqual(trainers.map((t) => t.agent.deviceId).sort());
    expect(result.totalWeight).toBeCloseTo(plain.reduce((s, a) => s + a.samples, 0), 1);
    // Fixed point: ±clippingRange in 2^22 steps per client.
    const diff = maxAbsDiff(result.mean!, fedAvg(plain));
    console.log(`secure mean vs plain FedAvg: max |difference| ${diff.toExponential(2)} (bound ${tolerance.toExponential(2)})`);
    expect(diff).toBeLessThan(tolerance);
  }, 120_000);

  it('gives the mean of the other two when one agent sends no masked input', async () => {
    const dropped = trainers[2].agent.deviceId;
    const { result, tolerance } = await secureRound('secure-round-drop', dropped);
    expect(result.contributors).not.toContain(dropped);
    expect(result.contributors).toHaveLength(2);
    expect(maxAbsDiff(result.mean!, fedAvg(plain.slice(0, 2)))).toBeLessThan(tolerance);
  }, 120_000);

  it('evaluates the FedAvg mean on the held-out windows', async () => {
    const parameters = floatsToBase64(fedAvg(plain));
    const evals = await Promise.all(trainers.map((t) => t.client.call('fl-evaluate', { roundId: 'plain-round-1', modelSha256: 'ef'.repeat(32), parameters })));
    console.log(`fl-evaluate of the FedAvg mean: ${evals.map((e) => `${e.loss.toFixed(4)} vs active ${e.lossActive.toFixed(4)} on ${e.heldOut}`).join('; ')}`);
    evals.forEach((e, i) => {
      expect(e).toMatchObject({ roundId: 'plain-round-1', heldOut: plain[i].heldOut });
      expect(e.lossActive).toBeCloseTo(plain[i].heldOutLossBefore, 5);
      expect(e.loss).toBeLessThan(e.lossActive);
    });
  }, 60_000);

  it('finds data put at <data dir>/fl/data.csv while it runs', async () => {
    mkdirSync(path.join(noData.agent.dataDir, 'fl'), { recursive: true });
    copyFileSync(trainers[0].dataFile!, path.join(noData.agent.dataDir, 'fl', 'data.csv'));
    expect((await noData.client.info()).capabilities).toContain('fl-train1');
    // It has data now, but serves no model: the precondition is what refuses it.
    await expect(noData.client.call('fl-train', trainRequest('no-data-round-2'))).rejects.toMatchObject({ code: 'PRECONDITION_FAILED' });
  });
});
