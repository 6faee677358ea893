// The device side's contract: one handler per operation, whatever binding carried the request. A binding
// (HTTPS, serial, MQTT, a bundle) decodes its frames into (op, request, context) and calls
// dispatchRequest; bindings validate nothing themselves, the operation's schema does it here.
import { AppError } from './error-data.js';
import { deviceOps, type DeviceOp, type DeviceRequestParsed, type DeviceResponse } from './messages.js';

/** Who sent a request, as its binding knows it: the remote address, "serial", a broker client id. */
export interface RequestContext {
  source?: string;
}

export type DeviceHandlers = { [Op in DeviceOp]: (req: DeviceRequestParsed<Op>, ctx: RequestContext) => Promise<DeviceResponse<Op>> };

/** What a binding needs from the device: run one operation on an unvalidated request. */
export interface DeviceHandler {
  handle<Op extends DeviceOp>(op: Op, request: unknown, ctx?: RequestContext): Promise<DeviceResponse<Op>>;
}

/** Validates a request against its operation's schema and runs the operation's handler; a request that fails the schema rejects with REQUEST_INVALID. */
export async function dispatchRequest<Op extends DeviceOp>(handlers: DeviceHandlers, op: Op, request: unknown, ctx: RequestContext): Promise<DeviceResponse<Op>> {
  const parsed = deviceOps[op].request.safeParse(request);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.') || '(request)'}: ${i.message}`).join('; ');
    throw new AppError('REQUEST_INVALID', `Invalid ${op} request`, detail);
  }
  const handler = handlers[op] as (req: unknown, ctx: RequestContext) => Promise<DeviceResponse<Op>>;
  return handler(parsed.data, ctx);
}
