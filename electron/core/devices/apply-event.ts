// What an event a device pushes does to the inventory, whichever binding carried it (the HTTPS
// event stream, MQTT): a status updates the slots and the last change, a telemetry summary goes into
// the device's history with its health and state.
import type { DeviceSummary, DeviceTelemetry } from '../api/types.js';
import type { DeviceEvent } from '../../../resources/device-protocol/messages.js';
import type { DevicePatch, DeviceStore } from '../registry/device-store.js';
import { judgeHealth, toDeviceTelemetry } from './health.js';
import { statusPatch } from './status-fields.js';

export interface FoldedEvents {
  /** The row's new fields: what applying the events one by one would leave. */
  patch: DevicePatch;
  /** The telemetry summaries for the history, oldest first. */
  history: DeviceTelemetry[];
}

/**
 * Folds a device's events, oldest first, into one patch: several events then cost one row update. A status
 * updates the slots and the last change (a revert included); health comes from telemetry only.
 */
export function foldDeviceEvents(prev: DeviceTelemetry | null, events: readonly DeviceEvent[], drift: DeviceSummary['drift'] = null): FoldedEvents {
  let patch: DevicePatch = {};
  const history: DeviceTelemetry[] = [];
  for (const e of events) {
    if (e.type === 'status') {
      patch = { ...patch, ...statusPatch(e.payload) };
      continue;
    }
    const t = toDeviceTelemetry(e.payload);
    patch = { ...patch, health: judgeHealth(prev, t, undefined, drift), state: e.payload.state === 'trial' ? 'trial' : 'online', telemetry: t, lastSeen: t.at };
    history.push(t);
    prev = t;
  }
  return { patch, history };
}

/** Applies one event. */
export function applyDeviceEvent(store: DeviceStore, id: string, e: DeviceEvent): void {
  const folded = foldDeviceEvents(store.latestTelemetry(id), [e], store.get(id)?.drift ?? null);
  store.recordEvents(id, folded.patch, folded.history);
}
