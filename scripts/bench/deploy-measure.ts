// Deploy throughput: a 10 MB model to one agent on loopback against a plain TCP copy of the same bytes
// to another process (as the agent is), then to N agents at once, with the console's event-loop delay
// while it runs. Prints one JSON line.
// Usage: tsx scripts/bench/deploy-measure.ts MODEL_10MB AGENTS
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';
import { createConnection } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { Job } from '../../electron/core/api/types.js';
import type { RunningAgent } from '../../electron/core/devices/agent-launcher.js';

// The product path: the compiled core (`npm run build`), whose job workers are plain JS. From the TypeScript
// sources every worker would first register a TypeScript loader, which costs more than the upload itself.
const { createCore } = (await import(new URL('../../dist/electron/core/core.js', import.meta.url).href)) as typeof import('../../electron/core/core.js');
const { launchAgent } = (await import(new URL('../../dist/electron/core/devices/agent-launcher.js', import.meta.url).href)) as typeof import('../../electron/core/devices/agent-launcher.js');

const [modelPath, agentsArg] = process.argv.slice(2);
const fleetSize = Number(agentsArg ?? 50);
const home = mkdtempSync(join(os.tmpdir(), 'ef-deploy-bench-'));
const core = createCore({ home, mode: 'cli' });
const agents: RunningAgent[] = [];

async function call<R>(channel: string, input: unknown): Promise<R> {
  const env = await core.call(channel, input);
  if (!env.ok) throw new Error(`${channel}: ${env.error.title}: ${env.error.detail}`);
  return env.result as R;
}

async function job(channel: string, input: unknown): Promise<Job> {
  const started = await call<Job>(channel, input);
  const done = await core.jobs.wait(started.id);
  if (done.state !== 'succeeded') throw new Error(`${channel}: ${done.error?.title}: ${done.error?.detail}`);
  return done;
}

/** The bytes to the sink process over plain TCP (what the wire alone costs) or TLS (with the agent's certificate). */
async function copyMs(bytes: Buffer, port: number, secure: boolean): Promise<number> {
  const t0 = performance.now();
  await new Promise<void>((resolve, reject) => {
    const sock = secure ? tlsConnect({ port, host: '127.0.0.1', rejectUnauthorized: false }, () => sock.end(bytes)) : createConnection({ port, host: '127.0.0.1' }, () => sock.end(bytes));
    sock.on('close', () => resolve());
    sock.on('error', reject);
  });
  return performance.now() - t0;
}

/** Starts the sink (scripts/bench/sink-server.ts) in its own process, as the agent is. */
async function startSink(keyPath: string, certPath: string): Promise<{ tcp: number; tls: number; proc: ChildProcess }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./sink-server.ts', import.meta.url)), keyPath, certPath], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('\n')) resolve(out.split('\n')[0]);
    });
    proc.once('exit', (code) => reject(new Error(`sink exited with ${code}`)));
  });
  return { ...(JSON.parse(line) as { tcp: number; tls: number }), proc };
}

try {
  const bytes = readFileSync(modelPath);
  const imported = await job('models.import', { path: modelPath });
  const { modelId } = imported.result as { modelId: string };
  const startAgent = async (i: number) => {
    const a = await launchAgent({ dataDir: join(home, `agent-${i}`), args: ['--no-mdns', '--host', '127.0.0.1', '--port', '0', '--serve-port', '0', '--name', `bench-${i}`] });
    agents.push(a);
    await call('devices.pair', { address: `127.0.0.1:${a.port}`, code: a.pairingCode });
  };
  // One device, with only its agent running: the first deploy starts a job worker (cold); the next
  // ones find it warm. Median of the warm ones, beside a TCP and a TLS copy before each.
  await startAgent(0);
  const single: number[] = [];
  const tcp: number[] = [];
  const tls: number[] = [];
  const identity = join(home, 'agent-0');
  const sink = await startSink(join(identity, 'device-key.pem'), join(identity, 'device-cert.pem'));
  for (let i = 0; i < 6; i++) {
    tcp.push(await copyMs(bytes, sink.tcp, false));
    tls.push(await copyMs(bytes, sink.tls, true));
    const t0 = performance.now();
    await job('devices.deploy', { modelId, deviceIds: [agents[0].deviceId], activate: false });
    single.push(performance.now() - t0);
  }
  sink.proc.kill('SIGTERM');
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  // The device must hash every byte (sha256, checked against the signed manifest): on a CPU without
  // SHA extensions that alone bounds the deploy, whatever the transport does.
  const sha: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    createHash('sha256').update(bytes).digest();
    sha.push(performance.now() - t);
  }

  for (let i = 1; i < fleetSize; i++) await startAgent(i);
  const ids = agents.map((a) => a.deviceId);

  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const t0 = performance.now();
  await job('devices.deploy', { modelId, deviceIds: ids, activate: false, concurrency: fleetSize });
  const fleetMs = performance.now() - t0;
  loop.disable();

  const coldMs = single.shift()!;
  tcp.shift();
  tls.shift();
  const singleMs = med(single);
  process.stdout.write(
    JSON.stringify({
      case: 'deploy',
      bytes: bytes.length,
      coldDeployMs: coldMs,
      singleDeployMs: singleMs,
      singleMBps: bytes.length / 1e6 / (singleMs / 1000),
      tcpCopyMs: med(tcp),
      tcpMBps: bytes.length / 1e6 / (med(tcp) / 1000),
      throughputVsTcp: med(tcp) / singleMs,
      tlsCopyMs: med(tls),
      tlsVsTcp: med(tcp) / med(tls),
      sha256Ms: med(sha),
      sha256VsTcp: med(tcp) / med(sha),
      agents: fleetSize,
      fleetDeployMs: fleetMs,
      fleetVsSerial: fleetMs / (fleetSize * singleMs),
      eventLoopP99Ms: loop.percentile(99) / 1e6,
      eventLoopMaxMs: loop.max / 1e6,
    }) + '\n',
  );
} finally {
  await Promise.all(agents.map((a) => a.stop()));
  await core.close();
  rmSync(home, { recursive: true, force: true });
}
