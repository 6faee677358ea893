// Pairing over MQTT: the same `pair` operation and one-time code as over the LAN, carried by the
// broker to the device id the agent printed. From then on every request is signed with the console
// key the device pinned; the inventory row has transport 'mqtt' and the address BROKER/DEVICE_ID.
import type { DeviceSummary } from '../../api/types.js';
import type { DeviceContext } from '../device-context.js';
import { deviceError } from '../device-errors.js';
import { recordPaired } from '../record-paired.js';
import { mqttAddress, parseBrokerUrl } from './mqtt-address.js';
import { MqttLink } from './mqtt-link.js';
import { brokerTls } from './open-mqtt-link.js';

export async function pairMqttDevice(ctx: DeviceContext, broker: string, deviceId: string, code: string): Promise<DeviceSummary> {
  const brokerUrl = parseBrokerUrl(broker);
  const address = mqttAddress(brokerUrl, deviceId);
  const key = await ctx.consoleKey();
  const tls = brokerUrl.startsWith('mqtts:') ? brokerTls(ctx.home) : {};
  const link = new MqttLink({ brokerUrl, deviceId, signer: key.privateKey, tls, timeoutMs: 30_000 });
  try {
    const { token, certFingerprint } = await link.pair({ code, consolePublicKey: key.publicKeyPem, consoleName: ctx.consoleName() });
    const [info, status] = await Promise.all([link.call('info'), link.call('status')]);
    return recordPaired(ctx, deviceId, { transport: 'mqtt', address, fingerprint: certFingerprint, token }, info, status);
  } catch (err) {
    throw deviceError(err, address);
  } finally {
    link.close();
  }
}
