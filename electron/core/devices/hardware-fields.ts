// Inventory fields from an agent's info: cores, memory and the board (CPU features, OS, onnxruntime).
import type { DeviceHardware } from '../api/types.js';
import type { DeviceInfo } from '../../../resources/device-protocol/messages.js';

export function hardwareOf(info: DeviceInfo, readAt = new Date().toISOString()): DeviceHardware {
  return { readAt, cores: info.cores, totalMemoryBytes: info.totalMemoryBytes, board: info.board ?? null };
}
