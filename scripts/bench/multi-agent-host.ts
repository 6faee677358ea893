// Bench only: many device agents in one process (each with its own data folder, identity, HTTPS port
// and slots), so 200 agents fit on a 2-core machine. Prints one EDGEFLEET_AGENT_READY line per agent.
// Usage: tsx scripts/bench/multi-agent-host.ts BASE_DIR COUNT [MQTT_BROKER_URL]
// With a broker URL each agent also connects out to it (the MQTT binding), as a device behind NAT would.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { Deployment } from '../../resources/agent/src/deployment.js';
import { DeviceAgent } from '../../resources/agent/src/device-agent.js';
import { startHttpsApi } from '../../resources/agent/src/https-api.js';
import { loadOrCreateIdentity } from '../../resources/agent/src/identity.js';
import { ModelRunner } from '../../resources/agent/src/model-runner.js';
import { Pairing } from '../../resources/agent/src/pairing.js';
import { SerialQueue } from '../../resources/agent/src/serial-queue.js';
import { startServeServer } from '../../resources/agent/src/serve-server.js';
import { SlotStore } from '../../resources/agent/src/slot-store.js';
import { Telemetry } from '../../resources/agent/src/telemetry.js';
import { UploadStore } from '../../resources/agent/src/upload-store.js';
import { startMqttBinding } from '../../resources/agent/src/mqtt-binding.js';
import { RequestJournal } from '../../resources/agent/src/request-journal.js';
import { agentVersion } from '../../resources/agent/src/version.js';

const [baseDir, countArg, mqttUrl] = process.argv.slice(2);
const count = Number(countArg ?? 50);
const closers: (() => Promise<void>)[] = [];

async function startOne(i: number): Promise<void> {
  const dataDir = path.join(baseDir, `agent-${i}`);
  await fsp.mkdir(dataDir, { recursive: true, mode: 0o700 });
  const identity = await loadOrCreateIdentity(dataDir);
  let code: string | null = null;
  const pairing = await Pairing.open(dataDir, { newCode: false, onNewCode: (c) => (code = c) });
  const store = await SlotStore.open(dataDir);
  const uploads = await UploadStore.open(dataDir, (sha256) => store.fileOf(sha256));
  const runner = new ModelRunner();
  const telemetry = new Telemetry(60);
  const queue = new SerialQueue();
  let agent: DeviceAgent | null = null;
  const deployment = new Deployment(store, uploads, runner, telemetry, queue, () => agent?.changed());
  await deployment.start();
  const serve = await startServeServer(runner, telemetry, { port: 0 });
  agent = new DeviceAgent({ dataDir, name: `bench-${i}`, identity, pairing, store, uploads, runner, deployment, telemetry, queue, servePort: serve.port });
  const api = await startHttpsApi(agent, identity, pairing, { host: '127.0.0.1', port: 0 });
  const mqtt = mqttUrl ? startMqttBinding(agent, pairing, await RequestJournal.open(dataDir), { url: mqttUrl, deviceId: identity.deviceId, agentVersion, log: () => undefined }) : null;
  closers.push(async () => {
    await mqtt?.close();
    deployment.close();
    await api.close();
    await new Promise<void>((resolve) => serve.server.close(() => resolve()));
    await runner.swap(null);
  });
  process.stdout.write(`EDGEFLEET_AGENT_READY ${JSON.stringify({ deviceId: identity.deviceId, port: api.port, pairingCode: code ?? pairing.pendingCode })}\n`);
}

for (let i = 0; i < count; i++) await startOne(i);
const stop = async () => {
  await Promise.all(closers.map((c) => c().catch(() => undefined)));
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
