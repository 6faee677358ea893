// Records every state-changing request and every job outcome in the append-only audit log.
import os from 'node:os';
import type { Envelope } from '../api/contract.js';
import type { EventBus } from '../api/event-bus.js';
import type { Job } from '../api/types.js';
import { auditParams } from './audit-params.js';
import type { AuditLog, AuditOutcome } from './audit-store.js';

/** Channels that change state somewhere (registry, devices, files); reads are not audited. */
const audited = new Set([
  'models.import',
  'models.importSample',
  'models.remove',
  'profiling.run',
  'optimize.run',
  'optimize.sensitivity',
  'optimize.timeOnDevices',
  'devices.add',
  'devices.pair',
  'devices.update',
  'devices.remove',
  'devices.deploy',
  'devices.confirm',
  'devices.rollback',
  'devices.profile',
  'demo.start',
  'demo.stop',
  'jobs.cancel',
  'serial.add',
  'mqtt.add',
  'mqtt.setDesired',
  'mqtt.rotateCert',
  'ssh.add',
  'ssh.remove',
  'ssh.provision',
  'ssh.deploy',
  'ssh.rollback',
  'ssh.uninstall',
  'ab.start',
  'ab.promote',
  'ab.stop',
  // rollouts.* are recorded by the rollout engine itself, step by step, under target rollout:ID;
  // fl.* by the round engine (fl.round-start, -abort, -promote, -rollback and how each round ended) under fl-round:ID.
]);

/** Input fields that never reach the log (an SSH password given for one request). */
const secretFields = new Set(['password', 'passphrase', 'code']);

function redact(input: unknown): unknown {
  if (!input || typeof input !== 'object' || Array.isArray(input)) return input;
  return Object.fromEntries(Object.entries(input as Record<string, unknown>).map(([k, v]) => [k, secretFields.has(k) ? '[redacted]' : v]));
}

function isJob(result: unknown): result is Job {
  const r = result as Partial<Job> | null;
  return !!r && typeof r === 'object' && typeof r.id === 'string' && typeof r.kind === 'string' && typeof r.state === 'string' && 'progress' in r;
}

function targetOf(input: unknown): string {
  const i = (input ?? {}) as Record<string, unknown>;
  if (Array.isArray(i.deviceIds)) return clip(`devices:${i.deviceIds.join(',')}${i.modelId ? ` model:${String(i.modelId)}` : ''}`);
  for (const key of ['id', 'modelId', 'address', 'path']) if (typeof i[key] === 'string') return clip(`${key}:${i[key] as string}`);
  return '';
}

/** A target longer than this is cut (the full input is in params, or its digest). */
const maxTargetChars = 500;

function clip(text: string): string {
  return text.length > maxTargetChars ? `${text.slice(0, maxTargetChars)}…` : text;
}

export class AuditTrail {
  private readonly actor: string;

  constructor(
    private readonly log: AuditLog,
    mode: string,
  ) {
    let user = 'unknown';
    try {
      user = os.userInfo().username;
    } catch {
      // No passwd entry (some containers): keep 'unknown'.
    }
    this.actor = `user:${user}@${mode}`;
  }

  isAudited(channel: string): boolean {
    return audited.has(channel);
  }

  request(channel: string, input: unknown, env: Envelope<unknown>): void {
    if (!audited.has(channel)) return;
    const job = env.ok && isJob(env.result) ? env.result : null;
    this.append({
      action: channel,
      target: targetOf(input),
      params: auditParams(redact(input)),
      outcome: !env.ok ? (env.error.code === 'INVALID_INPUT' ? 'refused' : 'failed') : job ? 'started' : 'succeeded',
      detail: env.ok ? (job ? `job ${job.id}` : null) : `${env.error.title}: ${env.error.detail}`,
    });
  }

  /** Job outcomes, so a deploy that started and then failed shows both. */
  watchJobs(bus: EventBus): () => void {
    return bus.on((event, payload) => {
      if (event !== 'jobs.updated') return;
      const job = payload as Job;
      if (job.state !== 'succeeded' && job.state !== 'failed' && job.state !== 'cancelled') return;
      if (!audited.has(job.kind)) return;
      this.append({
        action: `${job.kind}.finished`,
        target: `job:${job.id}`,
        params: { title: job.title },
        outcome: job.state === 'succeeded' ? 'succeeded' : job.state === 'cancelled' ? 'refused' : 'failed',
        detail: job.error ? `${job.error.title}: ${job.error.detail}` : job.state === 'cancelled' ? 'cancelled' : null,
      });
    });
  }

  private append(entry: { action: string; target: string; params: unknown; outcome: AuditOutcome; detail: string | null }): void {
    try {
      this.log.append({ actor: this.actor, ...entry });
    } catch (err) {
      // The operation already happened: report the gap loudly rather than fail it after the fact.
      process.stderr.write(`edgefleet: audit log write failed: ${(err as Error).message}\n`);
    }
  }
}
