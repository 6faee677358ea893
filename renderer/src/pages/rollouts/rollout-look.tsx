import { Chip } from '@mui/material';
import type { RolloutDevicePhase, RolloutGateInfo, RolloutGateResult, RolloutStatus } from '../../../../electron/core/api/types.js';

type Color = 'default' | 'success' | 'warning' | 'error' | 'info' | 'primary';

const statusLook: Record<RolloutStatus, { label: string; color: Color; variant: 'filled' | 'outlined' }> = {
  planned: { label: 'Planned', color: 'default', variant: 'outlined' },
  running: { label: 'Running', color: 'info', variant: 'filled' },
  paused: { label: 'Paused', color: 'warning', variant: 'outlined' },
  halted: { label: 'Halted', color: 'error', variant: 'filled' },
  'rolling-back': { label: 'Rolling back', color: 'warning', variant: 'filled' },
  'rolled-back': { label: 'Rolled back', color: 'warning', variant: 'outlined' },
  completed: { label: 'Completed', color: 'success', variant: 'filled' },
  aborted: { label: 'Aborted', color: 'default', variant: 'filled' },
};

export const rolloutStatusLabel = (s: RolloutStatus) => statusLook[s]?.label ?? s;

export function RolloutStatusChip({ status }: { status: RolloutStatus }) {
  const look = statusLook[status] ?? { label: status, color: 'default' as const, variant: 'outlined' as const };
  return <Chip label={look.label} color={look.color} variant={look.variant} data-testid="rollout-status" data-status={status} />;
}

/** Device phases in the order a device goes through them, each with its colour. */
export const devicePhases: { phase: RolloutDevicePhase; label: string; color: string }[] = [
  { phase: 'pending', label: 'Pending', color: '#5d6b79' },
  { phase: 'deploying', label: 'Deploying', color: '#7fb8e6' },
  { phase: 'trial', label: 'On trial', color: '#ffb547' },
  { phase: 'confirmed', label: 'Confirmed', color: '#4cc98a' },
  { phase: 'failed', label: 'Failed', color: '#ff6b6b' },
  { phase: 'reverted', label: 'Reverted', color: '#d9a05b' },
  { phase: 'rolled-back', label: 'Rolled back', color: '#b39ddb' },
  { phase: 'flagged', label: 'Flagged', color: '#ff8a80' },
];
const phaseByName = new Map(devicePhases.map((p) => [p.phase, p]));

export function DevicePhaseChip({ phase }: { phase: RolloutDevicePhase }) {
  const look = phaseByName.get(phase);
  return (
    <Chip
      label={look?.label ?? phase}
      variant="outlined"
      data-testid="rollout-device-phase"
      data-phase={phase}
      sx={{ borderColor: look?.color, color: look?.color }}
    />
  );
}

/** A gate's value in its unit: fractions as percentages, ratios as "×", counts as numbers. */
export function formatGateValue(value: number | null, unit: RolloutGateInfo['unit'] | undefined): string {
  if (value === null || !Number.isFinite(value)) return '—';
  if (unit === 'fraction') return `${(value * 100).toFixed(value < 0.1 ? 1 : 0)} %`;
  if (unit === 'ratio') return `${value.toFixed(2)}×`;
  return value.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

const gateStatusLook: Record<RolloutGateResult['status'], { label: string; color: Color }> = {
  pass: { label: 'Pass', color: 'success' },
  fail: { label: 'Fail', color: 'error' },
  insufficient: { label: 'Too few devices', color: 'default' },
};

export function GateStatusChip({ status }: { status: RolloutGateResult['status'] }) {
  const look = gateStatusLook[status];
  return <Chip label={look.label} color={look.color} variant={status === 'fail' ? 'filled' : 'outlined'} data-testid="gate-status" data-status={status} />;
}

/** Statuses in which the engine still acts (pause/abort make sense). */
export const isLive = (s: RolloutStatus) => s === 'running' || s === 'rolling-back';
