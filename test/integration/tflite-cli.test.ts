// TFLite files through the real CLI, as a user runs it: import keeps the .tflite and its proved ONNX
// conversion as parent and child; convert writes the ONNX; inspect describes the TFLite file; quantize,
// profile and deploy (to a real agent process) go through the conversion.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeployResult, InspectReport, ModelSummary, ProfileResult } from '../../electron/core/api/types.js';
import type { TfliteConversionRecipe } from '../../electron/core/api/tflite-conversion.js';
import { repoRoot, startAgent, type AgentProcess } from '../helpers/agent-process.js';
import { edgefleet } from '../helpers/edgefleet-cli.js';

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
