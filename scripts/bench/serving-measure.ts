// The agent on a device: idle memory, and what its local inference endpoint adds per request against a
// direct onnxruntime-node call on the same model and input, measured side by side. Prints one JSON line.
// Usage: tsx scripts/bench/serving-measure.ts
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import type { Job } from '../../electron/core/api/types.js';

const { createCore } = (await import(new URL('../../dist/electron/core/core.js', import.meta.url).href)) as typeof import('../../electron/core/core.js');
const { launchAgent } = (await import(new URL('../../dist/electron/core/devices/agent-launcher.js', import.meta.url).href)) as typeof import('../../electron/core/devices/agent-launcher.js');

const root = fileURLToPath(new URL('../..', import.meta.url));
const sample = join(root, 'resources', 'models', 'mobilenetv2-digits', 'model.onnx');
const home = mkdtempSync(join(os.tmpdir(), 'ef-serving-bench-'));
const core = createCore({ home, mode: 'cli' });

const rssOf = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function call<R>(channel: string, input: unknown): Promise<R> {
  const env = await core.call(channel, input);
  if (!env.ok) throw new Error(`${channel}: ${env.error.title}: ${env.error.detail}`);
  return env.result as R;
}

function post(port: number, body: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/infer', headers: { 'Content-Type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const agent = await launchAgent({ dataDir: join(home, 'agent'), args: ['--no-mdns', '--host', '127.0.0.1', '--port', '0', '--serve-port', '0', '--name', 'bench'] });
try {
  await new Promise((r) => setTimeout(r, 2000));
  const idleRssNoModel = rssOf(agent.proc.pid!);
  await call('devices.pair', { address: `127.0.0.1:${agent.port}`, code: agent.pairingCode });
  const imported = await call<Job>('models.import', { path: sample });
  const { modelId } = (await core.jobs.wait(imported.id)).result as { modelId: string };
  const deploy = await call<Job>('devices.deploy', { modelId, deviceIds: [agent.deviceId], activate: true, confirm: true });
  const deployed = await core.jobs.wait(deploy.id);
  if (deployed.state !== 'succeeded') throw new Error(`deploy: ${deployed.error?.detail}`);
  await new Promise((r) => setTimeout(r, 2000));
  const idleRssWithModel = rssOf(agent.proc.pid!);

  const data = new Float32Array(3 * 32 * 32).map((_, i) => Math.sin(i));
  const body = JSON.stringify({ inputs: { input: { dims: [1, 3, 32, 32], data: Buffer.from(data.buffer).toString('base64') } } });
  const session = await ort.InferenceSession.create(sample);
  const feeds = { input: new ort.Tensor('float32', data, [1, 3, 32, 32]) };
  const viaAgent: number[] = [];
  const direct: number[] = [];
  for (let i = 0; i < 20; i++) {
    await post(agent.servePort, body);
    await session.run(feeds);
  }
  for (let i = 0; i < 300; i++) {
    let t0 = performance.now();
    await post(agent.servePort, body);
    viaAgent.push(performance.now() - t0);
    t0 = performance.now();
    await session.run(feeds);
    direct.push(performance.now() - t0);
  }
  await session.release();
  process.stdout.write(
    JSON.stringify({
      case: 'serving',
      idleRssNoModelBytes: idleRssNoModel,
      idleRssWithModelBytes: idleRssWithModel,
      agentP50Ms: median(viaAgent),
      directP50Ms: median(direct),
      overheadP50Ms: median(viaAgent) - median(direct),
    }) + '\n',
  );
} finally {
  await agent.stop();
  await core.close();
  rmSync(home, { recursive: true, force: true });
}
