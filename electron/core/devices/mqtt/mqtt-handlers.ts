// The mqtt.* channels: pair a device that connects out to a broker.
import type { Handlers } from '../../api/dispatch.js';
import type { DeviceContext } from '../device-context.js';
import { pairMqttDevice } from './mqtt-pair.js';

export function mqttHandlers(deps: { ctx: DeviceContext }): Pick<Handlers, 'mqtt.add'> {
  return {
    'mqtt.add': ({ broker, deviceId, code }) => pairMqttDevice(deps.ctx, broker, deviceId, code),
  };
}
