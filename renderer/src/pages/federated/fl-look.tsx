import { Chip } from '@mui/material';
import type { FlPhase } from '../../../../electron/core/api/types.js';

const phaseLook: Record<FlPhase, { label: string; color: 'default' | 'info' | 'success' | 'warning' | 'error' }> = {
  selecting: { label: 'Selecting', color: 'info' },
  training: { label: 'Training', color: 'info' },
  'secagg-setup': { label: 'SecAgg: keys', color: 'info' },
  'secagg-share-keys': { label: 'SecAgg: shares', color: 'info' },
  'secagg-masked-input': { label: 'SecAgg: masked', color: 'info' },
  'secagg-unmask': { label: 'SecAgg: unmask', color: 'info' },
  aggregating: { label: 'Aggregating', color: 'info' },
  evaluating: { label: 'Evaluating', color: 'info' },
  registered: { label: 'Registered', color: 'success' },
  rejected: { label: 'Not better', color: 'warning' },
  failed: { label: 'Failed', color: 'error' },
  aborted: { label: 'Aborted', color: 'default' },
};

export const finishedPhases: readonly FlPhase[] = ['registered', 'rejected', 'failed', 'aborted'];

export function FlPhaseChip({ phase }: { phase: FlPhase }) {
  const l = phaseLook[phase];
  return <Chip size="small" label={l.label} color={l.color} variant={finishedPhases.includes(phase) ? 'filled' : 'outlined'} data-testid="fl-phase" data-phase={phase} />;
}

export const fmtLoss = (v: number | null) => (v === null ? '–' : v < 0.001 ? v.toExponential(2) : v.toFixed(4));

export function durationOf(from: string, to: string | null): string {
  const ms = Date.parse(to ?? new Date().toISOString()) - Date.parse(from);
  if (!Number.isFinite(ms) || ms < 0) return '–';
  return ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export const fmtEps = (x: number) => x.toPrecision(3);
