// What the device handlers, discovery, the telemetry feed and the demo fleet share in the main thread.
import os from 'node:os';
import { AppError } from '../api/errors.js';
import type { EventBus } from '../api/event-bus.js';
import type { DeviceLink } from '../../../resources/device-protocol/device-link.js';
import type { TelemetrySummary } from '../../../resources/device-protocol/messages.js';
import { judgeDeviceDrift } from '../drift/device-drift.js';
import { DriftStore } from '../drift/drift-store.js';
import { ReferenceStore } from '../drift/reference-store.js';
import { AppMetricStore } from '../metrics/app-metric-store.js';
import { DeviceStore, type DeviceCredentials } from '../registry/device-store.js';
import type { Registry } from '../registry/registry.js';
import { ChangedEmitter } from './changed-emitter.js';
import { healthWithDrift } from './health.js';
import { loadOrCreateConsoleKey, type ConsoleKey } from './console-key.js';
import { openLink } from './open-link.js';

export class DeviceContext {
  readonly store: DeviceStore;
  readonly changed: ChangedEmitter;
  readonly drift: DriftStore;
  /** Drift reference profiles per model version, made on first need. */
  readonly references: ReferenceStore;
  /** The application metrics telemetry summaries carried. */
  readonly appMetrics: AppMetricStore;
  private keyPromise: Promise<ConsoleKey> | null = null;
  private readonly judging = new Set<string>();
  private readonly judgeAgain = new Set<string>();

  constructor(
    readonly home: string,
    readonly registry: Registry,
    readonly bus: EventBus,
  ) {
    this.store = new DeviceStore(registry.db, undefined, registry.tokenSealer);
    this.changed = new ChangedEmitter(bus);
    this.drift = new DriftStore(registry.db);
    this.references = new ReferenceStore(home, registry);
    this.appMetrics = new AppMetricStore(registry.db);
  }

  /**
   * Stores what telemetry summaries carry beyond counters: drift windows and application metrics. A
   * sketch the console cannot read is a device protocol problem: it becomes the device's lastError
   * (naming the field), and the other windows still go in.
   */
  ingestWindows(id: string, summaries: readonly TelemetrySummary[]): void {
    if (!summaries.some((s) => s.drift?.length || s.metrics) || !this.store.get(id)) return;
    let stored = 0;
    for (const s of summaries) {
      const r = this.drift.ingest(id, s.drift);
      stored += r.stored;
      if (r.problem) this.store.upsert(id, { lastError: r.problem });
    }
    this.appMetrics.ingest(id, summaries);
    if (stored > 0) this.judgeDriftSoon(id);
  }

  /** The Fleet grid's drift column: the active model's last hour, judged off the ingest path (a reference may need building). */
  private judgeDriftSoon(id: string): void {
    if (this.judging.has(id)) {
      this.judgeAgain.add(id);
      return;
    }
    this.judging.add(id);
    void judgeDeviceDrift(this, id)
      .then((drift) => {
        const device = this.store.get(id);
        if (drift !== undefined && device) {
          this.store.upsert(id, { drift, health: healthWithDrift(device.health, drift) });
          this.changed.mark(id);
        }
      })
      .catch(() => undefined)
      .finally(() => {
        this.judging.delete(id);
        if (this.judgeAgain.delete(id)) this.judgeDriftSoon(id);
      });
  }

  consoleKey(): Promise<ConsoleKey> {
    this.keyPromise ??= loadOrCreateConsoleKey(this.home);
    return this.keyPromise;
  }

  consoleName(): string {
    return `EdgeFleet console on ${os.hostname()}`;
  }

  credentials(id: string): DeviceCredentials {
    const device = this.store.get(id);
    if (!device) throw new AppError('DEVICE_NOT_FOUND', 'Device not found', `No device with id ${id} is in the inventory. List them with \`edgefleet devices\`.`);
    const creds = this.store.credentials(id, { strict: true });
    // A pinned certificate without a token: the device refused the token it gave (telemetry-feed.ts).
    if (!creds && device.transport === 'lan' && device.fingerprint) {
      throw new AppError('DEVICE_PAIRING_REVOKED', 'Device needs pairing again', `${device.name} (${device.address}) no longer accepts this console's token: it was paired with another console or given a new pairing code. Read the code on the device and pair it again.`);
    }
    if (!creds) throw new AppError('DEVICE_NOT_PAIRED', 'Device not paired', `${device.name} (${device.address}) is not paired yet: pair it with the code shown on the device.`);
    return { ...creds, consoleHome: this.home };
  }

  /** A link to a paired device over its transport; close it when done. */
  link(id: string, timeoutMs = 30_000): DeviceLink {
    return openLink(this.credentials(id), timeoutMs);
  }
}
