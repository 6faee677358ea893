// A console paired with one real agent and the sample float model imported: what the tests of
// optimizing for a device (optimize.run with deviceId, timeOnDevices, targets) start from.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Job, ModelSummary } from '../../electron/core/api/types.js';
import { createCore, type Core } from '../../electron/core/core.js';
import { sampleModelPath, startAgent, type AgentProcess } from './agent-process.js';

const dir = path.dirname(sampleModelPath);

/** Static INT8 of the sample model with its own calibration and evaluation data. */
export const staticRecipe = {
  mode: 'static' as const,
  calibrationNpy: path.join(dir, 'calibration.npy'),
  evalInputsNpy: path.join(dir, 'eval_inputs.npy'),
  evalLabelsNpy: path.join(dir, 'eval_labels.npy'),
};

export interface DeviceOptimizeFixture {
  home: string;
  agent: AgentProcess;
  core: Core;
  floatModel: ModelSummary;
  call<R>(channel: string, input: unknown): Promise<R>;
  /** Starts a job and waits for it; throws with the job's error unless it succeeded. */
  runJob(channel: string, input: unknown): Promise<Job>;
  close(): Promise<void>;
}

export async function pairedWithSampleModel(opts: { name: string; agentArgs?: string[]; deploy?: boolean }): Promise<DeviceOptimizeFixture> {
  const home = mkdtempSync(path.join(tmpdir(), `ef-${opts.name}-`));
  const agent = await startAgent({ name: opts.name, ...(opts.agentArgs ? { args: opts.agentArgs } : {}) });
  const core = createCore({ home, mode: 'cli' });
  const call = async <R>(channel: string, input: unknown): Promise<R> => {
    const env = await core.call(channel, input);
    if (!env.ok) throw new Error(`${channel}: ${env.error.code}: ${env.error.title}: ${env.error.detail}`);
    return env.result as R;
  };
  const runJob = async (channel: string, input: unknown): Promise<Job> => {
    const job = await call<Job>(channel, input);
    const done = await core.jobs.wait(job.id);
    if (done.state !== 'succeeded') throw new Error(`${channel}: ${JSON.stringify(done.error)}`);
    return done;
  };
  const close = async () => {
    await core.close();
    await agent.stop();
    rmSync(home, { recursive: true, force: true });
  };
  try {
    await call('devices.pair', { address: `127.0.0.1:${agent.port}`, code: agent.pairingCode });
    const imported = await runJob('models.import', { path: sampleModelPath });
    const floatModel = core.registry.getModel((imported.result as { modelId: string }).modelId)!;
    // The device serves the float model, confirmed, before anything is optimized for it.
    if (opts.deploy) await runJob('devices.deploy', { modelId: floatModel.id, deviceIds: [agent.deviceId], activate: true, confirm: true, concurrency: 1 });
    return { home, agent, core, floatModel, call, runJob, close };
  } catch (err) {
    await close();
    throw err;
  }
}
