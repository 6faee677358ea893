// Rollout orchestration rate: a model rolled out by the rollout engine (5 % → 25 % → 100 %, gates
// judged after each stage, no soak) to N agents on loopback that share a few host processes, in
// device updates per minute (upload + verify + trial activation + confirm) against AWS IoT Jobs'
// ceiling of 1,000 per minute. Prints one JSON line.
// Usage: tsx scripts/bench/rollout-measure.ts MODEL AGENTS HOST_PROCESSES CONCURRENCY [https|mqtt]
// With mqtt the agents connect out to a local Mosquitto and the console drives them through it; they
// pull the artifact from the console's artifact server (upload-fetch), so its bytes never ride the broker.
// With EDGEFLEET_BENCH_PROFILE_DIR=DIR the agent hosts write V8 CPU profiles there (where their time goes).
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { RolloutDetail } from '../../electron/core/api/types.js';
import { startArtifactServer, type ArtifactServer } from '../../electron/core/artifacts/artifact-server.js';
import { createCore } from '../../electron/core/core.js';
import { writeArtifactBaseUrl } from '../../electron/core/devices/mqtt/artifacts-url.js';
import { artifactPath } from '../../electron/core/registry/artifact-store.js';
import { runPool } from '../../electron/core/devices/pool.js';
import { startBroker, type Broker } from '../../test/helpers/mosquitto.js';

const [modelPath, agentsArg, hostsArg, concurrencyArg, transportArg] = process.argv.slice(2);
const transport = transportArg === 'mqtt' ? 'mqtt' : 'https';
const fleetSize = Number(agentsArg ?? 200);
const hostCount = Number(hostsArg ?? 4);
const concurrency = Number(concurrencyArg ?? 32);
const profileDir = process.env.EDGEFLEET_BENCH_PROFILE_DIR;
const root = new URL('../..', import.meta.url).pathname;
const home = mkdtempSync(join(os.tmpdir(), 'ef-rollout-bench-'));
const core = createCore({ home, mode: 'cli' });
const hosts: ChildProcess[] = [];
let broker: Broker | null = null;
let artifacts: ArtifactServer | null = null;
/** Artifact bytes the devices pulled over HTTP. */
let pulledBytes = 0;

interface Ready {
  deviceId: string;
  port: number;
  pairingCode: string;
}

/** CPU time (user + system) a child process has used so far, from /proc (Linux). */
function cpuMsOf(child: ChildProcess): number {
  try {
    const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return Number.NaN;
  }
}

function startHost(index: number, count: number): Promise<Ready[]> {
  const child = spawn(process.execPath, [...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []), '--import', 'tsx', join(root, 'scripts/bench/multi-agent-host.ts'), join(home, `host-${index}`), String(count), ...(broker ? [broker.url] : [])], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  hosts.push(child);
  const ready: Ready[] = [];
  let out = '';
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const lines = out.split('\n');
      out = lines.pop()!;
      for (const l of lines) if (l.startsWith('EDGEFLEET_AGENT_READY ')) ready.push(JSON.parse(l.slice(22)) as Ready);
      if (ready.length === count) resolve(ready);
    });
    child.once('exit', (code) => reject(new Error(`agent host ${index} exited with ${code}: ${err.slice(-2000)}`)));
  });
}

/**
 * The broker killed (kill -9) and started again after `downMs`: how long from its restart until every agent has
 * published a new "online" birth (a new session), with the agents' jittered exponential backoff.
 */
async function reconnectStorm(b: Broker, deviceIds: string[], downMs = 2000): Promise<{ devices: number; downMs: number; allBackMs: number; p50BackMs: number }> {
  const mqtt = (await import('mqtt')).default;
  await b.kill9();
  await new Promise((r) => setTimeout(r, downMs));
  await b.restart();
  const restarted = performance.now();
  const back = new Map<string, number>();
  const watcher = mqtt.connect(b.url, { protocolVersion: 5, clientId: `efc-storm-${process.pid}`, reconnectPeriod: 200 });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`only ${back.size} of ${deviceIds.length} agents came back in 10 min`)), 600_000);
    watcher.on('connect', () => watcher.subscribe('ef/v1/d/+/presence', { qos: 1 }));
    watcher.on('message', (topic, payload) => {
      const id = topic.split('/')[3];
      if (back.has(id) || !(JSON.parse(payload.toString()) as { online?: boolean }).online) return;
      back.set(id, performance.now() - restarted);
      if (back.size === deviceIds.length) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  watcher.end(true);
  const times = [...back.values()].sort((x, y) => x - y);
  return { devices: deviceIds.length, downMs, allBackMs: times[times.length - 1], p50BackMs: times[Math.floor(times.length / 2)] };
}

try {
  if (transport === 'mqtt') broker = await startBroker({ extraConfig: ['max_queued_messages 10000'] });
  const bytes = readFileSync(modelPath);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  mkdirSync(dirname(artifactPath(home, sha256)), { recursive: true });
  copyFileSync(modelPath, artifactPath(home, sha256));
  const { model } = core.registry.addModel({ name: 'bench-5mb', sha256, sizeBytes: bytes.length, sourceFile: null, inspect: null });
  if (broker) {
    artifacts = await startArtifactServer({ home, onRequest: (r) => (pulledBytes += r.bytes) });
    await writeArtifactBaseUrl(home, artifacts.url);
  }

  const per = Math.ceil(fleetSize / hostCount);
  const agents = (await Promise.all(Array.from({ length: hostCount }, (_, i) => startHost(i, Math.min(per, fleetSize - i * per))))).flat();
  await runPool(agents, 8, async (a) => {
    const env = broker
      ? await core.call('mqtt.add', { broker: broker.url, deviceId: a.deviceId, code: a.pairingCode })
      : await core.call('devices.pair', { address: `127.0.0.1:${a.port}`, code: a.pairingCode });
    if (!env.ok) throw new Error(`pair: ${env.error.title}: ${env.error.detail}`);
  });

  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const hostCpu0 = hosts.map(cpuMsOf);
  const brokerCpu0 = broker ? cpuMsOf(broker.proc) : 0;
  const consoleCpu0 = process.cpuUsage();
  const t0 = performance.now();
  const env = await core.call('rollouts.create', { modelId: model.id, selector: 'all', soakMs: 0, concurrency });
  if (!env.ok) throw new Error(`rollouts.create: ${env.error.title}: ${env.error.detail}`);
  const created = env.result as RolloutDetail;
  const state = await core.rollouts.waitFor(created.id, { drive: true, pollMs: 50 });
  const totalMs = performance.now() - t0;
  loop.disable();
  const consoleCpu = process.cpuUsage(consoleCpu0);
  const agentsCpuMs = hosts.reduce((sum, h, i) => sum + cpuMsOf(h) - hostCpu0[i], 0);
  const brokerCpuMs = broker ? cpuMsOf(broker.proc) - brokerCpu0 : null;
  const confirmed = Object.values(state.devices).filter((d) => d.phase === 'confirmed').length;
  // Where the time went, per stage, from the rollout's own event log. A stage's deploys start while the previous
  // stage's confirmations finish, so deployMs counts from the last of those and slightly understates.
  const log = core.rollouts.store.events(created.id).map((e) => ({ t: Date.parse(e.at), e: e.event }));
  const t = (pred: (e: (typeof log)[number]['e']) => boolean, pick: 'first' | 'last') => {
    const xs = log.filter((x) => pred(x.e)).map((x) => x.t);
    return pick === 'first' ? Math.min(...xs) : Math.max(...xs);
  };
  let prevEnd = log[0].t;
  const phases = created.stages.map((st, k) => {
    const inStage = (e: { type: string }) => 'deviceId' in e && st.deviceIds.includes((e as { deviceId: string }).deviceId);
    const deployed = t((e) => e.type === 'device-deployed' && inStage(e), 'last');
    const gates = t((e) => e.type === 'gates-evaluated' && e.stage === k, 'last');
    const confirmedAt = t((e) => e.type === 'device-confirmed' && inStage(e), 'last');
    const out = { devices: st.deviceIds.length, deployMs: deployed - prevEnd, gatesMs: gates - deployed, confirmMs: confirmedAt - gates };
    prevEnd = confirmedAt;
    return out;
  });
  const storm = broker ? await reconnectStorm(broker, agents.map((a) => a.deviceId)) : null;
  process.stdout.write(
    JSON.stringify({
      case: 'rollout',
      storm,
      transport,
      agents: agents.length,
      hostProcesses: hostCount,
      bytes: bytes.length,
      stages: created.stages.map((s) => s.deviceIds.length),
      concurrency,
      status: state.status,
      confirmed,
      totalMs,
      phases,
      updatesPerMinute: confirmed / (totalMs / 60_000),
      // CPU time spent per confirmed device, by the console (all its threads) and by the agent hosts.
      consoleCpuMsPerDevice: (consoleCpu.user + consoleCpu.system) / 1000 / confirmed,
      agentCpuMsPerDevice: agentsCpuMs / confirmed,
      brokerCpuMsPerDevice: brokerCpuMs === null ? null : brokerCpuMs / confirmed,
      consoleRssBytes: process.memoryUsage().rss,
      notConfirmed: Object.entries(state.devices).filter(([, d]) => d.phase !== 'confirmed').map(([id, d]) => ({ id, phase: d.phase, error: d.error })).slice(0, 5),
      goalPerMinute: 1000,
      // How the model's bytes reached the devices: the HTTPS push (https), pulled from the artifact server (http-pull),
      // over the broker in chunks (broker-chunks, the fallback), or both.
      artifactPath: !broker ? 'https-push' : pulledBytes >= confirmed * bytes.length ? 'http-pull' : pulledBytes === 0 ? 'broker-chunks' : 'mixed',
      pulledBytes: broker ? pulledBytes : null,
      eventLoopP99Ms: loop.percentile(99) / 1e6,
      eventLoopMaxMs: loop.max / 1e6,
    }) + '\n',
  );
} finally {
  await core.close();
  await Promise.all(
    hosts.map(
      (h) =>
        new Promise<void>((resolve) => {
          if (h.exitCode !== null) return resolve();
          h.once('exit', () => resolve());
          h.kill('SIGTERM');
        }),
    ),
  );
  await artifacts?.close();
  await broker?.stop();
  rmSync(home, { recursive: true, force: true });
}
