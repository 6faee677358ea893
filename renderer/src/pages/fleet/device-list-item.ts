import type { DeviceListItem, DeviceListRow } from '../../../../electron/core/api/types.js';
import type { ApiClient } from '../../api/api-client.js';

/** One row of `devices.listRows` as the grid uses it. */
export function fromListRow([id, name, transport, address, state, paired, arch, modelName, modelVersion, slotState, health, lastSeen, tags, groups, lastChange, drift]: DeviceListRow): DeviceListItem {
  return {
    id,
    name,
    transport,
    address,
    state,
    paired,
    arch,
    activeModel: modelName ? { name: modelName, version: modelVersion ?? '' } : null,
    slotState,
    health,
    lastSeen,
    tags,
    groups,
    lastChange,
    drift,
  };
}

/** The whole inventory for the Fleet grid, by name. */
export async function fetchDeviceList(client: ApiClient): Promise<DeviceListItem[]> {
  return (await client.invoke('devices.listRows', {})).map(fromListRow);
}
