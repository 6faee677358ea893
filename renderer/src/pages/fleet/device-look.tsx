import { Chip } from '@mui/material';
import type { DeployDeviceProgress, DeviceState, DeviceSummary } from '../../../../electron/core/api/types.js';

type ChipColor = 'default' | 'success' | 'warning' | 'error' | 'info' | 'primary' | 'secondary';

const stateLook: Record<DeviceState, { label: string; color: ChipColor; variant: 'filled' | 'outlined' }> = {
  online: { label: 'Online', color: 'success', variant: 'filled' },
  trial: { label: 'Trial', color: 'warning', variant: 'filled' },
  offline: { label: 'Offline', color: 'default', variant: 'filled' },
  error: { label: 'Error', color: 'error', variant: 'filled' },
  discovered: { label: 'Discovered', color: 'primary', variant: 'outlined' },
  busy: { label: 'Busy', color: 'info', variant: 'outlined' },
};

export const stateLabel = (s: DeviceState): string => stateLook[s]?.label ?? s;
export const deviceStates = Object.keys(stateLook) as DeviceState[];

/** Online green, trial amber, offline grey, error red, discovered blue outline, busy light blue outline. */
export function DeviceStateChip({ state }: { state: DeviceState }) {
  const look = stateLook[state] ?? { label: state, color: 'default' as const, variant: 'outlined' as const };
  return <Chip label={look.label} color={look.color} variant={look.variant} data-testid="device-state" data-state={state} sx={{ minWidth: 76 }} />;
}

const healthLook: Record<DeviceSummary['health'], { label: string; color: ChipColor }> = {
  ok: { label: 'Healthy', color: 'success' },
  warning: { label: 'Warning', color: 'warning' },
  error: { label: 'Unhealthy', color: 'error' },
  unknown: { label: 'Unknown', color: 'default' },
};

export function HealthChip({ health }: { health: DeviceSummary['health'] }) {
  const look = healthLook[health] ?? healthLook.unknown;
  return <Chip label={look.label} color={look.color} variant="outlined" data-testid="device-health" data-health={health} />;
}

export const transportLabel: Record<DeviceSummary['transport'], string> = { lan: 'LAN', serial: 'USB serial', ssh: 'SSH', mqtt: 'MQTT' };

const phaseLook: Record<DeployDeviceProgress['phase'], { label: string; color: ChipColor; variant: 'filled' | 'outlined' }> = {
  queued: { label: 'Queued', color: 'default', variant: 'outlined' },
  upload: { label: 'Uploading', color: 'info', variant: 'outlined' },
  verify: { label: 'Verifying', color: 'info', variant: 'outlined' },
  activate: { label: 'Activating', color: 'info', variant: 'outlined' },
  'health-check': { label: 'Health check', color: 'info', variant: 'outlined' },
  trial: { label: 'On trial', color: 'warning', variant: 'filled' },
  confirmed: { label: 'Confirmed', color: 'success', variant: 'filled' },
  reverted: { label: 'Reverted', color: 'warning', variant: 'outlined' },
  failed: { label: 'Failed', color: 'error', variant: 'filled' },
};

export function DeployPhaseChip({ phase }: { phase: DeployDeviceProgress['phase'] }) {
  const look = phaseLook[phase] ?? { label: phase, color: 'default' as const, variant: 'outlined' as const };
  return <Chip label={look.label} color={look.color} variant={look.variant} data-testid="deploy-phase" data-phase={phase} />;
}

/** host:port, as the contract checks it. */
export const hostPortPattern = /^[A-Za-z0-9.\-:[\]]+:\d{1,5}$/;

/** "1 min 5 s" style for ETAs. */
export function formatEta(sec: number | null): string {
  if (sec === null || !Number.isFinite(sec)) return '–';
  const s = Math.max(0, Math.round(sec));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
}
