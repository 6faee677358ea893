// End to end: a .tflite file imported from the Models page, in Chromium. The original shows its TFLite
// facts and links to its ONNX conversion; the conversion shows how its outputs compare with TFLite's,
// profiles with rows named by TFLite operator, tunes on the Optimize page and deploys to a real agent;
// a file that does not convert says which operator stops it.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeModel } from '../../electron/core/onnx/codec.js';
import { readTflite } from '../../electron/core/tflite/read-tflite.js';
import { convertTflite } from '../../electron/core/tflite/to-onnx/convert.js';
import { encodeNpy } from '../../electron/core/util/npy.js';
import { startAgent, type AgentProcess } from '../helpers/agent-process.js';
import { startE2eConsole, type E2eConsole } from '../helpers/e2e-console.js';
import { syntheticImages } from '../helpers/synthetic-images.js';

const fixtures = join(import.meta.dirname, '..', 'fixtures', 'tflite');
let c: E2eConsole;
let page: Page;
let agent: AgentProcess;

beforeAll(async () => {
  [c, agent] = await Promise.all([startE2eConsole(), startAgent({ name: 'tflite-board' })]);
  page = c.page;
  await page.goto(c.url);
  await page.getByTestId('nav-models').waitFor();
});

afterAll(async () => {
  await c?.close();
  await agent?.stop();
});

/** Tuning data for the float MobileNet: smooth synthetic images, labelled by the float conversion's own top-1. */
async function tuningData(file: string) {
  const dir = mkdtempSync(join(tmpdir(), 'ef-e2e-tune-'));
  const conversion = convertTflite(readTflite(new Uint8Array(readFileSync(file)), file), { fileName: file });
  const session = await ort.InferenceSession.create(encodeModel(conversion.model));
  const [calN, evalN, px] = [8, 24, 128 * 128 * 3];
  const evalImages = syntheticImages(evalN, 128, 3, 2);
  const labels = new BigInt64Array(evalN);
  for (let k = 0; k < evalN; k++) {
    const out = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', evalImages.slice(k * px, (k + 1) * px), [1, 128, 128, 3]) });
    const scores = Array.from(out[session.outputNames[0]].data as Float32Array);
    labels[k] = BigInt(scores.indexOf(Math.max(...scores)));
  }
  await session.release();
  const write = (name: string, shape: number[], data: Float32Array | BigInt64Array) => {
    writeFileSync(join(dir, name), encodeNpy({ dtype: data instanceof Float32Array ? 'float32' : 'int64', shape, data }));
    return join(dir, name);
  };
  return {
    calibration: write('cal.npy', [calN, 128, 128, 3], syntheticImages(calN, 128, 3, 1)),
    evalInputs: write('eval.npy', [evalN, 128, 128, 3], evalImages),
    evalLabels: write('labels.npy', [evalN], labels),
  };
}

async function importPath(path: string): Promise<void> {
  await page.getByTestId('nav-models').click();
  await page.getByTestId('import-model').click();
  await page.getByTestId('import-path').fill(path);
  await page.getByTestId('import-submit').click();
  await page.getByTestId('import-dialog').waitFor({ state: 'hidden', timeout: 60_000 });
}

describe('TFLite models in the console', () => {
  it('imports a quantized .tflite: the original and its proved ONNX conversion', { timeout: 180_000 }, async () => {
    await importPath(join(fixtures, 't2o-mobilenet_v1_0.25_128_quant.tflite'));
    const source = page.getByText('t2o-mobilenet_v1_0.25_128_quant-tflite').first();
    await source.waitFor({ timeout: 60_000 });
    await c.shot('tflite-models-list');
    await source.click();
    await page.getByTestId('tflite-section').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('tflite-chip').textContent()).toBe('TensorFlow Lite · schema 3');
    expect(await page.getByTestId('io-table').textContent()).toMatch(/scale 0\.00781\d · zero point 128/);
    await page.locator('[data-testid="graph-view"][data-ready="true"]').waitFor({ timeout: 30_000 });
    expect(Number(await page.getByTestId('graph-view').getAttribute('data-nodes'))).toBe(31);
    await c.shot('tflite-source');

    await page.getByTestId('tflite-conversion-link').click();
    await page.getByTestId('conversion-section').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('agreement-chip').getAttribute('data-status')).toBe('agreed');
    expect(await page.getByTestId('agreement-table').textContent()).toMatch(/quantized/);
    // The conversion is an ordinary ONNX model: it profiles.
    await expect.poll(() => page.getByTestId('profile-this-model').isEnabled(), { timeout: 10_000 }).toBe(true);
    await c.shot('tflite-conversion');
    expect(c.pageErrors).toEqual([]);
  });

  it('a float .tflite: its conversion profiles by TFLite operator, tunes, and deploys to a real agent', { timeout: 420_000 }, async () => {
    const file = join(fixtures, 't2o-mobilenet_v1_0.25_128.tflite');
    await importPath(file);
    await page.getByText('t2o-mobilenet_v1_0.25_128-tflite').first().waitFor({ timeout: 60_000 });

    // Profile: the rows carry the TFLite operators they came from.
    await page.getByTestId('nav-profiling').click();
    await c.pickOption('profile-model', /^t2o-mobilenet_v1_0\.25_128 v1/);
    await page.getByTestId('profile-runs').fill('20');
    await page.getByTestId('run-profile').click();
    await page.getByTestId('layer-chart').waitFor({ timeout: 120_000 });
    await expect.poll(async () => (await page.getByTestId('source-op').allTextContents()).some((t) => /DEPTHWISE_CONV_2D/.test(t)), { timeout: 30_000 }).toBe(true);
    await c.shot('tflite-profile');

    // Tune: a budget of 50 points, which full INT8 misses on these images (it keeps about 42 % of the float
    // model's labels; the CLI test measures it at run time), so layers stay float, named as in the TFLite file.
    const data = await tuningData(file);
    await page.getByTestId('nav-optimize').click();
    await c.pickOption('optimize-model', /^t2o-mobilenet_v1_0\.25_128 v1/);
    await page.getByTestId('mode-tune').click();
    await page.getByTestId('calibration-npy').fill(data.calibration);
    await page.getByTestId('eval-inputs-npy').fill(data.evalInputs);
    await page.getByTestId('eval-labels-npy').fill(data.evalLabels);
    await page.getByTestId('max-drop').fill('50');
    await page.getByTestId('optimize-run').click();
    await page.getByTestId('optimize-result').waitFor({ timeout: 240_000 });
    const row = page.locator('[data-testid="variant-row"]').filter({ hasText: 'tune' }).first();
    await row.getByTestId('variant-expand').click();
    const steps = page.getByTestId('tuning-step');
    await expect.poll(() => steps.count(), { timeout: 30_000 }).toBeGreaterThan(1);
    expect((await page.getByTestId('tuning-steps').textContent()) ?? '').toMatch(/MobilenetV1\//);
    await page.getByTestId('tuning-steps').scrollIntoViewIfNeeded();
    await c.shot('tflite-tune');

    // Deploy the conversion to a real agent, paired from the Fleet page, with trial and confirm.
    await page.getByTestId('nav-fleet').click();
    await page.getByTestId('add-device-empty').click();
    await page.getByTestId('add-address').fill(`127.0.0.1:${agent.port}`);
    await page.getByTestId('add-submit').click();
    await page.getByTestId('pair-code').fill(agent.pairingCode!);
    await page.getByTestId('pair-submit').click();
    await page.getByTestId('pair-done').click();
    const device = page.getByTestId('device-row').filter({ hasText: 'tflite-board' });
    await device.waitFor({ timeout: 30_000 });
    await device.click();
    await page.getByTestId('page-device').waitFor();
    await page.getByTestId('slot-deploy').click();
    await c.pickOption('deploy-model', /^t2o-mobilenet_v1_0\.25_128 v1/);
    await page.getByTestId('deploy-confirm').check();
    await page.getByTestId('deploy-submit').click();
    await expect.poll(() => page.getByTestId('deploy-progress').textContent(), { timeout: 120_000 }).toMatch(/confirmed/i);
    await page.getByTestId('deploy-close').click();
    await page.getByTestId('deploy-dialog').waitFor({ state: 'hidden' });
    await expect.poll(() => page.locator('[data-role="active"]').first().textContent(), { timeout: 30_000 }).toMatch(/t2o-mobilenet_v1_0\.25_128/);
    await c.shot('tflite-deployed');
    expect(c.pageErrors).toEqual([]);
  });

  it('a .tflite that does not convert names the operator that stops it', { timeout: 120_000 }, async () => {
    await importPath(join(fixtures, 'coral-mobilenet_v1_0.25_128_quant_edgetpu.tflite'));
    // The import's job card links to what it imported.
    const open = page.getByText('Open the imported model').first();
    await open.waitFor({ timeout: 60_000 });
    await open.click();
    const card = page.getByTestId('tflite-unsupported');
    await card.waitFor({ timeout: 30_000 });
    expect(await card.textContent()).toMatch(/edgetpu-custom-op ×1: compiled for the Coral Edge TPU/);
    expect(await page.getByTestId('profile-this-model').isDisabled()).toBe(true);
    expect(await page.getByTestId('stat-macs').textContent()).toContain('1 node not counted (the model does not convert to ONNX)');
    await c.shot('tflite-unsupported');
    expect(c.pageErrors).toEqual([]);
  });
});
