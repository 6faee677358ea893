// Univariate sensor series in the Numenta Anomaly Benchmark's form (a `timestamp,value` CSV and the
// labelled anomaly windows of combined_windows.json), turned into what the autoencoder trains and is
// judged on: z-normalised sliding windows, a label per window, and a non-IID split across simulated
// devices. Pure functions, for the agent and the console alike.
import { z } from 'zod';
import { AppError } from '../../../../electron/core/api/errors.js';
import { seededRandom } from '../../../../electron/core/util/seeded-random.js';

export interface SensorRow {
  /** Milliseconds since the epoch; NAB's timestamps carry no zone and are read as UTC. */
  time: number;
  value: number;
}

/** A labelled anomaly, both ends included (ms since the epoch, UTC). */
export interface AnomalyWindow {
  start: number;
  end: number;
}

export interface SeriesStats {
  mean: number;
  std: number;
}

const timestampPattern = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/;

/** "2013-12-02 21:15:00" or "2013-12-10 06:25:00.000000" as ms since the epoch (UTC); null if not one. */
export function parseNabTimestamp(text: string): number | null {
  const m = timestampPattern.exec(text.trim());
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const ms = m[7] ? Math.floor(Number(`0.${m[7]}`) * 1000) : 0;
  const time = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  const back = new Date(time);
  // Date.UTC rolls 2014-02-30 over to March: refuse dates that do not exist.
  if (back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) return null;
  return time;
}

/**
 * Rows of a NAB data file, in file order; `source` names the file in errors. Time order is not enforced:
 * NAB's own machine_temperature file steps back once (line 10151 repeats the hour from 02:00 on 2014-01-07).
 */
export function parseNabCsv(text: string, source = 'The CSV'): SensorRow[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const bad = (line: number, detail: string): never => {
    throw new AppError('SENSOR_CSV_INVALID', 'Sensor data not readable', `${source}, line ${line}: ${detail}`);
  };
  if (lines[0].trim().toLowerCase() !== 'timestamp,value') bad(1, `the header should be "timestamp,value" but is "${lines[0].slice(0, 80)}".`);
  const rows: SensorRow[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    const fields = line.split(',');
    if (fields.length !== 2) bad(i + 1, `expected 2 fields (timestamp,value) but found ${fields.length}.`);
    const time = parseNabTimestamp(fields[0]);
    if (time === null) bad(i + 1, `"${fields[0].slice(0, 40)}" is not a timestamp like 2013-12-02 21:15:00.`);
    const value = fields[1].trim() === '' ? NaN : Number(fields[1]);
    if (!Number.isFinite(value)) bad(i + 1, `value "${fields[1].slice(0, 40)}" is not a number.`);
    rows.push({ time: time!, value });
  }
  if (rows.length === 0) bad(2, 'there are no readings after the header.');
  return rows;
}

const labelsSchema = z.record(z.string(), z.array(z.tuple([z.string(), z.string()])));

/**
 * The anomaly windows for one data file from NAB's combined_windows.json (parsed or as text). `file` is
 * its key ("realKnownCause/machine_temperature_system_failure.csv") or just the file name.
 */
export function parseNabLabels(json: unknown, file: string): AnomalyWindow[] {
  const bad = (detail: string): never => {
    throw new AppError('SENSOR_LABELS_INVALID', 'Anomaly labels not readable', detail);
  };
  let value = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json);
    } catch {
      bad('The labels are not JSON; expected NAB\'s combined_windows.json: {"dir/file.csv": [["start", "end"], ...]}.');
    }
  }
  const parsed = labelsSchema.safeParse(value);
  if (!parsed.success) bad('Expected NAB\'s combined_windows.json form: {"dir/file.csv": [["start", "end"], ...]}.');
  const keys = Object.keys(parsed.data!);
  const key = keys.find((k) => k === file) ?? keys.find((k) => k.endsWith(`/${file}`));
  if (key === undefined) bad(`The labels have no entry for "${file}"; they cover ${keys.slice(0, 5).join(', ') || 'no file'}${keys.length > 5 ? ', …' : ''}.`);
  return parsed.data![key!].map(([a, b], i) => {
    const [start, end] = [parseNabTimestamp(a), parseNabTimestamp(b)];
    if (start === null || end === null || end < start) bad(`Window ${i} of "${key}" (${a} … ${b}) is not a pair of timestamps in order.`);
    return { start: start!, end: end! };
  });
}

export function seriesStats(values: ArrayLike<number>): SeriesStats {
  let mean = 0;
  for (let i = 0; i < values.length; i++) mean += values[i];
  mean /= values.length;
  let sq = 0;
  for (let i = 0; i < values.length; i++) sq += (values[i] - mean) ** 2;
  return { mean, std: Math.sqrt(sq / values.length) };
}

/** (value − mean) / std, with the given stats (a reference period's) or the rows' own. */
export function zNormalize(rows: readonly SensorRow[], stats: SeriesStats = seriesStats(rows.map((r) => r.value))): { values: Float32Array; stats: SeriesStats } {
  if (!Number.isFinite(stats.mean) || !Number.isFinite(stats.std) || stats.std <= 0) {
    throw new AppError(
      'SENSOR_STATS_INVALID',
      'Cannot normalise the sensor data',
      `Normalising needs a finite mean and a standard deviation > 0; got mean ${stats.mean}, std ${stats.std}${rows.length ? '' : ' (no rows)'}. A constant series needs stats from a reference period.`,
    );
  }
  return { values: Float32Array.from(rows, (r) => (r.value - stats.mean) / stats.std), stats };
}

export function windowCount(length: number, windowLength: number, stride: number): number {
  return length < windowLength ? 0 : Math.floor((length - windowLength) / stride) + 1;
}

/** Windows of `windowLength` values starting every `stride` values (copies); window i starts at i·stride. */
export function slidingWindows(values: Float32Array, windowLength: number, stride: number): Float32Array[] {
  checkWindowing(windowLength, stride);
  const out: Float32Array[] = [];
  for (let i = 0; i < windowCount(values.length, windowLength, stride); i++) out.push(values.slice(i * stride, i * stride + windowLength));
  return out;
}

/** For each window of `slidingWindows(rows, windowLength, stride)`: does a reading in it fall in a labelled anomaly? */
export function windowLabels(rows: readonly SensorRow[], windowLength: number, stride: number, anomalies: readonly AnomalyWindow[]): boolean[] {
  checkWindowing(windowLength, stride);
  // before[i]: readings before row i that lie in an anomaly, so a window's count is one subtraction.
  const before = new Uint32Array(rows.length + 1);
  rows.forEach((r, i) => (before[i + 1] = before[i] + (anomalies.some((a) => r.time >= a.start && r.time <= a.end) ? 1 : 0)));
  return Array.from({ length: windowCount(rows.length, windowLength, stride) }, (_, i) => before[i * stride + windowLength] > before[i * stride]);
}

export interface DeviceSeries {
  device: number;
  /** The device's period: its first and last reading's time. */
  from: number;
  to: number;
  /** Its sensor reads value · scale + offset. */
  offset: number;
  scale: number;
  rows: SensorRow[];
}

/**
 * Simulated devices that differ the way factory machines do (non-IID): device i gets the i-th of
 * `count` contiguous periods of equal length and a sensor with its own gain (0.8 … 1.2) and offset
 * (± half the series' standard deviation), both drawn from `seed`.
 */
export function splitForDevices(rows: readonly SensorRow[], count: number, seed: number): DeviceSeries[] {
  if (!Number.isInteger(count) || count < 1 || count > rows.length) {
    throw new AppError('SENSOR_SPLIT_INVALID', 'Cannot split the sensor data', `The device count must be a whole number from 1 to the number of rows (${rows.length}); got ${count}.`);
  }
  const random = seededRandom(seed);
  const { std } = seriesStats(rows.map((r) => r.value));
  return Array.from({ length: count }, (_, device) => {
    const part = rows.slice(Math.floor((device * rows.length) / count), Math.floor(((device + 1) * rows.length) / count));
    const scale = 0.8 + 0.4 * random();
    const offset = (random() - 0.5) * std;
    return { device, from: part[0].time, to: part[part.length - 1].time, offset, scale, rows: part.map((r) => ({ time: r.time, value: r.value * scale + offset })) };
  });
}

function checkWindowing(windowLength: number, stride: number): void {
  if (!Number.isInteger(windowLength) || windowLength < 1 || !Number.isInteger(stride) || stride < 1) {
    throw new AppError('SENSOR_WINDOW_INVALID', 'Cannot cut windows', `Window length and stride are whole numbers ≥ 1; got length ${windowLength}, stride ${stride}.`);
  }
}
