// Bench only: one process of simulated devices (sim-device.ts), each behind the real MQTT binding with
// its own MQTT client and its own real request journal, as if each were a device behind NAT.
// Usage (spawned by fleet-measure.ts with an IPC channel): tsx scripts/bench/sim-fleet-host.ts COUNT BROKER_URL DATA_DIR [TELEMETRY_SEC]
// Tells the parent over IPC: {type:'ready', devices:[{deviceId, code}]} once every client has connected;
// answers {type:'report'} with connects and activations per sha256; ends on {type:'stop'} or SIGTERM.
import { mkdirSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { startMqttBinding, type MqttBinding } from '../../resources/agent/src/mqtt-binding.js';
import { RequestJournal } from '../../resources/agent/src/request-journal.js';
import { SimDevice } from './sim-device.js';

export interface HostReport {
  type: 'report';
  devices: number;
  /** MQTT connections made, reconnections included. */
  connects: number;
  /** Devices that activated one sha256 more than once, with the counts. */
  doubleActivations: { deviceId: string; sha256: string; times: number }[];
  /** Activations per sha256 over all devices of this host. */
  activations: Record<string, number>;
  /** Requests per operation over all devices of this host (upload-fetch against upload-chunk shows the artifact path). */
  ops: Record<string, number>;
  bindingLog: Record<string, number>;
}

export type HostMessage = { type: 'ready'; devices: { deviceId: string; code: string }[] } | HostReport;

const [countArg, brokerUrl, dataDir, telemetryArg] = process.argv.slice(2);
const count = Number(countArg);
const telemetryMs = Number(telemetryArg ?? 30) * 1000;
// Each device opens its own connection to the artifact server; keep-alive reuses a few per host instead of one per download.
const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 16 });
const httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 16 });
const devices: SimDevice[] = [];
const bindings: MqttBinding[] = [];
const timers: NodeJS.Timeout[] = [];
const logCounts: Record<string, number> = {};
let connects = 0;
const waiters: (() => void)[] = [];

function send(msg: HostMessage): void {
  process.send?.(msg);
}

/** The binding's own log lines, counted by kind (first words): "MQTT: connected to" is a (re)connection. */
function log(line: string): void {
  if (line.startsWith('MQTT: connected to')) {
    connects++;
    for (const w of waiters.splice(0)) w();
  }
  const kind = line.replace(/ (to|on|as|for) .*/, '').slice(0, 60);
  logCounts[kind] = (logCounts[kind] ?? 0) + 1;
}

async function startOne(i: number): Promise<void> {
  const device = new SimDevice(`sim-${process.pid}-${i}`, { httpAgent, httpsAgent });
  const dir = path.join(dataDir, device.deviceId);
  mkdirSync(dir, { recursive: true });
  const journal = await RequestJournal.open(dir);
  bindings.push(startMqttBinding(device, device, journal, { url: brokerUrl, deviceId: device.deviceId, agentVersion: 'sim', log }));
  devices.push(device);
  // Telemetry as the agent's timer sends it, at a random phase so the fleet does not tick in step.
  const first = setTimeout(() => {
    device.tick();
    timers.push(setInterval(() => device.tick(), telemetryMs));
  }, Math.random() * telemetryMs);
  timers.push(first);
}

async function connectedAtLeast(n: number): Promise<void> {
  while (connects < n) await new Promise<void>((resolve) => waiters.push(resolve));
}

// In batches, so the broker's listen backlog is not flooded by thousands of SYNs at once.
const batch = 100;
for (let i = 0; i < count; i += batch) {
  for (let j = i; j < Math.min(count, i + batch); j++) await startOne(j);
  await connectedAtLeast(Math.min(count, i + batch));
}
send({ type: 'ready', devices: devices.map((d) => ({ deviceId: d.deviceId, code: d.pairingCode })) });

function report(): HostReport {
  const activations: Record<string, number> = {};
  const doubleActivations: HostReport['doubleActivations'] = [];
  const ops: Record<string, number> = {};
  for (const d of devices) {
    for (const [op, n] of d.ops) ops[op] = (ops[op] ?? 0) + n;
    for (const [sha256, times] of d.activations) {
      activations[sha256] = (activations[sha256] ?? 0) + times;
      if (times > 1) doubleActivations.push({ deviceId: d.deviceId, sha256, times });
    }
  }
  return { type: 'report', devices: devices.length, connects, doubleActivations, activations, ops, bindingLog: logCounts };
}

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  for (const t of timers) clearTimeout(t);
  for (const d of devices) d.close();
  await Promise.all(bindings.map((b) => b.close().catch(() => undefined)));
  httpAgent.destroy();
  httpsAgent.destroy();
  process.exit(0);
}

process.on('message', (m: { type?: string }) => {
  if (m?.type === 'report') send(report());
  else if (m?.type === 'stop') void stop();
});
process.on('SIGTERM', () => void stop());
process.on('disconnect', () => void stop());
