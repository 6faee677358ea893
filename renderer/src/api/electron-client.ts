import type { Channel, EventName, EventPayload, Input, Result } from '../../../electron/core/api/contract.js';
import type { ApiClient, EventListener } from './api-client.js';
import { ApiError, toErrorData } from './api-error.js';
import type { EdgefleetBridge } from './bridge.js';

/** Talks to the main process through the preload bridge. */
export function createElectronClient(bridge: EdgefleetBridge): ApiClient {
  return {
    platform: 'electron',
    async invoke<C extends Channel>(channel: C, input: Input<C>): Promise<Result<C>> {
      let envelope;
      try {
        envelope = await bridge.invoke(channel, input);
      } catch (err) {
        throw new ApiError(toErrorData(err));
      }
      if (envelope.ok) return envelope.result as Result<C>;
      throw new ApiError(envelope.error);
    },
    onEvent(listener: EventListener) {
      return bridge.onEvent((name, payload) => listener(name as EventName, payload as EventPayload<EventName>));
    },
    connection: () => 'connected',
    onConnectionChange: () => () => {},
  };
}
