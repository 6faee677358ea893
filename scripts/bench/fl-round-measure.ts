// A whole federated round through the real RoundEngine (createCore on a temp home, the shipped sensor
// autoencoder registered, one registry device per client) with 10, 100 and 1,000 simulated clients, plain
// and with SecAgg+. The clients share one worker thread: each really trains (trainLocal, 1 epoch over its
// own 64 NAB machine-temperature windows, batch 16), scores held-out windows and, in secure rounds, runs
// its own SecAggClient, as the agent's fl-service.ts does. Every request and reply crosses the thread as a
// JSON string; their lengths are the bytes the console sent and received. The console's peak heap is the
// main isolate's heapUsed (the clients' isolate is separate), sampled every 5 ms and at every call.
// Prints one JSON line. Usage: tsx scripts/bench/fl-round-measure.ts [--clients 10,100,1000] [--modes plain,secure]
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import { flStartInput } from '../../electron/core/api/contract.js';
import { AppError } from '../../electron/core/api/errors.js';
import { AuditLog } from '../../electron/core/audit/audit-store.js';
import { createCore } from '../../electron/core/core.js';
import type { FlDevices } from '../../electron/core/federated/fl-device.js';
import { RoundEngine } from '../../electron/core/federated/round-engine.js';
import { SecAggClient, type SecAggRequest } from '../../electron/core/federated/secagg/index.js';
import { inspectFile } from '../../electron/core/inspect/inspect.js';
import { storeArtifact } from '../../electron/core/registry/artifact-store.js';
import { readAutoencoderWeights } from '../../resources/agent/src/federated/autoencoder-onnx.js';
import type { DenseAutoencoder } from '../../resources/agent/src/federated/dense-autoencoder.js';
import { flScaleOf, splitByTime } from '../../resources/agent/src/federated/fl-data.js';
import { decodeFloats, derivedSeed, encodeFloats } from '../../resources/agent/src/federated/fl-service.js';
import { parseNabCsv, slidingWindows, splitForDevices, zNormalize, type DeviceSeries } from '../../resources/agent/src/federated/sensor-windows.js';
import { trainLocal } from '../../resources/agent/src/federated/train-local.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const modelFile = path.join(root, 'resources/models/sensor-autoencoder/model.onnx');
const csvFile = path.join(root, 'resources/datasets/nab-machine-temperature/machine_temperature_system_failure.csv');
/** Distinct periods of the series: ~454 readings each, 106 windows of 32 at stride 4. */
const periods = 50;
const trainWindows = 64;
const heldOutWindows = 16;

type Op = 'probe' | 'train' | 'secagg' | 'evaluate';
interface Call {
  id: number;
  op: Op;
  deviceId: string;
  body: string;
}
interface Answer {
  id: number;
  ok: boolean;
  body: string;
}

// The clients (worker thread).

function clientSide(): void {
  const bytes = new Uint8Array(readFileSync(modelFile));
  const sha = createHash('sha256').update(bytes).digest('hex');
  const scale = flScaleOf(bytes);
  const rows = parseNabCsv(readFileSync(csvFile, 'utf8'), csvFile);
  // Client i: period i mod 50 of the series, through the sensor gain and offset of splitForDevices seeded by
  // its generation ⌊i / 50⌋, so clients beyond the 50th read the same period through a different sensor.
  const generations = new Map<number, DeviceSeries[]>();
  const series = (i: number) => {
    const g = Math.floor(i / periods);
    if (!generations.has(g)) generations.set(g, splitForDevices(rows, periods, 18 + g));
    return generations.get(g)![i % periods];
  };
  const rounds = new Map<string, { client: SecAggClient | null; update: Float32Array | null; samples: number; heldOut: Float32Array[] }>();
  const data = (deviceId: string, heldOutFraction: number) => {
    const windows = slidingWindows(zNormalize(series(Number(deviceId.slice(4))).rows, scale).values, scale.window, scale.stride);
    const split = splitByTime(windows, scale.window, scale.stride, heldOutFraction);
    return { train: split.train.slice(0, trainWindows), heldOut: split.heldOut.slice(0, heldOutWindows) };
  };
  const loss = (model: DenseAutoencoder, windows: Float32Array[]) => {
    const d = model.inputSize;
    const batch = new Float32Array(windows.length * d);
    windows.forEach((w, r) => batch.set(w, r * d));
    return model.loss(batch, windows.length);
  };
  const handle = async (c: Call): Promise<unknown> => {
    const req = JSON.parse(c.body) as Record<string, unknown>;
    const key = `${String(req.roundId)}\0${c.deviceId}`;
    switch (c.op) {
      case 'probe':
        return { name: c.deviceId, capabilities: ['fl-train1'], activeSha256: sha };
      case 'train': {
        const model = readAutoencoderWeights(bytes);
        const { train, heldOut } = data(c.deviceId, req.heldOutFraction as number);
        const heldOutLossBefore = loss(model, heldOut);
        const res = await trainLocal({ model, windows: train, epochs: req.epochs as number, batchSize: req.batchSize as number, learningRate: req.learningRate as number, proxMu: req.proxMu as number, timeBudgetMs: req.timeBudgetMs as number, seed: derivedSeed(req.roundId as string, c.deviceId) });
        const update = model.flatten();
        const secure = req.secure !== undefined;
        rounds.set(key, { client: secure ? new SecAggClient({ clientId: c.deviceId }) : null, update: secure ? update : null, samples: res.samples, heldOut });
        return {
          roundId: req.roundId, deviceId: c.deviceId, samples: res.samples, heldOut: heldOut.length, lossBefore: res.lossBefore, lossAfter: res.lossAfter,
          heldOutLossBefore, heldOutLossAfter: loss(model, heldOut), epochsRun: res.epochsRun, stoppedBy: res.stoppedBy, elapsedMs: res.elapsedMs,
          ...(secure ? {} : { update: encodeFloats(update) }), paramCount: model.parameterCount,
        };
      }
      case 'secagg': {
        const r = rounds.get(key)!;
        return r.client!.handle(req.message as SecAggRequest, { params: r.update!, sampleCount: r.samples });
      }
      case 'evaluate': {
        const r = rounds.get(key)!;
        const model = readAutoencoderWeights(bytes);
        const lossActive = loss(model, r.heldOut);
        model.setParameters(decodeFloats(req.parameters as string));
        return { roundId: req.roundId, heldOut: r.heldOut.length, loss: loss(model, r.heldOut), lossActive };
      }
    }
  };
  parentPort!.on('message', (c: Call) => {
    handle(c).then(
      (out) => parentPort!.postMessage({ id: c.id, ok: true, body: JSON.stringify(out) } satisfies Answer),
      (err: unknown) => parentPort!.postMessage({ id: c.id, ok: false, body: JSON.stringify({ code: (err as AppError).code ?? 'ERROR', message: (err as Error).message }) } satisfies Answer),
    );
  });
  parentPort!.postMessage('ready');
}

// The console (main thread).

interface Tally {
  calls: number;
  sent: number;
  received: number;
}

/** The clients' thread, once it has loaded the model and the series (not part of the round's time). */
async function startClients(): Promise<Worker> {
  const api = pathToFileURL(path.join(root, 'node_modules/tsx/dist/esm/api/index.mjs')).href;
  const worker = new Worker(`import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(import.meta.url)}); })`, { eval: true });
  await once(worker, 'message');
  return worker;
}

function workerDevices(worker: Worker, sample: () => void): FlDevices & { tally: Record<Op, Tally> } {
  const tally = Object.fromEntries((['probe', 'train', 'secagg', 'evaluate'] as const).map((op) => [op, { calls: 0, sent: 0, received: 0 }])) as Record<Op, Tally>;
  const waiting = new Map<number, (a: Answer) => void>();
  let next = 0;
  worker.on('message', (a: Answer) => {
    const done = waiting.get(a.id)!;
    waiting.delete(a.id);
    done(a);
  });
  const call = async <T>(op: Op, deviceId: string, req: unknown): Promise<T> => {
    const body = JSON.stringify(req);
    const t = tally[op];
    t.calls++;
    t.sent += Buffer.byteLength(body);
    sample();
    const a = await new Promise<Answer>((resolve) => {
      const id = next++;
      waiting.set(id, resolve);
      worker.postMessage({ id, op, deviceId, body } satisfies Call);
    });
    t.received += Buffer.byteLength(a.body);
    sample();
    const out = JSON.parse(a.body) as T & { code?: string; message?: string };
    if (!a.ok) throw new AppError(out.code!, `${deviceId} failed`, out.message!);
    return out;
  };
  return {
    tally,
    // The wire's probe is info + status; the request names nothing but the op.
    probe: (deviceId) => call('probe', deviceId, { op: 'info+status' }),
    train: (deviceId, req) => call('train', deviceId, req),
    secagg: (deviceId, roundId, message) => call('secagg', deviceId, { roundId, message }),
    evaluate: (deviceId, req) => call('evaluate', deviceId, req),
  };
}

async function round(clients: number, secure: boolean) {
  const home = mkdtempSync(path.join(tmpdir(), 'ef-fl-round-'));
  const core = createCore({ home, mode: 'cli', discovery: false });
  const worker = await startClients();
  try {
    const art = await storeArtifact(home, modelFile);
    const model = core.registry.addModel({ name: 'sensor-ae', sha256: art.sha256, sizeBytes: art.sizeBytes, sourceFile: modelFile, inspect: await inspectFile(art.path) }).model;
    const ids = Array.from({ length: clients }, (_, i) => `sim-${String(i).padStart(4, '0')}`);
    for (const id of ids) core.devices.store.upsert(id, { name: id, address: `10.0.${Math.floor(Number(id.slice(4)) / 250)}.${Number(id.slice(4)) % 250}:7070`, token: 't', fingerprint: 'ab', state: 'online', tags: ['flbench'] });
    const numShares = secure ? Math.min(1000, 2 * Math.ceil(Math.log2(clients)) + 1) : undefined;
    const input = flStartInput.parse({
      modelId: model.id, selector: 'tag:flbench', minClients: Math.max(2, Math.ceil(clients / 2)), selectCount: clients, overSelect: 1, deadlineSec: 900,
      epochs: 1, batchSize: 16, learningRate: 0.001, proxMu: 0, timeBudgetSec: 60, heldOutFraction: 0.2, aggregation: 'fedavg', secure, ...(numShares ? { numShares } : {}),
    });
    const base = process.memoryUsage().heapUsed;
    let peak = base;
    const sample = () => {
      const h = process.memoryUsage().heapUsed;
      if (h > peak) peak = h;
    };
    const timer = setInterval(sample, 5);
    const devices = workerDevices(worker, sample);
    const engine = new RoundEngine({ ctx: core.devices, bus: core.bus, audit: new AuditLog(core.registry.db), actor: 'bench', drive: false, devices, probeTimeoutMs: 60_000, graceMs: 5000, createRollout: async () => ({ id: 'none' }) });
    const t0 = performance.now();
    const startedAt = Date.now();
    const started = await engine.start(input);
    const r = await engine.waitFor(started.id, { drive: true, pollMs: 10 });
    const wallMs = performance.now() - t0;
    clearInterval(timer);
    sample();
    await engine.close();
    // Phase times from the round's own events (ms resolution): each phase from the event that entered it.
    const moves = r.events.filter((e) => e.kind === 'phase' && e.detail.includes(' → ')).map((e) => ({ to: e.detail.split(' → ')[1].split(':')[0], at: Date.parse(e.at) }));
    const phaseMs: Record<string, number> = { selecting: (moves[0]?.at ?? startedAt) - startedAt };
    moves.forEach((m, i) => {
      if (i + 1 < moves.length) phaseMs[m.to] = moves[i + 1].at - m.at;
    });
    const sum = (k: 'sent' | 'received') => Object.values(devices.tally).reduce((s, t) => s + t[k], 0);
    const trained = r.devices.filter((d) => d.elapsedMs !== null);
    return {
      clients, secure, numShares: numShares ?? null, threshold: r.secagg[0]?.threshold ?? null, phase: r.phase, reason: r.reason,
      participants: r.participantIds.length, dropped: r.dropped.length, wallMs, phaseMs,
      consoleSent: sum('sent'), consoleReceived: sum('received'), byOp: devices.tally,
      heapBaseMb: base / 2 ** 20, heapPeakMb: peak / 2 ** 20,
      trainMsMean: trained.reduce((s, d) => s + (d.elapsedMs ?? 0), 0) / Math.max(1, trained.length), lossBefore: r.lossBefore, lossAfter: r.lossAfter,
    };
  } finally {
    await worker.terminate();
    await core.close();
    rmSync(home, { recursive: true, force: true });
  }
}

if (!isMainThread) clientSide();
else {
  const arg = (name: string, fallback: string) => {
    const i = process.argv.indexOf(name);
    return i >= 0 ? process.argv[i + 1] : fallback;
  };
  const counts = arg('--clients', '10,100,1000').split(',').map(Number);
  const modes = arg('--modes', 'plain,secure').split(',');
  const rounds = [];
  for (const n of counts) for (const m of modes) rounds.push(await round(n, m === 'secure'));
  process.stdout.write(JSON.stringify({ model: 'sensor-autoencoder 32→16→4→16→32 (1220 parameters)', trainWindows, heldOutWindows, rounds }) + '\n');
}
