// Business metrics: what the agent pays per report, how big a window's summary is, and what the
// console pays to store an hour of windows from 10,000 devices and to judge a metric gate over them
// (SQLite in a temporary file, as the console keeps it). Prints one JSON line.
// Usage: tsx scripts/bench/app-metrics-measure.ts [devices] [windowsPerDevice]
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TelemetrySummary } from '../../resources/device-protocol/messages.js';
import { AppMetricStore, appMetricMigrationSql } from '../../electron/core/metrics/app-metric-store.js';
import { evaluateGate, type DeviceObservation } from '../../electron/core/rollouts/gates.js';
import { seededRandom } from '../../electron/core/util/seeded-random.js';
import { AppMetrics, parseMetricBatch } from '../../resources/agent/src/app-metrics.js';

const devices = Number(process.argv[2] ?? 10_000);
const windows = Number(process.argv[3] ?? 12);
const rnd = seededRandom('app-metrics-bench');

// Agent side: one POST body parsed and added per inference, three names.
const agent = new AppMetrics();
const body = { metrics: [{ name: 'false_alarm', count: 1 }, { name: 'checkout_completed', count: 1 }, { name: 'queue_seconds', value: 3.2 }] };
const reports = 100_000;
let t0 = performance.now();
for (let i = 0; i < reports; i++) {
  agent.inference('sha');
  agent.add(parseMetricBatch(body), 'sha');
}
const agentReportUs = ((performance.now() - t0) * 1000) / reports;
const summaryBytes = Buffer.byteLength(JSON.stringify(agent.take()));

// Console side: windows of the old model (the hour before) and of the new one, three metrics each.
const dir = mkdtempSync(join(tmpdir(), 'ef-bench-metrics-'));
const db = new Database(join(dir, 'bench.db'));
db.pragma('journal_mode = WAL');
db.exec('CREATE TABLE devices (id TEXT PRIMARY KEY)');
db.exec(appMetricMigrationSql);
const ids = Array.from({ length: devices }, (_, i) => `dev-${i}`);
const insert = db.prepare('INSERT INTO devices (id) VALUES (?)');
db.transaction(() => ids.forEach((id) => insert.run(id)))();
const store = new AppMetricStore(db);
const start = Date.parse('2026-12-07T00:00:00Z');
const mark = start + windows * 300_000;
const summary = (seq: number, at: number, version: string, rate: number): TelemetrySummary =>
  ({
    seq,
    at: new Date(at).toISOString(),
    model: { name: 'detector', version },
    metrics: {
      false_alarm: { n: Math.round(300 * rate * (0.5 + rnd())), inferences: 300 },
      checkout_completed: { n: 280, inferences: 300 },
      queue_seconds: { n: 20, sum: 64, sumSq: 220, min: 1, max: 6 },
    },
  }) as unknown as TelemetrySummary;
t0 = performance.now();
db.transaction(() => {
  for (const id of ids) {
    const batch: TelemetrySummary[] = [];
    for (let w = 0; w < windows; w++) batch.push(summary(w + 1, start + w * 300_000, '1', 0.05));
    for (let w = 0; w < windows; w++) batch.push(summary(windows + w + 1, mark + w * 300_000, '2', 0.06));
    store.ingest(id, batch);
  }
})();
const ingestMs = performance.now() - t0;
const storedWindows = devices * windows * 2;

t0 = performance.now();
const observations: DeviceObservation[] = ids.map((id) => ({
  deviceId: id,
  deploy: 'ok',
  appMetrics: {
    candidate: store.totals(id, { model: { name: 'detector', version: '2' }, sinceMs: mark }),
    baseline: store.totals(id, { model: { name: 'detector', version: '1' }, untilMs: mark }),
  },
})) as unknown as DeviceObservation[];
const readMs = performance.now() - t0;
t0 = performance.now();
const result = evaluateGate({ kind: 'metric', metric: 'false_alarm', max: 1.05, minDevices: 1 }, observations);
const judgeMs = performance.now() - t0;
db.close();
rmSync(dir, { recursive: true, force: true });

process.stdout.write(
  JSON.stringify({ devices, windows, agentReportUs, summaryBytes, ingestMs, storedWindows, readMs, judgeMs, gate: { status: result.status, value: result.value, explanation: result.explanation } }) + '\n',
);
