// The mqtt.* channels: pair a device that connects out to a broker; read and set its desired state;
// rotate its client certificate.
import type { Handlers } from '../../api/dispatch.js';
import type { DeviceContext } from '../device-context.js';
import { rotateDeviceCert } from './cert-rotation.js';
import { requireMqttDevice, setDesiredState } from './desired-publisher.js';
import { DesiredStore } from './desired-store.js';
import { desiredView } from './desired-view.js';
import { pairMqttDevice } from './mqtt-pair.js';

export function mqttHandlers(deps: { ctx: DeviceContext }): Pick<Handlers, 'mqtt.add' | 'mqtt.desired' | 'mqtt.setDesired' | 'mqtt.rotateCert'> {
  const { ctx } = deps;
  return {
    'mqtt.add': ({ broker, deviceId, code }) => pairMqttDevice(ctx, broker, deviceId, code),
    'mqtt.desired': async ({ id }) => {
      requireMqttDevice(ctx, id);
      return desiredView(id, new DesiredStore(ctx.registry.db).get(id));
    },
    'mqtt.setDesired': async ({ id, modelId, healthyWindowSec }) => {
      const model = modelId === null ? null : ctx.registry.requireModel(modelId);
      const { row } = await setDesiredState(ctx, id, model ? { model, healthyWindowSec } : null, 'operator');
      return desiredView(id, row);
    },
    'mqtt.rotateCert': ({ id, brokerDir }) => rotateDeviceCert(ctx, id, { brokerDir }),
  };
}
