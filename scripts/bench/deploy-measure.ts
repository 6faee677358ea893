// Deploy throughput: a 10 MB model to one agent on loopback against a plain TCP copy of the same bytes,
// then to N agents at once, with the console's event-loop delay while it runs. Prints one JSON line.
// Usage: tsx scripts/bench/deploy-measure.ts MODEL_10MB AGENTS
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createConnection, createServer, type AddressInfo } from 'node:net';
import { connect as tlsConnect, createServer as createTlsServer } from 'node:tls';
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

/** The same bytes over a plain loopback TCP connection: what the wire alone costs. */
async function tcpCopyMs(bytes: Buffer): Promise<number> {
  const server = createServer((s) => s.resume());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const t0 = performance.now();
  await new Promise<void>((resolve, reject) => {
    const sock = createConnection({ port, host: '127.0.0.1' }, () => sock.end(bytes));
    sock.on('close', () => resolve());
    sock.on('error', reject);
  });
  const ms = performance.now() - t0;
  server.close();
  return ms;
}

/** The same bytes over one TLS connection (the agent's own certificate), nothing written: what TLS alone costs here. */
async function tlsCopyMs(bytes: Buffer, key: string, cert: string): Promise<number> {
  const server = createTlsServer({ key, cert }, (s) => s.resume().on('end', () => s.end()));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const t0 = performance.now();
  await new Promise<void>((resolve, reject) => {
    const sock = tlsConnect({ port, host: '127.0.0.1', rejectUnauthorized: false }, () => sock.end(bytes));
    sock.on('close', () => resolve());
    sock.on('error', reject);
  });
  const ms = performance.now() - t0;
  server.close();
  return ms;
}

try {
  const bytes = readFileSync(modelPath);
  const imported = await job('models.import', { path: modelPath });
  const { modelId } = imported.result as { modelId: string };
  for (let i = 0; i < fleetSize; i++) {
    const a = await launchAgent({ dataDir: join(home, `agent-${i}`), args: ['--no-mdns', '--host', '127.0.0.1', '--port', '0', '--serve-port', '0', '--name', `bench-${i}`] });
    agents.push(a);
    await call('devices.pair', { address: `127.0.0.1:${a.port}`, code: a.pairingCode });
  }
  const ids = agents.map((a) => a.deviceId);

  // One device: the first deploy starts a job worker (cold); the next ones find it warm. Median of the
  // warm ones, beside a TCP copy before each.
  const single: number[] = [];
  const tcp: number[] = [];
  const tls: number[] = [];
  const identity = join(home, 'agent-0');
  const [tlsKey, tlsCert] = ['device-key.pem', 'device-cert.pem'].map((f) => readFileSync(join(identity, f), 'utf8'));
  for (let i = 0; i < 6; i++) {
    tcp.push(await tcpCopyMs(bytes));
    tls.push(await tlsCopyMs(bytes, tlsKey, tlsCert));
    const t0 = performance.now();
    await job('devices.deploy', { modelId, deviceIds: [ids[0]], activate: false });
    single.push(performance.now() - t0);
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

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
