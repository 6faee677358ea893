import type { Job, JobProgress } from '../api/types.js';
import type { TaskKind } from './tasks.js';

const phaseWords: Record<JobProgress['phase'], string> = {
  queued: 'Waiting',
  reading: 'Reading',
  decoding: 'Decoding',
  analysing: 'Analysing',
  'load-check': 'Checking it loads',
  saving: 'Saving',
  warmup: 'Warming up',
  profiling: 'Profiling',
  'parsing-trace': 'Reading the trace',
  calibrating: 'Calibrating',
  quantizing: 'Quantizing',
  converting: 'Converting',
  evaluating: 'Checking accuracy',
  tuning: 'Tuning',
  deploying: 'Deploying',
  done: 'Done',
};

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

/** One line for a person: "Profiling · run 120 of 200 · 60%". Pure, used by the UI, the CLI and the taskbar. */
export function formatProgress(p: JobProgress): string {
  const parts = [phaseWords[p.phase]];
  if (p.phase === 'warmup' || p.phase === 'profiling') parts.push(`run ${p.run} of ${p.runs}`);
  if (p.phase === 'deploying') {
    const settled = p.devices.filter((d) => ['trial', 'confirmed', 'reverted', 'failed'].includes(d.phase)).length;
    const failed = p.devices.filter((d) => d.phase === 'failed' || d.phase === 'reverted').length;
    parts.push(`${settled} of ${p.devices.length} devices done${failed ? `, ${failed} failed` : ''}`);
  }
  if (p.phase === 'reading' && p.bytes !== undefined) {
    parts.push(p.totalBytes ? `${formatBytes(p.bytes)} of ${formatBytes(p.totalBytes)}` : formatBytes(p.bytes));
  }
  if (p.message) parts.push(p.message);
  if (p.fraction !== null && p.phase !== 'done' && p.phase !== 'queued') parts.push(`${Math.round(p.fraction * 100)}%`);
  return parts.join(' · ');
}

export function formatJobState(job: Pick<Job, 'state' | 'progress' | 'error'>): string {
  switch (job.state) {
    case 'queued':
      return 'Queued';
    case 'running':
      return formatProgress(job.progress);
    case 'succeeded':
      return 'Finished';
    case 'cancelled':
      return 'Cancelled';
    case 'failed':
      return job.error ? `Failed: ${job.error.title}` : 'Failed';
  }
}

/** Fraction over all running jobs, for the taskbar; -1 when nothing runs (Electron's convention). */
export function overallFraction(jobs: Pick<Job, 'state' | 'progress'>[]): number {
  const running = jobs.filter((j) => j.state === 'running');
  if (running.length === 0) return -1;
  const sum = running.reduce((acc, j) => acc + (j.progress.fraction ?? 0), 0);
  return sum / running.length;
}

export { formatBytes };

// Keyed by TaskKind: a new kind of job does not compile until it has words here.
const kindWords: Record<TaskKind, string> = {
  'models.import': 'Import',
  'models.inspect': 'Inspect',
  'models.graph': 'Graph',
  'profiling.run': 'Profile',
  'optimize.run': 'Optimize',
  'optimize.sensitivity': 'Sensitivity',
  'optimize.timeOnDevices': 'Time on devices',
  'devices.deploy': 'Deploy',
  'devices.profile': 'Device profile',
  'ssh.provision': 'SSH provision',
  'ssh.deploy': 'SSH deploy',
};

/** A job kind in words ("devices.deploy" → "Deploy"); unknown kinds are shown as they are. */
export function formatJobKind(kind: string): string {
  return Object.hasOwn(kindWords, kind) ? kindWords[kind as TaskKind] : kind;
}
