// A fleet of real agents on this machine for trying the console without hardware: N agent processes
// on loopback ports, paired, running the bundled sample model (signed and confirmed), under load.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../api/errors.js';
import type { DeviceSummary } from '../api/types.js';
import type { JobManager } from '../jobs/job-manager.js';
import { sha256File } from '../util/hash-file.js';
import { appRoot } from '../util/app-root.js';
import { formatAddress } from './address.js';
import { launchAgent, type RunningAgent } from './agent-launcher.js';
import type { DeviceContext } from './device-context.js';
import { startDeploy } from './deploy-job.js';
import { LoadGenerator } from './load-generator.js';
import { pairDevice } from './pair-device.js';

export interface DemoFleetOptions {
  ctx: DeviceContext;
  jobs: JobManager;
  resourcesDir?: string;
  /** Progress lines for a person (the CLI prints them). */
  log?: (line: string) => void;
}

export class DemoFleet {
  private agents: RunningAgent[] = [];
  private load: LoadGenerator | null = null;
  private starting: Promise<DeviceSummary[]> | null = null;

  constructor(private readonly opts: DemoFleetOptions) {}

  get running(): number {
    return this.agents.length;
  }

  get requestsSent(): number {
    return this.load?.sent ?? 0;
  }

  start(count: number): Promise<DeviceSummary[]> {
    if (this.starting) throw new AppError('DEMO_STARTING', 'The demo fleet is starting', 'Wait for it to start, or stop it first.');
    if (this.agents.length) throw new AppError('DEMO_RUNNING', 'The demo fleet is already running', `${this.agents.length} demo agents run; stop them first.`);
    this.starting = this.startNow(count).catch(async (err: unknown) => {
      await this.stop();
      throw err;
    });
    return this.starting.finally(() => (this.starting = null));
  }

  async stop(): Promise<number> {
    this.load?.stop();
    this.load = null;
    const agents = this.agents;
    this.agents = [];
    await Promise.all(agents.map((a) => a.stop()));
    for (const a of agents) if (this.opts.ctx.store.get(a.deviceId)) this.opts.ctx.store.upsert(a.deviceId, { state: 'offline' });
    if (agents.length) this.opts.ctx.changed.now(...agents.map((a) => a.deviceId));
    return agents.length;
  }

  private async startNow(count: number): Promise<DeviceSummary[]> {
    const { ctx } = this.opts;
    const log = this.opts.log ?? (() => {});
    const root = path.join(ctx.home, 'demo');
    log(`Starting ${count} demo agents…`);
    const launch = (i: number, extra: string[] = []) => {
      const dataDir = path.join(root, `agent-${i + 1}`);
      mkdirSync(dataDir, { recursive: true, mode: 0o700 });
      const args = ['--host', '127.0.0.1', '--port', '0', '--serve-port', '0', '--no-mdns', '--name', `demo-${i + 1}`, '--telemetry-interval', '1', ...extra];
      return launchAgent({ dataDir, args });
    };
    const started = await Promise.allSettled(Array.from({ length: count }, (_, i) => launch(i)));
    this.agents = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const failed = started.find((s) => s.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;

    // Agents from an earlier demo keep their pairing with this console: only their port changed.
    for (let i = 0; i < this.agents.length; i++) {
      let a = this.agents[i];
      const address = formatAddress('127.0.0.1', a.port);
      if (!a.pairingCode && ctx.store.credentials(a.deviceId)) {
        ctx.store.upsert(a.deviceId, { address, state: 'online' });
        continue;
      }
      if (!a.pairingCode) {
        await a.stop();
        a = this.agents[i] = await launch(i, ['--new-pairing-code']);
      }
      await pairDevice(ctx, formatAddress('127.0.0.1', a.port), a.pairingCode!);
    }
    log(`Paired ${this.agents.length} agents.`);

    const model = await this.sampleModel();
    const ids = this.agents.map((a) => a.deviceId);
    const pending = ids.filter((id) => {
      const d = ctx.store.get(id);
      return d?.activeModel?.sha256 !== model.sha256 || d.slotState !== 'confirmed';
    });
    if (pending.length) {
      log(`Deploying ${model.name} v${model.version} to ${pending.length} agents…`);
      const job = await startDeploy(ctx, this.opts.jobs, { modelId: model.id, deviceIds: pending, activate: true, confirm: true, maxLatencyMs: 5000, concurrency: 8 });
      const done = await this.opts.jobs.wait(job.id);
      if (done.state !== 'succeeded') throw new AppError(done.error?.code ?? 'DEMO_DEPLOY_FAILED', done.error?.title ?? 'Demo deployment failed', done.error?.detail ?? 'The deployment did not finish.');
    }
    this.load = new LoadGenerator(path.join(this.sampleDir(), 'eval_inputs.npy'));
    await this.load.start(this.agents);
    log(`Demo fleet running: ${this.agents.length} agents serving ${model.name} under load.`);
    return ids.map((id) => ctx.store.get(id)!);
  }

  private sampleDir(): string {
    return path.join(this.opts.resourcesDir ?? path.join(appRoot(), 'resources'), 'models', 'mobilenetv2-digits');
  }

  /** The bundled sample in the registry, imported on first use. */
  private async sampleModel() {
    const { ctx, jobs } = this.opts;
    const file = path.join(this.sampleDir(), 'model.onnx');
    const existing = ctx.registry.findBySha256(await sha256File(file));
    if (existing) return existing;
    const { artifact, inspect } = await jobs.run('models.import', { path: file }, 'Import the sample model');
    const { model } = ctx.registry.addModel({ name: 'mobilenetv2-digits', sha256: artifact.sha256, sizeBytes: artifact.sizeBytes, sourceFile: file, inspect });
    ctx.bus.emit('models.changed', { id: model.id });
    return model;
  }
}
