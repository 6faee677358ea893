// What the device handlers, discovery, the telemetry feed and the demo fleet share in the main thread.
import os from 'node:os';
import { AppError } from '../api/errors.js';
import type { EventBus } from '../api/event-bus.js';
import type { DeviceLink } from '../../../resources/device-protocol/device-link.js';
import { DeviceStore, type DeviceCredentials } from '../registry/device-store.js';
import type { Registry } from '../registry/registry.js';
import { ChangedEmitter } from './changed-emitter.js';
import { loadOrCreateConsoleKey, type ConsoleKey } from './console-key.js';
import { openLink } from './open-link.js';

export class DeviceContext {
  readonly store: DeviceStore;
  readonly changed: ChangedEmitter;
  private keyPromise: Promise<ConsoleKey> | null = null;

  constructor(
    readonly home: string,
    readonly registry: Registry,
    readonly bus: EventBus,
  ) {
    this.store = new DeviceStore(registry.db, undefined, registry.tokenSealer);
    this.changed = new ChangedEmitter(bus);
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
