// Sample data behind one interface: an .npy file of float32 rows, or a folder of images preprocessed
// into rows (labelled when it has class subfolders). Calibration, evaluation, sensitivity, tuning and
// the safety net all read through it.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { ImagePreprocess } from '../../api/types.js';
import { AppError } from '../../api/errors.js';
import { checkFinite, checkRowShape, openSamples, type ModelDim } from '../calibrate/npy-batches.js';
import { listImages, readImageRows } from './image-folder.js';
import { resolvePreprocess, rowShapeOf } from './preprocess.js';

export interface DataSource {
  /** The file or folder, for messages. */
  path: string;
  rows: number;
  /** Shape of one sample (the model input without its batch axis). */
  rowShape: number[];
  /** Labels from the folder layout; null for .npy files and flat folders. */
  labels: number[] | null;
  read(start: number, count: number): Promise<Float32Array>;
  close(): Promise<void>;
}

export interface ModelInputInfo {
  name: string;
  shape: ModelDim[] | null;
}

async function isFolder(p: string): Promise<boolean> {
  try {
    return (await fsp.stat(p)).isDirectory();
  } catch (err) {
    throw new AppError('DATA_NOT_FOUND', 'Sample data not found', `${p}: ${(err as Error).message.split('\n')[0]}`);
  }
}

/** Opens `file` (an .npy file or an image folder) and checks it fits the model input. */
export async function openDataSource(file: string, input: ModelInputInfo, preprocess?: ImagePreprocess): Promise<DataSource> {
  if (!(await isFolder(file))) {
    const npy = await openSamples(file, input);
    const rowShape = npy.header.shape.slice(1);
    return {
      path: file,
      rows: npy.rows,
      rowShape,
      labels: null,
      read: async (start, count) => (await npy.readRows(start, count)).data as Float32Array,
      close: () => npy.close(),
    };
  }
  const p = resolvePreprocess(preprocess, input);
  const list = await listImages(file);
  const rowShape = rowShapeOf(p);
  checkRowShape(path.basename(file), [list.files.length, ...rowShape], input);
  return { path: file, rows: list.files.length, rowShape, labels: list.labels, read: (start, count) => readImageRows(list, p, start, count), close: async () => {} };
}

/** Batches of rows with the model's batch dimension; a fixed batch dim of 1 forces batch 1. */
export async function* readBatches(src: DataSource, batch: number, maxSamples: number, fixedBatch: number | null): AsyncGenerator<{ start: number; data: Float32Array; shape: number[] }> {
  const rows = Math.min(src.rows, maxSamples);
  const step = fixedBatch ?? batch;
  const rowSize = src.rowShape.reduce((a, b) => a * b, 1);
  for (let start = 0; start + (fixedBatch ? step : 1) <= rows; start += step) {
    const count = Math.min(step, rows - start);
    const data = await src.read(start, count);
    checkFinite(data, src.path, start, rowSize);
    yield { start, data, shape: [count, ...src.rowShape] };
  }
}
