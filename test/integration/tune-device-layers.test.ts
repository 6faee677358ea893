// tune's per-layer pass for a device, on the sample model with synthetic device times: the oracle
// says one Conv is slower in INT8 than in float there, so tuning keeps that Conv float (the budget
// still holds), says why in the report, and keeps every other layer INT8.
import { mkdtempSync, promises as fsp, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ProfileRow, TimingSource } from '../../electron/core/api/types.js';
import { localContext } from '../../electron/core/jobs/task-types.js';
import { readGraphNodes } from '../../electron/core/profiling/graph-nodes.js';
import type { LatencyOracle, ModelTiming } from '../../electron/core/quantize/latency-oracle.js';
import { produceVariant } from '../../electron/core/quantize/produce-variant.js';

const dir = path.join(import.meta.dirname, '../../resources/models/mobilenetv2-digits');
const parentPath = path.join(dir, 'model.onnx');
const convs = readGraphNodes(readFileSync(parentPath)).nodes.filter((n) => n.opType === 'Conv').map((n) => n.name);
// A depthwise-sized layer in the middle of the network: the one the synthetic board runs slower in INT8.
const slow = convs[Math.floor(convs.length / 2)];

const source: TimingSource = { kind: 'device', deviceId: 'ef-fake', deviceName: 'fake-board', cpu: 'ARM Cortex-A53', cpuFeatures: ['asimd'], runtime: 'onnxruntime-node 1.30.0', board: null };
const row = (name: string, meanUs: number, opType: string): ProfileRow => ({ name, opType, nodes: [name], fused: false, calls: 30, meanUs, p50Us: meanUs, share: 0, outputShape: null, provider: 'CPUExecutionProvider' });

/** Synthetic device times: every Conv 100 µs in float and 50 µs in INT8, except `slow` at 300 µs in INT8. */
function fakeDevice(): LatencyOracle & { timed: number } {
  const oracle = {
    source,
    timed: 0,
    async time(model: string | Uint8Array): Promise<ModelTiming> {
      oracle.timed++;
      const bytes = typeof model === 'string' ? new Uint8Array(await fsp.readFile(model)) : model;
      const nodes = readGraphNodes(bytes).nodes;
      const dq = new Set(nodes.filter((n) => n.opType === 'DequantizeLinear').flatMap((n) => n.outputs));
      const rows = nodes
        .filter((n) => n.opType === 'Conv')
        .map((n) => {
          // A quantized Conv takes its weights from a DequantizeLinear.
          const int8 = dq.has(n.inputs[1]);
          return row(n.name, int8 ? (n.name === slow ? 300 : 50) : 100, n.opType);
        });
      const ms = rows.reduce((a, r) => a + r.meanUs, 0) / 1000;
      return { modelSha256: 'x', p50Ms: ms, p95Ms: ms * 1.1, meanMs: ms, peakBytes: null, perLayer: rows };
    },
    async stage() {},
    async close() {},
  };
  return oracle;
}

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'edgefleet-tune-device-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

it('keeps float the layer the device runs slower in INT8, and says so per layer', async () => {
  const oracle = fakeDevice();
  const recipe = {
    mode: 'tune' as const,
    // A budget any model meets: the accuracy search stops at full INT8; only the device pass keeps a layer float.
    maxDrop: 1,
    method: 'minmax' as const,
    calibrationNpy: path.join(dir, 'calibration.npy'),
    evalInputsNpy: path.join(dir, 'eval_inputs.npy'),
    evalLabelsNpy: path.join(dir, 'eval_labels.npy'),
  };
  const tmpDir = mkdtempSync(path.join(tmp, 'j-'));
  const made = await produceVariant(parentPath, recipe, localContext(tmp, tmpDir), tmpDir, oracle);
  const report = made.report!;
  const reason = 'kept float: INT8 slower on fake-board (0.300 ms vs 0.100 ms)';
  expect(made.tuning!.deviceLayers).toEqual([{ node: slow, opType: 'Conv', floatMs: 0.1, int8Ms: 0.3, keptFloat: true, reason }]);
  expect(report.nodes.filter((n) => n.status === 'float').map((n) => [n.name, n.reason])).toEqual([[slow, reason]]);
  expect(report.notes).toContain(`${slow} (Conv): ${reason}.`);
  // Full INT8, then the same with the slow layer float: both timed on the "device", the float parent too.
  expect(made.tuning!.steps.map((s) => s.keptFloat)).toEqual([[], [slow]]);
  expect(oracle.timed).toBe(3);
  // The written model keeps that layer's weights float (no DequantizeLinear gives them), the other Convs' INT8.
  const out = readGraphNodes(readFileSync(made.outputPath)).nodes;
  const dq = new Set(out.filter((n) => n.opType === 'DequantizeLinear').flatMap((n) => n.outputs));
  expect(dq.has(out.find((n) => n.name === slow)!.inputs[1])).toBe(false);
  expect(out.filter((n) => n.opType === 'Conv' && n.name !== slow).every((n) => dq.has(n.inputs[1]))).toBe(true);
}, 180_000);
