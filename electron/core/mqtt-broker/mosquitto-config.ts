// A site Mosquitto 2.0 configuration with two TLS listeners and an ACL file that keeps each device
// inside its own topic subtree. The device listener takes only certificates from the device CA and
// forces the client id to the certificate CN (no device can kick another off). The console listener
// takes only certificates from the console CA and leaves client ids free, because one console holds
// one connection per worker thread, each with its own id, under one certificate: forced ids would have
// them kick each other. Checked against Debian's mosquitto 2.0.11 by
// test/integration/mqtt-broker-security.test.ts and agent-mqtt-tls.test.ts.
import { isIP } from 'node:net';
import path from 'node:path';
import { topicRoot } from '../../../resources/device-protocol/mqtt/topics.js';
import { AppError } from '../api/errors.js';

/** The files `broker init` writes into the broker folder; the config names them by absolute path. */
export const brokerFiles = {
  conf: 'mosquitto.conf',
  acl: 'acl',
  caCert: 'ca.crt',
  serverCert: 'server.crt',
  serverKey: 'server.key',
  crl: 'crl.pem',
  /** The console CA's certificate: the only issuer the console listener trusts. */
  consoleCaCert: 'console-ca.crt',
  data: 'data',
} as const;

export interface SiteConfig {
  /** Absolute path of the broker folder. */
  dir: string;
  /** The device listener. */
  port: number;
  /** The console listener. */
  consolePort: number;
  /** Address to bind both listeners to; all interfaces when absent. */
  bind?: string;
}

/** Limits: a request or status is a few KiB and artifacts never ride the broker, so 1 MiB is roomy. */
export const brokerLimits = {
  maxPacketSize: 1_048_576,
  // Per client. A console subscribed to 10,000 devices' events needs far more than the default 1000
  // (Mosquitto silently drops past it: eclipse/mosquitto#2196).
  maxQueuedMessages: 10_000,
  maxQueuedBytes: 64 * 1_048_576,
  maxInflightMessages: 20,
} as const;

export function checkPort(port: number): void {
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new AppError('BROKER_BAD_PORT', 'Bad port', `The listener port must be a whole number from 1 to 65535; got ${port}. The MQTT-over-TLS port is 8883.`);
}

export function checkBind(bind: string): void {
  if (!isIP(bind)) throw new AppError('BROKER_BAD_BIND', 'Bad bind address', `"${bind}" is not an IP address. Give the address of one interface (e.g. --bind 192.0.2.10), or leave --bind out to listen on all of them.`);
}

export function checkPorts(port: number, consolePort: number): void {
  checkPort(port);
  checkPort(consolePort);
  if (port === consolePort) {
    throw new AppError('BROKER_SAME_PORT', 'One port for two listeners', `Devices and consoles need listeners on two ports; both were given ${port}. Give the console listener another with --console-port (default: the device port + 1).`);
  }
}

export function mosquittoConf(site: SiteConfig): string {
  checkPorts(site.port, site.consolePort);
  if (site.bind !== undefined) checkBind(site.bind);
  const f = (name: string) => path.join(site.dir, name);
  const listen = (port: number) => (site.bind ? `listener ${port} ${site.bind}` : `listener ${port}`);
  return [
    '# EdgeFleet site broker for Mosquitto 2.0, written by `edgefleet broker init`.',
    `# Start it with: mosquitto -c ${f(brokerFiles.conf)}`,
    '# Devices authenticate with certificates from the EdgeFleet broker CA (ca.crt) on the device',
    '# listener, consoles with certificates from the EdgeFleet console CA (console-ca.crt) on the',
    '# console listener. `edgefleet broker revoke` rewrites crl.pem, read at start and on SIGHUP.',
    '# Listener settings (cafile, use_*) apply per listener also with per_listener_settings false,',
    '# which keeps one ACL for both.',
    '',
    'per_listener_settings false',
    'allow_anonymous false',
    `acl_file ${f(brokerFiles.acl)}`,
    '',
    'persistence true',
    `persistence_location ${f(brokerFiles.data)}/`,
    'autosave_interval 60',
    '',
    `max_packet_size ${brokerLimits.maxPacketSize}`,
    `max_queued_messages ${brokerLimits.maxQueuedMessages}`,
    `max_queued_bytes ${brokerLimits.maxQueuedBytes}`,
    `max_inflight_messages ${brokerLimits.maxInflightMessages}`,
    '',
    'log_dest stderr',
    'log_type error',
    'log_type warning',
    'log_type notice',
    'log_type information',
    'connection_messages true',
    '',
    '# Devices: client id = certificate CN, so no device can take over or kick another.',
    listen(site.port),
    'protocol mqtt',
    'tls_version tlsv1.2',
    `cafile ${f(brokerFiles.caCert)}`,
    `certfile ${f(brokerFiles.serverCert)}`,
    `keyfile ${f(brokerFiles.serverKey)}`,
    `crlfile ${f(brokerFiles.crl)}`,
    'require_certificate true',
    'use_identity_as_username true',
    // Without this a device could connect with another device's client id and kick it off.
    'use_username_as_clientid true',
    '',
    '# Consoles: one connection per console thread, each with its own client id (efc-…), under one',
    '# certificate. Device certificates do not chain to console-ca.crt and are refused here.',
    listen(site.consolePort),
    'protocol mqtt',
    'tls_version tlsv1.2',
    `cafile ${f(brokerFiles.consoleCaCert)}`,
    `certfile ${f(brokerFiles.serverCert)}`,
    `keyfile ${f(brokerFiles.serverKey)}`,
    'require_certificate true',
    'use_identity_as_username true',
    '',
  ].join('\n');
}

/**
 * The ACL: devices by pattern (%u = certificate CN), consoles by name. Patterns apply to every user,
 * consoles included, which grants them nothing beyond their own `ef/v1/#`.
 */
export function aclFile(consoles: readonly string[]): string {
  const d = `${topicRoot}/d/%u`;
  return [
    '# EdgeFleet broker ACL, written by `edgefleet broker init`. %u is the client certificate CN.',
    '# A device writes only its answers, events, presence and reported state, and reads only its',
    '# requests, its desired state and broadcasts.',
    `pattern write ${d}/res/#`,
    `pattern write ${d}/evt/#`,
    `pattern write ${d}/presence`,
    `pattern write ${d}/state/reported`,
    `pattern read ${d}/req`,
    `pattern read ${d}/state/desired`,
    `pattern read ${topicRoot}/bcast/#`,
    '',
    '# Consoles read and write the whole tree.',
    ...consoles.flatMap((c) => [`user ${c}`, `topic readwrite ${topicRoot}/#`, '']),
  ].join('\n');
}
