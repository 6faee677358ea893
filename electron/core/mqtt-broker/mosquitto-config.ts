// A site Mosquitto 2.0 configuration with three TLS listeners and ACL files that keep each device
// inside its own topic subtree. The device listener takes only certificates from the device CA and
// forces the client id to the certificate CN (no device can kick another off). The console listener
// takes only certificates from the console CA and leaves client ids free, because one console holds
// one connection per worker thread, each with its own id, under one certificate: forced ids would have
// them kick each other. The enrolment listener takes one-time token logins (username and password,
// no client certificate) with an ACL of its own that reaches nothing but each token's two enrolment
// topics: per_listener_settings true gives it its own password file and ACL, so the device patterns
// never apply to token users and no password is ever checked on the other two. Checked against Debian's mosquitto 2.0.11 by
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
  /** Enrolment listener: the server certificate followed by the CA, so a device that holds only the CA's fingerprint can check it. */
  serverChain: 'server-chain.crt',
  /** Enrolment listener: one-time token logins (`edgefleet broker enrol-token` adds them). */
  passwd: 'enrol-passwd',
  enrolAcl: 'acl-enrol',
  /** The listeners' URLs, for `broker enrol-token`. */
  site: 'site.json',
} as const;

export interface SiteConfig {
  /** Absolute path of the broker folder. */
  dir: string;
  /** The device listener. */
  port: number;
  /** The console listener. */
  consolePort: number;
  /** The enrolment listener. */
  enrolPort: number;
  /** Address to bind both listeners to; all interfaces when absent. */
  bind?: string;
}

/** Limits: a request or status is a few KiB and artifacts never ride the broker, so 1 MiB is roomy. */
export const brokerLimits = {
  maxPacketSize: 1_048_576,
  // Per client. A console subscribed to 10,000 devices' events needs far more than the default 1000
  // (Mosquitto silently drops past it: eclipse/mosquitto#2196); after a broker restart every device's
  // birth and reported state arrive at once, several per device. The byte limit bounds the memory.
  maxQueuedMessages: 100_000,
  maxQueuedBytes: 64 * 1_048_576,
  maxInflightMessages: 20,
} as const;

/** The limits as mosquitto.conf lines (the site config and the benches' brokers). */
export function brokerLimitLines(): string[] {
  return [
    `max_packet_size ${brokerLimits.maxPacketSize}`,
    `max_queued_messages ${brokerLimits.maxQueuedMessages}`,
    `max_queued_bytes ${brokerLimits.maxQueuedBytes}`,
    `max_inflight_messages ${brokerLimits.maxInflightMessages}`,
  ];
}

export function checkPort(port: number): void {
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new AppError('BROKER_BAD_PORT', 'Bad port', `The listener port must be a whole number from 1 to 65535; got ${port}. The MQTT-over-TLS port is 8883.`);
}

export function checkBind(bind: string): void {
  if (!isIP(bind)) throw new AppError('BROKER_BAD_BIND', 'Bad bind address', `"${bind}" is not an IP address. Give the address of one interface (e.g. --bind 192.0.2.10), or leave --bind out to listen on all of them.`);
}

export function checkPorts(port: number, consolePort: number, enrolPort?: number): void {
  checkPort(port);
  checkPort(consolePort);
  if (port === consolePort) {
    throw new AppError('BROKER_SAME_PORT', 'One port for two listeners', `Devices and consoles need listeners on two ports; both were given ${port}. Give the console listener another with --console-port (default: the device port + 1).`);
  }
  if (enrolPort === undefined) return;
  checkPort(enrolPort);
  if (enrolPort === port || enrolPort === consolePort) {
    throw new AppError('BROKER_SAME_PORT', 'One port for two listeners', `The enrolment listener needs a port of its own; ${enrolPort} is already the ${enrolPort === port ? 'device' : 'console'} listener's. Give it another with --enrol-port (default: the device port + 2).`);
  }
}

export function mosquittoConf(site: SiteConfig): string {
  checkPorts(site.port, site.consolePort, site.enrolPort);
  if (site.bind !== undefined) checkBind(site.bind);
  const f = (name: string) => path.join(site.dir, name);
  const listen = (port: number) => (site.bind ? `listener ${port} ${site.bind}` : `listener ${port}`);
  return [
    '# EdgeFleet site broker for Mosquitto 2.0, written by `edgefleet broker init`.',
    `# Start it with: mosquitto -c ${f(brokerFiles.conf)}`,
    '# Devices authenticate with certificates from the EdgeFleet broker CA (ca.crt) on the device',
    '# listener, consoles with certificates from the EdgeFleet console CA (console-ca.crt) on the',
    '# console listener. `edgefleet broker revoke` rewrites crl.pem, read at start and on SIGHUP.',
    '# Devices that join with a one-time token log in on the enrolment listener with a password;',
    '# `edgefleet broker enrol-token` adds them to enrol-passwd, read at start and on SIGHUP.',
    '# per_listener_settings true: each listener has its own authentication and ACL.',
    '',
    'per_listener_settings true',
    '',
    'persistence true',
    `persistence_location ${f(brokerFiles.data)}/`,
    'autosave_interval 60',
    '',
    ...brokerLimitLines(),
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
    'allow_anonymous false',
    `acl_file ${f(brokerFiles.acl)}`,
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
    'allow_anonymous false',
    `acl_file ${f(brokerFiles.acl)}`,
    '',
    '# Enrolment: one-time token logins (username = token id, never a device id), no client',
    '# certificate; a token reaches only its own request and answer topics.',
    listen(site.enrolPort),
    'protocol mqtt',
    'tls_version tlsv1.2',
    `certfile ${f(brokerFiles.serverChain)}`,
    `keyfile ${f(brokerFiles.serverKey)}`,
    'require_certificate false',
    'allow_anonymous false',
    `password_file ${f(brokerFiles.passwd)}`,
    `acl_file ${f(brokerFiles.enrolAcl)}`,
    '',
  ].join('\n');
}

/** The enrolment listener's ACL: a token user publishes its request and reads its answer, nothing else. */
export function enrolAclFile(): string {
  return [
    '# EdgeFleet enrolment ACL, written by `edgefleet broker init`. %u is the token id.',
    `pattern write ${topicRoot}/enrol/%u/req`,
    `pattern read ${topicRoot}/enrol/%u/res`,
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
