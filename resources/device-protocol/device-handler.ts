// The device side's contract: one handler per operation, whatever binding carried the request. A binding
// (HTTPS, serial, MQTT, a bundle) decodes its frames into (op, request, context) and calls
// dispatchRequest; bindings validate nothing themselves, the operation's schema does it here.
import { deviceOps, type DeviceOp, type DeviceRequestParsed, type DeviceResponse } from './messages.js';
import { requestRefusal } from './protocol-error.js';

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
  const schema = deviceOps[op].request;
  const parsed = schema.safeParse(request);
  if (!parsed.success) throw requestRefusal(op, parsed.error, request, schema);
  const handler = handlers[op] as (req: unknown, ctx: RequestContext) => Promise<DeviceResponse<Op>>;
  return handler(parsed.data, ctx);
}
