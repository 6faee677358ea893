// Counters of the inference endpoint and periodic summaries of them. Percentiles and confidence come
// from the most recent requests of the model serving now (a bounded ring), the histogram counts every
// request since start, and summaries are kept in a bounded history for consoles that connect later.
import type { DeviceState, TelemetrySummary } from '../../device-protocol/messages.js';
import { percentile, summarize } from '../../../electron/core/util/stats.js';
import type { SketchSetData } from '../../device-protocol/drift/sketch-set.js';
import type { DriftWindow } from './drift-window.js';
import { SystemSampler } from './system-stats.js';
import { AppMetrics } from './app-metrics.js';

export const histogramBoundsMs = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000];
const recentCapacity = 2048;

class Ring {
  private values: number[] = [];
  private next = 0;

  constructor(private readonly capacity: number) {}

  push(v: number): void {
    if (this.values.length < this.capacity) this.values.push(v);
    else this.values[this.next] = v;
    this.next = (this.next + 1) % this.capacity;
  }

  all(): number[] {
    return [...this.values];
  }
}

export interface TelemetryContext {
  model: { name: string; version: string } | null;
  state: DeviceState;
}

export class Telemetry {
  requests = 0;
  errors = 0;
  private latencies = new Ring(recentCapacity);
  private confidences = new Ring(recentCapacity);
  // One more bucket than bounds: the last counts everything slower than the largest bound.
  private counts = new Array<number>(histogramBoundsMs.length + 1).fill(0);
  private history: TelemetrySummary[] = [];
  private seq = 0;
  private lastAt = Date.now();
  private lastRequests = 0;
  private lastErrors = 0;
  private sampler = new SystemSampler();
  private model: string | null = null;
  /** Keys of the drift windows already attached to a summary (only those the collector still holds). */
  private sentWindows = new Set<string>();
  /** The application's own metrics of the current window. */
  readonly appMetrics = new AppMetrics();

  constructor(
    private readonly historyLimit: number,
    private readonly drift: DriftWindow | null = null,
  ) {}

  /**
   * `model` names the model that answered (its sha256): percentiles and confidence describe the model
   * serving now, so a new one starts them afresh (the console's gates compare it against the one before).
   */
  record(latencyMs: number, ok: boolean, confidence: number | null, model?: string): void {
    if (model !== undefined && model !== this.model) {
      if (this.model !== null) {
        this.latencies = new Ring(recentCapacity);
        this.confidences = new Ring(recentCapacity);
      }
      this.model = model;
    }
    this.requests++;
    this.appMetrics.inference(model);
    if (!ok) {
      this.errors++;
      return;
    }
    this.latencies.push(latencyMs);
    const bucket = histogramBoundsMs.findIndex((b) => latencyMs <= b);
    this.counts[bucket === -1 ? histogramBoundsMs.length : bucket]++;
    if (confidence !== null && Number.isFinite(confidence)) this.confidences.push(confidence);
  }

  /** Makes a new summary and adds it to the history. */
  async summarize(ctx: TelemetryContext): Promise<TelemetrySummary> {
    const now = Date.now();
    const sys = await this.sampler.sample();
    const lat = this.latencies.all();
    const conf = this.confidences.all();
    const drift = this.newDriftWindows();
    const metrics = this.appMetrics.take();
    const summary: TelemetrySummary = {
      seq: ++this.seq,
      at: new Date(now).toISOString(),
      windowSec: (now - this.lastAt) / 1000,
      requests: this.requests,
      errors: this.errors,
      windowRequests: this.requests - this.lastRequests,
      windowErrors: this.errors - this.lastErrors,
      latencyMs: lat.length ? summarize(lat) : null,
      histogram: { boundsMs: histogramBoundsMs, counts: [...this.counts] },
      confidence: conf.length ? { mean: conf.reduce((a, b) => a + b, 0) / conf.length, p50: percentile(conf, 50), min: Math.min(...conf) } : null,
      ...sys,
      model: ctx.model,
      state: ctx.state,
      ...(drift.length ? { drift } : {}),
      ...(metrics ? { metrics } : {}),
    };
    this.lastAt = now;
    this.lastRequests = this.requests;
    this.lastErrors = this.errors;
    this.history.push(summary);
    if (this.history.length > this.historyLimit) this.history.splice(0, this.history.length - this.historyLimit);
    return summary;
  }

  /** Windows finished since the previous summary: each goes out once, in the summary that follows it. */
  private newDriftWindows(): SketchSetData[] {
    if (!this.drift) return [];
    const all = this.drift.windows();
    const key = (w: SketchSetData) => `${w.model}:${w.startMs}:${w.endMs}:${w.samples}`;
    const fresh = all.filter((w) => !this.sentWindows.has(key(w)));
    this.sentWindows = new Set(all.map(key));
    return fresh;
  }

  recent(limit: number): TelemetrySummary[] {
    return this.history.slice(-limit);
  }
}

/** Mean over rows of the largest softmax probability: how sure the model was of its answers. */
export function maxSoftmaxConfidence(data: Float32Array | Float64Array, dims: readonly number[]): number | null {
  const classes = dims.length ? dims[dims.length - 1] : data.length;
  if (!classes || data.length % classes !== 0) return null;
  const rows = data.length / classes;
  let total = 0;
  for (let r = 0; r < rows; r++) {
    let max = -Infinity;
    for (let c = 0; c < classes; c++) max = Math.max(max, data[r * classes + c]);
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += Math.exp(data[r * classes + c] - max);
    total += 1 / sum;
  }
  return total / rows;
}
