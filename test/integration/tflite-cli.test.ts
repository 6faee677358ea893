// TFLite files through the real CLI, as a user runs it: import keeps the .tflite and its proved ONNX
// conversion as parent and child; convert writes the ONNX; inspect describes the TFLite file; quantize,
// profile and deploy (to a real agent process) go through the conversion.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeployResult, InspectReport, ModelSummary, ProfileResult, VariantMetrics } from '../../electron/core/api/types.js';
import type { TfliteConversionRecipe } from '../../electron/core/api/tflite-conversion.js';
import { encodeNpy } from '../../electron/core/util/npy.js';
import { repoRoot, startAgent, type AgentProcess } from '../helpers/agent-process.js';
import { edgefleet } from '../helpers/edgefleet-cli.js';
import { syntheticImages } from '../helpers/synthetic-images.js';

const fixtures = join(repoRoot, 'test/fixtures/tflite');
const floatNet = join(fixtures, 't2o-mobilenet_v1_0.25_128.tflite');
const quantNet = join(fixtures, 't2o-mobilenet_v1_0.25_128_quant.tflite');
const edgeTpu = join(fixtures, 'coral-mobilenet_v1_0.25_128_quant_edgetpu.tflite');
const scratch = mkdtempSync(join(tmpdir(), 'edgefleet-tflite-cli-'));
const home = join(scratch, 'home');
const cli = (...args: string[]) => edgefleet(...args, '--home', home);
const json = <T>(out: string) => JSON.parse(out) as T;

describe('TFLite models in the CLI', () => {
  it('models import keeps the .tflite as the parent of its proved ONNX conversion', { timeout: 120_000 }, async () => {
    const r = await cli('models', 'import', quantNet, '--json');
    expect(r.code, r.stderr).toBe(0);
    const { model, source } = json<{ model: ModelSummary; source: ModelSummary }>(r.stdout);
    expect(source.name).toBe('t2o-mobilenet_v1_0.25_128_quant-tflite');
    expect(model.parentId).toBe(source.id);
    const recipe = model.recipe as TfliteConversionRecipe;
    expect(recipe).toMatchObject({ mode: 'from-tflite', quantized: true, nchwIo: false, opset: 13 });
    expect(recipe.agreement.status).toBe('agreed');
    expect(recipe.agreement.reference).toMatch(/TFLite C library/);
    // Importing again changes nothing.
    const again = json<{ created: boolean }>((await cli('models', 'import', quantNet, '--json')).stdout);
    expect(again.created).toBe(false);
    const list = json<ModelSummary[]>((await cli('models', 'list', '--json')).stdout);
    expect(list).toHaveLength(2);
  });

  it('convert --to onnx writes an ONNX file onnxruntime runs; --nchw-io moves the layout to the boundary', { timeout: 120_000 }, async () => {
    const out = join(scratch, 'float.onnx');
    const r = await cli('convert', floatNet, '--to', 'onnx', '-o', out, '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(json<{ recipe: TfliteConversionRecipe }>(r.stdout).recipe.agreement.status).toBe('agreed');
    const s = await ort.InferenceSession.create(out);
    expect(s.inputNames).toEqual(['input']);
    await s.release();

    const nchw = join(scratch, 'float-nchw.onnx');
    const n = await cli('convert', floatNet, '--to', 'onnx', '--nchw-io', '-o', nchw, '--json');
    expect(n.code, n.stderr).toBe(0);
    const recipe = json<{ recipe: TfliteConversionRecipe }>(n.stdout).recipe;
    expect(recipe).toMatchObject({ nchwIo: true, agreement: { status: 'agreed' } });
    const inspect = json<InspectReport>((await cli('inspect', nchw, '--json')).stdout);
    expect(inspect.inputs[0].shape).toEqual([1, 3, 128, 128]);
    // One Transpose, at the NCHW input (the output is rank 2): the transpose pass removed every one inside.
    expect(inspect.opCounts.Transpose).toBe(1);
  });

  it('an Edge TPU model is refused by name, with exit code 2 and no file written', { timeout: 60_000 }, async () => {
    const out = join(scratch, 'edgetpu.onnx');
    const r = await cli('convert', edgeTpu, '--to', 'onnx', '-o', out);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/edgetpu-custom-op ×1/);
    expect(r.stderr).toMatch(/Edge TPU/);
    expect(existsSync(out)).toBe(false);
    // inspect still describes it, and says why it does not convert.
    const i = await cli('inspect', edgeTpu, '--json');
    expect(i.code, i.stderr).toBe(0);
    const report = json<InspectReport>(i.stdout);
    expect(report.tflite).toMatchObject({ convertible: false, unsupported: [{ op: 'CUSTOM edgetpu-custom-op', count: 1 }] });
  });

  it('inspect reports TFLite IO with quantization, the op histogram and the conversion', { timeout: 60_000 }, async () => {
    const r = await cli('inspect', quantNet, '--json');
    expect(r.code, r.stderr).toBe(0);
    const report = json<InspectReport>(r.stdout);
    expect(report.format).toBe('tflite');
    expect(report.inputs[0]).toMatchObject({ name: 'input', elemType: 'UINT8', shape: [1, 128, 128, 3], quantization: { zeroPoint: [128], axis: null } });
    expect(report.opCounts).toMatchObject({ CONV_2D: 15, DEPTHWISE_CONV_2D: 13, SOFTMAX: 1 });
    expect(report.tflite?.convertible).toBe(true);
    expect(report.macs.total).toBeGreaterThan(10e6);
    expect(report.loadable.ok).toBe(true);
    const text = await cli('inspect', quantNet);
    expect(text.stdout).toMatch(/Converts to ONNX: yes/);
  });

  it('a quantized TFLite model is not quantized again; a float one optimizes like any ONNX model', { timeout: 300_000 }, async () => {
    const again = await cli('quantize', quantNet, '--mode', 'dynamic', '-o', join(scratch, 'q2.onnx'));
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already quantized/i);
    const q = await cli('convert', floatNet, '--to', 'fp16', '-o', join(scratch, 'float-fp16.onnx'), '--json');
    expect(q.code, q.stderr).toBe(0);
    const { variant, parent } = json<{ variant: ModelSummary; parent: { id: string } }>(q.stdout);
    expect(variant.parentId).toBe(parent.id);
  });

  it('tune keeps the converted model\'s sensitive layers float, by their TFLite names, until the budget is met', { timeout: 300_000 }, async () => {
    // Evaluation labels: the float conversion's own top-1 on smooth synthetic images (no ImageNet data here).
    const onnxPath = join(scratch, 'tune-labels.onnx');
    expect((await cli('convert', floatNet, '--to', 'onnx', '-o', onnxPath)).code).toBe(0);
    const [calN, evalN, px] = [8, 24, 128 * 128 * 3];
    const evalImages = syntheticImages(evalN, 128, 3, 2);
    const session = await ort.InferenceSession.create(onnxPath);
    const labels = new BigInt64Array(evalN);
    for (let k = 0; k < evalN; k++) {
      const out = await session.run({ input: new ort.Tensor('float32', evalImages.slice(k * px, (k + 1) * px), [1, 128, 128, 3]) });
      const scores = Array.from(out[session.outputNames[0]].data as Float32Array);
      labels[k] = BigInt(scores.indexOf(Math.max(...scores)));
    }
    await session.release();
    const npy = (name: string, shape: number[], data: Float32Array | BigInt64Array) => {
      const file = join(scratch, name);
      writeFileSync(file, encodeNpy({ dtype: data instanceof Float32Array ? 'float32' : 'int64', shape, data }));
      return file;
    };
    const data = [
      '--calibration', npy('tune-cal.npy', [calN, 128, 128, 3], syntheticImages(calN, 128, 3, 1)),
      '--eval-inputs', npy('tune-eval.npy', [evalN, 128, 128, 3], evalImages),
      '--eval-labels', npy('tune-labels.npy', [evalN], labels),
    ];
    const tune = (maxDrop: number, out: string) => cli('tune', floatNet, '-o', join(scratch, out), ...data, '--max-drop', String(maxDrop), '--json');
    type TuneJson = { variant: ModelSummary; parent: { id: string }; metrics: VariantMetrics };

    // A budget of 99 points: full INT8 in one step, which measures its drop on these images.
    const probe = await tune(0.99, 'tune-probe.onnx');
    expect(probe.code, probe.stderr).toBe(0);
    const full = json<TuneJson>(probe.stdout);
    expect(full.metrics.tuning!.steps).toHaveLength(1);
    const int8Drop = 1 - full.metrics.tuning!.steps[0].top1;
    expect(int8Drop, 'full INT8 must miss some labels for tuning to have work').toBeGreaterThan(1 / evalN);
    // The conversion is the float parent; the .tflite is its parent in turn.
    expect(full.variant.parentId).toBe(full.parent.id);
    const models = json<ModelSummary[]>((await cli('models', 'list', '--json')).stdout);
    const conversion = models.find((m) => m.id === full.parent.id)!;
    expect(conversion.recipe).toMatchObject({ mode: 'from-tflite' });
    expect(models.find((m) => m.id === conversion.parentId)?.name).toBe('t2o-mobilenet_v1_0.25_128-tflite');

    // Half a sample tighter than full INT8: tuning must keep layers float, and they carry the TFLite names.
    const maxDrop = int8Drop - 0.5 / evalN;
    const r = await tune(maxDrop, 'tune.onnx');
    const tuned = json<TuneJson>(r.stdout);
    const steps = tuned.metrics.tuning!.steps;
    expect(steps.length).toBeGreaterThan(1);
    expect(1 - tuned.metrics.top1!).toBeLessThanOrEqual(maxDrop + 1e-9);
    const kept = tuned.metrics.floatNodes!.filter((n) => n.reason?.includes('tuning')).map((n) => n.name);
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.every((name) => name.startsWith('MobilenetV1/'))).toBe(true);
    expect(r.code, r.stderr).toBe(0);
  });

  it('a profile of a TFLite file maps its rows back to the TFLite operators', { timeout: 120_000 }, async () => {
    const r = await cli('profile', floatNet, '--runs', '3', '--warmup', '1', '--json');
    expect(r.code, r.stderr).toBe(0);
    const profile = json<ProfileResult>(r.stdout);
    const convRows = profile.rows.filter((row) => row.sourceOps?.some((s) => /^\d+ CONV_2D /.test(s)));
    expect(convRows.length).toBeGreaterThan(5);
    expect(profile.rows.some((row) => row.sourceOps?.some((s) => /DEPTHWISE_CONV_2D MobilenetV1/.test(s)))).toBe(true);
  });

  describe('deploy to a real agent', () => {
    let agent: AgentProcess;
    beforeAll(async () => {
      agent = await startAgent({ name: 'tflite-bench' });
    }, 60_000);
    afterAll(async () => agent?.stop());

    it('deploys the conversion of a .tflite file with trial and confirm', { timeout: 180_000 }, async () => {
      const pair = await cli('pair', `127.0.0.1:${agent.port}`, '--code', agent.pairingCode!, '--json');
      expect(pair.code, pair.stderr).toBe(0);
      const r = await cli('deploy', floatNet, '--device', agent.deviceId, '--confirm', '--max-latency', '5000', '--json');
      expect(r.code, r.stderr).toBe(0);
      const result = json<DeployResult>(r.stdout);
      expect(result.devices[0].phase).toBe('confirmed');
      // What was deployed is the ONNX conversion, and the device runs it.
      const list = json<ModelSummary[]>((await cli('models', 'list', '--json')).stdout);
      const conversion = list.find((m) => m.id === result.modelId)!;
      expect(conversion.name).toBe('t2o-mobilenet_v1_0.25_128');
      expect((conversion.recipe as TfliteConversionRecipe).mode).toBe('from-tflite');
      expect(readFileSync(join(agent.dataDir, 'state.json'), 'utf8')).toContain(conversion.sha256);
    });
  });
});
