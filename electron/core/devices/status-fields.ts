// Inventory fields and slot rows from an agent's status.
import type { DeviceSlot, DeviceSummary } from '../api/types.js';
import type { DeviceStatus } from '../../../resources/device-protocol/messages.js';
import type { DevicePatch } from '../registry/device-store.js';

export function statusPatch(s: DeviceStatus): DevicePatch {
  const active = s.active?.manifest;
  const slotState: DeviceSummary['slotState'] = s.state === 'trial' ? 'trial' : s.state === 'running' ? 'confirmed' : 'empty';
  return {
    state: s.state === 'trial' ? 'trial' : 'online',
    activeModel: active ? { name: active.name, version: active.version, sha256: active.sha256 } : null,
    slotState,
    slots: slotsOf(s),
    lastSeen: new Date().toISOString(),
  };
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
