// The fleet-scale MQTT bench: N simulated devices (sim-device.ts behind the real MQTT binding and
// request journal, in a few host processes) connected out to one local Mosquitto 2.0; the console
// (the real core: registry, MQTT pairing, event ingest, rollout engine over MqttLink) pairs every one
// through the broker, rolls a 5 MB model out in stages with health gates (devices pull it over HTTP
// from the console's artifact server when the link sends upload-fetch, else it rides the broker in chunks), then the broker is killed
// (kill -9), restarted after 2 s from its persistence, and every device must come back. Prints one JSON line.
// Usage: tsx scripts/bench/fleet-measure.ts [MODEL]
// Env: EDGEFLEET_BENCH_FLEET (devices, 10000), EDGEFLEET_BENCH_FLEET_HOSTS (4), EDGEFLEET_BENCH_FLEET_CONCURRENCY (64),
//      EDGEFLEET_BENCH_FLEET_PAIR_CONCURRENCY (32), EDGEFLEET_BENCH_FLEET_DIR (device journals; /dev/shm when there).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { monitorEventLoopDelay, performance, type IntervalHistogram } from 'node:perf_hooks';
import mqtt from 'mqtt';
import type { RolloutDetail } from '../../electron/core/api/types.js';
import { startArtifactServer } from '../../electron/core/artifacts/artifact-server.js';
import { createCore } from '../../electron/core/core.js';
import { runPool } from '../../electron/core/devices/pool.js';
import { brokerLimitLines } from '../../electron/core/mqtt-broker/mosquitto-config.js';
import { artifactPath } from '../../electron/core/registry/artifact-store.js';
import { startBroker, type Broker } from '../../test/helpers/mosquitto.js';
import type { HostMessage, HostReport } from './sim-fleet-host.js';

const root = new URL('../..', import.meta.url).pathname;
const fleetSize = Number(process.env.EDGEFLEET_BENCH_FLEET ?? 10_000);
const hostCount = Math.min(fleetSize, Number(process.env.EDGEFLEET_BENCH_FLEET_HOSTS ?? 4));
const concurrency = Number(process.env.EDGEFLEET_BENCH_FLEET_CONCURRENCY ?? 64);
const pairConcurrency = Number(process.env.EDGEFLEET_BENCH_FLEET_PAIR_CONCURRENCY ?? 32);
const telemetrySec = 20;
const autosaveSec = 5;
const progress = (line: string) => process.stderr.write(`fleet-measure: ${line}\n`);

/**
 * Open-file limit: the broker holds one socket per device (the hosts a share each), and children inherit
 * this process's limit. Raised to what is needed where the hard limit allows (without CAP_SYS_RESOURCE
 * the hard limit cannot rise); too low, the bench stops here with the fix instead of failing mid-rollout.
 */
function raiseFileLimit(need: number): { before: number; hard: number; after: number } {
  const read = () => /Max open files\s+(\d+)\s+(\d+|unlimited)/.exec(readFileSync('/proc/self/limits', 'utf8'));
  const [, soft, hardText] = read() ?? ['', '0', '0'];
  const before = Number(soft);
  const hard = hardText === 'unlimited' ? Number.MAX_SAFE_INTEGER : Number(hardText);
  if (before < need) execFileSync('prlimit', ['--pid', String(process.pid), `--nofile=${Math.min(need, hard)}:${hard === Number.MAX_SAFE_INTEGER ? 'unlimited' : hard}`]);
  const after = Number(read()?.[1] ?? 0);
  if (after < need) throw new Error(`The open-file limit is ${after} (hard ${hardText}) but ${need} are needed for ${fleetSize} devices: raise it (ulimit -Hn ${need}; ulimit -n ${need}) or set EDGEFLEET_BENCH_FLEET lower.`);
  return { before, hard, after };
}

/** CPU time (user + system) of a process so far, from /proc (Linux, USER_HZ = 100). */
function cpuMsOf(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return Number.NaN;
  }
}

const loopStats = (h: IntervalHistogram) => ({ p50Ms: h.percentile(50) / 1e6, p99Ms: h.percentile(99) / 1e6, maxMs: h.max / 1e6 });
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : Number.NaN;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Host {
  child: ChildProcess;
  ready: Promise<{ deviceId: string; code: string }[]>;
  report(): Promise<HostReport>;
}

function startHost(index: number, count: number, brokerUrl: string, dataDir: string): Host {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'scripts/bench/sim-fleet-host.ts'), String(count), brokerUrl, join(dataDir, `host-${index}`), String(telemetrySec)], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
  });
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err = (err + c.toString()).slice(-4000)));
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`sim host ${index} exited with ${code}: ${err}`))));
  exited.catch(() => undefined);
  const next = <T extends HostMessage['type']>(type: T) =>
    Promise.race([
      new Promise<Extract<HostMessage, { type: T }>>((resolve) => {
        const on = (m: HostMessage) => {
          if (m.type !== type) return;
          child.off('message', on);
          resolve(m as Extract<HostMessage, { type: T }>);
        };
        child.on('message', on);
      }),
      exited,
    ]);
  return {
    child,
    ready: next('ready').then((m) => m.devices),
    report: () => {
      const r = next('report');
      child.send({ type: 'report' });
      return r;
    },
  };
}

/** The console's own artifact server (what `edgefleet serve` runs), counting full downloads and bytes. */
async function startArtifacts(home: string) {
  let downloads = 0;
  let bytes = 0;
  const server = await startArtifactServer({
    home,
    host: '127.0.0.1',
    port: 0,
    onRequest: (r) => {
      if (r.status === 200 || r.status === 206) downloads++;
      bytes += r.bytes;
    },
  });
  return { url: server.url, downloads: () => downloads, bytes: () => bytes, close: () => server.close() };
}

/**
 * Watches presence and reported state from a persistent session (it survives the broker restart, so
 * births published before it reconnects are queued for it): per device, the time from the restart
 * until a new-session birth and a reported state running `target` both arrived live.
 */
async function openStormWatcher(url: string, target: string) {
  const watcher = mqtt.connect(url, { protocolVersion: 5, clientId: `efc-storm-${process.pid}`, clean: false, reconnectPeriod: 200, properties: { sessionExpiryInterval: 3600 } });
  const online = new Map<string, number>();
  const reconciled = new Map<string, number>();
  let restartedAt = Number.POSITIVE_INFINITY;
  watcher.on('message', (topic, payload, packet) => {
    if (packet.retain || performance.now() < restartedAt) return;
    const parts = topic.split('/');
    const id = parts[3];
    const at = performance.now() - restartedAt;
    const json = JSON.parse(payload.toString()) as { online?: boolean; active?: { manifest?: { sha256?: string } } | null; state?: string };
    if (parts[4] === 'presence' && json.online && !online.has(id)) online.set(id, at);
    if (parts[4] === 'state' && json.active?.manifest?.sha256 === target && json.state === 'running' && !reconciled.has(id)) reconciled.set(id, at);
  });
  await new Promise<void>((resolve, reject) => {
    watcher.once('connect', () => watcher.subscribe({ 'ef/v1/d/+/presence': { qos: 1, rh: 2 }, 'ef/v1/d/+/state/reported': { qos: 1, rh: 2 } }, (err) => (err ? reject(err) : resolve())));
  });
  return {
    restarted: () => (restartedAt = performance.now()),
    back: (ids: string[]) => ids.filter((id) => online.has(id) && reconciled.has(id)).length,
    times: (ids: string[]) => ids.flatMap((id) => (online.has(id) && reconciled.has(id) ? [Math.max(online.get(id)!, reconciled.get(id)!)] : [])),
    onlineTimes: () => [...online.values()],
    close: () => watcher.end(true),
  };
}

const home = mkdtempSync(join(os.tmpdir(), 'ef-fleet-bench-'));
const dataBase = process.env.EDGEFLEET_BENCH_FLEET_DIR ?? (existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir());
const dataDir = mkdtempSync(join(dataBase, 'ef-fleet-devices-'));
const hosts: Host[] = [];
let broker: Broker | null = null;
const fileLimit = raiseFileLimit(fleetSize + 2048);
const core = createCore({ home, mode: 'browser', discovery: false });
let artifacts: Awaited<ReturnType<typeof startArtifacts>> | null = null;
// Every devices.changed makes the telemetry feed (and, throttled, the MQTT ingest) list the whole inventory.
let devicesChanged = 0;
core.bus.on((name) => {
  if (name === 'devices.changed') devicesChanged++;
});

try {
  broker = await startBroker({
    persistence: true,
    config: [
      'listener {port} 127.0.0.1',
      'allow_anonymous true',
      'max_connections -1',
      'persistence true',
      'persistence_location {dir}/',
      // The broker is killed with -9: only what its last autosave wrote survives, so save often.
      `autosave_interval ${autosaveSec}`,
      ...brokerLimitLines(),
      // Not every connection: 10,000 of them would be the log.
      'connection_messages false',
      'log_dest stderr',
      'log_type error',
      'log_type warning',
      'log_type notice',
      'log_type information',
      '',
    ].join('\n'),
  });
  const brokerUrl = broker.url;

  // The model: the file given, or 5 MB of random bytes (devices never run it).
  const modelFile = process.argv[2];
  const bytes = modelFile ? readFileSync(modelFile) : randomBytes(5 * 2 ** 20);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  mkdirSync(dirname(artifactPath(home, sha256)), { recursive: true });
  if (modelFile) copyFileSync(modelFile, artifactPath(home, sha256));
  else writeFileSync(artifactPath(home, sha256), bytes);
  const { model } = core.registry.addModel({ name: 'bench-fleet-5mb', sha256, sizeBytes: bytes.length, sourceFile: null, inspect: null });
  artifacts = await startArtifacts(home);
  // What `edgefleet mqtt artifacts-url URL` writes: MQTT links then send upload-fetch with this base.
  mkdirSync(join(home, 'mqtt'), { recursive: true });
  writeFileSync(join(home, 'mqtt', 'artifacts.json'), `${JSON.stringify({ baseUrl: artifacts.url })}\n`);

  // Devices connect.
  const tConnect = performance.now();
  const per = Math.ceil(fleetSize / hostCount);
  for (let i = 0; i < hostCount; i++) hosts.push(startHost(i, Math.min(per, fleetSize - i * per), brokerUrl, dataDir));
  const devices = (await Promise.all(hosts.map((h) => h.ready))).flat();
  const connectMs = performance.now() - tConnect;
  progress(`${devices.length} devices connected in ${(connectMs / 1000).toFixed(1)} s`);

  // Pairing through the broker, in parallel (the same mqtt.add a person runs once per device).
  const pairLoop = monitorEventLoopDelay({ resolution: 5 });
  pairLoop.enable();
  const tPair = performance.now();
  let paired = 0;
  const pairFailures: string[] = [];
  await runPool(devices, pairConcurrency, async (d) => {
    const env = await core.call('mqtt.add', { broker: brokerUrl, deviceId: d.deviceId, code: d.code });
    if (!env.ok) pairFailures.push(`${d.deviceId}: ${env.error.title}: ${env.error.detail}`);
    else if (++paired % 1000 === 0) progress(`paired ${paired}`);
  });
  const pairMs = performance.now() - tPair;
  const pairDevicesChanged = devicesChanged;
  pairLoop.disable();
  if (pairFailures.length) throw new Error(`${pairFailures.length} pairings failed, e.g. ${pairFailures[0]}`);
  progress(`paired ${paired} in ${(pairMs / 1000).toFixed(1)} s`);

  // Inventory at this size, as the Fleet page asks for it.
  const tList = performance.now();
  const listed = await core.call('devices.list', {});
  const listMs = performance.now() - tList;
  const listBytes = JSON.stringify(listed).length;

  // A console that stays up has heard every device's telemetry before a rollout starts.
  await sleep((telemetrySec + 2) * 1000);

  // The staged rollout.
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  let rssPeak = process.memoryUsage().rss;
  const rssTimer = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 250);
  const hostCpu0 = hosts.map((h) => cpuMsOf(h.child.pid));
  const brokerCpu0 = cpuMsOf(broker.proc.pid);
  const consoleCpu0 = process.cpuUsage();
  const changed0 = devicesChanged;
  const t0 = performance.now();
  const env = await core.call('rollouts.create', { modelId: model.id, selector: 'all', soakMs: 0, concurrency });
  if (!env.ok) throw new Error(`rollouts.create: ${env.error.title}: ${env.error.detail}`);
  const createMs = performance.now() - t0;
  const created = env.result as RolloutDetail;
  const watch = setInterval(() => {
    const s = core.rollouts.store.get(created.id);
    if (s) progress(`rollout ${s.status}: ${Object.values(s.devices).filter((d) => d.phase === 'confirmed').length} confirmed after ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  }, 15_000);
  const state = await core.rollouts.waitFor(created.id, { drive: true, pollMs: 200 });
  const totalMs = performance.now() - t0;
  clearInterval(watch);
  clearInterval(rssTimer);
  loop.disable();
  const consoleCpu = process.cpuUsage(consoleCpu0);
  const rolloutDevicesChanged = devicesChanged - changed0;
  const hostsCpuMs = hosts.reduce((sum, h, i) => sum + cpuMsOf(h.child.pid) - hostCpu0[i], 0);
  const brokerCpuMs = cpuMsOf(broker.proc.pid) - brokerCpu0;
  const confirmed = Object.values(state.devices).filter((d) => d.phase === 'confirmed').length;
  progress(`rollout ${state.status}: ${confirmed} confirmed in ${(totalMs / 1000).toFixed(1)} s`);

  // What grows with the fleet in the engine: every recorded event clones, serialises and rewrites the whole state.
  const t1 = performance.now();
  const stateText = JSON.stringify(state);
  const stringifyMs = performance.now() - t1;
  const t2 = performance.now();
  structuredClone(state);
  const cloneMs = performance.now() - t2;
  const events = core.rollouts.store.events(created.id).length;

  // Reconnect storm.
  const ids = devices.map((d) => d.deviceId);
  const watcher = await openStormWatcher(brokerUrl, sha256);
  await sleep((autosaveSec + 2) * 1000); // the watcher's session and every retained message are in the saved state
  const stormLoop = monitorEventLoopDelay({ resolution: 5 });
  stormLoop.enable();
  await broker.kill9();
  await sleep(2000);
  await broker.restart();
  watcher.restarted();
  const brokerStormCpu0 = cpuMsOf(broker.proc.pid);
  const stormDeadline = performance.now() + 10 * 60_000;
  while (watcher.back(ids) < ids.length && performance.now() < stormDeadline) await sleep(250);
  const stormTimes = watcher.times(ids);
  const brokerStormCpuMs = cpuMsOf(broker.proc.pid) - brokerStormCpu0;
  stormLoop.disable();
  watcher.close();
  await sleep(1500); // the console's ingest flushes presence every 500 ms
  const offlineInConsole = core.registry.db.prepare("SELECT COUNT(*) AS n FROM devices WHERE state = 'offline'").get() as { n: number } | undefined;

  // No device deployed twice, through the rollout and the storm.
  const reports = await Promise.all(hosts.map((h) => h.report()));
  const doubles = reports.flatMap((r) => r.doubleActivations);
  const activations = reports.reduce((sum, r) => sum + (r.activations[sha256] ?? 0), 0);
  const ops: Record<string, number> = {};
  for (const r of reports) for (const [op, n] of Object.entries(r.ops)) ops[op] = (ops[op] ?? 0) + n;
  const notConfirmed = Object.entries(state.devices).filter(([, d]) => d.phase !== 'confirmed');

  process.stdout.write(
    JSON.stringify({
      case: 'fleet-mqtt',
      devices: devices.length,
      hostProcesses: hostCount,
      cpu: os.cpus()[0]?.model,
      cores: os.cpus().length,
      bytes: bytes.length,
      artifactPath: ops['upload-fetch'] ? 'upload-fetch (HTTP pull)' : 'upload-chunk (through the broker)',
      artifactDownloads: artifacts.downloads(),
      artifactBytesServed: artifacts.bytes(),
      ops,
      fileLimit,
      journals: dataBase,
      connectMs,
      pairMs,
      pairsPerSecond: devices.length / (pairMs / 1000),
      pairEventLoop: loopStats(pairLoop),
      devicesChangedEvents: { pairing: pairDevicesChanged, rollout: rolloutDevicesChanged },
      inventoryListMs: listMs,
      inventoryListBytes: listBytes,
      stages: created.stages.map((s) => s.deviceIds.length),
      concurrency,
      status: state.status,
      confirmed,
      notConfirmed: notConfirmed.slice(0, 5).map(([id, d]) => ({ id, phase: d.phase, error: d.error })),
      createMs,
      totalMs,
      updatesPerMinute: confirmed / (totalMs / 60_000),
      goalPerMinute: 3000,
      consoleRssPeakBytes: rssPeak,
      consoleCpuMsPerDevice: (consoleCpu.user + consoleCpu.system) / 1000 / confirmed,
      hostsCpuMsPerDevice: hostsCpuMs / confirmed,
      brokerCpuMsPerDevice: brokerCpuMs / confirmed,
      consoleCpuShare: (consoleCpu.user + consoleCpu.system) / 1000 / totalMs,
      hostsCpuShare: hostsCpuMs / totalMs,
      brokerCpuShare: brokerCpuMs / totalMs,
      eventLoop: loopStats(loop),
      engine: { events, stateBytes: stateText.length, stringifyMs, structuredCloneMs: cloneMs },
      storm: {
        devices: ids.length,
        downMs: 2000,
        back: stormTimes.length,
        p50BackMs: pct(stormTimes, 50),
        allBackMs: stormTimes.length === ids.length ? Math.max(...stormTimes) : null,
        p50OnlineMs: pct(watcher.onlineTimes(), 50),
        brokerCpuMs: brokerStormCpuMs,
        eventLoop: loopStats(stormLoop),
        offlineInConsole: offlineInConsole?.n ?? null,
        reconnects: reports.reduce((sum, r) => sum + r.connects, 0) - devices.length,
      },
      activationsOfTarget: activations,
      devicesDeployedTwice: doubles.length,
      noDeviceDeployedTwice: doubles.length === 0 && activations === confirmed,
    }) + '\n',
  );
} finally {
  await core.close();
  await artifacts?.close();
  await Promise.all(
    hosts.map(
      (h) =>
        new Promise<void>((resolve) => {
          if (h.child.exitCode !== null) return resolve();
          h.child.once('exit', () => resolve());
          h.child.kill('SIGTERM');
        }),
    ),
  );
  await broker?.stop();
  rmSync(home, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
}
