// Pure helpers for the `deploying` job progress: one DeployDeviceProgress per device.
import type { DeployDeviceProgress, JobProgress } from '../api/types.js';

export const finishedPhases: readonly DeployDeviceProgress['phase'][] = ['trial', 'confirmed', 'reverted', 'failed'];

export function isFinished(d: DeployDeviceProgress): boolean {
  return finishedPhases.includes(d.phase);
}

export function isFailed(d: DeployDeviceProgress): boolean {
  return d.phase === 'failed' || d.phase === 'reverted';
}

/**
 * Fraction of the whole deployment: bytes carry 90% of each device's share, the steps after the
 * upload the rest; a finished device (however it ended) counts in full.
 */
export function deployFraction(devices: readonly DeployDeviceProgress[], settled: (d: DeployDeviceProgress) => boolean = isFinished): number {
  if (devices.length === 0) return 1;
  const per = devices.map((d) => {
    if (settled(d)) return 1;
    const upload = d.totalBytes > 0 ? Math.min(1, d.bytes / d.totalBytes) : 0;
    const after = d.phase === 'activate' || d.phase === 'health-check' ? 0.5 : 0;
    return upload * 0.9 + after * 0.1;
  });
  return per.reduce((a, b) => a + b, 0) / devices.length;
}

export function deployingProgress(devices: readonly DeployDeviceProgress[], settled?: (d: DeployDeviceProgress) => boolean): JobProgress {
  return { phase: 'deploying', fraction: deployFraction(devices, settled), devices: devices.map((d) => ({ ...d })) };
}

/** One line per device for a terminal: "edge-1  upload  4.2 MiB of 10 MiB  12.0 MB/s  ETA 1 s". */
export function formatDeviceLine(d: DeployDeviceProgress): string {
  const parts = [d.name.padEnd(16), d.phase.padEnd(12)];
  if (d.phase === 'upload' || d.phase === 'queued') parts.push(`${mib(d.bytes)} of ${mib(d.totalBytes)}${d.transfer?.mode === 'delta' ? ' (delta)' : ''}`);
  if (d.phase === 'upload' && d.rateBps) parts.push(`${(d.rateBps / 1e6).toFixed(1)} MB/s`);
  if (d.phase === 'upload' && d.etaSec !== null) parts.push(`ETA ${d.etaSec} s`);
  if (d.error) parts.push(`${d.error.title}: ${d.error.detail}`);
  return parts.join('  ').trimEnd();
}

function mib(n: number): string {
  return `${(n / 1048576).toFixed(1)} MiB`;
}
