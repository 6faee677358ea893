import os from 'node:os';
import { parseArgs } from 'node:util';
import type { GraphOptimization } from '../../device-protocol/profile-result.js';

const graphLevels: readonly GraphOptimization[] = ['all', 'extended', 'basic', 'disabled'];

export interface AgentArgs {
  dataDir: string;
  host: string;
  port: number;
  name: string;
  mdns: boolean;
  newPairingCode: boolean;
  /** Make the identity and pairing code, print them and exit (install.sh runs this before the service). */
  init: boolean;
  servePort: number;
  serveSocket: string | null;
  /** Limits of the inference endpoint; null: derived from the device's memory (serve-limits.ts). */
  serveMaxConcurrent: number | null;
  serveMaxBodyMb: number | null;
  telemetrySec: number;
  historyLimit: number;
  /** Serve the serial link protocol on this port too (the device end of a USB serial cable). */
  serial: { path: string; baudRate: number } | null;
  /** Connect out to this MQTT broker and take requests there too (devices behind NAT). */
  mqtt: { url: string; caFile?: string; certFile?: string; keyFile?: string } | null;
  /** CA certificate (PEM) trusted for upload-fetch over https, besides the default store. */
  artifactCaFile?: string | null;
  /** A one-time enrolment token, or @FILE holding one (mqtt-enrol.ts); null: <data dir>/enrol-token if present. */
  enrol?: string | null;
  /** Install site bundles found under this folder (where removable media mounts), with no console. */
  watchMedia?: { dir: string; trustRoot: string | null; trialSec: number } | null;
  /** Local training data for federated rounds (a timestamp,value CSV); null: <data dir>/fl/data.csv when present. */
  flData?: string | null;
  /** onnxruntime's graph optimization level for every session (default 'all'). */
  graphOptimization?: GraphOptimization;
}

export const usage = `Usage: edgefleet-agent --data-dir DIR [options]

  --data-dir DIR          where identity, pairing, slots and state live (required)
  --port N                HTTPS port for the console (default 8443; 0 picks a free one)
  --host ADDR             address to listen on (default 0.0.0.0)
  --name NAME             device name shown in the console (default: host name)
  --no-mdns               do not advertise _edgefleet._tcp
  --new-pairing-code      make a new one-time pairing code (re-pairing)
  --init                  make the identity and pairing code, print them and exit
  --serve-port N          loopback port of the local inference endpoint (default 8080; 0 picks one)
  --serve-socket PATH     serve inference on a unix socket instead of a port
  --serve-max-concurrent N  inference requests served at once (default: from memory and cores)
  --serve-max-body MB     largest inference request body (default: 1/32 of memory, 1 to 64 MB)
  --telemetry-interval S  seconds between telemetry summaries (default 5)
  --history N             telemetry summaries kept in memory (default 720)
  --serial PATH           also serve the console over this serial port (e.g. /dev/ttyGS0)
  --baud N                baud rate of --serial (default 921600)
  --mqtt URL              also connect out to this MQTT broker (mqtt://host:1883, mqtts://host:8883)
  --mqtt-ca FILE          CA certificate (PEM) the broker's certificate must chain to (mqtts)
  --mqtt-cert FILE        this device's client certificate (PEM) for the broker
  --mqtt-key FILE         the key of --mqtt-cert (PEM)
  --artifact-ca FILE      also trust this CA (PEM) when pulling artifacts over https
  --enrol TOKEN|@FILE     join a broker fleet with a one-time token from \`edgefleet broker enrol-token\`
                          (also read from DATA_DIR/enrol-token); later starts use the files it left
  --watch-media DIR       install site bundles that appear under DIR (e.g. /media), no console needed;
                          each is installed once, its result and signed report written beside it
  --bundle-trust-root FP  the release authority's root fingerprint, for the first bundle (--watch-media)
  --bundle-trial-sec N    healthy seconds before a bundle's model is kept (default 60)
  --fl-data FILE          local training data for federated rounds: a CSV of timestamp,value readings
                          (default: DATA_DIR/fl/data.csv when present); it never leaves the device
  --graph-optimization L  onnxruntime graph optimization for serving and profiling: all (default),
                          extended, basic or disabled (no fused INT8 kernels: a board without fast paths)

  edgefleet-agent install DIR --data-dir DATA …   installs one bundle by hand (see edgefleet-agent install --help)
`;

export function parseAgentArgs(argv: string[]): AgentArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      'data-dir': { type: 'string' },
      host: { type: 'string', default: '0.0.0.0' },
      port: { type: 'string', default: '8443' },
      name: { type: 'string' },
      'no-mdns': { type: 'boolean', default: false },
      'new-pairing-code': { type: 'boolean', default: false },
      init: { type: 'boolean', default: false },
      'serve-port': { type: 'string', default: '8080' },
      'serve-socket': { type: 'string' },
      'serve-max-concurrent': { type: 'string' },
      'serve-max-body': { type: 'string' },
      'telemetry-interval': { type: 'string', default: '5' },
      history: { type: 'string', default: '720' },
      serial: { type: 'string' },
      baud: { type: 'string', default: '921600' },
      mqtt: { type: 'string' },
      'mqtt-ca': { type: 'string' },
      'mqtt-cert': { type: 'string' },
      'mqtt-key': { type: 'string' },
      'artifact-ca': { type: 'string' },
      enrol: { type: 'string' },
      'watch-media': { type: 'string' },
      'bundle-trust-root': { type: 'string' },
      'bundle-trial-sec': { type: 'string', default: '60' },
      'fl-data': { type: 'string' },
      'graph-optimization': { type: 'string', default: 'all' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(usage);
    process.exit(0);
  }
  if (!values['data-dir']) throw new Error(`--data-dir is required.\n\n${usage}`);
  if (values.mqtt !== undefined && !/^mqtts?:\/\/[^/\s]+\/?$/.test(values.mqtt)) throw new Error(`--mqtt must be a broker URL such as mqtt://127.0.0.1:1883 or mqtts://broker.site:8883; got "${values.mqtt}".`);
  if (!values.mqtt && (values['mqtt-ca'] || values['mqtt-cert'] || values['mqtt-key'])) throw new Error('--mqtt-ca, --mqtt-cert and --mqtt-key need --mqtt URL.');
  if (values.enrol !== undefined && values.mqtt) throw new Error('--enrol and --mqtt exclude each other: enrolment names the broker and writes the certificate files itself.');
  if (values.enrol !== undefined && values.enrol.trim() === '') throw new Error('--enrol needs a token (or @FILE).');
  if (values['bundle-trust-root'] && !values['watch-media']) throw new Error('--bundle-trust-root belongs to --watch-media DIR.');
  if (!graphLevels.includes(values['graph-optimization'] as GraphOptimization)) throw new Error(`--graph-optimization must be one of ${graphLevels.join(', ')}; got "${values['graph-optimization']}".`);
  if (Boolean(values['mqtt-cert']) !== Boolean(values['mqtt-key'])) throw new Error('--mqtt-cert and --mqtt-key go together: give both or neither.');
  return {
    dataDir: values['data-dir'],
    host: values.host,
    port: int(values.port, '--port', 0, 65535),
    name: values.name ?? os.hostname(),
    mdns: !values['no-mdns'],
    newPairingCode: values['new-pairing-code'],
    init: values.init,
    servePort: int(values['serve-port'], '--serve-port', 0, 65535),
    serveSocket: values['serve-socket'] ?? null,
    serveMaxConcurrent: values['serve-max-concurrent'] ? int(values['serve-max-concurrent'], '--serve-max-concurrent', 1, 1024) : null,
    serveMaxBodyMb: values['serve-max-body'] ? int(values['serve-max-body'], '--serve-max-body', 1, 1024) : null,
    telemetrySec: Math.max(0.1, Number(values['telemetry-interval']) || 5),
    historyLimit: int(values.history, '--history', 1, 1_000_000),
    serial: values.serial ? { path: values.serial, baudRate: int(values.baud, '--baud', 300, 12_000_000) } : null,
    mqtt: values.mqtt
      ? { url: values.mqtt, ...(values['mqtt-ca'] ? { caFile: values['mqtt-ca'] } : {}), ...(values['mqtt-cert'] ? { certFile: values['mqtt-cert'], keyFile: values['mqtt-key'] } : {}) }
      : null,
    artifactCaFile: values['artifact-ca'] ?? null,
    enrol: values.enrol ?? null,
    flData: values['fl-data'] ?? null,
    graphOptimization: values['graph-optimization'] as GraphOptimization,
    watchMedia: values['watch-media'] ? { dir: values['watch-media'], trustRoot: values['bundle-trust-root'] ?? null, trialSec: int(values['bundle-trial-sec'], '--bundle-trial-sec', 0, 86_400) } : null,
  };
}

function int(text: string, flag: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${flag} must be a whole number from ${min} to ${max}; got "${text}".`);
  return n;
}
