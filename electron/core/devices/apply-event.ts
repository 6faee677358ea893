// What an event a device pushes does to the inventory, whichever binding carried it (the HTTPS
// event stream, MQTT): a status updates the slots and judged health, a telemetry summary goes into
// the device's history with its health and state.
import type { DeviceEvent, DeviceStatus } from '../../../resources/device-protocol/messages.js';
import type { DeviceStore } from '../registry/device-store.js';
import { judgeHealth, toDeviceTelemetry } from './health.js';
import { statusPatch } from './status-fields.js';

/** Applies one event; returns the device's last event for the next call (what the device did on its own). */
export function applyDeviceEvent(store: DeviceStore, id: string, e: DeviceEvent, lastEvent: DeviceStatus['lastEvent']): DeviceStatus['lastEvent'] {
  const prev = store.get(id)?.telemetry ?? null;
  if (e.type === 'status') {
    const health = prev ? judgeHealth(null, prev, e.payload.lastEvent) : undefined;
    store.upsert(id, { ...statusPatch(e.payload), ...(health ? { health } : {}) });
    return e.payload.lastEvent;
  }
  const t = toDeviceTelemetry(e.payload);
  store.addTelemetry(id, t, { health: judgeHealth(prev, t, lastEvent), state: e.payload.state === 'trial' ? 'trial' : 'online' });
  return lastEvent;
}
