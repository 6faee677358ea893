// What an event a device pushes does to the inventory, whichever binding carried it (the HTTPS
// event stream, MQTT): a status updates the slots and judged health, a telemetry summary goes into
// the device's history with its health and state.
import type { DeviceTelemetry } from '../api/types.js';
import type { DeviceEvent, DeviceStatus } from '../../../resources/device-protocol/messages.js';
import type { DevicePatch, DeviceStore } from '../registry/device-store.js';
import { judgeHealth, toDeviceTelemetry } from './health.js';
import { statusPatch } from './status-fields.js';

export interface FoldedEvents {
  /** The row's new fields: what applying the events one by one would leave. */
  patch: DevicePatch;
  /** The telemetry summaries for the history, oldest first. */
  history: DeviceTelemetry[];
  /** The device's last event for the next call (what the device did on its own). */
  lastEvent: DeviceStatus['lastEvent'];
}

/** Folds a device's events, oldest first, into one patch: several events then cost one row update. */
export function foldDeviceEvents(prev: DeviceTelemetry | null, events: readonly DeviceEvent[], lastEvent: DeviceStatus['lastEvent']): FoldedEvents {
  let patch: DevicePatch = {};
  const history: DeviceTelemetry[] = [];
  for (const e of events) {
    if (e.type === 'status') {
      const health = prev ? judgeHealth(null, prev, e.payload.lastEvent) : undefined;
      patch = { ...patch, ...statusPatch(e.payload), ...(health ? { health } : {}) };
      lastEvent = e.payload.lastEvent;
      continue;
    }
    const t = toDeviceTelemetry(e.payload);
    patch = { ...patch, health: judgeHealth(prev, t, lastEvent), state: e.payload.state === 'trial' ? 'trial' : 'online', telemetry: t, lastSeen: t.at };
    history.push(t);
    prev = t;
  }
  return { patch, history, lastEvent };
}

/** Applies one event; returns the device's last event for the next call (what the device did on its own). */
export function applyDeviceEvent(store: DeviceStore, id: string, e: DeviceEvent, lastEvent: DeviceStatus['lastEvent']): DeviceStatus['lastEvent'] {
  const folded = foldDeviceEvents(store.latestTelemetry(id), [e], lastEvent);
  store.recordEvents(id, folded.patch, folded.history);
  return folded.lastEvent;
}
