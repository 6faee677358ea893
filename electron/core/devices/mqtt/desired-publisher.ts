// Sets an MQTT device's desired state: the next version in the console database first (the source of
// truth), then the signed document as a retained message on the device's `state/desired` topic. A
// broker that cannot be reached leaves the row unpublished; republishPending sends it later.
import { AppError } from '../../api/errors.js';
import type { ModelSummary } from '../../api/types.js';
import { isDowngrade, nextRelease, signFor } from '../release-counter.js';
import type { DeviceContext } from '../device-context.js';
import type { SignedManifest } from '../../../../resources/device-protocol/messages.js';
import { desiredVersion, signDesiredState, type DesiredModel } from '../../../../resources/device-protocol/mqtt/desired-state.js';
import { deviceTopics } from '../../../../resources/device-protocol/mqtt/topics.js';
import { readArtifactBaseUrl } from './artifacts-url.js';
import { BrokerConnection } from './broker-connection.js';
import { DesiredStore, type DesiredRow } from './desired-store.js';
import { parseMqttAddress } from './mqtt-address.js';
import { brokerTls } from './open-mqtt-link.js';

export interface DesiredModelInput {
  model: Pick<ModelSummary, 'name' | 'version' | 'sha256' | 'sizeBytes'>;
  /** The manifest the device already accepted (after a rollout confirmed it); a new one is signed when absent. */
  signed?: SignedManifest;
  /** The device confirms the trial itself after this many healthy seconds (default 300). */
  healthyWindowSec?: number;
}

export const defaultHealthyWindowSec = 300;

export function requireMqttDevice(ctx: DeviceContext, deviceId: string) {
  const device = ctx.store.get(deviceId);
  if (!device) throw new AppError('DEVICE_NOT_FOUND', 'Device not found', `No device ${deviceId} in the inventory. See \`edgefleet devices\`.`);
  if (device.transport !== 'mqtt' || !device.paired) {
    throw new AppError('DESIRED_NOT_MQTT', 'Desired state is for devices behind a broker', `${device.name} is a ${device.transport} device${device.paired ? '' : ' that is not paired'}; desired state travels as a retained MQTT message. Deploy to it with \`edgefleet deploy\`.`);
  }
  return device;
}

/** Records the next desired version for a device and publishes it; `want` null clears the model. */
export async function setDesiredState(ctx: DeviceContext, deviceId: string, want: DesiredModelInput | null, source: string): Promise<{ row: DesiredRow; published: boolean }> {
  const device = requireMqttDevice(ctx, deviceId);
  const key = await ctx.consoleKey();
  const store = new DesiredStore(ctx.registry.db);
  const row = store.next(deviceId, (version) => {
    let model: DesiredModel | null = null;
    if (want) {
      const m = want.model;
      const signed =
        want.signed ??
        signFor(
          key.privateKey,
          { name: m.name, version: String(m.version), sha256: m.sha256, size: m.sizeBytes, created: new Date().toISOString(), release: nextRelease(ctx.registry.db) },
          { deviceId, status: null, downgrade: isDowngrade(m, device.activeModel) },
        );
      const base = readArtifactBaseUrl(ctx.home);
      const url = base ? `${base}/sha256/${m.sha256}` : null;
      model = { signed, ...(url ? { url } : {}), activate: { healthyWindowSec: want.healthyWindowSec ?? defaultHealthyWindowSec } };
    }
    const doc = signDesiredState(key.privateKey, { v: desiredVersion, dev: deviceId, version, at: new Date().toISOString(), model, source });
    return { document: JSON.stringify(doc), sha256: model?.signed.manifest.sha256 ?? null, source };
  });
  const published = await publishDesired(ctx, row);
  return { row: store.get(deviceId) ?? row, published };
}

/** Sends a row's document as the retained desired state; true once the broker acknowledged it. */
export async function publishDesired(ctx: DeviceContext, row: DesiredRow, timeoutMs = 10_000): Promise<boolean> {
  if (!row.document) return true;
  const device = ctx.store.get(row.deviceId);
  if (!device) return false;
  const { brokerUrl } = parseMqttAddress(device.address);
  const conn = BrokerConnection.acquire(brokerUrl, brokerUrl.startsWith('mqtts:') ? brokerTls(ctx.home) : {});
  try {
    const acked = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      conn.client.publish(deviceTopics(row.deviceId).desired, row.document, { qos: 1, retain: true, properties: { contentType: 'application/json' } }, (err) => {
        clearTimeout(timer);
        resolve(!err);
      });
    });
    if (acked) new DesiredStore(ctx.registry.db).markPublished(row.deviceId, row.version);
    return acked;
  } finally {
    conn.release();
  }
}

/** Publishes every desired version the broker has not acknowledged yet (after an outage); returns how many went out. */
export async function republishPending(ctx: DeviceContext): Promise<number> {
  let sent = 0;
  for (const row of new DesiredStore(ctx.registry.db).unpublished()) if (await publishDesired(ctx, row)) sent++;
  return sent;
}
