// End to end: a .tflite file imported from the Models page, in Chromium. The original shows its TFLite
// facts and links to its ONNX conversion; the conversion shows how its outputs compare with TFLite's;
// a file that does not convert says which operator stops it.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2eConsole, type E2eConsole } from '../helpers/e2e-console.js';

const fixtures = join(import.meta.dirname, '..', 'fixtures', 'tflite');
let c: E2eConsole;
let page: Page;

beforeAll(async () => {
  c = await startE2eConsole();
  page = c.page;
  await page.goto(c.url);
  await page.getByTestId('nav-models').waitFor();
});

afterAll(async () => {
  await c?.close();
});

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
    await c.shot('tflite-unsupported');
    expect(c.pageErrors).toEqual([]);
  });
});
