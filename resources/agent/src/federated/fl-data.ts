// The device's own training data for federated rounds: a NAB-format CSV (timestamp,value) read from
// --fl-data or <data dir>/fl/data.csv, normalised with the global model's scale (its metadata_props,
// so every device and the console share one scale), cut into windows and split by time: the latest
// heldOutFraction of the windows is held out of training, with a gap so that no training window shares
// a reading with a held-out one. The data never leaves the device.
import { existsSync, promises as fsp } from 'node:fs';
import path from 'node:path';
import { AppError } from '../../../../electron/core/api/errors.js';
import { decodeModel } from '../../../../electron/core/onnx/codec.js';
import { parseNabCsv, slidingWindows, zNormalize, type SensorRow } from './sensor-windows.js';

/** How the global model wants its input: the normalisation and the windowing, from its metadata_props. */
export interface FlScale {
  mean: number;
  std: number;
  window: number;
  stride: number;
}

export interface LocalSplit {
  train: Float32Array[];
  heldOut: Float32Array[];
}

export const flMetadataKeys = { mean: 'edgefleet.fl.mean', std: 'edgefleet.fl.std', window: 'edgefleet.fl.window', stride: 'edgefleet.fl.stride' } as const;

/** The data file: --fl-data when given (it must exist), else <data dir>/fl/data.csv (used when it appears). */
export function resolveFlDataFile(flData: string | null | undefined, dataDir: string): string {
  if (flData) {
    const file = path.resolve(flData);
    if (!existsSync(file)) throw new Error(`--fl-data ${flData}: no such file. Give a CSV of timestamp,value readings, or leave the option out.`);
    return file;
  }
  return path.join(dataDir, 'fl', 'data.csv');
}

/** The scale stored in a federated model's metadata_props; FL_MODEL_NOT_FEDERATED when it has none. */
export function flScaleOf(modelBytes: Uint8Array): FlScale {
  let props: Map<string, string>;
  try {
    props = new Map((decodeModel(modelBytes).metadata_props ?? []).map((p) => [p.key ?? '', p.value ?? '']));
  } catch {
    throw notFederated('The active model could not be read as ONNX.');
  }
  const missing = Object.values(flMetadataKeys).filter((k) => !props.has(k));
  if (missing.length) throw notFederated(`Its ONNX metadata_props lack ${missing.join(', ')}.`);
  const num = (k: string) => Number(props.get(k));
  const scale = { mean: num(flMetadataKeys.mean), std: num(flMetadataKeys.std), window: num(flMetadataKeys.window), stride: num(flMetadataKeys.stride) };
  if (!Number.isFinite(scale.mean) || !(scale.std > 0) || !Number.isInteger(scale.window) || scale.window < 1 || !Number.isInteger(scale.stride) || scale.stride < 1) {
    throw notFederated(`Its metadata says mean ${props.get(flMetadataKeys.mean)}, std ${props.get(flMetadataKeys.std)}, window ${props.get(flMetadataKeys.window)}, stride ${props.get(flMetadataKeys.stride)}: a finite mean, a std > 0 and whole window and stride ≥ 1 are needed.`);
  }
  return scale;
}

function notFederated(why: string): AppError {
  return new AppError('FL_MODEL_NOT_FEDERATED', 'The active model is not set up for federated learning', `${why} Deploy a global model made for federated rounds (e.g. resources/models/sensor-autoencoder), which carries the normalisation and windowing every device uses.`);
}

/**
 * Windows `0 … n−1` (window i starts at reading i·stride); the last ⌈n·heldOutFraction⌉ are held out,
 * and training takes only the windows that end before the first held-out one starts.
 */
export function splitByTime(windows: Float32Array[], window: number, stride: number, heldOutFraction: number): LocalSplit {
  const n = windows.length;
  const heldStart = n - Math.min(n, Math.ceil(n * heldOutFraction));
  const trainEnd = Math.max(0, Math.min(heldStart, heldStart - Math.ceil(window / stride) + 1));
  return { train: windows.slice(0, trainEnd), heldOut: windows.slice(heldStart) };
}

/** The local CSV, parsed once per file version, and its split for one scale. */
export class LocalData {
  private rows: { stamp: string; rows: SensorRow[] } | null = null;
  private split: { key: string; split: LocalSplit } | null = null;

  constructor(readonly file: string) {}

  /** True while the file exists (checked on every call: data can be put in place while the agent runs). */
  available(): boolean {
    return existsSync(this.file);
  }

  async windows(scale: FlScale, heldOutFraction: number): Promise<LocalSplit> {
    const rows = await this.load();
    const key = JSON.stringify([this.rows?.stamp, scale, heldOutFraction]);
    if (this.split?.key === key) return this.split.split;
    const values = zNormalize(rows, { mean: scale.mean, std: scale.std }).values;
    const split = splitByTime(slidingWindows(values, scale.window, scale.stride), scale.window, scale.stride, heldOutFraction);
    this.split = { key, split };
    return split;
  }

  private async load(): Promise<SensorRow[]> {
    let stamp: string;
    try {
      const st = await fsp.stat(this.file);
      stamp = `${st.size}:${st.mtimeMs}`;
    } catch {
      throw noData(`${this.file} does not exist.`);
    }
    if (this.rows?.stamp === stamp) return this.rows.rows;
    const rows = parseNabCsv(await fsp.readFile(this.file, 'utf8'), this.file);
    this.rows = { stamp, rows };
    return rows;
  }
}

export function noData(why: string): AppError {
  return new AppError('FL_NO_DATA', 'No local training data', `${why} Start the agent with --fl-data FILE (a CSV of timestamp,value readings) or put the file at <data dir>/fl/data.csv.`);
}
