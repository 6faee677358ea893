// The HTTPS binding of the device message model: POST /v1/<op> with a JSON body, except
// upload-chunk whose body is the raw bytes and whose offset travels in a header. That body is a
// stream of any length up to the rest of the artifact: the device writes it as it arrives, makes it
// durable every few MB and at the end, and answers with the durable offset (after a dropped
// connection, upload-status tells where to resume). Read-only operations also answer GET. Errors
// come back as a 4xx/5xx with an ErrorData body. Clients keep one pinned TLS connection alive per device.
import type { DeviceOp } from '../messages.js';

export const apiPrefix = '/v1/';
export const eventsPath = '/v1/events';
export const offsetHeader = 'x-edgefleet-offset';
export const readOnlyOps: readonly DeviceOp[] = ['info', 'status', 'telemetry', 'upload-status'];
/** Operations that need no bearer token. */
export const publicOps: readonly DeviceOp[] = ['pair'];
export const maxJsonBody = 64 * 1024;
/** The largest upload-chunk for transports that carry a chunk as one message (not the HTTPS stream). */
export const maxChunkBytes = 8 * 1024 * 1024;

export function opPath(op: DeviceOp): string {
  return `${apiPrefix}${op}`;
}
