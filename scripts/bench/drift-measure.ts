// Drift sketches: how big one device's window is, and what the console pays to read, merge and judge
// 10,000 devices' windows for one window. Windows come from the real collector fed with the sample
// model's real outputs (evaluation images drawn with replacement, 300 inferences: one a second for five
// minutes); the console side parses and validates every payload as it would from the wire. Prints one JSON line.
// Usage: tsx scripts/bench/drift-measure.ts [devices] [samplesPerWindow]
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import vm from 'node:vm';
import { gzipSync } from 'node:zlib';
import * as ort from 'onnxruntime-node';
import { buildReferenceProfile } from '../../electron/core/drift/reference-profile.js';
import { readNpy } from '../../electron/core/util/npy.js';
import { seededRandom } from '../../electron/core/util/seeded-random.js';
import { DriftWindow } from '../../resources/agent/src/drift-window.js';
import { judgeDrift } from '../../resources/device-protocol/drift/judge.js';
import { readReferenceProfile, referenceEdges } from '../../resources/device-protocol/drift/reference-data.js';
import { SketchSet } from '../../resources/device-protocol/drift/sketch-set.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const fixture = join(root, 'resources', 'models', 'mobilenetv2-digits');
const devices = Number(process.argv[2] ?? 10_000);
const perWindow = Number(process.argv[3] ?? 300);
/** Distinct device windows made; the 10,000 payloads cycle through them (each is parsed afresh). */
const distinct = 200;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

const modelPath = join(fixture, 'model.onnx');
const profile = readReferenceProfile(JSON.parse(JSON.stringify(await buildReferenceProfile({ model: modelPath, data: join(fixture, 'eval_inputs.npy'), split: 'evaluation' }))));
const edges = referenceEdges(profile);
const inputs = (await readNpy(join(fixture, 'eval_inputs.npy'))).data as Float32Array;
const rows = inputs.length / 3072;
const session = await ort.InferenceSession.create(modelPath);
const logits = (await session.run({ input: new ort.Tensor('float32', inputs, [rows, 3, 32, 32]) })).logits.data as Float32Array;
await session.release();

// Device side: the collector, one record() per inference.
const rnd = seededRandom('drift-bench');
const payloads: string[] = [];
let recordMs = 0;
for (let d = 0; d < distinct; d++) {
  const w = new DriftWindow({ now: () => 0, edges });
  for (let i = 0; i < perWindow; i++) {
    const k = Math.floor(rnd() * rows);
    const t0 = performance.now();
    w.record({ input: { data: inputs.subarray(k * 3072, (k + 1) * 3072), dims: [1, 3, 32, 32] } }, { logits: { data: logits.subarray(k * 10, (k + 1) * 10), dims: [1, 10] } }, profile.sketches.model);
    recordMs += performance.now() - t0;
  }
  payloads.push(JSON.stringify(w.flush()[0]));
}
const bytes = payloads.map((p) => Buffer.byteLength(p));
const gzBytes = payloads.slice(0, 20).map((p) => gzipSync(p).length);

// A sensor model for comparison: 8 features per sample, one anomaly score out.
const sensor = new DriftWindow({ now: () => 0 });
for (let i = 0; i < perWindow; i++) sensor.record({ x: { data: new Float32Array(8).map(() => rnd()), dims: [1, 8] } }, { score: { data: new Float32Array([rnd()]), dims: [1, 1] } }, profile.sketches.model);
const sensorBytes = Buffer.byteLength(JSON.stringify(sensor.flush()[0]));

// Console side: parse + validate each payload, merge into the fleet's window, judge the fleet and every device.
function consoleRun() {
  gc();
  const base = process.memoryUsage().heapUsed;
  let peak = 0;
  const t0 = performance.now();
  let readMs = 0;
  let judgeDevicesMs = 0;
  const fleet = new SketchSet(profile.sketches.model, 0, 0);
  const perDevicePsi: number[] = [];
  for (let d = 0; d < devices; d++) {
    const r0 = performance.now();
    const set = SketchSet.fromJSON(JSON.parse(payloads[d % distinct]), `device ${d}`);
    readMs += performance.now() - r0;
    const j0 = performance.now();
    perDevicePsi.push(judgeDrift(profile, set).worst.overall!.psi);
    judgeDevicesMs += performance.now() - j0;
    fleet.merge(set);
    if (d % 500 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed - base);
  }
  const mergedAt = performance.now();
  const judgement = judgeDrift(profile, fleet);
  const end = performance.now();
  peak = Math.max(peak, process.memoryUsage().heapUsed - base);
  return { totalMs: end - t0, readMs, judgeDevicesMs, mergeMs: mergedAt - t0 - readMs - judgeDevicesMs, judgeFleetMs: end - mergedAt, peakHeapBytes: peak, judgement, perDevicePsi };
}
consoleRun();
const runs = [consoleRun(), consoleRun(), consoleRun()];
const last = runs[2];

console.log(
  JSON.stringify({
    machine: { cpu: os.cpus()[0]?.model, node: process.version },
    samplesPerWindow: perWindow,
    stats: Object.keys(JSON.parse(payloads[0]).stats),
    windowBytes: { median: median(bytes), max: Math.max(...bytes), gzipMedian: median(gzBytes) },
    sensorWindowBytes: sensorBytes,
    deviceRecordUs: (recordMs / (distinct * perWindow)) * 1000,
    console: {
      devices,
      totalMs: median(runs.map((r) => r.totalMs)),
      readMs: median(runs.map((r) => r.readMs)),
      mergeMs: median(runs.map((r) => r.mergeMs)),
      judgeEachDeviceMs: median(runs.map((r) => r.judgeDevicesMs)),
      judgeFleetMs: median(runs.map((r) => r.judgeFleetMs)),
      peakHeapBytes: median(runs.map((r) => r.peakHeapBytes)),
      payloadBytesRead: bytes.reduce((s, b) => s + b, 0) * (devices / distinct),
    },
    fleetWorstPsi: last.judgement.worst.overall!.psi,
    deviceWorstPsiMedian: median(last.perDevicePsi),
  }),
);
