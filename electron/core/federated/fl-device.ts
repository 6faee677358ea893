// The device side of a round as the engine sees it: probe (eligibility), train, SecAgg stages and
// evaluate. The real implementation calls the agents' fl-* operations over the device links (any
// transport); tests give the engine a fake. The shapes are the fl-* ops' in
// resources/device-protocol/messages.ts `deviceOps`.
import type { DeviceLink } from '../../../resources/device-protocol/device-link.js';
import type { FlEvaluateRequest, FlEvaluateResponse, FlTrainRequest, FlTrainResponse } from '../../../resources/device-protocol/messages.js';
import type { DeviceContext } from '../devices/device-context.js';
import type { SecAggReply, SecAggRequest } from './secagg/index.js';

export { flTrainCapability as flCapability } from '../../../resources/device-protocol/messages.js';
export type { FlEvaluateRequest, FlEvaluateResponse, FlTrainRequest, FlTrainResponse };

export interface FlProbe {
  name: string;
  capabilities: string[];
  activeSha256: string | null;
}

export interface FlDevices {
  probe(deviceId: string, timeoutMs: number): Promise<FlProbe>;
  train(deviceId: string, req: FlTrainRequest, timeoutMs: number): Promise<FlTrainResponse>;
  secagg(deviceId: string, roundId: string, message: SecAggRequest, timeoutMs: number): Promise<SecAggReply>;
  evaluate(deviceId: string, req: FlEvaluateRequest, timeoutMs: number): Promise<FlEvaluateResponse>;
}

async function withLink<T>(ctx: DeviceContext, deviceId: string, timeoutMs: number, run: (link: DeviceLink) => Promise<T>): Promise<T> {
  const link = ctx.link(deviceId, timeoutMs);
  try {
    return await run(link);
  } finally {
    await link.close();
  }
}

/** Over the console's device links. */
export function linkDevices(ctx: DeviceContext): FlDevices {
  return {
    probe: (deviceId, timeoutMs) =>
      withLink(ctx, deviceId, timeoutMs, async (link) => {
        const info = await link.call('info');
        const status = await link.call('status');
        return { name: info.name, capabilities: info.capabilities ?? [], activeSha256: status.active?.manifest.sha256 ?? null };
      }),
    train: (deviceId, req, timeoutMs) => withLink(ctx, deviceId, timeoutMs, (link) => link.call('fl-train', req)),
    secagg: (deviceId, roundId, message, timeoutMs) =>
      withLink(ctx, deviceId, timeoutMs, async (link) => (await link.call('fl-secagg', { roundId, message: message as unknown as Record<string, unknown> })).reply as unknown as SecAggReply),
    evaluate: (deviceId, req, timeoutMs) => withLink(ctx, deviceId, timeoutMs, (link) => link.call('fl-evaluate', req)),
  };
}
