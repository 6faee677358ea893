import { Chip } from '@mui/material';
import type { AbInterval, AbState } from '../../../../electron/core/api/types.js';

export const variantColors = ['#4db6ff', '#ffb547', '#4cc98a', '#b39ddb', '#ff8a80', '#80deea', '#f48fb1', '#c5e1a5'];

const stateLook: Record<AbState, { label: string; color: 'info' | 'success' | 'error' | 'default' | 'primary' }> = {
  deploying: { label: 'Deploying', color: 'info' },
  running: { label: 'Collecting', color: 'success' },
  failed: { label: 'Failed', color: 'error' },
  stopped: { label: 'Stopped', color: 'default' },
  promoted: { label: 'Promoted', color: 'primary' },
};

export function AbStateChip({ state }: { state: AbState }) {
  const look = stateLook[state] ?? { label: state, color: 'default' as const };
  return <Chip label={look.label} color={look.color} variant="outlined" data-testid="ab-state" data-state={state} />;
}

export function SignificanceChip({ significant, testId }: { significant: boolean; testId?: string }) {
  return (
    <Chip
      label={significant ? 'Significant' : 'Not significant'}
      color={significant ? 'warning' : 'default'}
      variant={significant ? 'filled' : 'outlined'}
      data-testid={testId}
      data-significant={significant}
    />
  );
}

const num = (v: number | null, d = 1) => (v === null || !Number.isFinite(v) ? '—' : v.toFixed(d));

/** "12.3 ms (11.0–13.9)" */
export function formatInterval(i: AbInterval, unit = 'ms', d = 1): string {
  if (i.estimate === null) return '—';
  const ci = i.low !== null && i.high !== null ? ` (${num(i.low, d)} to ${num(i.high, d)})` : '';
  return `${num(i.estimate, d)} ${unit}${ci}`;
}

export const formatP = (p: number | null) => (p === null ? '—' : p < 0.001 ? 'p < 0.001' : `p = ${p.toFixed(3)}`);
export const formatRate = (r: number | null) => (r === null ? '—' : `${(r * 100).toFixed(2)} %`);
