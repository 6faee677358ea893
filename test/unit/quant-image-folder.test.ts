import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { AppError } from '../../electron/core/api/errors.js';
import { openDataSource, readBatches } from '../../electron/core/quantize/data/data-source.js';
import { listImages } from '../../electron/core/quantize/data/image-folder.js';
import { parsePreprocess } from '../../electron/core/quantize/data/preprocess.js';
import { readNpy } from '../../electron/core/util/npy.js';

const dir = path.resolve('resources/models/mobilenetv2-digits');
const images = path.join(dir, 'eval_images');
const meta = { size: [32, 32] as [number, number], mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25], layout: 'NCHW' as const };
const nchw = { name: 'input', shape: ['batch', 3, 32, 32] };
const tmp = mkdtempSync(path.join(os.tmpdir(), 'image-folder-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function errorOf(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

function pngOf(width: number, height: number, pixel: (x: number, y: number) => [number, number, number]): Buffer {
  const png = new PNG({ width, height });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) png.data.set([...pixel(x, y), 255], (y * width + x) * 4);
  }
  return PNG.sync.write(png);
}

describe('image folders as sample data', () => {
  it('the fixture eval_images reproduce eval_inputs.npy and eval_labels.npy', async () => {
    const want = await readNpy(path.join(dir, 'eval_inputs.npy'));
    const labels = await readNpy(path.join(dir, 'eval_labels.npy'));
    const src = await openDataSource(images, nchw, meta);
    expect(src.rows).toBe(want.shape[0]);
    expect(src.rowShape).toEqual([3, 32, 32]);
    // Folder order is class by class; each file is named by its index in the .npy split.
    const { files } = await listImages(images);
    const index = files.map((f) => Number(path.basename(f, '.png')));
    const wantLabels = Array.from(labels.data as BigInt64Array, Number);
    expect(src.labels).toEqual(index.map((i) => wantLabels[i]));
    const expected = want.data as Float32Array;
    const size = 3 * 32 * 32;
    let worst = 0;
    for await (const b of readBatches(src, 64, Infinity, null)) {
      for (let i = 0; i < b.data.length; i++) {
        const row = b.start + Math.floor(i / size);
        worst = Math.max(worst, Math.abs(b.data[i] - expected[index[row] * size + (i % size)]));
      }
    }
    // The PNGs hold the inputs rounded to 8 bits: within half a step, over std.
    expect(worst).toBeLessThanOrEqual(0.5 / 255 / 0.25 + 1e-5);
    await src.close();
  });

  it('NHWC lays the same pixels out channel-last', async () => {
    const a = await openDataSource(images, nchw, meta);
    const b = await openDataSource(images, { name: 'input', shape: [null, 32, 32, 3] }, { ...meta, layout: undefined });
    expect(b.rowShape).toEqual([32, 32, 3]);
    const [x, y] = [await a.read(5, 1), await b.read(5, 1)];
    for (const [c, h, w] of [[0, 0, 0], [1, 7, 20], [2, 31, 3]]) expect(y[(h * 32 + w) * 3 + c]).toBe(x[c * 1024 + h * 32 + w]);
  });

  it('decodes a JPEG and resizes it bilinearly (flat folder, no labels)', async () => {
    const flat = path.join(tmp, 'flat');
    mkdirSync(flat);
    const rgba = Buffer.alloc(16 * 16 * 4);
    for (let i = 0; i < 16 * 16; i++) rgba.set([200, 100, 50, 255], i * 4);
    writeFileSync(path.join(flat, 'a.JPG'), jpeg.encode({ width: 16, height: 16, data: rgba }, 95).data);
    writeFileSync(path.join(flat, 'b.png'), pngOf(4, 2, (x) => [x * 60, 0, 255]));
    writeFileSync(path.join(flat, 'notes.txt'), 'ignored');
    const src = await openDataSource(flat, { name: 'x', shape: [1, 3, 8, 8] });
    expect(src.rows).toBe(2);
    expect(src.labels).toBeNull();
    const rows = await src.read(0, 2);
    expect(rows[0] * 255).toBeCloseTo(200, -1); // JPEG is lossy: within a few levels
    expect(rows[64] * 255).toBeCloseTo(100, -1);
    expect(rows[128] * 255).toBeCloseTo(50, -1);
    // b.png: 4 wide → 8 wide, half-pixel centres: x = 0.5·(i + 0.5) − 0.5, clamped.
    const red = Array.from(rows.subarray(192, 200), (v) => Math.round(v * 255));
    expect(red).toEqual([0, 15, 45, 75, 105, 135, 165, 180]);
    expect(rows[192 + 128]).toBe(1);
  });

  it('a corrupt PNG names the file', async () => {
    const bad = path.join(tmp, 'bad', 'cat');
    mkdirSync(bad, { recursive: true });
    writeFileSync(path.join(bad, '0001.png'), pngOf(2, 2, () => [1, 2, 3]));
    writeFileSync(path.join(bad, '0002.png'), Buffer.concat([pngOf(2, 2, () => [1, 2, 3]).subarray(0, 40), Buffer.alloc(8)]));
    const src = await openDataSource(path.dirname(bad), { name: 'x', shape: [null, 3, 2, 2] });
    expect(src.labels).toEqual([0, 0]);
    const err = await errorOf(src.read(0, 2));
    expect(err.code).toBe('DATA_IMAGE_INVALID');
    expect(err.detail).toContain('0002.png');
  });

  it('a file that is no image format is refused by name', async () => {
    const odd = path.join(tmp, 'odd');
    mkdirSync(odd);
    writeFileSync(path.join(odd, 'x.jpeg'), 'GIF89a not really');
    const src = await openDataSource(odd, { name: 'x', shape: [null, 3, 2, 2] });
    const err = await errorOf(src.read(0, 1));
    expect(err.code).toBe('DATA_IMAGE_FORMAT');
    expect(err.detail).toContain('x.jpeg');
  });

  it('an empty folder is a clear error', async () => {
    const empty = path.join(tmp, 'empty');
    mkdirSync(path.join(empty, 'class-a'), { recursive: true });
    const err = await errorOf(openDataSource(empty, nchw, meta));
    expect(err.code).toBe('DATA_FOLDER_EMPTY');
  });

  it('images of another size than the model input are refused with both shapes', async () => {
    const err = await errorOf(openDataSource(images, nchw, { ...meta, size: [28, 28] }));
    expect(err.code).toBe('QUANT_DATA_SHAPE');
    expect(err.detail).toContain('[449, 3, 28, 28]');
  });

  it('preprocessing options are parsed or refused clearly', () => {
    expect(parsePreprocess({ size: '32,32', mean: '0.5', std: '0.25,0.25,0.25', layout: 'nhwc' })).toEqual({ size: [32, 32], mean: [0.5], std: [0.25, 0.25, 0.25], layout: 'NHWC' });
    expect(parsePreprocess({})).toBeUndefined();
    for (const bad of [{ size: '32' }, { size: '32,x' }, { size: '0,32' }, { mean: '1,2' }, { std: '0' }, { layout: 'CHW' }]) {
      expect(() => parsePreprocess(bad)).toThrow(AppError);
    }
  });
});
