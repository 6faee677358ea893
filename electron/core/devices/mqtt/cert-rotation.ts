// Certificate rotation as one operation (`edgefleet mqtt rotate-cert DEVICE`), over the device's
// signed MQTT requests: the device makes a new key and a CSR (cert-request), the console's broker CA
// issues it as `broker issue-device --csr` does, the device installs it and answers only once it is
// connected with it (cert-install), and only then is the old certificate's serial revoked and the
// CRL rewritten in the broker folder. Until the device confirms, nothing is revoked.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../../api/errors.js';
import { BrokerCa, caFolder } from '../../mqtt-broker/broker-ca.js';
import { writeCrlFiles } from '../../mqtt-broker/broker-site.js';
import { brokerFiles } from '../../mqtt-broker/mosquitto-config.js';
import type { DeviceContext } from '../device-context.js';
import { parseMqttAddress } from './mqtt-address.js';
import { openMqttLink } from './open-mqtt-link.js';

export interface CertRotationResult {
  deviceId: string;
  serial: string;
  notAfter: string;
  /** The certificate the device used before; null when it could not tell. */
  previousSerial: string | null;
  /** Serials revoked now (the previous one; none when it was not from this CA or revoked before). */
  revoked: string[];
  crlFiles: string[];
  brokerDir: string;
  /** What the operator does next: the broker reads the CRL on SIGHUP. */
  reload: string;
}

/** Silence limits: a CSR takes milliseconds; an install waits for the device's new connection. */
const requestTimeoutMs = 10_000;
const installTimeoutMs = 60_000;

function requireTlsMqttDevice(ctx: DeviceContext, id: string) {
  const device = ctx.store.get(id);
  if (!device) throw new AppError('DEVICE_NOT_FOUND', 'Device not found', `No device ${id} in the inventory. See \`edgefleet devices\`.`);
  if (device.transport !== 'mqtt' || !device.paired) {
    throw new AppError(
      'CERT_ROTATION_NOT_MQTT',
      'Certificates are for devices behind a broker',
      `${device.name} is a ${device.transport} device${device.paired ? '' : ' that is not paired'}; only devices that connect to a broker with a client certificate have one to rotate.`,
    );
  }
  const { brokerUrl, deviceId } = parseMqttAddress(device.address);
  if (!brokerUrl.startsWith('mqtts:')) {
    throw new AppError('CERT_ROTATION_NO_TLS', 'No TLS broker', `${device.name} is reached through ${brokerUrl}, a broker without TLS: it has no certificate from this console. Use a site broker from \`edgefleet broker init\` (mqtts://).`);
  }
  return { device, brokerUrl, deviceId };
}

async function brokerFolder(ca: BrokerCa, given: string | undefined): Promise<string> {
  const dir = given ?? (await ca.brokerDir());
  if (!dir) throw new AppError('CERT_ROTATION_NO_BROKER_DIR', 'No broker folder', 'This console has not written a site broker (`edgefleet broker init --dir DIR`), so there is no CRL to update. Give the broker folder with --dir.');
  const abs = path.resolve(dir);
  if (!existsSync(path.join(abs, brokerFiles.conf))) {
    throw new AppError('CERT_ROTATION_NO_BROKER_DIR', 'Not a broker folder', `${abs} holds no ${brokerFiles.conf}: it is not a broker folder from \`edgefleet broker init\`. Give the right one with --dir.`);
  }
  return abs;
}

export async function rotateDeviceCert(ctx: DeviceContext, id: string, o: { brokerDir?: string } = {}): Promise<CertRotationResult> {
  const { device, brokerUrl, deviceId } = requireTlsMqttDevice(ctx, id);
  // Opening the CA would make a new one when there is none: check first, so a console without a CA changes nothing.
  if (!existsSync(path.join(caFolder(ctx.home), 'ca.crt'))) {
    throw new AppError('CERT_ROTATION_NO_CA', 'No broker CA', `This console (${ctx.home}) has no broker CA, so it did not issue ${device.name}'s certificate and cannot issue its next one. Use the home that ran \`edgefleet broker init\` (--home).`);
  }
  const ca = await BrokerCa.open(ctx.home);
  const brokerDir = await brokerFolder(ca, o.brokerDir);
  const link = openMqttLink(ctx.credentials(id), installTimeoutMs);
  try {
    let asked;
    try {
      asked = await link.certCall('cert-request', {}, requestTimeoutMs);
    } catch (err) {
      const e = err as AppError;
      if (e.code === 'ETIMEDOUT' || e.code === 'BROKER_UNREACHABLE') {
        const why = e.code === 'ETIMEDOUT' ? `did not answer the certificate request through ${brokerUrl} within ${requestTimeoutMs / 1000} s: it is offline or not connected to the broker.` : `could not be asked: ${e.detail}`;
        throw new AppError('CERT_ROTATION_OFFLINE', 'Device not reachable', `${device.name} (${deviceId}) ${why} Nothing was issued or revoked; run rotate-cert again when it is online.`);
      }
      throw e;
    }
    const issued = await ca.issueDevice(deviceId, asked.csr);
    let installed;
    try {
      installed = await link.certCall('cert-install', { cert: issued.certPem, ca: ca.certPem }, installTimeoutMs);
    } catch (err) {
      const e = err as AppError;
      if (e.code === 'ETIMEDOUT' || e.code === 'BROKER_UNREACHABLE') {
        throw new AppError(
          'CERT_ROTATION_UNCONFIRMED',
          'Rotation not confirmed',
          `${device.name} did not confirm the new certificate (serial ${issued.serial}) in time: ${e.detail} Nothing was revoked: it is on its old certificate${asked.current ? ` (serial ${asked.current.serial})` : ''} or already on the new one. Run rotate-cert again once it is online; that revokes the one it uses then.`,
        );
      }
      throw new AppError(e.code, e.title, `${e.detail} Nothing was revoked.`);
    }
    const old = asked.current?.serial ?? null;
    const revoked: string[] = [];
    if (old && installed.serial !== old) {
      try {
        if (await ca.revokeSerial(deviceId, old)) revoked.push(old);
      } catch (err) {
        // A certificate from another CA (issued before this console's site broker) is not this CA's to revoke.
        if ((err as AppError).code !== 'BROKER_UNKNOWN_SERIAL') throw err;
      }
    }
    const crlFiles = await writeCrlFiles(ca, brokerDir);
    return {
      deviceId,
      serial: installed.serial,
      notAfter: installed.notAfter,
      previousSerial: installed.previousSerial ?? old,
      revoked,
      crlFiles,
      brokerDir,
      reload: 'Mosquitto reads the CRL when it starts and on SIGHUP: reload it now (kill -HUP PID, or systemctl reload mosquitto), as after `broker revoke`; until then the old certificate still connects.',
    };
  } finally {
    link.close();
  }
}
