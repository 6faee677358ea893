// Builds an MqttLink from a paired device's credentials: the console key signs every request, and
// for mqtts:// the console's broker certificate and CA come from <home>/mqtt/ when present, and so
// does the artifacts URL devices pull from (artifacts.json).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { randomBytes, type KeyObject } from 'node:crypto';
import type { IClientOptions } from 'mqtt';
import { AppError } from '../../api/errors.js';
import type { DeviceCredentials } from '../../registry/device-store.js';
import { consoleKeyPath, readConsoleKey } from '../console-key.js';
import type { BrokerTls } from './broker-connection.js';
import { readArtifactBaseUrl } from './artifacts-url.js';
import { parseMqttAddress } from './mqtt-address.js';
import { MqttLink } from './mqtt-link.js';

const keys = new Map<string, KeyObject>();

export function consoleSigner(home: string): KeyObject {
  const file = consoleKeyPath(home);
  let key = keys.get(file);
  if (!key) {
    key = readConsoleKey(file).privateKey;
    keys.set(file, key);
  }
  return key;
}

/** Files the console presents to a TLS broker: `edgefleet broker init` writes them. */
export function brokerTls(home: string): BrokerTls {
  const dir = path.join(home, 'mqtt');
  const read = (name: string) => (existsSync(path.join(dir, name)) ? readFileSync(path.join(dir, name)) : undefined);
  const tls: BrokerTls = {};
  const ca = read('ca.pem');
  const cert = read('console-cert.pem');
  const key = read('console-key.pem');
  if (ca) tls.ca = ca;
  if (cert && key) Object.assign(tls, { cert, key });
  return tls;
}

/**
 * A console connection that only listens (event ingest, enrolment): clean session, its own random
 * client id, the console's broker certificate for mqtts://.
 */
export function listenerClientOptions(home: string, url: string): IClientOptions {
  return {
    protocolVersion: 5,
    clientId: `efc-${randomBytes(6).toString('hex')}`,
    clean: true,
    reconnectPeriod: 2000,
    ...(url.startsWith('mqtts:') ? brokerTls(home) : {}),
  };
}

export function openMqttLink(device: DeviceCredentials, timeoutMs: number): MqttLink {
  const { brokerUrl, deviceId } = parseMqttAddress(device.address);
  if (!device.consoleHome) throw new AppError('CONSOLE_KEY_MISSING', 'No console key for this link', `Requests to ${device.name} over MQTT are signed with the console key, but this link was opened without the console's home folder.`);
  return new MqttLink({ brokerUrl, deviceId, signer: consoleSigner(device.consoleHome), tls: brokerUrl.startsWith('mqtts:') ? brokerTls(device.consoleHome) : {}, timeoutMs, artifactBaseUrl: readArtifactBaseUrl(device.consoleHome) });
}
