import { existsSync } from 'node:fs';
import { AppError } from '../../core/api/errors.js';
import type { DeployDeviceProgress, DeployResult, FitCheck, Job } from '../../core/api/types.js';
import type { Core } from '../../core/core.js';
import { formatDeviceLine, isFailed } from '../../core/devices/deploy-progress.js';
import { openCore } from '../context.js';
import { printJson, UsageError } from '../output.js';
import { callWithProgress, unwrap } from '../run-job.js';
import type { Command } from './command.js';

/** A registry id as is; a model file is imported first (idempotent). */
export async function resolveModel(core: Core, target: string, quiet: boolean): Promise<string> {
  if (core.registry.getModel(target)) return target;
  if (!existsSync(target)) {
    throw new AppError('MODEL_NOT_FOUND', 'Model not found', `"${target}" is neither a model file nor a registry id. List ids with \`edgefleet models list\`.`);
  }
  const job = await callWithProgress<Job>(core, 'models.import', { path: target }, quiet);
  return (job.result as { modelId: string }).modelId;
}

/** Waits for a deploy job; on a terminal, one line per device when its phase changes, upload lines each second. */
async function waitDeploy(core: Core, jobId: string, tty: boolean): Promise<Job> {
  const seen = new Map<string, { phase: string; at: number }>();
  const off = core.bus.on((event, payload) => {
    const job = payload as Job;
    if (!tty || event !== 'jobs.updated' || job.id !== jobId || job.progress.phase !== 'deploying') return;
    for (const d of job.progress.devices) {
      const last = seen.get(d.deviceId);
      const now = Date.now();
      if (!last || last.phase !== d.phase || (d.phase === 'upload' && now - last.at >= 1000)) {
        seen.set(d.deviceId, { phase: d.phase, at: now });
        process.stderr.write(`${formatDeviceLine(d)}\n`);
      }
    }
  });
  const cancel = () => core.jobs.cancel(jobId);
  process.once('SIGINT', cancel);
  try {
    return await core.jobs.wait(jobId);
  } finally {
    process.off('SIGINT', cancel);
    off();
  }
}

export const deployCommand: Command = {
  name: 'deploy',
  usage: 'deploy MODEL|ID --device ID [--device ID …] [--activate] [--confirm] [--allow-downgrade] [--no-delta] [--max-latency MS] [--concurrency N] [--json] [--home DIR]',
  summary: 'Upload a signed model to devices; --activate starts it on trial, --confirm keeps it once healthy; --allow-downgrade goes back to an older version on purpose',
  options: {
    device: { type: 'string', multiple: true },
    activate: { type: 'boolean' },
    confirm: { type: 'boolean' },
    'allow-downgrade': { type: 'boolean' },
    'no-delta': { type: 'boolean' },
    'max-latency': { type: 'string' },
    concurrency: { type: 'string' },
    json: { type: 'boolean' },
    home: { type: 'string' },
  },
  optionDocs: {
    device: ['ID', 'A device to deploy to'],
    activate: 'Start the model on trial once uploaded',
    confirm: 'Activate, and keep the model once it is healthy',
    'allow-downgrade': 'Allow going back to an older version of the model on purpose',
    'no-delta': 'Send the whole model, never a delta against the model a device already holds',
    'max-latency': ['MS', "Activation self-test: the device reverts when the model's median run takes longer (default 1000)"],
    concurrency: ['N', 'Devices deployed to at once (default 8)'],
  },
  async run({ values, positionals }) {
    const [target] = positionals;
    if (!target || positionals.length > 1) throw new UsageError('deploy takes one MODEL file or registry id');
    const deviceIds = (values.device as string[] | undefined) ?? [];
    if (deviceIds.length === 0) throw new UsageError('deploy needs at least one --device ID');
    const maxLatency = values['max-latency'] === undefined ? undefined : Number(values['max-latency']);
    if (maxLatency !== undefined && !(maxLatency > 0)) throw new UsageError(`--max-latency must be a positive number of milliseconds, got "${String(values['max-latency'])}"`);
    const concurrency = values.concurrency === undefined ? 8 : Number(values.concurrency);
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new UsageError('--concurrency must be a whole number ≥ 1');
    const json = Boolean(values.json);
    const core = openCore(values.home as string | undefined);
    try {
      const modelId = await resolveModel(core, target, json);
      const confirm = Boolean(values.confirm);
      await warnFit(core, modelId, deviceIds);
      const started = unwrap<Job>(
        await core.call('devices.deploy', { modelId, deviceIds, activate: Boolean(values.activate) || confirm, confirm, maxLatencyMs: maxLatency, concurrency, allowDowngrade: Boolean(values['allow-downgrade']), delta: !values['no-delta'] }),
      );
      const job = await waitDeploy(core, started.id, process.stderr.isTTY && !json);
      if (job.state === 'cancelled') throw new AppError('CANCELLED', 'Cancelled', 'The deployment was cancelled; devices keep what they had.');
      if (job.state === 'failed' && job.error) throw new AppError(job.error.code, job.error.title, job.error.detail);
      const result = job.result as DeployResult;
      if (json) printJson(result);
      else for (const d of result.devices) process.stdout.write(`${d.name} (${d.deviceId}): ${d.phase}${transferNote(d)}\n`);
      const failed = result.devices.filter(isFailed);
      if (failed.length) {
        for (const d of failed) process.stderr.write(`edgefleet: ${d.name} (${d.deviceId}) ${d.phase}: ${describe(d)}\n`);
        throw new AppError('DEPLOY_FAILED', 'Deployment failed on some devices', `${failed.length} of ${result.devices.length} devices failed or reverted.`);
      }
    } finally {
      await core.close();
    }
  },
};

/** ", delta of 44 KiB from 1a2b3c4d5e6f" or ", full model (why)". */
function transferNote(d: DeployDeviceProgress): string {
  const t = d.transfer;
  if (!t) return '';
  return t.mode === 'delta' ? `, delta of ${(t.bytes / 1024).toFixed(1)} KiB against ${t.base.slice(0, 12)}` : `, full model (${t.reason})`;
}

function describe(d: DeployDeviceProgress): string {
  return d.error ? `${d.error.title}: ${d.error.detail}` : 'no detail';
}

/** Warnings about the model on these boards, one stderr line each (never an error: the deploy goes on). */
async function warnFit(core: Core, modelId: string, deviceIds: string[]): Promise<void> {
  const env = await core.call('devices.checkFit', { modelId, deviceIds });
  // A check that cannot run (an unknown model) leaves the error to the deploy itself.
  if (!env.ok) return;
  for (const w of (env.result as FitCheck).warnings) process.stderr.write(`edgefleet: warning: ${w.title} (${deviceList(w.devices)}): ${w.detail}\n`);
}

function deviceList(devices: { id: string; name: string }[]): string {
  const named = devices.slice(0, 3).map((d) => `${d.name} ${d.id}`);
  return devices.length > 3 ? `${named.join(', ')} and ${devices.length - 3} more` : named.join(', ');
}
