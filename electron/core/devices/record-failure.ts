// What a failed refresh or device-page read leaves in the inventory: the reason beside the health, so the
// CLI, the device page and `devices --json` can say why (a reply the console cannot read, no answer).
import { toErrorData } from '../api/errors.js';
import type { ErrorData } from '../api/types.js';
import type { DeviceStore } from '../registry/device-store.js';
import { isUnreachable } from './device-errors.js';

/** Unreachable: the device goes offline; anything else: its health is 'error'. Both keep the reason. */
export function recordFailure(store: DeviceStore, id: string, err: unknown): ErrorData {
  const error = toErrorData(err);
  if (isUnreachable(err) || error.code === 'DEVICE_UNREACHABLE') store.upsert(id, { state: 'offline', lastError: error });
  else store.upsert(id, { health: 'error', lastError: error });
  return error;
}
