// Inventory fields and slot rows from an agent's status.
import type { DeviceSlot, DeviceSummary } from '../api/types.js';
import type { DeviceStatus } from '../../../resources/device-protocol/messages.js';
import type { DevicePatch } from '../registry/device-store.js';
import { revertKinds } from './health.js';

/** `rolloutId`: the rollout whose step read this status, so a revert it shows names its cause. */
export function statusPatch(s: DeviceStatus, rolloutId?: string): DevicePatch {
  const active = s.active?.manifest;
  const slotState: DeviceSummary['slotState'] = s.state === 'trial' ? 'trial' : s.state === 'running' ? 'confirmed' : 'empty';
  return {
    state: s.state === 'trial' ? 'trial' : 'online',
    activeModel: active ? { name: active.name, version: active.version, sha256: active.sha256 } : null,
    slotState,
    slots: slotsOf(s),
    lastSeen: new Date().toISOString(),
    ...(s.lastEvent ? { lastChange: changeOf(s.lastEvent, rolloutId) } : {}),
  };
}

/** The device's last event as the inventory keeps it: a revert is a change beside health, not a fault. */
export function changeOf(e: NonNullable<DeviceStatus['lastEvent']>, rolloutId?: string): NonNullable<DevicePatch['lastChange']> {
  return { kind: e.kind, at: e.at, detail: e.detail, reverted: revertKinds.includes(e.kind), ...(rolloutId ? { rolloutId } : {}) };
}

export function slotsOf(s: DeviceStatus): DeviceSlot[] {
  const slots: DeviceSlot[] = [];
  for (const id of ['a', 'b'] as const) {
    const info = s.active?.slot === id ? s.active : s.previous?.slot === id ? s.previous : null;
    const role: DeviceSlot['role'] = !info ? 'empty' : s.active?.slot === id ? (s.trial?.slot === id ? 'trial' : 'active') : 'previous';
    const m = info?.manifest;
    slots.push({ slot: id, modelName: m?.name ?? null, version: m?.version ?? null, sha256: m?.sha256 ?? null, role });
  }
  return slots;
}
