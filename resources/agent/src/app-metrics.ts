// Named metrics the device's application reports (POST /v1/metrics on the local endpoint), summed per
// telemetry window. Counts are events (a rate per inference is n / inferences of the same window);
// values are observations (n, sum, sumSq, min, max: enough for a mean and a variance). Once a count
// has been reported under a model, every later window carries it, with n 0 when nothing happened, so
// quiet windows still count their inferences in the rate (an application that wants every inference
// counted from the start reports its counts once with count 0). A window belongs to one model: when
// the serving model changes, what was gathered for the previous one is dropped, so nothing reported
// under an old model is credited to the new one.
import { z } from 'zod';
import { AppError } from '../../../electron/core/api/errors.js';
import type { AppMetricSummary } from '../../device-protocol/messages.js';
import { metricNamePattern } from '../../device-protocol/metric-name.js';

/** Most metrics in one POST. */
export const maxMetricsPerBatch = 100;
/** Most distinct names under one model; a new name beyond it is refused until the model changes. */
export const maxMetricNamesPerWindow = 64;

const metricSchema = z.union([
  z.object({ name: z.string(), count: z.number().int().min(0).max(1_000_000) }).strict(),
  z.object({ name: z.string(), value: z.number().finite() }).strict(),
]);
const batchSchema = z.object({ metrics: z.array(z.unknown()).min(1) }).strict();

export type AppMetric = { name: string; count: number } | { name: string; value: number };

/** Checks a POST body; bad input is a REQUEST_INVALID naming the entry and the fix. */
export function parseMetricBatch(body: unknown): AppMetric[] {
  const batch = batchSchema.safeParse(body);
  if (!batch.success) {
    throw new AppError('REQUEST_INVALID', 'Send {"metrics": [...]}', 'The body must be {"metrics": [{"name": "checkout_completed", "count": 1}, {"name": "queue_seconds", "value": 3.2}]} with at least one entry.');
  }
  if (batch.data.metrics.length > maxMetricsPerBatch) {
    throw new AppError('REQUEST_INVALID', 'Too many metrics in one request', `One request carries at most ${maxMetricsPerBatch} metrics; this one has ${batch.data.metrics.length}. Send them in several requests.`);
  }
  return batch.data.metrics.map((m, i) => {
    const parsed = metricSchema.safeParse(m);
    if (!parsed.success) {
      throw new AppError('REQUEST_INVALID', `Metric ${i} is not valid`, 'Each metric is {"name", "count": a whole number 0 ... 1000000} (events) or {"name", "value": a finite number} (an observation), never both.');
    }
    if (!metricNamePattern.test(parsed.data.name)) {
      throw new AppError('REQUEST_INVALID', `Metric name "${parsed.data.name.slice(0, 80)}" is not valid`, 'Names are 1 to 64 characters: a lowercase letter, then lowercase letters, digits or _ (for example false_alarm).');
    }
    return parsed.data;
  });
}

interface Acc {
  kind: 'count' | 'value';
  n: number;
  sum: number;
  sumSq: number;
  min: number;
  max: number;
}

export class AppMetrics {
  private acc = new Map<string, Acc>();
  private inferences = 0;
  private model: string | null = null;

  /** An inference the model answered or failed; `model` is its sha256 when known. */
  inference(model: string | undefined): void {
    this.follow(model);
    this.inferences++;
  }

  /** Adds a checked batch under the model serving now; all or nothing. */
  add(batch: readonly AppMetric[], model: string | null): void {
    this.follow(model ?? undefined);
    const names = new Set(this.acc.keys());
    for (const m of batch) {
      const kind = 'count' in m ? 'count' : 'value';
      const had = this.acc.get(m.name)?.kind;
      if (had && had !== kind) {
        throw new AppError('REQUEST_INVALID', `Metric "${m.name}" mixes counts and values`, `"${m.name}" was reported as a ${had} in this window: keep one kind per name.`);
      }
      names.add(m.name);
    }
    if (names.size > maxMetricNamesPerWindow) {
      throw new AppError('REQUEST_INVALID', 'Too many metric names', `At most ${maxMetricNamesPerWindow} distinct names per model; this request would make ${names.size}. Use fewer names.`);
    }
    for (const m of batch) {
      const kind = 'count' in m ? 'count' : 'value';
      const a = this.acc.get(m.name) ?? { kind, n: 0, sum: 0, sumSq: 0, min: Infinity, max: -Infinity };
      if ('count' in m) a.n += m.count;
      else {
        a.n++;
        a.sum += m.value;
        a.sumSq += m.value * m.value;
        a.min = Math.min(a.min, m.value);
        a.max = Math.max(a.max, m.value);
      }
      this.acc.set(m.name, a);
    }
  }

  /** What the window gathered, then a fresh window (count names carry on); undefined when there is nothing to say. */
  take(): Record<string, AppMetricSummary> | undefined {
    const out: Record<string, AppMetricSummary> = {};
    for (const [name, a] of this.acc) {
      if (a.kind === 'count' && (a.n > 0 || this.inferences > 0)) out[name] = { n: a.n, inferences: this.inferences };
      if (a.kind === 'value' && a.n > 0) out[name] = { n: a.n, sum: a.sum, sumSq: a.sumSq, min: a.min, max: a.max };
      Object.assign(a, { n: 0, sum: 0, sumSq: 0, min: Infinity, max: -Infinity });
    }
    this.inferences = 0;
    return Object.keys(out).length ? out : undefined;
  }

  private follow(model: string | undefined): void {
    if (model === undefined || model === this.model) return;
    if (this.model !== null) {
      this.acc = new Map();
      this.inferences = 0;
    }
    this.model = model;
  }
}
