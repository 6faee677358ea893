// The application metrics each telemetry summary carried, one row per (device, summary): a summary
// read again from the device's history is stored once. Rollout gates read them back by model and time.
import type Database from 'better-sqlite3';
import type { TelemetrySummary } from '../../../resources/device-protocol/messages.js';
import { telemetrySummarySchema } from '../../../resources/device-protocol/messages.js';
import { prepared } from '../registry/prepared.js';
import type { DeviceAppMetrics } from '../api/types.js';
import { addMetricWindow, metricStats, type MetricTotals } from './app-metric-stats.js';

export const appMetricMigrationSql = `
  CREATE TABLE app_metric_windows (
    device_id TEXT NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
    at_ms INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    model_name TEXT,
    model_version TEXT,
    metrics_json TEXT NOT NULL,
    PRIMARY KEY (device_id, at_ms, seq)
  );
`;

const metricsSchema = telemetrySummarySchema.shape.metrics;

export interface MetricQuery {
  model: { name: string; version: string };
  sinceMs?: number;
  untilMs?: number;
}

export class AppMetricStore {
  constructor(private readonly db: Database.Database) {}

  /** Stores the summaries' metrics; a summary whose metrics do not parse is skipped and counted. */
  ingest(deviceId: string, summaries: readonly TelemetrySummary[]): { stored: number; rejected: number } {
    let stored = 0;
    let rejected = 0;
    const stmt = prepared(this.db, 'INSERT OR IGNORE INTO app_metric_windows (device_id, at_ms, seq, model_name, model_version, metrics_json) VALUES (?, ?, ?, ?, ?, ?)');
    for (const s of summaries) {
      if (!s.metrics) continue;
      const parsed = metricsSchema.safeParse(s.metrics);
      const at = Date.parse(s.at);
      if (!parsed.success || !parsed.data || !Number.isFinite(at)) {
        rejected++;
        continue;
      }
      stored += stmt.run(deviceId, at, s.seq, s.model?.name ?? null, s.model?.version ?? null, JSON.stringify(parsed.data)).changes;
    }
    return { stored, rejected };
  }

  /** The device's metrics since `sinceMs`, summed per model it served, the latest model first. */
  byModel(deviceId: string, sinceMs: number): DeviceAppMetrics['models'] {
    const rows = prepared(this.db, 'SELECT at_ms, model_name, model_version, metrics_json FROM app_metric_windows WHERE device_id = ? AND at_ms >= ? ORDER BY at_ms').all(deviceId, sinceMs) as {
      at_ms: number;
      model_name: string | null;
      model_version: string | null;
      metrics_json: string;
    }[];
    const groups = new Map<string, { modelName: string | null; modelVersion: string | null; firstAt: number; lastAt: number; windows: number; totals: MetricTotals }>();
    for (const r of rows) {
      const key = `${r.model_name ?? ''}\0${r.model_version ?? ''}`;
      const g = groups.get(key) ?? { modelName: r.model_name, modelVersion: r.model_version, firstAt: r.at_ms, lastAt: r.at_ms, windows: 0, totals: {} };
      g.lastAt = r.at_ms;
      g.windows++;
      addMetricWindow(g.totals, JSON.parse(r.metrics_json) as NonNullable<TelemetrySummary['metrics']>);
      groups.set(key, g);
    }
    return [...groups.values()]
      .sort((a, b) => b.lastAt - a.lastAt)
      .map((g) => ({ modelName: g.modelName, modelVersion: g.modelVersion, from: new Date(g.firstAt).toISOString(), to: new Date(g.lastAt).toISOString(), windows: g.windows, metrics: metricStats([g.totals]) }));
  }

  /** The device's metrics under one model in [sinceMs, untilMs), summed. */
  totals(deviceId: string, q: MetricQuery): MetricTotals {
    const rows = prepared(
      this.db,
      'SELECT metrics_json FROM app_metric_windows WHERE device_id = ? AND model_name = ? AND model_version = ? AND at_ms >= ? AND at_ms < ? ORDER BY at_ms',
    )
      .pluck()
      .all(deviceId, q.model.name, q.model.version, q.sinceMs ?? 0, q.untilMs ?? Number.MAX_SAFE_INTEGER) as string[];
    const out: MetricTotals = {};
    for (const r of rows) addMetricWindow(out, JSON.parse(r) as NonNullable<TelemetrySummary['metrics']>);
    return out;
  }
}
