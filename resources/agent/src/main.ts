// EdgeFleet device agent: `tsx resources/agent/src/main.ts --data-dir DIR [--port N] [--name NAME] [--no-mdns]`.
// Prints the pairing code and, once listening, one machine-readable line:
//   EDGEFLEET_AGENT_READY {"deviceId":…,"port":…,"servePort":…,"certFingerprint":…}
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { toErrorData } from '../../../electron/core/api/errors.js';
import { shortFingerprint } from '../../device-protocol/fingerprint.js';
import { parseAgentArgs } from './args.js';
import { readArtifactCa } from './artifact-fetch.js';
import { Deployment } from './deployment.js';
import { DeviceAgent } from './device-agent.js';
import { resolveFlDataFile } from './federated/fl-data.js';
import { DriftWindow } from './drift-window.js';
import { startHttpsApi } from './https-api.js';
import { loadOrCreateIdentity } from './identity.js';
import { ModelRunner } from './model-runner.js';
import { Pairing } from './pairing.js';
import { SerialQueue } from './serial-queue.js';
import { startServeServer } from './serve-server.js';
import type { SerialServer } from './serial-server.js';
import { SlotStore } from './slot-store.js';
import { Telemetry } from './telemetry.js';
import { UploadStore } from './upload-store.js';
import { installLayout, runningAgentVersion } from './agent-install.js';
import { settleUpgrade } from './upgrade-trial.js';
import { claimDataDir, pidFile, runInstallCommand } from './install-command.js';
import { watchMedia } from './media-watch.js';
import { useGraphOptimization } from './health-check.js';

async function main(): Promise<void> {
  if (process.argv[2] === 'install') {
    process.exitCode = await runInstallCommand(process.argv.slice(3)).catch((err) => {
      const e = toErrorData(err);
      console.error(`edgefleet-agent install: ${e.title}: ${e.detail}`);
      return e.code === 'INTERNAL' ? 1 : 2;
    });
    return;
  }
  const agentVersion = runningAgentVersion();
  const args = parseAgentArgs(process.argv.slice(2));
  const dataDir = path.resolve(args.dataDir);
  await fsp.mkdir(dataDir, { recursive: true, mode: 0o700 });
  // One process per data dir: an install from a bundle (install-command.ts) and the service never write the slots at once.
  await claimDataDir(dataDir, 'Another agent, or `edgefleet-agent install`, runs on it; wait for it or stop it first.');

  const identity = await loadOrCreateIdentity(dataDir);
  const pairing = await Pairing.open(dataDir, {
    newCode: args.newPairingCode,
    onNewCode: (code) => {
      console.log(`Pairing code: ${code}`);
      console.log(`Certificate fingerprint: ${shortFingerprint(identity.certFingerprint)} (the console shows it at pairing: they must match)`);
    },
  });
  if (args.init) {
    console.log(`Device id: ${identity.deviceId}`);
    if (!pairing.pendingCode) console.log(`Already paired with ${pairing.consoleName ?? 'a console'}; start with --new-pairing-code to pair again.`);
    return;
  }
  if (args.graphOptimization && args.graphOptimization !== 'all') {
    useGraphOptimization(args.graphOptimization);
    console.log(`onnxruntime graph optimization: ${args.graphOptimization} (serving and profiling)`);
  }
  const store = await SlotStore.open(dataDir);
  const uploads = await UploadStore.open(dataDir, (sha256) => store.fileOf(sha256));
  const runner = new ModelRunner();
  // Edges from the model's reference profile are not sent yet: histograms then come from the digests.
  // EDGEFLEET_AGENT_DRIFT_WINDOW_SEC shortens the 5-minute windows (tests; a fleet that wants finer charts).
  const windowSec = Number(process.env.EDGEFLEET_AGENT_DRIFT_WINDOW_SEC);
  const drift = new DriftWindow(windowSec > 0 ? { windowMs: windowSec * 1000 } : {});
  const telemetry = new Telemetry(args.historyLimit, drift);
  const queue = new SerialQueue();
  let agent: DeviceAgent | null = null;
  const deployment = new Deployment(store, uploads, runner, telemetry, queue, () => agent?.changed());
  await deployment.start();

  const serveLimits = { ...(args.serveMaxConcurrent ? { maxConcurrent: args.serveMaxConcurrent } : {}), ...(args.serveMaxBodyMb ? { maxBodyBytes: args.serveMaxBodyMb * 1024 * 1024 } : {}) };
  const serve = await startServeServer(runner, telemetry, { ...(args.serveSocket ? { socketPath: args.serveSocket } : { port: args.servePort }), limits: serveLimits, drift });
  const artifactCa = args.artifactCaFile ? await readArtifactCa(args.artifactCaFile) : null;
  agent = new DeviceAgent({ dataDir, name: args.name, identity, pairing, store, uploads, runner, deployment, telemetry, queue, servePort: serve.port, artifactCa, flDataFile: resolveFlDataFile(args.flData, dataDir), restart: () => void stop() });
  const api = await startHttpsApi(agent, identity, pairing, { host: args.host, port: args.port });
  // Servers listen and the active model loaded (deployment.start): a build on upgrade trial confirms itself.
  const layout = installLayout();
  if (layout) agent.setAgentUpgrade(await settleUpgrade(layout));

  let serial: SerialServer | null = null;
  if (args.serial) {
    // Loaded only here: the serial binding is a native module the LAN-only agent does not need.
    const { startSerialServer } = await import('./serial-server.js');
    serial = startSerialServer(agent, pairing, args.serial);
  }

  let mqtt: { close(): Promise<void> } | null = null;
  const startMqtt = async (o: NonNullable<typeof args.mqtt>) => {
    const { startMqttBinding } = await import('./mqtt-binding.js');
    const { RequestJournal } = await import('./request-journal.js');
    const { preferRotated } = await import('./mqtt-cert-files.js');
    const rotationDir = path.join(dataDir, 'mqtt');
    // A certificate rotated since the flags (or the enrolment) were written wins when it is the newer.
    const files = preferRotated(rotationDir, o, (line) => console.log(line));
    mqtt = startMqttBinding(agent!, pairing, await RequestJournal.open(dataDir), { ...files, deviceId: identity.deviceId, agentVersion, desiredStateFile: path.join(dataDir, 'desired-state.json'), rotationDir });
  };
  if (args.mqtt) await startMqtt(args.mqtt);
  else {
    // No --mqtt: the files of a past enrolment, or one now with a token (in the background: it waits for the console).
    const { enrolledMqtt } = await import('./mqtt-enrol.js');
    const deps = { dataDir, deviceId: identity.deviceId, certFingerprint: identity.certFingerprint, pairing, agent, log: (line: string) => console.log(line) };
    void enrolledMqtt(deps, args.enrol ?? null)
      .then((o) => (o ? startMqtt(o) : undefined))
      .catch((err) => console.error(`edgefleet-agent: enrolment failed: ${toErrorData(err).title}: ${toErrorData(err).detail}`));
  }

  let mdns: { close(): Promise<void> } | null = null;
  if (args.mdns) {
    const { MdnsAdvertiser, noModel } = await import('./mdns.js');
    const advertiser = new MdnsAdvertiser(`${args.name} [${identity.deviceId.slice(3, 11)}]`, api.port);
    const advertise = () => {
      const m = runner.current?.manifest;
      advertiser.update({ id: identity.deviceId, name: args.name, ver: agentVersion, arch: process.arch, model: m?.name ?? noModel, mver: m?.version ?? noModel, state: agent!.state() });
    };
    agent.on('event', (e) => {
      if (e.type === 'status') advertise();
    });
    advertise();
    mdns = advertiser;
  }

  const timer = setInterval(() => void agent!.tick().catch((err) => console.error('edgefleet-agent: telemetry:', err)), args.telemetrySec * 1000);
  const media = args.watchMedia
    ? watchMedia({ dataDir, identity, store, uploads, deployment, busy: () => store.state.trial !== null || (uploads.status() !== null && !uploads.status()!.complete), log: (line) => console.log(line) }, args.watchMedia)
    : null;

  let stopping = false;
  async function stop(): Promise<void> {
    if (stopping) return;
    stopping = true;
    clearInterval(timer);
    media?.close();
    deployment.close();
    await mdns?.close();
    await serial?.close();
    await mqtt?.close();
    await api.close();
    await new Promise<void>((resolve) => serve.server.close(() => resolve()));
    await runner.swap(null);
    await fsp.rm(pidFile(dataDir), { force: true });
    process.exit(0);
  }
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());

  console.log(`EdgeFleet agent ${agentVersion}: device ${identity.deviceId} on https://${args.host}:${api.port} (certificate SHA-256 ${identity.certFingerprint})`);
  console.log(`EDGEFLEET_AGENT_READY ${JSON.stringify({ deviceId: identity.deviceId, port: api.port, servePort: serve.port, certFingerprint: identity.certFingerprint, pairingCode: pairing.pendingCode, serial: args.serial?.path ?? null, mqtt: args.mqtt?.url ?? null })}`);
}

main().catch((err) => {
  const e = toErrorData(err);
  console.error(`edgefleet-agent: ${e.title}: ${e.detail}`);
  process.exit(1);
});
