// An MQTT device's address in the inventory: its broker's URL and its device id as one string,
// mqtt://broker:1883/ef-… (mqtts:// with TLS).
import { AppError } from '../../api/errors.js';
import { isTopicId } from '../../../../resources/device-protocol/mqtt/topics.js';

export interface MqttAddress {
  brokerUrl: string;
  deviceId: string;
}

export function parseBrokerUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw brokerInvalid(text);
  }
  if ((url.protocol !== 'mqtt:' && url.protocol !== 'mqtts:') || !url.hostname || url.username || url.password || url.search || url.hash) throw brokerInvalid(text);
  const port = url.port || (url.protocol === 'mqtts:' ? '8883' : '1883');
  return `${url.protocol}//${url.hostname.includes(':') && !url.hostname.startsWith('[') ? `[${url.hostname}]` : url.hostname}:${port}`;
}

export function parseMqttAddress(address: string): MqttAddress {
  const slash = address.lastIndexOf('/');
  const deviceId = address.slice(slash + 1);
  if (slash < 0 || !isTopicId(deviceId)) {
    throw new AppError('MQTT_ADDRESS_INVALID', 'Invalid MQTT device address', `"${address}" is not BROKER/DEVICE_ID, e.g. mqtt://broker.site:1883/ef-2f6c….`);
  }
  return { brokerUrl: parseBrokerUrl(address.slice(0, slash)), deviceId };
}

export function mqttAddress(brokerUrl: string, deviceId: string): string {
  return `${parseBrokerUrl(brokerUrl)}/${deviceId}`;
}

function brokerInvalid(text: string): AppError {
  return new AppError('BROKER_URL_INVALID', 'Invalid broker URL', `"${text}" is not a broker URL: give mqtt://HOST:PORT or mqtts://HOST:PORT (no user name, path or query).`);
}
